import { StreamError } from '../errors';
import type { RawEvent, WebSocketConstructorLike, WebSocketEventLike, WebSocketLike } from '../types';

// One stream attempt over the mock-server / relay WebSocket protocol:
//   client -> {"type":"start","route":"/v1/chat/completions","body":{...},"lastEventId"?:"<id>"}
//   server -> {"type":"event","event":"message","data":"...","id":"..."} per event, {"type":"heartbeat"} when idle,
//             {"type":"end"} when the stream finished, {"type":"error","status":429,"message":"...",
//             "body"?:"...","retryAfterMs"?:1000} instead of an HTTP error response.
// A close before "end" is a drop (kind 'network', retryable); the retry/resume loop lives in stream.ts.

export interface WebSocketAttemptOptions {
  /** ws:// or wss:// */
  url: string;
  /** The request body (already an object or string), sent in the start message. */
  body: unknown;
  /** Route for the mock protocol; default: the URL's path (and query). */
  route?: string;
  /** '' when none. */
  lastEventId: string;
  WebSocket: WebSocketConstructorLike;
  /** Abort closes the socket and removes the listeners. */
  signal: AbortSignal;
  /** Each server event, in order. */
  onEvent(e: RawEvent): void;
  /** Bytes received (for the idle timeout and metrics). */
  onBytes(n: number): void;
  /** A larger message rejects with StreamError('overflow'). */
  maxEventBytes: number;
}

const OPEN = 1;
const CLOSING = 2;

/** UTF-8 length of a string without encoding it. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Message text and its size in bytes; null for payloads this protocol never sends (Blob). */
function messageText(data: unknown): { text: string; bytes: number } | null {
  if (typeof data === 'string') return { text: data, bytes: utf8Length(data) };
  if (data instanceof ArrayBuffer) return { text: new TextDecoder().decode(data), bytes: data.byteLength };
  if (ArrayBuffer.isView(data)) {
    return { text: new TextDecoder().decode(data), bytes: data.byteLength };
  }
  return null;
}

function routeOf(o: WebSocketAttemptOptions): string {
  if (o.route !== undefined) return o.route;
  const url = new URL(o.url);
  return url.pathname + url.search;
}

type ServerMessage = Record<string, unknown>;

/**
 * Resolves when the server signalled the end; rejects with a StreamError: 'network' on an abnormal close or drop
 * (retryable), 'http' with status for a server error message, 'overflow', 'parse' for a message that is not the
 * protocol's JSON, 'aborted' when the signal fired.
 */
export function runWebSocketAttempt(o: WebSocketAttemptOptions): Promise<void> {
  if (o.signal.aborted) return Promise.reject(new StreamError('aborted', 'The stream was stopped'));
  return new Promise<void>((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = new o.WebSocket(o.url);
    } catch (cause) {
      reject(new StreamError('network', 'The WebSocket could not be opened', { cause }));
      return;
    }
    let settled = false;

    const swallow = () => undefined;
    const cleanup = () => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('message', onMessage);
      socket.removeEventListener('close', onClose);
      socket.removeEventListener('error', onError);
      o.signal.removeEventListener('abort', onAbort);
      if (socket.readyState < CLOSING) {
        // Node's `ws` reports closing a still-connecting socket as an 'error' event, which must have a listener.
        socket.addEventListener('error', swallow);
        socket.close(1000);
      }
    };
    const finish = (error?: StreamError) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (error) reject(error);
      else resolve();
    };

    function onOpen() {
      const start: Record<string, unknown> = { type: 'start', route: routeOf(o), body: o.body };
      if (o.lastEventId !== '') start.lastEventId = o.lastEventId;
      try {
        socket.send(JSON.stringify(start));
      } catch (cause) {
        finish(new StreamError('network', 'The WebSocket start message could not be sent', { cause }));
      }
    }

    function onMessage(ev: WebSocketEventLike) {
      if (settled) return;
      const payload = messageText(ev.data);
      if (payload === null) return finish(new StreamError('parse', 'The server sent a binary WebSocket message'));
      o.onBytes(payload.bytes);
      if (payload.bytes > o.maxEventBytes) {
        return finish(new StreamError('overflow', `A WebSocket message of ${payload.bytes} bytes exceeds maxEventBytes (${o.maxEventBytes})`));
      }
      let message: ServerMessage;
      try {
        const parsed: unknown = JSON.parse(payload.text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
        message = parsed as ServerMessage;
      } catch (cause) {
        return finish(new StreamError('parse', 'The server sent a WebSocket message that is not protocol JSON', { cause, body: payload.text }));
      }
      switch (message.type) {
        case 'event': {
          if (typeof message.data !== 'string') {
            return finish(new StreamError('parse', 'A WebSocket event message has no string "data"', { body: payload.text }));
          }
          const event: RawEvent = {
            event: typeof message.event === 'string' && message.event !== '' ? message.event : 'message',
            data: message.data,
            id: typeof message.id === 'string' ? message.id : '',
          };
          try {
            o.onEvent(event);
          } catch (error) {
            finish(error instanceof StreamError ? error : new StreamError('parse', String(error), { cause: error }));
          }
          return;
        }
        case 'end':
          return finish();
        case 'error': {
          const status = typeof message.status === 'number' ? message.status : undefined;
          const text = typeof message.message === 'string' ? message.message : 'The server reported an error';
          const init: ConstructorParameters<typeof StreamError>[2] = {};
          if (status !== undefined) init.status = status;
          if (typeof message.retryAfterMs === 'number') init.retryAfterMs = message.retryAfterMs;
          init.body = typeof message.body === 'string' ? message.body : text;
          return finish(new StreamError('http', status === undefined ? text : `HTTP ${status}: ${text}`, init));
        }
        default:
          return; // heartbeat and future message types: the bytes already counted as liveness
      }
    }

    function onClose(ev: WebSocketEventLike) {
      const detail = ev.code === undefined ? '' : ` (code ${ev.code}${ev.reason ? `, ${ev.reason}` : ''})`;
      finish(new StreamError('network', `The WebSocket closed before the stream ended${detail}`));
    }

    function onError() {
      finish(new StreamError('network', 'The WebSocket failed'));
    }

    function onAbort() {
      finish(new StreamError('aborted', 'The stream was stopped'));
    }

    socket.addEventListener('open', onOpen);
    socket.addEventListener('message', onMessage);
    socket.addEventListener('close', onClose);
    socket.addEventListener('error', onError);
    o.signal.addEventListener('abort', onAbort, { once: true });
    if (socket.readyState === OPEN) onOpen();
  });
}
