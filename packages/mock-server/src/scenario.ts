import type { MockAnswerOptions } from './answer';

// A scenario = pace, answer shape, resume behaviour and faults for one request. Sources, later ones winning:
// server options < query parameters < `x-mock` header (JSON) < body field `mock` < `x-mock-fault` header (JSON).

export interface MockFault {
  /** Send exactly this many body bytes, then destroy the socket (may land mid-UTF-8 or mid-CRLF). */
  dropAfterBytes?: number;
  /** Send this many events, then destroy the socket. */
  dropAfterEvents?: number;
  /** Pause this long (no bytes except heartbeats) after `stallAfterEvents` events. */
  stallMs?: number;
  stallAfterEvents?: number;
  /** Answer with this HTTP status and the provider's error body instead of a stream. */
  status?: number;
  /** Seconds, sent as `Retry-After` with `status`. */
  retryAfter?: number;
  /** Answer 200 with an HTML error page (text/html) instead of a stream. */
  html200?: boolean;
  /** After this many events, send one event whose JSON is cut off; the stream then goes on. */
  malformedAfterEvents?: number;
  /** After this many events, send the provider's in-band error and end the response. */
  inbandErrorAfterEvents?: number;
  /** Write one byte at a time; a number is the pause in ms between bytes (true = next tick). */
  slowDrip?: boolean | number;
}

export type ResumeMode = 'continue' | 'replay' | 'restart';

export interface MockScenario extends Required<Omit<MockAnswerOptions, 'reasoning'>> {
  reasoning: boolean | number | undefined;
  /** 0 = unthrottled (default): events go out as fast as the client reads. */
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  /** SSE `id: <streamId>:<seq>` lines (default true). */
  ids: boolean;
  /** SSE comment `: ping` after this many idle ms (0 = none). */
  heartbeatMs: number;
  /** SSE `retry:` field sent first (ms), when set. */
  retryMs: number | null;
  /** What a `Last-Event-ID` does: continue after it (default), replay from the first event, or restart fresh. */
  resume: ResumeMode;
  fault: MockFault | null;
  /** The fault applies to the first N attempts per stream key only (default: every attempt). */
  faultAttempts: number;
  /** Attempts are counted per key; default: a hash of route + body. */
  key: string | null;
}

export type MockScenarioInput = Partial<Omit<MockScenario, 'fault'>> & MockFault & { fault?: MockFault | null };

export const DEFAULT_SCENARIO: MockScenario = {
  length: 40,
  seed: 0,
  reasoning: undefined,
  tools: 'auto',
  cachedInputTokens: 0,
  tokensPerSecond: 0,
  firstTokenDelayMs: 0,
  ids: true,
  heartbeatMs: 0,
  retryMs: null,
  resume: 'continue',
  fault: null,
  faultAttempts: Number.POSITIVE_INFINITY,
  key: null,
};

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const FAULT_NUMBERS = [
  'dropAfterBytes',
  'dropAfterEvents',
  'stallMs',
  'stallAfterEvents',
  'status',
  'retryAfter',
  'malformedAfterEvents',
  'inbandErrorAfterEvents',
] as const;
const SCENARIO_NUMBERS = ['length', 'seed', 'cachedInputTokens', 'tokensPerSecond', 'firstTokenDelayMs', 'heartbeatMs', 'retryMs', 'faultAttempts'] as const;

type Raw = Record<string, unknown>;

