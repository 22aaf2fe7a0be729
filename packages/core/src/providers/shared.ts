import { StreamError } from '../errors';
import type { Delta, RawEvent, ToolCallDelta, Usage } from '../types';

/** A JSON object as it came off the wire: every field must be checked before use. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Parses one event's data payload; a malformed payload is a typed 'parse' error naming the provider. */
export function parseJsonPayload(data: string, provider: string, eventName?: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    const where = eventName && eventName !== 'message' ? ` "${eventName}"` : '';
    return throwParse(`${provider}: invalid JSON in event${where}`, data, cause);
  }
}

function throwParse(message: string, data: string, cause: unknown): never {
  throw new StreamError('parse', message, { body: data.slice(0, 200), cause });
}

/** The `[DONE]` sentinel of OpenAI-style streams (compared without trimming in the common case: it runs per event). */
export function isDoneMarker(data: string): boolean {
  return data === '[DONE]' || (data.length < 32 && data.trim() === '[DONE]');
}

/** True for payloads that carry nothing (keep-alives some servers send as empty data). */
export function isBlank(data: string): boolean {
  return firstNonBlank(data) === -1;
}

/** The char code of the first non-whitespace character, or -1 (checked in place: this runs on every event). */
function firstNonBlank(data: string): number {
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    // JSON whitespace, plus what String.prototype.trim also drops in practice (form feed, vertical tab, NBSP, BOM).
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9 && code !== 11 && code !== 12 && code !== 0xa0 && code !== 0xfeff) {
      return code;
    }
  }
  return -1;
}

/**
 * Builds the deltas of one event in a fixed order: content first, then tool calls, then the
 * finish/usage/terminal fields, so that `done` is always on the last delta.
 */
export class DeltaBatch {
  readonly head: Delta = {};
  readonly tail: Delta = {};
  private calls: Delta[] | null = null;

  appendText(text: string | undefined): void {
    if (text) this.head.text = this.head.text === undefined ? text : this.head.text + text;
  }

  appendReasoning(text: string | undefined): void {
    if (text) this.head.reasoning = this.head.reasoning === undefined ? text : this.head.reasoning + text;
  }

  toolCall(call: ToolCallDelta): void {
    (this.calls ??= []).push({ toolCall: call });
  }

  /** One delta when there is no tool call (the common case, without building a list), else the list in order. */
  finish(): Delta | Delta[] | null {
    const hasHead = hasFields(this.head);
    const hasTail = hasFields(this.tail);
    if (this.calls === null) {
      if (!hasTail) return hasHead ? this.head : null;
      return hasHead ? Object.assign(this.head, this.tail) : this.tail;
    }
    const out: Delta[] = [];
    if (hasHead) out.push(this.head);
    out.push(...this.calls);
    if (hasTail) out.push(this.tail);
    return out;
  }
}

function hasFields(delta: Delta): boolean {
  for (const _ in delta) return true;
  return false;
}

/** Emits `model`/`id` only when they first appear or change, so deltas stay small. */
export class IdentityTracker {
  private model: string | undefined;
  private id: string | undefined;

  apply(delta: Delta, model: unknown, id: unknown): void {
    const m = str(model);
    if (m && m !== this.model) {
      this.model = m;
      delta.model = m;
    }
    const i = str(id);
    if (i && i !== this.id) {
      this.id = i;
      delta.id = i;
    }
  }
}

/** Fills `totalTokens` from the provider's total, else input + output, once both parts are known. */
export function withTotal(usage: Partial<Usage>, providerTotal: number | undefined): Partial<Usage> {
  if (providerTotal !== undefined) usage.totalTokens = providerTotal;
  else if (usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  }
  return usage;
}

/** An in-band provider error as the engine expects it: error + finishReason 'error' + done. */
export function errorDelta(message: string, code?: string): Delta {
  const error: { message: string; code?: string } = { message };
  if (code) error.code = code;
  return { error, finishReason: 'error', done: true };
}

let callCounter = 0;

/** A unique tool call id for providers that send none (Gemini, Ollama). */
export function generateCallId(): string {
  callCounter = (callCounter + 1) % 1_000_000;
  const random = Math.random().toString(36).slice(2, 10);
  return `call_${Date.now().toString(36)}${callCounter.toString(36)}${random}`;
}

/** `JSON.parse` that answers undefined instead of throwing (for recognizers: a non-JSON payload is simply not theirs). */
export function tryParseJson(data: string): unknown {
  const first = firstNonBlank(data);
  // Only objects, arrays and strings can be protocol payloads; skip the parse for anything else.
  if (first !== 123 && first !== 91 && first !== 34) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** Tells whether one event belongs to a protocol; `json` is the event's data parsed as JSON (undefined if it is not). */
export type ProtocolRecognizer = (event: RawEvent, json: unknown) => boolean;

/**
 * No silent blanks: a named adapter checks the first meaningful (non-blank) event against its protocol and fails
 * with a 'parse' error quoting it when it is not of that protocol, instead of skipping everything and reporting
 * `done` with empty text (or leaving the engine to re-send the request). Later events are not checked: unknown
 * event types inside a recognised protocol are skipped by the adapter.
 */
export function createProtocolCheck(protocol: string, recognizes: ProtocolRecognizer): (event: RawEvent, json: unknown) => void {
  let recognised = false;
  return (event, json) => {
    if (recognised || isBlank(event.data)) return;
    if (!recognizes(event, json)) throw wrongProtocolError(protocol, event);
    recognised = true;
  };
}

const WRONG_PROTOCOL = 'wrong_protocol';

function wrongProtocolError(protocol: string, event: RawEvent): StreamError {
  const label = event.event && event.event !== 'message' ? ` (event "${event.event.slice(0, 40)}")` : '';
  return new StreamError('parse', `${protocol}: the stream is not of this protocol; first event${label}: ${event.data.slice(0, 100)}`, {
    body: event.data.slice(0, 200),
    code: WRONG_PROTOCOL,
  });
}

/**
 * An event's data as JSON, for the protocol check: undefined when it is not JSON (then the check names the wrong
 * protocol); data that starts like a JSON object or array but does not parse is an invalid-JSON 'parse' error.
 */
export function readEventJson(event: RawEvent, provider: string): unknown {
  const json = tryParseJson(event.data);
  if (json === undefined && /^\s*[{[]/.test(event.data) && !isDoneMarker(event.data)) {
    parseJsonPayload(event.data, provider, event.event);
  }
  return json;
}
