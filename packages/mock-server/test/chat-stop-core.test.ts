// End to end with core's createChat, over real HTTP on 127.0.0.1: tab 1 sends and presses Stop (DELETE), tab 2
// follows the same chat (GET join). Tab 2 must end on the mock's stopped event after its one request, never retry
// it as a drop. (Test-only import of core: the mock writes its events on its own, core reads them on its own.)
import {
  createChat,
  prepareAGUIBody,
  prepareAISDKBody,
  prepareAnthropicBody,
  prepareGeminiBody,
  prepareOllamaBody,
  prepareOpenAIChatBody,
  prepareOpenAIResponsesBody,
  type ChatController,
  type ChatMessage,
  type ChatOptions,
  type ChatSnapshot,
  type PrepareBodyContext,
  type ProviderName,
} from '@tokenstream/core';
import { describe, expect, it, vi } from 'vitest';
import { useMockServer } from './helpers';

const ctx = useMockServer();

/** Long and slow enough to be stopped halfway. */
const MOCK = { length: 2000, tokensPerSecond: 200 };
const GEMINI = '/v1beta/models/gemini-2.0-flash:streamGenerateContent';

/** What the following tab shows once the answer was stopped. */
type Shown =
  | { status: 'aborted' }
  | { status: 'error'; code: string | undefined }
  | { status: 'done'; finishReason: string };

interface Case {
  provider: ProviderName;
  route: string;
  /** The POST's query, if the route needs one. */
  query?: string;
  body(messages: ChatMessage[], ctx: PrepareBodyContext): Record<string, unknown>;
  shown: Shown;
}

/** A stop shown as a stop: core reads the in-band error coded `cancelled` as the relay's "stopped on request". */
const STOPPED: Shown = { status: 'aborted' };

const jsonBody = (messages: ChatMessage[]) => ({ messages: messages.map((m) => ({ role: m.role, content: m.text })) });

// Every error form says 'cancelled' (Gemini as google.rpc's CANCELLED; Anthropic and Ollama in the relay's extra
// `code` field, see packages/interop/test/mock-stop-vs-relay.test.ts), so core shows a stop. AI SDK's own `abort` chunk ends the answer 'done'
// with finishReason 'abort'.
const CASES: Array<[string, Case]> = [
  ['OpenAI Chat', { provider: 'openai', route: '/v1/chat/completions', body: prepareOpenAIChatBody, shown: STOPPED }],
  ['OpenAI Responses', { provider: 'openai-responses', route: '/v1/responses', body: prepareOpenAIResponsesBody, shown: STOPPED }],
  ['Anthropic', { provider: 'anthropic', route: '/v1/messages', body: prepareAnthropicBody, shown: STOPPED }],
  ['Gemini', { provider: 'gemini', route: GEMINI, query: '?alt=sse', body: prepareGeminiBody, shown: STOPPED }],
  ['Ollama', { provider: 'ollama', route: '/api/chat', body: prepareOllamaBody, shown: STOPPED }],
  ['AI SDK UI message stream', { provider: 'ai-sdk', route: '/ai-sdk/chat', body: prepareAISDKBody, shown: { status: 'done', finishReason: 'abort' } }],
  ['AG-UI', { provider: 'ag-ui', route: '/ag-ui/run', body: prepareAGUIBody, shown: STOPPED }],
  ['plain JSON', { provider: 'json', route: '/json/chat', body: jsonBody, shown: STOPPED }],
];

function options(c: Case, id: string, fetchImpl: typeof fetch = fetch): ChatOptions {
  return {
    url: `${ctx.server.url}${c.route}${c.query ?? ''}`,
    provider: c.provider,
    throttle: 0,
    id,
    resume: { url: `${ctx.server.url}${c.route}/${id}/stream` },
    fetch: fetchImpl,
    prepareBody: (messages, bodyCtx) => ({ ...c.body(messages, bodyCtx), id: bodyCtx.id, mock: MOCK }),
  };
}

const lastText = (chat: ChatController) => {
  const last = chat.getSnapshot().messages.at(-1);
  return last?.role === 'assistant' ? last.text : '';
};

/** A fetch that writes down every request it makes. */
function countingFetch(requests: string[]): typeof fetch {
  return (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    requests.push(`${method} ${input instanceof Request ? input.url : String(input)}`);
    return fetch(input, init);
  };
}

/** Tab 1 sends, tab 2 joins and follows, tab 1 presses Stop: both final snapshots, and tab 2's requests. */
async function stopWhileFollowed(c: Case, id: string): Promise<{ one: ChatSnapshot; two: ChatSnapshot; requests: string[] }> {
  const tab1 = createChat(options(c, id));
  const sent = tab1.send('stop us');
  await vi.waitFor(() => expect(lastText(tab1).length).toBeGreaterThan(10), { timeout: 8000 });
  const requests: string[] = [];
  const tab2 = createChat(options(c, id, countingFetch(requests)));
  const joined = tab2.join();
  await vi.waitFor(() => expect(lastText(tab2).length).toBeGreaterThan(10), { timeout: 8000 });
  tab1.stop();
  const [one, two] = await Promise.all([sent, joined]);
  return { one, two, requests };
}

/** The part of a snapshot that says how the answer ended. */
function shownBy(snapshot: ChatSnapshot): Shown {
  const last = snapshot.messages.at(-1);
  expect(last?.role).toBe('assistant');
  expect(last?.status).toBe(snapshot.status);
  if (snapshot.status === 'error') {
    expect(snapshot.error?.kind).toBe('provider');
    expect(snapshot.error?.message).toContain('The stream was cancelled');
    return { status: 'error', code: snapshot.error?.code };
  }
  expect(snapshot.error).toBeNull();
  if (snapshot.status === 'done') return { status: 'done', finishReason: String(last?.finishReason) };
  return { status: snapshot.status as 'aborted' };
}

describe('createChat: Stop in one tab ends the answer in a tab following it, without a retry', () => {
  it.each(CASES)('%s', async (_name, c) => {
    const id = `e2e-${c.provider}`;
    const joinUrl = `${ctx.server.url}${c.route}/${id}/stream`;
    const { one, two, requests } = await stopWhileFollowed(c, id);
    expect(one.status).toBe('aborted');
    expect(requests).toEqual([`GET ${joinUrl}`]); // one request: the end was read as an end, not a drop
    expect(shownBy(two)).toEqual(c.shown);
    const followed = two.messages.at(-1)!.text;
    expect(followed.startsWith(one.messages.at(-1)!.text)).toBe(true); // it read on until the server stopped
    expect(followed.length).toBeGreaterThan(10);

    // A reload after the stop joins the stopped stream: the same text, the same end, one request.
    const lateRequests: string[] = [];
    const late = await createChat(options(c, id, countingFetch(lateRequests))).join();
    expect(lateRequests).toEqual([`GET ${joinUrl}`]);
    expect(shownBy(late)).toEqual(c.shown);
    expect(late.messages.at(-1)!.text).toBe(followed);
  });
});
