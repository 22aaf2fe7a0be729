import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReactPage } from './ReactPage';

export function mountReactPage(el: HTMLElement): () => void {
  const root = createRoot(el);
  // StrictMode on purpose: its double mount must not start a stream twice.
  root.render(
    <StrictMode>
      <ReactPage />
    </StrictMode>,
  );
  return () => root.unmount();
}
