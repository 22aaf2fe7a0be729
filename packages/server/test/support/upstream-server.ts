import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake provider does on its next call(s). Wire formats follow the providers' documentation. */
export interface UpstreamScenario {
  format?: 'openai' | 'anthropic' | 'ollama' | 'text';
  tokens?: string[];
  /** Send this many tokens, then wait for `release()`. */
  holdAfter?: number;
  /** Answer with this HTTP status and `errorBody` instead of a stream. */
  status?: number;
  errorBody?: string;
  /** Destroy the socket after this many tokens (a mid-stream drop). */
  dropAfter?: number;
  /** Overrides the content-type of a stream. */
  contentType?: string;
}

export type CallOutcome = 'complete' | 'dropped' | 'aborted-by-client';

export interface UpstreamCall {
  body: string;
  headers: IncomingMessage['headers'];
  /** Tokens written before the call ended. */
  written: number;
  outcome: Promise<CallOutcome>;
}

export interface UpstreamServer {
  url: string;
  calls: UpstreamCall[];
  /** Resolves with the i-th call (0-based) once it arrived. */
  callAt(index: number): Promise<UpstreamCall>;
  /** Sets what the next calls do (and re-arms the hold). */
  set(scenario: UpstreamScenario): void;
  /** Lets held streams (holdAfter) continue; stays released until the next `set`. */
  release(): void;
  close(): Promise<void>;
}

const CREATED = 1_700_000_000;

function openAiChunk(delta: object, finishReason: string | null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: CREATED, model: 'gpt-test',
    choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}

function anthropicEvent(type: string, body: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
}

function ollamaLine(content: string, done: boolean): string {
  return `${JSON.stringify({ model: 'llama-test', created_at: '2026-01-01T00:00:00Z',
    message: { role: 'assistant', content }, done, ...(done ? { done_reason: 'stop' } : {}) })}\n`;
}

function framing(format: NonNullable<UpstreamScenario['format']>) {
  switch (format) {
    case 'anthropic':
      return {
        contentType: 'text/event-stream',
        head: anthropicEvent('message_start', { message: { id: 'msg_test', type: 'message', role: 'assistant', content: [],
          model: 'claude-test', usage: { input_tokens: 5, output_tokens: 0 } } })
          + anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        token: (t: string) => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } }),
        tail: anthropicEvent('content_block_stop', { index: 0 })
          + anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } })
          + anthropicEvent('message_stop', {}),
      };
    case 'ollama':
      return { contentType: 'application/x-ndjson', head: '', token: (t: string) => ollamaLine(t, false), tail: ollamaLine('', true) };
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', head: '', token: (t: string) => t, tail: '' };
    default:
      return {
        contentType: 'text/event-stream',
        head: openAiChunk({ role: 'assistant', content: '' }, null),
        token: (t: string) => openAiChunk({ content: t }, null),
        tail: `${openAiChunk({}, 'stop')}data: [DONE]\n\n`,
      };
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once the text reached the socket (so a later destroy() cannot swallow it), or the socket is gone. */
function write(res: ServerResponse, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.on('close', done);
    res.write(text, done);
  });
}

/** A real HTTP server that streams like an LLM provider, with the faults the relay has to turn into events. */
export async function startUpstream(): Promise<UpstreamServer> {
  let gate = deferred();
  let current: UpstreamScenario = {};
  const calls: UpstreamCall[] = [];
  const callWaiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const scenario = current;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    let resolveOutcome: (outcome: CallOutcome) => void = () => {};
    const call: UpstreamCall = {
      body: '',
      headers: req.headers,
      written: 0,
      outcome: new Promise((resolve) => {
        resolveOutcome = resolve;
      }),
    };
    calls.push(call);
    for (const waiter of [...callWaiters]) waiter();
    let finished = false;
    res.on('close', () => {
      if (!finished) resolveOutcome('aborted-by-client');
    });

    req.on('end', async () => {
      call.body = Buffer.concat(chunks).toString('utf8');
      if (scenario.status !== undefined) {
        finished = true;
        res.writeHead(scenario.status, { 'content-type': 'application/json' });
        res.end(scenario.errorBody ?? '');
        resolveOutcome('complete');
        return;
      }
      const format = framing(scenario.format ?? 'openai');
      const tokens = scenario.tokens ?? ['Hello', ', ', 'world', '!'];
      res.writeHead(200, { 'content-type': scenario.contentType ?? format.contentType, 'cache-control': 'no-cache' });
      await write(res, format.head);
      for (let i = 0; i < tokens.length; i++) {
        if (res.destroyed) return;
        if (i === scenario.dropAfter) {
          finished = true;
          resolveOutcome('dropped');
          res.destroy();
          return;
        }
        if (i === scenario.holdAfter) await gate.promise;
        if (res.destroyed) return;
        await write(res, format.token(tokens[i]));
        call.written++;
      }
      if (res.destroyed) return;
      await write(res, format.tail);
      finished = true;
      res.end(() => resolveOutcome('complete'));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream: UpstreamServer = {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    calls,
    callAt(index) {
      return new Promise((resolve) => {
        const check = () => {
          if (calls.length <= index) return;
          callWaiters.delete(check);
          resolve(calls[index]);
        };
        callWaiters.add(check);
        check();
      });
    },
    set(scenario) {
      gate.resolve();
      gate = deferred();
      current = scenario;
    },
    release() {
      gate.resolve();
    },
    close: () => new Promise((resolve) => {
      gate.resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return upstream;
}
