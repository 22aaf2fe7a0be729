import type { StreamError } from './errors';

// The public model of @tokenstream/core (see shared/API.md). Names here are a contract: extend, never rename.

export type ProviderName =
  | 'openai'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'ollama'
  /** Vercel AI SDK UI message stream v1, and its older data stream (`0:"text"` lines). */
  | 'ai-sdk'
  /** AG-UI events over SSE or NDJSON (TanStack AI, CopilotKit, Microsoft Agent Framework...). */
  | 'ag-ui'
  /** LangGraph platform SSE (messages / messages-tuple, values, updates, metadata, error, end). */
  | 'langgraph'
  /** LangChain HttpResponseOutputParser / LangServe (`event: data`, `event: end` without data). */
  | 'langchain'
  /** Hand-written backends: {content|text|delta|token|response} chunks, [DONE] / {done:true}, {error}. */
  | 'json';

export interface StreamOptions {
  url: string | URL;
  /** Default: 'POST' when `body` is set, else 'GET'. */
  method?: string;
  /** A function is called again on every attempt (fresh tokens on reconnect). */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Plain object/array -> JSON (content-type set); string/Blob/FormData/URLSearchParams as is. */
  body?: unknown;
  fetch?: typeof fetch;
  /** Default 'auto': chosen from the response content-type. */
  format?: 'auto' | 'sse' | 'ndjson' | 'text';
  provider?: 'auto' | ProviderName | 'none' | ProviderAdapter;
  /** Default: 5 attempts, 500 ms base, 10 s cap, exponential backoff with full jitter. */
  retry?: false | RetryOptions;
  /** No byte (comments count) for this long -> drop and reconnect. Default 60 000. */
  idleTimeoutMs?: number;
  /** One event/line larger than this -> 'overflow' error, stream closed. Default 8 MiB. */
  maxEventBytes?: number;
  /** Subscriber notification batching; default 'frame'. A number is a minimum interval in ms; 0 notifies synchronously. */
  throttle?: 'frame' | number | 0;
  /**
   * Release `snapshot.text` at an even pace (bursts read as typing), at most `maxLagMs` (default 300) behind what
   * arrived; the full text at once on done, stop() and error. Off when the user prefers reduced motion. Metrics still
   * measure the network.
   */
  smooth?: boolean | { maxLagMs?: number };
  signal?: AbortSignal;
  /** Requests share this pool's concurrency limit; extra ones wait with status 'queued'. */
  pool?: Pool;
  /** 'websocket' speaks the mock server's JSON event protocol (see @tokenstream/mock-server) over a WebSocket at `url` (ws:// or wss://). */
  transport?: 'http' | 'websocket';
  /** Injectable WebSocket constructor; default globalThis.WebSocket. */
  WebSocket?: WebSocketConstructorLike;
  onEvent?: (e: RawEvent) => void;
  onDelta?: (d: Delta) => void;
  onFinish?: (s: StreamSnapshot) => void;
  onError?: (e: StreamError) => void;
}

export interface RetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** What a view reads: the current snapshot (the same object until it changed) and change notifications. */
export interface Store<S> {
  getSnapshot(): S;
  subscribe(listener: () => void): () => void;
}

export interface StreamController extends Store<StreamSnapshot> {
  /** Resolves with the final snapshot when the stream ends, however it ends (never rejects). */
  start(overrides?: Partial<StreamOptions>): Promise<StreamSnapshot>;
  /** Abort; keeps the partial output; status 'aborted'. */
  stop(): void;
  /** Back to the idle snapshot (stops a running stream first). */
  reset(): void;
  /**
   * Follows a stream that runs elsewhere: a GET to `url` replayed from its start, then live. `204` (nothing
   * running) leaves the snapshot idle without any status change in between. Supersedes a running stream.
   */
  join(url: string | URL, init?: { headers?: HeadersInit }): Promise<StreamSnapshot>;
  /**
   * Replaces the options (TanStack Query's observer pattern): request fields (url, body, headers...) are read at the
   * next start()/join(); callbacks are read live, so a running stream calls the newest ones.
   */
  setOptions(options: StreamOptions): void;
  /** Same object until something changed (safe for useSyncExternalStore). */
  getSnapshot(): StreamSnapshot;
  subscribe(listener: () => void): () => void;
}

