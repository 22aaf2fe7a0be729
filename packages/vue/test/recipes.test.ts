import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMockFetch, mockAnswer, type MockServerOptions } from '@tokenstream/mock-server';
import { mockStreamHandlers } from '@tokenstream/mock-server/msw';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Chat } from './support/Chat';

// The README's "Testing your chat component" recipes, run as tests: each recipe once with the mock in process
// (`createMockFetch`, handed to the component) and once behind MSW (the page's own `fetch`, intercepted).

const url = 'http://api.test/v1/chat/completions';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

/** The mock for one test: a fetch to give the component (in process), or MSW handlers for the page's fetch. */
const mocks: [string, (options: MockServerOptions) => typeof fetch | undefined][] = [
  ['createMockFetch', (options) => createMockFetch(options)],
  ['MSW', (options) => void server.use(...mockStreamHandlers({ baseUrl: 'http://api.test', ...options }))],
];

async function ask(w: VueWrapper, prompt: string): Promise<void> {
  await w.get('textarea').setValue(prompt);
  await w.get('button').trigger('click');
}
const answer = (w: VueWrapper) => w.get('[data-testid=answer]').text();
const status = (w: VueWrapper) => w.get('[data-testid=status]').text();
/** The body the chat sends for one prompt (OpenAI Chat messages): what `mockAnswer` predicts from. */
const prompted = (prompt: string) => ({ messages: [{ role: 'user', content: prompt }] });

describe.each(mocks)('chat component with %s', (_, mock) => {
  it('shows the exact final text', async () => {
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch: mock({ length: 30 }) } } }));
    await ask(w, 'Hello');
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(answer(w)).toBe(mockAnswer(prompted('Hello'), { length: 30 }).text);
  });

  it('shows the text growing (fake timers, a paced mock)', async () => {
    vi.useFakeTimers();
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch: mock({ tokensPerSecond: 10, length: 20 }) } } }));
    await ask(w, 'Hello');
    const full = mockAnswer(prompted('Hello'), { length: 20 }).text;
    await vi.advanceTimersByTimeAsync(500); // about 5 tokens
    const early = answer(w);
    expect(early).not.toBe('');
    expect(full.startsWith(early) && early !== full).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(answer(w).length).toBeGreaterThan(early.length);
    expect(full.startsWith(answer(w))).toBe(true);
    await vi.runAllTimersAsync(); // the rest at once
    expect(answer(w)).toBe(full);
    expect(status(w)).toBe('done');
  });

  it('Stop keeps the partial text, status aborted', async () => {
    vi.useFakeTimers();
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch: mock({ tokensPerSecond: 10, length: 20 }) } } }));
    await ask(w, 'Hello');
    await vi.advanceTimersByTimeAsync(500);
    await w.get('button').trigger('click'); // Stop
    await vi.runAllTimersAsync();
    expect(status(w)).toBe('aborted');
    const kept = answer(w); // what had arrived: a true beginning of the answer, and it stays
    expect(kept).not.toBe('');
    const full = mockAnswer(prompted('Hello'), { length: 20 }).text;
    expect(full.startsWith(kept) && kept !== full).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(answer(w)).toBe(kept);
  });

  it('resumes a dropped connection to the exact text', async () => {
    const fetch = mock({ length: 40, dropAfterEvents: 10, faultAttempts: 1 });
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch, retry: { baseDelayMs: 1 } } } }));
    await ask(w, 'Hello');
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(answer(w)).toBe(mockAnswer(prompted('Hello'), { length: 40 }).text);
    expect(w.get('[data-testid=reconnects]').text()).toBe('1');
  });

  it('shows a 401 to the user', async () => {
    const onError = vi.fn();
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch: mock({ status: 401 }), onError } } }));
    await ask(w, 'Hello');
    await vi.waitFor(() => expect(w.find('[role=alert]').text()).toBe('Please sign in again'));
    expect(status(w)).toBe('error');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ kind: 'http', status: 401 }));
  });

  it('runs a client tool the answer calls, then shows the answer that follows', async () => {
    const weather = {
      description: 'Current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      execute: vi.fn((input: unknown) => ({ ...(input as object), celsius: 21 })),
    };
    const w = (wrapper = mount(Chat, { props: { options: { url, fetch: mock({}), tools: { weather } } } }));
    await ask(w, 'What is the weather in Paris?'); // the mock calls every declared tool the prompt names
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    await flushPromises();
    expect(weather.execute).toHaveBeenCalledOnce();
    expect(weather.execute.mock.calls[0][0]).toEqual({ city: 'Zürich' }); // the mock fills `city` with "Zürich"
    const toolResult = { role: 'tool', tool_call_id: 'any', content: JSON.stringify({ city: 'Zürich', celsius: 21 }) };
    expect(answer(w)).toBe(mockAnswer({ messages: [toolResult] }).text); // the mock answers the tool result
  });
});

// The README's copy of this file, from `import { createMockFetch` to here, is checked below (not part of the recipe).
it('is in the README verbatim', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const source = readFileSync(import.meta.filename, 'utf8');
  const recipe = source.slice(source.indexOf('import { createMockFetch'), source.indexOf('// The README\'s copy')).trim();
  expect(readme).toContain(recipe);
});
