import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small real HTTP server with the resume semantics of the contract (shared/API.md, "Resume after reload"):
// POST {route} starts a generation named by the body's top-level `id` (a newer POST supersedes it); the generation
// goes on when the client leaves; GET {route}/{id}/stream replays it from its start (or after Last-Event-ID) and then
// follows it live, 204 when none exists; DELETE {route}/{id}/stream stops generating. OpenAI Chat SSE with event ids.

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Generation {
  number: number;
  frames: string[];
  produced: number;
  ended: boolean;
  followers: Set<ServerResponse>;
  timer: ReturnType<typeof setInterval> | undefined;
}

export interface ResumeTestServer {
  url: string;
  /** Generations started by POSTs (a join never starts one). */
  readonly generations: number;
  requests: RecordedRequest[];
  /** Tokens produced so far by the chat's current generation. */
  produced(chatId: string): number;
  ended(chatId: string): boolean;
  /** Cuts every connection following the chat's stream (a network drop); the generation goes on. */
  dropFollowers(chatId: string): void;
  close(): Promise<void>;
}

export function answerTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `t${i} `);
}

export async function startResumeTestServer(
  options: { route?: string; tokens?: string[]; intervalMs?: number } = {},
): Promise<ResumeTestServer> {
  const route = options.route ?? '/api/chat';
  const tokens = options.tokens ?? answerTokens(40);
  const intervalMs = options.intervalMs ?? 10;
  const generations = new Map<string, Generation>();
  const requests: RecordedRequest[] = [];
  let generationCount = 0;

  const frame = (generation: Generation, data: string) =>
    `id: ${generation.number}:${generation.frames.length}\ndata: ${data}\n\n`;

  function append(generation: Generation, data: string): void {
    const text = frame(generation, data);
    generation.frames.push(text);
    for (const follower of generation.followers) follower.write(text);
  }

  function end(generation: Generation): void {
    if (generation.ended) return;
    clearInterval(generation.timer);
    append(generation, JSON.stringify({ id: 'chatcmpl-resume', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    append(generation, '[DONE]');
    generation.ended = true;
    for (const follower of generation.followers) follower.end();
    generation.followers.clear();
  }

  function startGeneration(chatId: string): Generation {
    const previous = generations.get(chatId);
    if (previous) end(previous);
    const generation: Generation = {
      number: ++generationCount,
      frames: [],
      produced: 0,
      ended: false,
      followers: new Set(),
      timer: undefined,
    };
    generations.set(chatId, generation);
    generation.timer = setInterval(() => {
      if (generation.produced === tokens.length) return end(generation);
      const content = tokens[generation.produced++];
      append(generation, JSON.stringify({ id: 'chatcmpl-resume', choices: [{ index: 0, delta: { content } }] }));
    }, intervalMs);
    return generation;
  }

  function follow(generation: Generation, res: ServerResponse, after: number): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (const text of generation.frames.slice(after)) res.write(text);
    if (generation.ended) return void res.end();
    generation.followers.add(res);
    res.on('close', () => generation.followers.delete(res));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // kept as text
      }
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const streamMatch = path.startsWith(`${route}/`) && path.endsWith('/stream')
        ? decodeURIComponent(path.slice(route.length + 1, -'/stream'.length))
        : null;
      if (req.method === 'POST' && path === route) {
        const chatId = (body as { id?: unknown } | undefined)?.id;
        if (typeof chatId !== 'string') {
          res.writeHead(400, { 'content-type': 'application/json' });
          return void res.end('{"error":"the body names no chat id"}');
        }
        return follow(startGeneration(chatId), res, 0);
      }
      if (streamMatch !== null && req.method === 'GET') {
        const generation = generations.get(streamMatch);
        if (!generation) return void res.writeHead(204).end();
        const lastId = String(req.headers['last-event-id'] ?? '');
        const [number, seq] = lastId.split(':').map(Number);
        return follow(generation, res, number === generation.number ? seq + 1 : 0);
      }
      if (streamMatch !== null && req.method === 'DELETE') {
        const generation = generations.get(streamMatch);
        if (generation) end(generation);
        return void res.writeHead(204).end();
      }
      if (path === '/spa') {
        // An app's SPA fallback answering every unknown GET with its index page.
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="app"></div>');
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get generations() {
      return generationCount;
    },
    requests,
    produced: (chatId) => generations.get(chatId)?.produced ?? 0,
    ended: (chatId) => generations.get(chatId)?.ended ?? false,
    dropFollowers(chatId) {
      const generation = generations.get(chatId);
      for (const follower of generation?.followers ?? []) follower.destroy();
      generation?.followers.clear();
    },
    async close() {
      for (const generation of generations.values()) end(generation);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
