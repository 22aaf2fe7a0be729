import type { MockAnswer } from '../answer';

export type FormatName =
  | 'openai'
  | 'openai-responses'
  | 'anthropic'
  | 'gemini'
  | 'ollama-chat'
  | 'ollama-generate'
  | 'text'
  | 'ai-sdk'
  | 'ag-ui'
  | 'json';

/** How events become bytes: SSE with LF or CRLF line ends (Gemini sends CRLF), NDJSON lines, or raw text. */
export type Framing = 'sse' | 'sse-crlf' | 'ndjson' | 'text';

/** One wire event before framing: SSE `event:` name (none = default "message") and the data line. */
export interface WireEvent {
  event?: string;
  data: string;
  /** A generated token (text, reasoning or argument fragment): paced by tokensPerSecond. */
  token?: boolean;
}

export interface FormatContext {
  /** The mock stream id; provider ids (chatcmpl-…, msg_…, resp_…) are derived from it. */
  streamId: string;
  model: string;
  /** Unix seconds when the stream was created. */
  created: number;
  /** The request body, for format-specific switches such as `stream_options.include_usage`. */
  body: unknown;
}

/** Why a stream was stopped on purpose: the code and message the relay (packages/server) writes for it. */
export interface StreamStop {
  /** e.g. 'cancelled' (DELETE {route}/{id}/stream) */
  code: string;
  message: string;
}

export interface ErrorBody {
  contentType: string;
  body: string;
}

export interface ProviderFormat {
  name: FormatName;
  framing: Framing;
  contentType: string;
  /** Response headers the protocol announces itself with (e.g. `x-vercel-ai-ui-message-stream: v1`). */
  headers?: Readonly<Record<string, string>>;
  defaultModel: string;
  events(answer: MockAnswer, ctx: FormatContext): Iterable<WireEvent>;
  /** The provider's in-band error event; null when the format has none (text). */
  inbandError(ctx: FormatContext): WireEvent | null;
  /**
   * The last event of a stream stopped on purpose, so its readers see an end rather than a drop: the relay's in-band
   * error shape where the relay writes one for the protocol, else the protocol's own; null when it has none (text).
   */
  stopped(ctx: FormatContext, stop: StreamStop): WireEvent | null;
  /** One event whose JSON is cut off, as a truncating proxy would leave it; null when nothing can be malformed (text). */
  malformed(ctx: FormatContext): WireEvent | null;
  /** The non-streaming error response the provider sends for an HTTP status. */
  errorBody(status: number, message: string): ErrorBody;
}