export type StreamStatus =
  | 'idle'
  | 'queued'
  | 'connecting'
  | 'streaming'
  | 'reconnecting'
  | 'done'
  | 'error'
  | 'aborted';

export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'error'
  | (string & {})
  | null;

export interface StreamSnapshot {
  status: StreamStatus;
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason;
  model: string | null;
  /** Provider response id when the stream names one. */
  id: string | null;
  error: StreamError | null;
  metrics: StreamMetrics;
  /** 1-based place in the pool's queue while status is 'queued', else null. */
  queuePosition: number | null;
  /** Custom data parts the stream sent (AI SDK `data-*` parts), in order of first appearance; present once one arrived. */
  data?: DataPart[];
  /** Shared agent state (AG-UI STATE_SNAPSHOT / STATE_DELTA, LangGraph `values`); present once reported. */
  state?: unknown;
  /** Message metadata the stream sent (AI SDK `messageMetadata`); present once reported. */
  metadata?: unknown;
}

/** One custom data part. A part with an `id` is replaced by a later part with the same type and id. */
export interface DataPart {
  /** The part's type as sent, e.g. 'data-weather'. */
  type: string;
  id?: string;
  data: unknown;
}

/** One dispatched SSE event, NDJSON line or text chunk. `event` defaults to 'message'; `id` is the last event id. */
export interface RawEvent {
  event: string;
  data: string;
  id: string;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text so far. */
  arguments: string;
  /** Best-effort parse of the partial JSON; the final value once complete. */
  input: unknown;
  complete: boolean;
  /** Set when the call completed with arguments that are not valid JSON (`input` keeps the best-effort value). */
  parseError?: string;
  /** The result, when the server ran the tool and streamed its output. */
  output?: unknown;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

export interface StreamMetrics {
  ttftMs: number | null;
  durationMs: number;
  tokensPerSecond: number | null;
  deltas: number;
  bytes: number;
  reconnects: number;
}

/** What a provider adapter emits; all fields optional. */
export interface Delta {
  text?: string;
  reasoning?: string;
  toolCall?: ToolCallDelta;
  usage?: Partial<Usage>;
  finishReason?: string;
  model?: string;
  id?: string;
  error?: { message: string; code?: string };
  /** The provider's terminal signal ([DONE], message_stop, response.completed, ...). */
  done?: boolean;
  /** A custom data part (see StreamSnapshot.data). */
  data?: DataPart;
  /** The whole shared state as it now is (adapters apply patches themselves). */
  state?: unknown;
  /** Message metadata, shallow-merged into StreamSnapshot.metadata when both are objects, else replacing it. */
  metadata?: unknown;
}

export interface ToolCallDelta {
  /** Position of the call within the turn; deltas with the same index belong to one call. */
  index: number;
  id?: string;
  name?: string;
  argumentsDelta?: string;
  /** The call's arguments are final (block stop, or a provider that sends calls whole). */
  complete?: boolean;
  /** The result of a tool the server ran (AI SDK `tool-output-available`, AG-UI TOOL_CALL_RESULT). */
  output?: unknown;
}

export interface ProviderAdapter {
  name: string;
  /** One event in, what it means out; unknown event types of the adapter's own protocol are skipped (null). */
  parse(event: RawEvent): Delta | Delta[] | null;
  /**
   * Called once when the body ends cleanly without a `done` delta. May flush what it held back, and returns
   * `{ done: true }` when a clean end completes this protocol (its last signal already arrived, or it has none).
   */
  end?(): Delta | Delta[] | null;
  /**
   * Called with each accepted response's headers before its events. Returns true when the headers announced this
   * protocol (the AI SDK's `x-vercel-ai-*-stream`): the body is then read by this adapter even if it looks like text.
   */
  open?(headers: Headers): boolean | void;
}

export type StreamErrorKind = 'http' | 'network' | 'timeout' | 'parse' | 'provider' | 'overflow' | 'aborted';

/** Minimal shape of a WebSocket constructor (browser WebSocket or the `ws` package). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: WebSocketEventLike) => void): void;
  removeEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (ev: WebSocketEventLike) => void): void;
}
export interface WebSocketEventLike {
  data?: unknown;
  code?: number;
  reason?: string;
}
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** A concurrency limit shared by the streams and chats given it. */
export interface Pool {
  readonly maxConcurrent: number;
  readonly active: number;
  readonly queued: number;
  /**
   * Waits for a slot (FIFO). `onPosition` reports the 1-based queue position while waiting.
   * Rejects with the signal's reason if aborted while queued (the entry leaves the queue).
   * Resolves to a release function; calling it more than once is harmless.
   */
  acquire(signal: AbortSignal, onPosition?: (position: number) => void): Promise<() => void>;
}

// ---- chat ----

export interface ChatTool {
  description?: string;
  parameters?: object;
  execute?(input: unknown, ctx: { signal: AbortSignal; toolCallId: string }): unknown | Promise<unknown>;
}

export interface ChatOptions extends Omit<StreamOptions, 'body' | 'onEvent' | 'onDelta' | 'onFinish'> {
  model?: string;
  messages?: ChatMessage[];
  tools?: Record<string, ChatTool>;
  /** Default 5. */
  maxSteps?: number;
  /** Default: OpenAI Chat Completions body. `ctx.id` is the chat's id. */
  prepareBody?(messages: ChatMessage[], ctx: { tools: object[]; model?: string; id: string }): unknown;
  /** Cache tool results by name + canonical input within a chat. Default true. */
  cacheToolResults?: boolean;
  /** Start a tool call as soon as its arguments are complete, while the turn still streams. Default true. */
  startToolsEarly?: boolean;
  onFinish?(message: ChatMessage): void;
  /** The chat's id, chosen by the app (e.g. kept in the URL to survive a reload). Default: random. */
  id?: string;
  /**
   * Join the stream still running for this chat on the first `subscribe()` (after mount; never during SSR), send the
   * chat `id` as a top-level `id` in every POST body, and make `stop()` also `DELETE` the resume url so the server
   * stops generating. Default url: `${url}/${id}/stream`.
   */
  resume?: boolean | { url?: string | URL };
}

export interface ChatMessage {
  id: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  reasoning?: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  usage?: Usage | null;
  finishReason?: FinishReason;
  status?: StreamStatus;
  metrics?: StreamMetrics;
  /** Tool messages: the tool's result as returned (`text` holds its JSON). */
  result?: unknown;
}

export interface ChatSnapshot {
  messages: ChatMessage[];
  status: StreamStatus;
  error: StreamError | null;
  /** Cumulative over the chat. */
  usage: Usage | null;
  queuePosition: number | null;
}

export interface ChatController extends Store<ChatSnapshot> {
  /** The chat's id (`options.id`, or the random one it was given). */
  readonly id: string;
  send(content: string, opts?: { editMessageId?: string }): Promise<ChatSnapshot>;
  /** Stops the answer; with `resume` on, also asks the server to stop generating (`DELETE` on the resume url). */
  stop(): void;
  /** Disconnects without asking the server to stop (unmount, navigation): the answer goes on and can be joined. */
  leave(): void;
  /**
   * Joins the stream running for this chat (GET on the resume url): the assistant turn is replayed from its start
   * into the last assistant message (or a new one) and followed live; resolves when it ends (status `done`).
   * `204`: nothing runs, the chat stays as it was.
   */
  join(): Promise<ChatSnapshot>;
  regenerate(): Promise<ChatSnapshot>;
  setMessages(m: ChatMessage[]): void;
  addToolResult(toolCallId: string, result: unknown): void;
  /**
   * Replaces the options: the next step, tool call or notification reads the new ones (request fields, tools,
   * callbacks). `id`, `messages` and `signal` are read once, when the chat is created.
   */
  setOptions(options: ChatOptions): void;
  getSnapshot(): ChatSnapshot;
  subscribe(listener: () => void): () => void;
}