/** Query values arrive as strings: turn "30", "true", "false" and JSON objects into values. */
function coerceQueryValue(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value !== '' && Number.isFinite(Number(value))) return Number(value);
  if (value.startsWith('{')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Upper bounds of the numeric options: a request may not make the mock build a huge answer, sleep for days or
 * flood a socket with heartbeats. Beyond them the request gets a 400 naming the limit.
 */
export const SCENARIO_LIMITS = {
  length: 100_000,
  seed: 2 ** 32,
  reasoning: 100_000,
  cachedInputTokens: 1_000_000_000,
  tokensPerSecond: 1_000_000,
  firstTokenDelayMs: 600_000,
  heartbeatMs: 600_000,
  retryMs: 86_400_000,
  faultAttempts: 1_000_000_000,
  dropAfterBytes: 1_000_000_000_000,
  dropAfterEvents: 1_000_000_000,
  stallMs: 600_000,
  stallAfterEvents: 1_000_000_000,
  status: 599,
  retryAfter: 86_400,
  malformedAfterEvents: 1_000_000_000,
  inbandErrorAfterEvents: 1_000_000_000,
  slowDrip: 60_000,
} as const;

/** Below this a token would take more than 10 s (and 0 means unthrottled). */
const MIN_TOKENS_PER_SECOND = 0.1;
/** A heartbeat more often than this would flood the socket. */
const MIN_HEARTBEAT_MS = 10;
const MAX_KEY_LENGTH = 512;

function nonNegativeNumber(where: string, key: keyof typeof SCENARIO_LIMITS, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ScenarioError(`${where}.${key} must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  const max = SCENARIO_LIMITS[key];
  if (v > max) throw new ScenarioError(`${where}.${key} must be at most ${max} (the mock's limit), got ${v}`);
  if (key === 'tokensPerSecond' && v > 0 && v < MIN_TOKENS_PER_SECOND) {
    throw new ScenarioError(`${where}.tokensPerSecond must be 0 (unthrottled) or at least ${MIN_TOKENS_PER_SECOND}, got ${v}`);
  }
  if (key === 'heartbeatMs' && v > 0 && v < MIN_HEARTBEAT_MS) {
    throw new ScenarioError(`${where}.heartbeatMs must be 0 (none) or at least ${MIN_HEARTBEAT_MS}, got ${v}`);
  }
  return v;
}

function readFault(where: string, raw: Raw, into: MockFault): boolean {
  let any = false;
  for (const key of FAULT_NUMBERS) {
    if (raw[key] === undefined) continue;
    into[key] = nonNegativeNumber(where, key, raw[key]);
    any = true;
  }
  if (raw.html200 !== undefined) {
    if (typeof raw.html200 !== 'boolean') throw new ScenarioError(`${where}.html200 must be a boolean`);
    into.html200 = raw.html200;
    any = true;
  }
  if (raw.slowDrip !== undefined) {
    if (typeof raw.slowDrip !== 'boolean') nonNegativeNumber(where, 'slowDrip', raw.slowDrip);
    into.slowDrip = raw.slowDrip as boolean | number;
    any = true;
  }
  if (into.status !== undefined && (into.status < 400 || into.status > 599 || !Number.isInteger(into.status))) {
    throw new ScenarioError(`${where}.status must be an HTTP error status (400–599), got ${into.status}`);
  }
  return any;
}

/** Applies one source on top of `s`; throws ScenarioError naming the bad field. */
function applySource(s: MockScenario, where: string, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ScenarioError(`${where} must be a JSON object`);
  const r = raw as Raw;
  for (const key of SCENARIO_NUMBERS) {
    if (r[key] === undefined) continue;
    if (key === 'retryMs' && r[key] === null) s.retryMs = null;
    else s[key] = nonNegativeNumber(where, key, r[key]);
  }
  if (r.ids !== undefined) {
    if (typeof r.ids !== 'boolean') throw new ScenarioError(`${where}.ids must be a boolean`);
    s.ids = r.ids;
  }
  if (r.reasoning !== undefined) {
    if (typeof r.reasoning !== 'boolean') nonNegativeNumber(where, 'reasoning', r.reasoning);
    s.reasoning = r.reasoning as boolean | number;
  }
  if (r.tools !== undefined) {
    if (r.tools !== true && r.tools !== false && r.tools !== 'auto') throw new ScenarioError(`${where}.tools must be true, false or "auto"`);
    s.tools = r.tools;
  }
  if (r.resume !== undefined) {
    if (r.resume !== 'continue' && r.resume !== 'replay' && r.resume !== 'restart') {
      throw new ScenarioError(`${where}.resume must be "continue", "replay" or "restart"`);
    }
    s.resume = r.resume;
  }
  if (r.key !== undefined) {
    if (typeof r.key !== 'string') throw new ScenarioError(`${where}.key must be a string`);
    if (r.key.length > MAX_KEY_LENGTH) throw new ScenarioError(`${where}.key must be at most ${MAX_KEY_LENGTH} characters`);
    s.key = r.key;
  }
  const fault: MockFault = { ...(s.fault ?? {}) };
  let anyFault = readFault(where, r, fault);
  if (r.fault !== undefined && r.fault !== null) {
    if (typeof r.fault !== 'object' || Array.isArray(r.fault)) throw new ScenarioError(`${where}.fault must be an object`);
    anyFault = readFault(`${where}.fault`, r.fault as Raw, fault) || anyFault;
    const nested = (r.fault as Raw).faultAttempts;
    if (nested !== undefined) s.faultAttempts = nonNegativeNumber(`${where}.fault`, 'faultAttempts', nested);
  } else if (r.fault === null) {
    s.fault = null;
    return;
  }
  if (anyFault) s.fault = fault;
}

function parseHeaderJson(name: string, value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new ScenarioError(`header ${name} must be JSON, got ${JSON.stringify(value.slice(0, 80))}`);
  }
}

export interface ScenarioSources {
  defaults?: MockScenarioInput;
  query?: URLSearchParams;
  header?: string;
  body?: unknown;
  faultHeader?: string;
}

export function resolveScenario(sources: ScenarioSources): MockScenario {
  const s: MockScenario = { ...DEFAULT_SCENARIO };
  applySource(s, 'options', sources.defaults);
  if (sources.query) {
    const fromQuery: Raw = {};
    for (const [key, value] of sources.query) if (key !== 'alt') fromQuery[key] = coerceQueryValue(value);
    applySource(s, 'query', fromQuery);
  }
  applySource(s, 'x-mock', parseHeaderJson('x-mock', sources.header));
  const bodyMock = typeof sources.body === 'object' && sources.body !== null ? (sources.body as Raw).mock : undefined;
  applySource(s, 'body.mock', bodyMock);
  const faultHeader = parseHeaderJson('x-mock-fault', sources.faultHeader);
  if (faultHeader !== undefined) applySource(s, 'x-mock-fault', { fault: faultHeader });
  return s;
}

export function answerOptionsOf(s: MockScenario): MockAnswerOptions {
  return { length: s.length, seed: s.seed, reasoning: s.reasoning, tools: s.tools, cachedInputTokens: s.cachedInputTokens };
}
