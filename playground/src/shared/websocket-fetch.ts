// A `fetch` that carries one request over the mock server's WebSocket protocol (see
// packages/mock-server/src/ws.ts) and answers with an SSE response, so createStream's own SSE parsing,
// retries and Last-Event-ID resume run unchanged over a WebSocket. It stands in until core's
// `transport: 'websocket'` is implemented, and shows what an injected `fetch` can do.
//
// client -> server: {"type":"start","route":"/v1/chat/completions","body":{...},"lastEventId"?:"..."}
// server -> client: {"type":"event",event,data,id} | {"type":"heartbeat"} | {"type":"end"} | {"type":"error",status,...}

interface ServerMessage {
  type: 'event' | 'heartbeat' | 'end' | 'error';
  event?: string;
  data?: string;
  id?: string;
  status?: number;
  message?: string;
  body?: string;
  retryAfterMs?: number;
}

const encoder = new TextEncoder();

/** One WebSocket message as SSE text: multi-line data becomes several `data:` lines; no id, no `id:` line. */
function toSse(message: ServerMessage): string {
  if (message.type === 'heartbeat') return ': heartbeat\n\n';
  let out = message.event && message.event !== 'message' ? `event: ${message.event}\n` : '';
  for (const line of (message.data ?? '').split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  if (message.id) out += `id: ${message.id}\n`;
  return `${out}\n`;
}

function errorResponse(message: ServerMessage): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (message.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(message.retryAfterMs / 1000));
  return new Response(message.body ?? JSON.stringify({ error: { message: message.message ?? 'error' } }), {
    status: message.status ?? 500,
    headers,
  });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * `fetch(url, init)` for a POST to a mock route: opens `ws(s)://<host>/ws`, sends the start message (the JSON
 * body, and `Last-Event-ID` from the headers when resuming) and resolves with a `text/event-stream` response.
 * A socket that closes without the server's "end" errors the body, which createStream treats as a drop.
 */
export function websocketFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const wsUrl = new URL('/ws', url);
  wsUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const lastEventId = new Headers(init.headers).get('last-event-id') ?? undefined;
  const signal = init.signal ?? undefined;

  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    let body: unknown;
    try {
      body = typeof init.body === 'string' ? JSON.parse(init.body) : {};
    } catch {
      return reject(new TypeError('websocketFetch: the request body must be JSON text'));
    }
    const socket = new WebSocket(wsUrl);
    let stream: ReadableStreamDefaultController<Uint8Array> | null = null;
    let settled = false;
    let ended = false;

    const onAbort = () => {
      socket.close(1000, 'aborted');
      if (!settled) reject(abortError(signal!));
      else if (!ended) stream?.error(abortError(signal!));
      ended = true;
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'start', route: url.pathname + url.search, body, ...(lastEventId && { lastEventId }) }));
    });
    socket.addEventListener('message', (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as ServerMessage;
      if (!settled) {
        settled = true;
        if (message.type === 'error') {
          ended = true;
          return resolve(errorResponse(message));
        }
        const readable = new ReadableStream<Uint8Array>({
          start: (controller) => void (stream = controller),
          cancel: () => socket.close(1000, 'cancelled'),
        });
        resolve(new Response(readable, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
      }
      if (ended) return;
      if (message.type === 'end') {
        ended = true;
        stream?.close();
      } else if (message.type === 'error') {
        ended = true;
        stream?.error(new TypeError(`WebSocket stream error ${message.status ?? ''}: ${message.message ?? ''}`));
      } else stream?.enqueue(encoder.encode(toSse(message)));
    });
    socket.addEventListener('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(new TypeError('WebSocket closed before the stream began'));
      } else if (!ended) {
        ended = true;
        stream?.error(new TypeError('WebSocket closed before the stream ended'));
      }
    });
  });
}
