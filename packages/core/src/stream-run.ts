import { createAccumulator } from './accumulate/accumulator';
import { now } from './clock';
import { onDemand } from './on-demand';
import { computeMetrics } from './metrics';
import { callSafely, StreamError, toStreamError } from './errors';
import { createTextAdapter, loadAdapter, type LoadedAdapter } from './providers/load';
import { parseRetryAfter } from './retry-after';
import type { SnapshotStore } from './store/snapshot-store';
import { ResumeState } from './resume';
import { BodyEventReader } from './transport/body-reader';
import { abortedError, openResponse } from './transport/http-attempt';
import { DEFAULT_ACCEPT, encodeBody, readErrorBody, resolveHeaders, toHeaderSafe } from './transport/request';
import { collectSecrets, redactError } from './transport/secrets';
import { framingFromContentType, isHtml } from './wire/sniff';
import type { Delta, ProviderAdapter, RawEvent, StreamOptions, StreamSnapshot, StreamStatus, WebSocketConstructorLike } from './types';

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Retry decisions are a chunk, fetched in the background once a response streams: a drop later (often because the
 * network went away) finds it loaded.
 */
const loadRetry = onDemand(() => import('./retry'));
const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** A 204: there is nothing to stream (a join with nothing running). The run ends idle, without an error. */
const NO_CONTENT = Symbol('no content');

/**
 * One start() of a stream: queueing, attempts with retry and resume, and the snapshot it publishes. The transport
 * hands over batches of events; this loop applies them. It owns every timer, reader and AbortController it creates;
 * all are released when it ends.
 */
export class StreamRun {
  private readonly accumulator = createAccumulator();
  private readonly controller = new AbortController();
  private readonly resume = new ResumeState();
  /** Every value of the request that must never reach an error (header values, URL credentials). */
  private readonly secrets = new Set<string>();
  private loaded: LoadedAdapter | null = null;
  /** The adapter reading the current response (plain text read as text under 'auto'). */
  private adapter: ProviderAdapter | null = null;
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
  /** The final snapshot was built while tool calls waited for their parser. */
  private toolCallsLate = false;
  private serverRetryMs: number | undefined;
  private releasePoolSlot: (() => void) | undefined;

  constructor(
    private readonly options: StreamOptions,
    private readonly store: SnapshotStore<StreamSnapshot>,
    private readonly idleSnapshot: StreamSnapshot,
    /** A pool slot taken before the run (a join queues before its first GET); released when the run ends. */
    heldPoolSlot?: () => void,
  ) {
    this.releasePoolSlot = heldPoolSlot;
  }

