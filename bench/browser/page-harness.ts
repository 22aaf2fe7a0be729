// What every benchmark page exposes to the driver (render.bench.ts) through `window.__bench`.

export interface BenchPage {
  /** Mounts the contender; its stream starts on mount. */
  start(): void;
  /** Render-function calls of the component that shows the answer. */
  renders: number;
  /** performance.now() at start() and when the answer was complete in the DOM. */
  startedAt: number;
  finishedAt: number | null;
  /** Epoch ms (timeOrigin + now) when the output element first showed text. */
  firstTextAt: number | null;
  /** Length of the text shown at the end. */
  finalLength: number;
  error: string | null;
}

declare global {
  interface Window {
    __bench: BenchPage;
  }
}

const params = new URLSearchParams(location.search);
export const contender = params.get('c') ?? '';
/** Where the paced stream is served: OpenAI Chat SSE or the AI SDK UI message stream. */
export const streamUrl = (wire: 'openai' | 'ui') => `/stream/${wire}${location.search}`;
const expectedLength = Number(params.get('len') ?? '0');

export function createHarness(mount: (root: HTMLElement) => void): BenchPage {
  const root = document.getElementById('root') as HTMLElement;
  const page: BenchPage = {
    renders: 0,
    startedAt: 0,
    finishedAt: null,
    firstTextAt: null,
    finalLength: 0,
    error: null,
    start() {
      page.startedAt = performance.now();
      mount(root);
    },
  };
  // The first text and the end are seen as DOM mutations, whoever caused them.
  new MutationObserver(() => {
    const out = document.getElementById('out');
    const length = out?.textContent?.length ?? 0;
    if (length > 0 && page.firstTextAt === null) page.firstTextAt = performance.timeOrigin + performance.now();
    if (page.finishedAt === null && expectedLength > 0 && length >= expectedLength) {
      page.finishedAt = performance.now();
      page.finalLength = length;
    }
  }).observe(root, { subtree: true, childList: true, characterData: true });
  window.__bench = page;
  return page;
}

export function reportError(error: unknown): void {
  window.__bench.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
