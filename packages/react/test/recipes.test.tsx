import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createMockFetch, mockAnswer, type MockServerOptions } from '@tokenstream/mock-server';
import { mockStreamHandlers } from '@tokenstream/mock-server/msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Chat } from './support/Chat';

// The README's "Testing your chat component" recipes, run as tests: each recipe once with the mock in process
// (`createMockFetch`, handed to the component) and once behind MSW (the page's own `fetch`, intercepted).

const url = 'http://api.test/v1/chat/completions';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

/** The mock for one test: a fetch to give the component (in process), or MSW handlers for the page's fetch. */
const mocks: [string, (options: MockServerOptions) => typeof fetch | undefined][] = [
  ['createMockFetch', (options) => createMockFetch(options)],
  ['MSW', (options) => void server.use(...mockStreamHandlers({ baseUrl: 'http://api.test', ...options }))],
];

function ask(prompt: string): void {
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: prompt } });
  fireEvent.click(screen.getByText('Send'));
}
const answer = () => screen.getByTestId('answer').textContent ?? '';
const status = () => screen.getByTestId('status').textContent;
/** The body the chat sends for one prompt (OpenAI Chat messages): what `mockAnswer` predicts from. */
const prompted = (prompt: string) => ({ messages: [{ role: 'user', content: prompt }] });

describe.each(mocks)('chat component with %s', (_, mock) => {
  it('shows the exact final text', async () => {
    render(<Chat url={url} fetch={mock({ length: 30 })} />);
    ask('Hello');
    await waitFor(() => expect(status()).toBe('done'));
    expect(answer()).toBe(mockAnswer(prompted('Hello'), { length: 30 }).text);
  });

  it('shows the text growing (fake timers, a paced mock)', async () => {
    vi.useFakeTimers();
    render(<Chat url={url} fetch={mock({ tokensPerSecond: 10, length: 20 })} />);
    ask('Hello');
    const full = mockAnswer(prompted('Hello'), { length: 20 }).text;
    await act(() => vi.advanceTimersByTimeAsync(500)); // about 5 tokens
    const early = answer();
    expect(early).not.toBe('');
    expect(full.startsWith(early) && early !== full).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(500));
    expect(answer().length).toBeGreaterThan(early.length);
    expect(full.startsWith(answer())).toBe(true);
    await act(() => vi.runAllTimersAsync()); // the rest at once
    expect(answer()).toBe(full);
    expect(status()).toBe('done');
  });

  it('Stop keeps the partial text, status aborted', async () => {
    vi.useFakeTimers();
    render(<Chat url={url} fetch={mock({ tokensPerSecond: 10, length: 20 })} />);
    ask('Hello');
    await act(() => vi.advanceTimersByTimeAsync(500));
    fireEvent.click(screen.getByText('Stop'));
    await act(() => vi.runAllTimersAsync());
    expect(status()).toBe('aborted');
    const kept = answer(); // what had arrived: a true beginning of the answer, and it stays
    expect(kept).not.toBe('');
    const full = mockAnswer(prompted('Hello'), { length: 20 }).text;
    expect(full.startsWith(kept) && kept !== full).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(answer()).toBe(kept);
  });

  it('resumes a dropped connection to the exact text', async () => {
    render(<Chat url={url} fetch={mock({ length: 40, dropAfterEvents: 10, faultAttempts: 1 })} retry={{ baseDelayMs: 1 }} />);
    ask('Hello');
    await waitFor(() => expect(status()).toBe('done'));
    expect(answer()).toBe(mockAnswer(prompted('Hello'), { length: 40 }).text);
    expect(screen.getByTestId('reconnects').textContent).toBe('1');
  });

  it('shows a 401 to the user', async () => {
    const onError = vi.fn();
    render(<Chat url={url} fetch={mock({ status: 401 })} onError={onError} />);
    ask('Hello');
    expect((await screen.findByRole('alert')).textContent).toBe('Please sign in again');
    expect(status()).toBe('error');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ kind: 'http', status: 401 }));
  });

  it('runs a client tool the answer calls, then shows the answer that follows', async () => {
    const weather = {
      description: 'Current weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      execute: vi.fn((input: unknown) => ({ ...(input as object), celsius: 21 })),
    };
    render(<Chat url={url} fetch={mock({})} tools={{ weather }} />);
    ask('What is the weather in Paris?'); // the mock calls every declared tool the prompt names
    await waitFor(() => expect(status()).toBe('done'));
    expect(weather.execute).toHaveBeenCalledOnce();
    expect(weather.execute.mock.calls[0][0]).toEqual({ city: 'Zürich' }); // the mock fills `city` with "Zürich"
    const toolResult = { role: 'tool', tool_call_id: 'any', content: JSON.stringify({ city: 'Zürich', celsius: 21 }) };
    expect(answer()).toBe(mockAnswer({ messages: [toolResult] }).text); // the mock answers the tool result
  });
});

// The README's copy of this file, from `import { act` to here, is checked below (not part of the recipe).
it('is in the README verbatim', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const source = readFileSync(import.meta.filename, 'utf8');
  const recipe = source.slice(source.indexOf('import { act'), source.indexOf('// The README\'s copy')).trim();
  expect(readme).toContain(recipe);
});
