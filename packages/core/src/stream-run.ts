import { createAccumulator } from './accumulate/accumulator';
import { now } from './clock';
import { StreamError } from './errors';
import { createProviderAdapter } from './providers';
import {
  backoffDelay,
  isRetryable,
  MAX_HONOURED_RETRY_AFTER_MS,
  parseRetryAfter,
  resolveRetryPolicy,
  sleep,
  type RetryPolicy,
} from './retry';
import type { SnapshotStore } from './store/snapshot-store';
import { RESPONSE_RESTARTED, ResumeState } from './resume';
import { readEvents } from './transport/body-reader';
import { formatFromContentType, isHtml, type BodyFormat } from './wire/content-type';
import { abortedError, runHttpAttempt } from './transport/http-attempt';
import { readErrorBody, resolveHeaders, encodeBody, toHeaderSafe, DEFAULT_ACCEPT } from './transport/request';
import { runWebSocketAttempt } from './transport/websocket';
import type { Delta, ProviderAdapter, RawEvent, StreamOptions, StreamSnapshot, StreamStatus, WebSocketConstructorLike } from './types';

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * One start() of a stream: queueing, attempts, retry with resume, and the snapshot it publishes.
 * It owns every timer, reader and AbortController it creates; all are released when it ends.
 */
export class StreamRun {
  private readonly accumulator = createAccumulator();
  private readonly adapter: ProviderAdapter | null;
  private readonly policy: RetryPolicy;
  private readonly controller = new AbortController();
  private status: StreamStatus = 'connecting';
  private error: StreamError | null = null;
  private queuePosition: number | null = null;
  private finalSnapshot: StreamSnapshot | null = null;
  private published = true;
  private requestStartedAt: number | null = null;
  private firstOutputAt: number | null = null;
  private endedAt: number | null = null;
  private bytes = 0;
  private attempts = 0;
  private appliedEvents = 0;
  private completed = false;
  private textMode = false;
  private readonly resume = new ResumeState();
  private serverRetryMs: number | undefined;
  private releasePoolSlot: (() => void) | undefined;

  constructor(
    private readonly options: StreamOptions,
    private readonly store: SnapshotStore<StreamSnapshot>,
  ) {
    this.adapter = createProviderAdapter(options.provider ?? 'auto');
    this.policy = resolveRetryPolicy(options.retry);
  }

  /** Runs to the end; never rejects. */
  async run(): Promise<StreamSnapshot> {
    try {
      if (this.controller.signal.aborted) throw abortedError();
      this.checkEnvironment();
      await this.waitForPoolSlot();
      this.requestStartedAt = now();
      await this.attemptUntilComplete();
      this.finish('done', null);
    } catch (cause) {
      const error = this.controller.signal.aborted ? abortedError() : toStreamError(cause);
      this.finish(error.kind === 'aborted' ? 'aborted' : 'error', error);
    } finally {
      this.releasePoolSlot?.();
    }
    return this.finalSnapshot!;
  }

  /** stop(): aborts the request and publishes 'aborted' at once; the partial output stays. */
  abort(): void {
    if (this.finalSnapshot) return;
    this.controller.abort();
    this.finish('aborted', abortedError());
  }

  /** The controller moved on (reset or a new start): this run must not publish any more. */
  detach(): void {
    this.published = false;
    this.abort();
  }

  /** A missing fetch or WebSocket fails at start(), clearly, instead of being retried. */
  private checkEnvironment(): void {
    if (this.options.transport === 'websocket') {
      if (typeof (this.options.WebSocket ?? globalThis.WebSocket) !== 'function') {
        throw new StreamError('network', 'No WebSocket implementation here: pass options.WebSocket');
      }
    } else if (typeof (this.options.fetch ?? globalThis.fetch) !== 'function') {
      throw new StreamError('network', 'No fetch implementation here: pass options.fetch');
    }
  }

  private async waitForPoolSlot(): Promise<void> {
    const pool = this.options.pool;
    if (!pool) return;
    this.status = 'queued';
    this.invalidate();
    const release = await pool.acquire(this.controller.signal, (position) => {
      this.queuePosition = position;
      this.invalidate();
    });
    this.queuePosition = null;
    this.status = 'connecting';
    // A stop() before the slot arrived has already finished the run: give the slot straight back.
    if (this.finalSnapshot) release();
    else this.releasePoolSlot = release;
  }

