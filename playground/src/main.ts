import { chatSessionId } from './shared/chat-session';
import { mountResumePanel } from './shared/resume-panel';
import { settingsStore } from './shared/settings';
import { mountSettingsPanel } from './shared/settings-panel';
import './styles.css';

// Hash routes #/react and #/vue: one page mounted at a time into <main>; leaving a page unmounts it,
// which stops its stream. Each page's framework is loaded only when that page is shown (the Vue page
// must not download React, nor the other way round).

type PageName = 'react' | 'vue';
type MountPage = (el: HTMLElement) => () => void;
const LOAD: Record<PageName, () => Promise<MountPage>> = {
  react: () => import('./react/mount').then((m) => m.mountReactPage),
  vue: () => import('./vue/mount').then((m) => m.mountVuePage),
};

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
  // The unmount is known once the page's module has loaded; a route change before that cancels the mount.
  const page: { name: PageName; unmount: () => void } = { name, unmount: () => {} };
  current = page;
  void LOAD[name]().then((mount) => {
    if (current === page) page.unmount = mount(main);
  });
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-page]')) {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `tokenstream playground — ${name === 'react' ? 'React' : 'Vue'}`;
}

window.addEventListener('hashchange', route);
route();
