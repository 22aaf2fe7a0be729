import { rejoinCount } from './chat-session';

// "Reload mid-answer" and "Open in a second tab": the two ways to see a running answer joined. Plain DOM, shared by
// the React and Vue pages (the chat id is in the URL, so both actions reach the same chat). The count says how many
// times this page joined an answer the server was still holding.

export function mountResumePanel(container: HTMLElement): void {
  const panel = document.createElement('div');
  panel.className = 'resume-demo';
  panel.setAttribute('role', 'group');
  panel.setAttribute('aria-label', 'Resume');

  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload mid-answer';
  reload.title = 'Reloads the page: the answer being generated goes on and is joined again';
  reload.addEventListener('click', () => location.reload());

  const secondTab = document.createElement('a');
  secondTab.textContent = 'Open in a second tab';
  secondTab.target = '_blank';
  secondTab.rel = 'noopener';
  // Read at click time: the URL carries the chat id (and the current page).
  const refresh = () => (secondTab.href = location.href);
  refresh();
  secondTab.addEventListener('pointerdown', refresh);
  secondTab.addEventListener('focus', refresh);

  const joined = document.createElement('output');
  joined.setAttribute('data-testid', 'rejoins');
  joined.setAttribute('aria-live', 'polite');
  const show = () => (joined.textContent = rejoinCount.get() === 0 ? '' : `Rejoined ×${rejoinCount.get()}`);
  show();
  rejoinCount.subscribe(show);

  panel.append(reload, secondTab, joined);
  container.append(panel);
}
