import { describeHttpError, errorShapeOfUrl, inBandError, type ErrorShape, type RelayFailure, type ShapedEvent }
  from './in-band.js';
import { describeError, type Redactor } from './redact.js';
import type { RelayStore, StoredEvent, Upstream } from './types.js';
import { readUpstream } from './upstream-reader.js';

/** Why the relay itself stopped an upstream; reported in-band so a resuming client learns it too. */
class RelayStop extends Error {
  constructor(readonly failure: RelayFailure) {
    super(failure.message);
    this.name = 'RelayStop';
  }
}

export const stop = (code: string, message: string) => new RelayStop({ message, type: 'api_error', code });

/** One answer being produced on this instance. */
export interface Run {
  readonly runId: string;
  readonly owner: string | null;
  readonly key: string | null;
  readonly abort: AbortController;
  /** Every event so far: clients on this instance read here, so a store outage never costs them the answer. */
  readonly events: StoredEvent[];
  finished: boolean;
  /** The store holds this run completely so far: resumers (here or on other instances) can read it there. */
  stored: boolean;
  /** Clients of this instance attached to the run (for onClientGone: 'abort'). */
  attached: number;
  readonly wakers: Set<() => void>;
  done: Promise<void>;
}

export function newRun(runId: string, owner: string | null, key: string | null, stored: boolean): Run {
  return { runId, owner, key, abort: new AbortController(), events: [], finished: false, stored, attached: 0,
    wakers: new Set(), done: Promise.resolve() };
}

function wakeRun(run: Run): void {
  for (const wake of [...run.wakers]) wake();
}

/** Resolves true once the run has an event after `afterSeq` or finished; false on timeout or abort. */
export function waitForRun(run: Run, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  if (run.finished || run.events.length > afterSeq) return Promise.resolve(true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (value: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      run.wakers.delete(wake);
      resolve(value);
    };
    const wake = () => {
      if (run.finished || run.events.length > afterSeq) settle(true);
    };
    const onAbort = () => settle(false);
    const timer = setTimeout(() => settle(false), timeoutMs);
    run.wakers.add(wake);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ProduceContext {
  store: RelayStore;
  upstream: Upstream;
  request: Request;
  /** Kept while the upstream runs; `ttlMs` after the end (the resume window). */
  liveTtlMs: number;
  ttlMs: number;
  leaseMs: number;
  heartbeatMs: number;
  maxEventBytes: number;
  redact: Redactor;
  reportError(error: unknown): void;
}

/**
 * Calls the upstream once and hands every event to the run's local clients at once and to the store (for
 * resumers and other instances), then one in-band error event if it failed, then the end mark. A store failure
 * stops the store copy (with an error mark when the store still takes one), never the live answer.
 */
export async function produce(run: Run, ctx: ProduceContext): Promise<void> {
  const store = ctx.store;
  const signal = run.abort.signal;
  let seq = 0;
  let storedSeq = 0;
  let storeFailed = false;
  let shape: ErrorShape | null = null;

  const onStoreError = (error: unknown) => {
    if (!run.stored) return;
    run.stored = false;
    storeFailed = true;
    ctx.reportError(new Error(`Relay store write failed; the stream continues without resume: ${describeError(error, ctx.redact)}`));
  };
  const push = async (shaped: readonly ShapedEvent[]) => {
    const stored = shaped.map((e) => ({ seq: ++seq, event: e.event, data: e.data }));
    for (const event of stored) run.events.push(event);
    wakeRun(run);
    if (!run.stored) return;
    try {
      await store.append(run.runId, stored, ctx.liveTtlMs);
      storedSeq = seq;
    } catch (error) {
      onStoreError(error);
    }
  };
  const fail = (failure: RelayFailure) => push([inBandError(shape, failure)]);
  const stopReason = (): RelayFailure => (signal.reason instanceof RelayStop ? signal.reason.failure
    : { message: 'The upstream was aborted', type: 'api_error', code: 'upstream_aborted' });

  // The heartbeat: a lease followers check, and the way a cancel from another instance reaches this one.
  const lease = setInterval(() => {
    if (!run.stored || run.finished) return;
    store.renewLease(run.runId, ctx.leaseMs).then((live) => {
      if (!live && !signal.aborted) run.abort.abort(stop('cancelled', 'The stream was cancelled'));
    }, () => undefined);
  }, ctx.heartbeatMs);

  try {
    // A client that left while the run was being registered costs no upstream call.
    if (ctx.request.signal.aborted) {
      await fail({ message: 'The client left before the upstream was called', type: 'api_error', code: 'client_gone' });
      return;
    }
    let response: Response;
    try {
      response = await ctx.upstream(signal, ctx.request);
    } catch (error) {
      await fail(signal.aborted ? stopReason() : { message: `The upstream request failed: ${describeError(error, ctx.redact)}`,
        type: 'api_error', code: 'upstream_network_error' });
      return;
    }
    shape = errorShapeOfUrl(response.url);
    if (!response.ok) {
      const described = describeHttpError(response.status, response.statusText, await readErrorBody(response),
        shape, ctx.redact);
      shape = described.shape;
      await fail(described.failure);
      return;
    }
    const outcome = await readUpstream(response, { signal, maxEventBytes: ctx.maxEventBytes, redact: ctx.redact,
      onEvents: push });
    shape = outcome.shape ?? shape;
    if (outcome.failure && !signal.aborted) {
      // The relay stops an upstream it cannot carry on with (overflow, unknown protocol): nothing more is paid for.
      run.abort.abort(new RelayStop(outcome.failure));
      await fail(outcome.failure);
    } else if (signal.aborted) {
      await fail(stopReason());
    }
  } finally {
    clearInterval(lease);
    run.finished = true;
    wakeRun(run);
    if (run.stored) {
      await store.end(run.runId, ctx.ttlMs).catch(onStoreError);
    } else if (storeFailed) {
      // Resumers of the stored part learn why it stops there, if the store takes writes again.
      const mark = inBandError(shape, { message: 'The relay lost its store; this stream cannot be resumed further',
        type: 'api_error', code: 'relay_store_failed' });
      await store.append(run.runId, [{ seq: storedSeq + 1, ...mark }], ctx.ttlMs)
        .then(() => store.end(run.runId, ctx.ttlMs)).catch(() => undefined);
    }
  }
}

const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** At most 16 KiB of an error body: a huge or endless error page is not read to its end. */
async function readErrorBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a body that breaks off: what arrived is enough to describe it
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, MAX_ERROR_BODY_BYTES));
}