  /** Runs to the end; never rejects. */
  async run(): Promise<StreamSnapshot> {
    try {
      if (this.controller.signal.aborted) throw abortedError();
      this.checkEnvironment();
      await this.waitForPoolSlot();
      this.loaded = await loadAdapter(this.options.provider);
      this.requestStartedAt = now();
      await this.attemptUntilComplete();
      await this.accumulator.ready; // the final snapshot shows tool calls still waiting for their parser
      this.finish('done', null);
    } catch (cause) {
      await this.accumulator.ready?.catch(() => undefined);
      if (cause === NO_CONTENT) this.finishIdle();
      else {
        const error = this.controller.signal.aborted ? abortedError() : toStreamError(cause);
        this.finish(error.kind === 'aborted' ? 'aborted' : 'error', error);
      }
    } finally {
      this.releasePoolSlot?.();
    }
    if (this.toolCallsLate) await this.finishToolCalls();
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
        throw new StreamError('network', 'No WebSocket implementation here: pass options.WebSocket', { code: 'no_websocket' });
      }
    } else if (typeof (this.options.fetch ?? globalThis.fetch) !== 'function') {
      throw new StreamError('network', 'No fetch implementation here: pass options.fetch', { code: 'no_fetch' });
    }
  }

  private async waitForPoolSlot(): Promise<void> {
    const pool = this.options.pool;
    if (!pool || this.releasePoolSlot) return;
    this.setStatus('queued');
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
      this.setStatus(attempt === 1 ? 'connecting' : 'reconnecting');
      let failure: StreamError;
      try {
        await this.attempt();
        if (this.completed) return;
        failure = new StreamError('network', "The stream ended before the protocol's terminal signal", { code: 'incomplete' });
      } catch (cause) {
        if (cause === NO_CONTENT) throw cause;
        if (this.controller.signal.aborted) throw abortedError();
        failure = toStreamError(cause);
      }
      // A chunk; without it the failure ends the stream.
      const retry = await loadRetry().catch(() => null);
      if (!retry) throw Object.assign(failure, { attempts: attempt });
      const decision = retry.decideRetry(failure, {
        attempt,
        policy: retry.resolveRetryPolicy(this.options.retry),
        resumable: this.resume.sawIds,
        hasOutput: this.loaded?.rawEvents ? this.appliedEvents > 0 : this.accumulator.hasOutput,
        serverRetryMs: this.serverRetryMs,
      });
      if (typeof decision !== 'number') throw decision;
      this.setStatus('reconnecting');
      await retry.sleep(decision, this.controller.signal);
    }
  }

  /** One connection, with its own AbortController (linked to the run's) and idle timer. */
  private async attempt(): Promise<void> {
    const attemptController = new AbortController();
    const forwardAbort = () => attemptController.abort();
    this.controller.signal.addEventListener('abort', forwardAbort, { once: true });
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    // One timer per idle period, not one per chunk: data only moves the deadline; the timer re-arms for what is left.
    let lastDataAt = now();
    const touch = () => {
      lastDataAt = now();
    };
    const checkIdle = () => {
      const idleFor = now() - lastDataAt;
      if (idleFor < idleMs) {
        idleTimer = setTimeout(checkIdle, idleMs - idleFor);
        return;
      }
      timedOut = true;
      attemptController.abort();
    };
    this.resume.startConnection();
    idleTimer = setTimeout(checkIdle, idleMs);
    try {
      if (this.options.transport === 'websocket') await this.webSocketAttempt(attemptController.signal, touch);
      else await this.httpAttempt(attemptController.signal, touch);
    } catch (cause) {
      if (timedOut && !this.controller.signal.aborted) {
        throw new StreamError('timeout', `No data arrived for ${idleMs} ms`, { cause, code: 'idle_timeout' });
      }
      throw cause;
    } finally {
      clearTimeout(idleTimer);
      this.controller.signal.removeEventListener('abort', forwardAbort);
    }
  }

  private async httpAttempt(signal: AbortSignal, touch: () => void): Promise<void> {
    const url = String(this.options.url);
    const headers = await resolveHeaders(this.options.headers);
    collectSecrets(url, headers, this.secrets);
    const { body, contentType } = encodeBody(this.options.body);
    if (contentType && !headers['content-type']) headers['content-type'] = contentType;
    headers.accept ??= DEFAULT_ACCEPT;
    if (this.resume.sawIds && this.resume.lastEventId) headers['last-event-id'] = toHeaderSafe(this.resume.lastEventId);
    const { response, finish } = await openResponse({
      url,
      method: this.options.method ?? (this.options.body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      fetch: this.options.fetch ?? globalThis.fetch,
      signal,
    });
    let early: { drained: Promise<void> } | undefined;
    try {
      touch();
      early = await this.readBody(await this.acceptResponse(response, touch));
    } finally {
      // A request that completed early is ended once its rest was read, so it never shows as aborted.
      if (early) void early.drained.then(finish);
      else finish();
    }
  }

  /** Checks status and content type, and opens the body as events; errors say which rule fired (`code`). */
  private async acceptResponse(response: Response, touch: () => void): Promise<BodyEventReader> {
    if (response.status === 204) throw NO_CONTENT;
    if (!response.ok) {
      throw new StreamError('http', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, {
        status: response.status,
        body: await readErrorBody(response),
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        code: 'http_status',
      });
    }
    const contentType = response.headers.get('content-type');
    const forced = this.options.format;
    const framing = isHtml(contentType) ? null : forced && forced !== 'auto' ? forced : framingFromContentType(contentType);
    if (!framing || !response.body) {
      // A 200 that is no stream (an HTML error page, a JSON document): never re-sent, it would fail the same way.
      throw new StreamError('http', `Expected a stream but the response is ${contentType ?? 'untyped'}`, {
        status: response.status,
        body: await readErrorBody(response),
        code: 'not_a_stream',
      });
    }
    const loaded = this.loaded!;
    if (loaded.adapter.open?.(response.headers) === true) this.adapter = loaded.adapter;
    this.setStatus('streaming');
    if (this.options.retry !== false) void loadRetry().catch(() => undefined);
    return new BodyEventReader(response.body, {
      framing,
      maxEventChars: this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      lastEventId: this.resume.lastEventId,
      recognizes: loaded.recognizes,
      onBytes: (count) => {
        this.bytes += count;
        touch();
      },
      onRetry: (ms) => {
        this.serverRetryMs = ms;
      },
    });
  }

  /** Applies the body's events; when the terminal signal comes before the body's end, hands back the drain of the rest. */
  private async readBody(reader: BodyEventReader): Promise<{ drained: Promise<void> } | undefined> {
    let releaseNow = true;
    try {
      for (let batch = await reader.next(); batch !== null; batch = await reader.next()) {
        if (batch.length > 0) this.adapter ??= reader.framing === 'text' && this.loaded!.readsPlainText ? createTextAdapter() : this.loaded!.adapter;
        for (const { event, hasOwnId } of batch) {
          this.applyEvent(event, hasOwnId);
          if (this.completed) {
            releaseNow = false;
            return { drained: reader.drainThenRelease() };
          }
        }
        this.invalidate();
      }
      if (reader.cleanEnd) this.endOfBody(reader.sawContent);
      return undefined;
    } finally {
      if (releaseNow) reader.release();
    }
  }

  /** A clean end of body: the adapter says whether that completes its protocol. */
  private endOfBody(sawContent: boolean): void {
    if (this.appliedEvents === 0 && !this.loaded?.rawEvents) {
      throw new StreamError('parse', sawContent ? 'The stream carried no event' : 'The response body was empty', {
        code: 'empty_stream',
      });
    }
    const adapter = this.adapter ?? this.loaded!.adapter;
    let ending: Delta | Delta[] | null;
    try {
      ending = adapter.end?.() ?? null;
    } catch (cause) {
      throw this.adapterFailure(cause);
    }
    for (const delta of ending === null ? [] : Array.isArray(ending) ? ending : [ending]) this.applyDelta(delta);
    this.invalidate();
  }

  private async webSocketAttempt(signal: AbortSignal, touch: () => void): Promise<void> {
    const WebSocketImpl = (this.options.WebSocket ?? globalThis.WebSocket) as WebSocketConstructorLike;
    // Loaded on demand: an app on HTTP does not ship the WebSocket transport.
    const { runWebSocketAttempt } = await import('./transport/websocket');
    this.setStatus('streaming');
    if (this.options.retry !== false) void loadRetry().catch(() => undefined);
    this.adapter = this.loaded!.adapter;
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
        this.invalidate();
      },
    });
    // The server's "end" message is a clean end of body.
    if (!this.completed) this.endOfBody(true);
  }

  /** Applies one event unless it was applied before (a replay after reconnect). */
  private applyEvent(event: RawEvent, hasOwnId: boolean): void {
    if (this.resume.isReplay(event.id, hasOwnId)) return;
    this.appliedEvents++;
    callSafely(this.options.onEvent, event);
    let parsed: Delta | Delta[] | null;
    try {
      parsed = this.adapter!.parse(event);
    } catch (cause) {
      throw this.adapterFailure(cause);
    }
    if (parsed === null) return;
    if (!Array.isArray(parsed)) return this.applyDelta(parsed);
    for (const delta of parsed) this.applyDelta(delta);
  }

  private applyDelta(delta: Delta): void {
    this.resume.checkSameResponse(delta.id);
    callSafely(this.options.onDelta, delta);
    this.accumulator.apply(delta);
    if (this.firstOutputAt === null && (delta.text || delta.reasoning)) this.firstOutputAt = now();
    if (delta.error) {
      throw new StreamError('provider', delta.error.message || 'The provider reported an error', {
        ...(delta.error.code === undefined ? {} : { code: delta.error.code }),
      });
    }
    if (delta.done) this.completed = true;
  }

  /** An adapter that throws something other than a StreamError has a bug: a 'parse' error, never retried. */
  private adapterFailure(cause: unknown): StreamError {
    if (cause instanceof StreamError) return cause;
    return new StreamError('parse', `The ${this.adapter?.name ?? 'stream'} adapter failed on an event`, {
      cause,
      code: 'adapter_threw',
    });
  }

  private setStatus(status: StreamStatus): void {
    this.status = status;
    this.invalidate();
  }

  private invalidate(): void {
    if (!this.published || this.finalSnapshot) return;
    // Tool calls waiting for their parser (a chunk loaded on demand) are shown by a rebuild once it is there.
    this.accumulator.ready?.then(() => this.invalidate(), () => undefined);
    this.store.invalidate(this.buildSnapshot);
  }

  private finish(status: StreamStatus, error: StreamError | null): void {
    if (this.finalSnapshot) return;
    if (error) redactError(error, this.secrets);
    this.status = status;
    this.error = error;
    this.queuePosition = null;
    this.endedAt = now();
    // The slot is free as soon as the run ends (stop() included), not once the aborted request has unwound.
    this.releasePoolSlot?.();
    this.finalSnapshot = this.buildSnapshot();
    // stop() while tool calls wait for their parser: 'aborted' shows at once, the tool calls once it is loaded.
    this.toolCallsLate = this.accumulator.ready !== null;
    if (!this.published) return;
    this.store.set(this.finalSnapshot);
    if (!this.toolCallsLate) this.callBack();
  }

  private callBack(): void {
    if (this.error && this.status === 'error') callSafely(this.options.onError, this.error);
    callSafely(this.options.onFinish, this.finalSnapshot!);
  }

  private async finishToolCalls(): Promise<void> {
    await this.accumulator.ready?.catch(() => undefined);
    this.finalSnapshot = { ...this.finalSnapshot!, ...this.accumulator.read() };
    if (!this.published) return;
    this.store.set(this.finalSnapshot);
    this.callBack();
  }

  /** Nothing to stream (204): back to idle, as if never started. */
  private finishIdle(): void {
    if (this.finalSnapshot) return;
    this.releasePoolSlot?.();
    this.finalSnapshot = this.idleSnapshot;
    if (this.published) this.store.set(this.idleSnapshot);
  }

  private buildSnapshot = (): StreamSnapshot => {
    const output = this.accumulator.read();
    return {
      status: this.status,
      ...output,
      error: this.error,
      metrics: computeMetrics({
        requestStartedAt: this.requestStartedAt,
        firstOutputAt: this.firstOutputAt,
        end: this.endedAt ?? now(),
        outputTokens: output.usage?.outputTokens || this.accumulator.outputDeltas,
        deltas: this.accumulator.outputDeltas,
        bytes: this.bytes,
        attempts: this.attempts,
      }),
      queuePosition: this.queuePosition,
    };
  };
}