  private async attemptUntilComplete(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.attempts = attempt;
      this.status = attempt === 1 ? 'connecting' : 'reconnecting';
      this.invalidate();
      let failure: StreamError;
      try {
        await this.attempt();
        if (this.completed) return;
        failure = new StreamError('network', "The stream ended before the provider's terminal signal");
      } catch (cause) {
        if (this.controller.signal.aborted) throw abortedError();
        failure = toStreamError(cause);
      }
      if (!isRetryable(failure) || failure.code === RESPONSE_RESTARTED || attempt >= this.policy.maxAttempts) {
        throw withAttempts(failure, attempt);
      }
      if (!this.resume.sawIds && this.hasOutput()) {
        throw new StreamError(
          'network',
          'The connection dropped after output began, and the stream has no event ids to resume from',
          { attempts: attempt, cause: failure },
        );
      }
      const delay = this.retryDelay(failure, attempt);
      if (delay === undefined) throw withAttempts(failure, attempt);
      this.status = 'reconnecting';
      this.invalidate();
      await sleep(delay, this.controller.signal);
    }
  }

  private retryDelay(failure: StreamError, attempt: number): number | undefined {
    if (failure.retryAfterMs !== undefined) {
      return failure.retryAfterMs <= MAX_HONOURED_RETRY_AFTER_MS ? failure.retryAfterMs : undefined;
    }
    return this.serverRetryMs ?? backoffDelay(this.policy, attempt);
  }

  private hasOutput(): boolean {
    return this.adapter && !this.textMode ? this.accumulator.hasOutput : this.appliedEvents > 0;
  }

  /** One connection, with its own AbortController (linked to the run's) and idle timer. */
  private async attempt(): Promise<void> {
    const attemptController = new AbortController();
    const forwardAbort = () => attemptController.abort();
    this.controller.signal.addEventListener('abort', forwardAbort, { once: true });
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        timedOut = true;
        attemptController.abort();
      }, idleMs);
    };
    this.resume.startConnection();
    touch();
    try {
      if (this.options.transport === 'websocket') await this.webSocketAttempt(attemptController.signal, touch);
      else await this.httpAttempt(attemptController.signal, touch);
    } catch (cause) {
      if (timedOut && !this.controller.signal.aborted) {
        throw new StreamError('timeout', `No data arrived for ${idleMs} ms`, { cause });
      }
      throw cause;
    } finally {
      clearTimeout(idleTimer);
      this.controller.signal.removeEventListener('abort', forwardAbort);
    }
  }

  private async httpAttempt(signal: AbortSignal, touch: () => void): Promise<void> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const headers = await resolveHeaders(this.options.headers);
    const { body, contentType } = encodeBody(this.options.body);
    if (contentType && !headers['content-type']) headers['content-type'] = contentType;
    headers.accept ??= DEFAULT_ACCEPT;
    if (this.resume.sawIds && this.resume.lastEventId) headers['last-event-id'] = toHeaderSafe(this.resume.lastEventId);
    await runHttpAttempt({
      url: String(this.options.url),
      method: this.options.method ?? (this.options.body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      fetch: fetchImpl,
      signal,
      readResponse: (response) => this.readResponse(response, touch),
    });
  }

  private async webSocketAttempt(signal: AbortSignal, touch: () => void): Promise<void> {
    const WebSocketImpl = (this.options.WebSocket ?? globalThis.WebSocket) as WebSocketConstructorLike;
    this.status = 'streaming';
    await runWebSocketAttempt({
      url: String(this.options.url),
      body: this.options.body,
      lastEventId: this.resume.sawIds ? this.resume.lastEventId : '',
      WebSocket: WebSocketImpl,
      signal,
      maxEventBytes: this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      onBytes: (count) => {
        this.bytes += count;
        touch();
      },
      onEvent: (event) => {
        // Every WebSocket message carries its own id, so each is keyed as one that set its id.
        if (!this.completed) this.applyEvent(event, event.id !== '');
      },
    });
    if (!this.completed && !this.adapter) this.completed = true;
  }

  private async readResponse(response: Response, touch: () => void): Promise<void> {
    touch();
    if (!response.ok) {
      throw new StreamError('http', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, {
        status: response.status,
        body: await readErrorBody(response),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      });
    }
    const contentType = response.headers.get('content-type');
    const format = this.resolveFormat(contentType);
    if (!format || !response.body) {
      throw new StreamError('http', `Expected a stream but the response is ${contentType ?? 'untyped'}`, {
        status: response.status,
        body: await readErrorBody(response),
      });
    }
    this.textMode = format === 'text' && (!this.adapter || this.adapter.name === 'auto');
    this.status = 'streaming';
    this.invalidate();
    const ended = await readEvents(
      response.body,
      {
        onBytes: (count) => {
          this.bytes += count;
          touch();
        },
        onRetry: (ms) => {
          this.serverRetryMs = ms;
        },
        onEvent: (event, hasOwnId) => this.applyEvent(event, hasOwnId),
      },
      {
        format,
        maxEventChars: this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
        lastEventId: this.resume.lastEventId,
      },
    );
    const terminalSignalExists = !this.textMode && this.adapter !== null;
    if (ended === 'ended' && !terminalSignalExists) this.completed = true;
  }

  private resolveFormat(contentType: string | null): BodyFormat | null {
    if (isHtml(contentType)) return null;
    const forced = this.options.format;
    if (forced && forced !== 'auto') return forced;
    if (!contentType) return this.options.provider === 'ollama' ? 'ndjson' : 'sse';
    return formatFromContentType(contentType);
  }

  /** Applies one event unless it was applied before (a replay after reconnect). Returns true once complete. */
  private applyEvent(event: RawEvent, hasOwnId: boolean): boolean {
    if (this.resume.isReplay(event.id, hasOwnId)) return false;
    this.appliedEvents++;
    callSafely(this.options.onEvent, event);
    for (const delta of this.parse(event)) {
      this.resume.checkSameResponse(delta.id);
      callSafely(this.options.onDelta, delta);
      this.accumulator.apply(delta);
      if (this.firstOutputAt === null && (delta.text || delta.reasoning)) this.firstOutputAt = now();
      if (delta.error) {
        this.invalidate();
        throw new StreamError('provider', delta.error.message || 'The provider reported an error', {
          ...(delta.error.code === undefined ? {} : { code: delta.error.code }),
        });
      }
      if (delta.done) this.completed = true;
    }
    this.invalidate();
    return this.completed;
  }

  private parse(event: RawEvent): Delta[] {
    if (this.textMode) return [{ text: event.data }];
    if (!this.adapter) return [];
    const parsed = this.adapter.parse(event);
    if (!parsed) return [];
    return Array.isArray(parsed) ? parsed : [parsed];
  }

  private invalidate(): void {
    if (this.published && !this.finalSnapshot) this.store.invalidate(this.buildSnapshot);
  }

  private finish(status: StreamStatus, error: StreamError | null): void {
    if (this.finalSnapshot) return;
    this.status = status;
    this.error = error;
    this.queuePosition = null;
    this.endedAt = now();
    // The slot is free as soon as the run ends (stop() included), not once the aborted request has unwound.
    this.releasePoolSlot?.();
    this.finalSnapshot = this.buildSnapshot();
    if (!this.published) return;
    this.store.set(this.finalSnapshot);
    if (error && status === 'error') callSafely(this.options.onError, error);
    callSafely(this.options.onFinish, this.finalSnapshot);
  }

  private buildSnapshot = (): StreamSnapshot => {
    const output = this.accumulator.read();
    const end = this.endedAt ?? now();
    const outputTokens = output.usage?.outputTokens || this.accumulator.outputDeltas;
    return {
      status: this.status,
      ...output,
      error: this.error,
      metrics: {
        ttftMs:
          this.firstOutputAt !== null && this.requestStartedAt !== null
            ? Math.round(this.firstOutputAt - this.requestStartedAt)
            : null,
        durationMs: this.requestStartedAt === null ? 0 : Math.round(end - this.requestStartedAt),
        tokensPerSecond:
          this.firstOutputAt === null ? null : (outputTokens * 1000) / Math.max(1, end - this.firstOutputAt),
        deltas: this.accumulator.outputDeltas,
        bytes: this.bytes,
        reconnects: Math.max(0, this.attempts - 1),
      },
      queuePosition: this.queuePosition,
    };
  };
}

function toStreamError(cause: unknown): StreamError {
  if (cause instanceof StreamError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StreamError('network', message || 'The stream failed', { cause });
}

function withAttempts(error: StreamError, attempts: number): StreamError {
  error.attempts = attempts;
  return error;
}

/** A user callback that throws must not break or re-send the stream: report it like an event-handler error. */
function callSafely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (error) {
    const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
    if (typeof report === 'function') report(error);
    else console.error('[tokenstream] a callback threw:', error);
  }
}
