import { AIMessageChunk } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import { type StreamOptions, type StreamSnapshot, createStream } from '@tokenstream/core';
import langgraph from '@tokenstream/core/providers/langgraph';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type WebResponseServer, serveWebResponse } from './serve-web-response';

// A real LangGraph.js agent (StateGraph + prebuilt ToolNode) over fake chat models from @langchain/core: the
// first model turn calls a tool, the second answers in three tokens. Its `graph.stream()` output is written as the
// LangGraph server frames it (`event: metadata` {run_id, attempt}, `event: <mode>` + JSON data, `event: end` with
// `data: null`), in two encodings of the messages: JSON.stringify of the JS objects (what a route writing its own
// SSE sends) and the plain dicts a LangGraph server sends (`{type, content, ...}`).

const ANSWER = 'It is 21°C in Paris — sunny ☀.';

function buildGraph() {
  const weather = tool(async ({ city }: { city: string }) => `21°C in ${city}`, {
    name: 'weather',
    description: 'Current weather of a city',
    schema: z.object({ city: z.string() }),
  });
  let turn = 0;
  const agent = async (state: typeof MessagesAnnotation.State) => {
    const chunks =
      turn++ === 0
        ? [new AIMessageChunk({ content: '', tool_calls: [{ id: 'call_1', name: 'weather', args: { city: 'Paris' } }] })]
        : ['It is 21°C ', 'in Paris — ', 'sunny ☀.'].map((content) => new AIMessageChunk({ content }));
    // stream() and concat, so that the fake model streams whatever the stream mode (its invoke() without a
    // streaming handler echoes the prompt instead).
    let message: AIMessageChunk | undefined;
    for await (const chunk of await new FakeStreamingChatModel({ sleep: 0, chunks }).stream(state.messages)) {
      message = message ? message.concat(chunk) : chunk;
    }
    return { messages: message ? [message] : [] };
  };
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', agent)
    .addNode('tools', new ToolNode([weather]))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', toolsCondition)
    .addEdge('tools', 'agent')
    .compile();
}

/** The plain-dict encoding of LangChain messages ({type: 'AIMessageChunk' | 'ai' | 'tool' | 'human', ...fields}). */
function asDicts(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const lc = item as { lc?: number; type?: string; id?: unknown; kwargs?: Record<string, unknown> };
    if (lc.lc !== 1 || lc.type !== 'constructor' || !Array.isArray(lc.id) || !lc.kwargs) return item;
    const className = String(lc.id[lc.id.length - 1]);
    const type = { AIMessage: 'ai', HumanMessage: 'human', ToolMessage: 'tool' }[className] ?? className;
    return { ...lc.kwargs, type };
  });
}

type Modes = Array<'messages' | 'values' | 'updates'>;

function langGraphResponse(modes: Modes, encoding: 'js' | 'dicts'): Response {
  const encoder = new TextEncoder();
  const encode = encoding === 'js' ? (value: unknown) => JSON.stringify(value) : (value: unknown) => JSON.stringify(asDicts(value));
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (event: string, data: string) => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${data}\n\n`));
      write('metadata', JSON.stringify({ run_id: '1ef4a9b8-d7da-679a-a45a-872054341df2', attempt: 1 }));
      const input = { messages: [{ role: 'user', content: 'Weather in Paris?' }] };
      for await (const [mode, payload] of await buildGraph().stream(input, { streamMode: modes })) {
        write(mode as string, encode(payload));
      }
      write('end', 'null');
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

let server: WebResponseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function read(modes: Modes, encoding: 'js' | 'dicts', provider: StreamOptions['provider'], byteByByte: boolean): Promise<StreamSnapshot> {
  server = await serveWebResponse(() => langGraphResponse(modes, encoding), { byteByByte });
  return createStream({ url: server.url, body: {}, provider, throttle: 0, retry: false }).start();
}

const cases = (
  [
    [['messages', 'values'], 'js'],
    [['messages', 'values'], 'dicts'],
    [['messages', 'updates'], 'dicts'],
    [['values'], 'js'],
    [['updates'], 'dicts'],
  ] as const
).flatMap(([modes, encoding]) =>
  (['auto', 'adapter object'] as const).flatMap((provider) =>
    (['whole', 'one byte per write'] as const).map((split) => [modes.join('+'), encoding, provider, split] as const),
  ),
);

describe('LangGraph.js agent streams (real @langchain/langgraph)', () => {
  it.each(cases)('stream modes %s, %s encoding, provider %s, %s: the answer once, the tool call with its result, done', async (modes, encoding, provider, split) => {
    const snapshot = await read(modes.split('+') as Modes, encoding, provider === 'auto' ? 'auto' : langgraph(), split !== 'whole');
    expect(snapshot.error).toBeNull();
    expect(snapshot.status).toBe('done');
    expect(snapshot.text).toBe(ANSWER);
    expect(snapshot.id).toBe('1ef4a9b8-d7da-679a-a45a-872054341df2');
    expect(snapshot.toolCalls).toHaveLength(1);
    expect(snapshot.toolCalls[0]).toMatchObject({ id: 'call_1', name: 'weather', input: { city: 'Paris' }, complete: true, output: '21°C in Paris' });
  });
});
