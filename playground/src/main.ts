import { mountReactPage } from './react/mount';
import { chatSessionId } from './shared/chat-session';
import { mountResumePanel } from './shared/resume-panel';
import { settingsStore } from './shared/settings';
import { mountSettingsPanel } from './shared/settings-panel';
import { mountVuePage } from './vue/mount';
import './styles.css';

// Hash routes #/react and #/vue: one page mounted at a time into <main>; leaving a page unmounts it,
// which stops its stream.

type PageName = 'react' | 'vue';
const MOUNT: Record<PageName, (el: HTMLElement) => () => void> = { react: mountReactPage, vue: mountVuePage };

const main = document.getElementById('page')!;
mountSettingsPanel(document.getElementById('settings')!, settingsStore);
chatSessionId(); // the chat id goes into the URL at once: a reload or a second tab opens the same chat
mountResumePanel(document.querySelector('header.top')!);

let current: { name: PageName; unmount: () => void } | null = null;

function pageFromHash(): PageName | null {
  const name = location.hash.replace(/^#\/?/, '');
  return name === 'react' || name === 'vue' ? name : null;
}

function route(): void {
  const name = pageFromHash();
  if (name === null) {
    location.replace('#/react');
    return;
  }
  if (current?.name === name) return;
  current?.unmount();
  main.replaceChildren();
  current = { name, unmount: MOUNT[name](main) };
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `tokenstream playground — ${name === 'react' ? 'React' : 'Vue'}`;
}

window.addEventListener('hashchange', route);
route();
