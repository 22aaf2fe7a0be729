// Incremental, best-effort JSON parsing for tool-call arguments that arrive in fragments.
//
// The parser is a character-level state machine: every character of every chunk is examined exactly once,
// whatever the chunk boundaries (inside a string, an escape, a \uXXXX, a surrogate pair, a number, a literal).
// Containers are built in place while members complete; a completed member is never touched again, so it is
// shared (same identity) by every later value().
//
// Cost: push(chunk) is O(chunk). value() is O(1) when nothing changed since the previous value(); otherwise it
// rebuilds only the open path (the containers not yet closed, each a shallow copy) and joins the fragments of
// the open string that arrived since the last value() (V8 keeps the already-joined prefix as a rope), i.e.
// O(depth + members of the open containers + new string fragments) — never a re-scan of the text.
//
// Best-effort value of a prefix (every value is a "valid prefix interpretation" of the final document):
// - an unterminated string is kept as its prefix (a half-received escape or a lone high surrogate waiting for
//   its low half is held back);
// - an unfinished number is dropped (`12` may still become `123`); a bare top-level number is therefore only
//   returned once something (whitespace) ends it, or after end();
// - an unfinished literal is kept when unambiguous (`t` -> true, `nu` -> null);
// - an unfinished key, or a key still waiting for its value, is dropped; open objects/arrays are closed.
// Invalid input does not throw: the parser stops at the first error, `error` describes it, and value() keeps
// returning the best-effort value of everything before it.

import { isDigit, JsonNumberReader, JsonStringReader } from './json-scalars';

const enum Mode {
  Value, // a value must come (after `:` or `,` in an array, or at the top)
  ValueOrClose, // just after `[`: a value or `]`
  KeyOrClose, // just after `{`: a key or `}`
  Key, // after `,` in an object: a key must come
  Colon, // after a key
  AfterValue, // after a member: `,` or the container's close
  String,
  Number,
  Literal,
  Done, // the top-level value is complete; only whitespace may follow
  Error,
}

interface ObjectFrame {
  isArray: false;
  target: Record<string, unknown>;
  /** The completed key whose value is pending or being parsed. */
  key: string | null;
}
interface ArrayFrame {
  isArray: true;
  target: unknown[];
}
type Frame = ObjectFrame | ArrayFrame;

export interface IncrementalJsonParser {
  /** Consumes the next fragment of the JSON text. Ignored after `error` is set. */
  push(chunk: string): void;
  /** Declares the end of input: finishes a trailing top-level number; an unfinished document sets `error`. */
  end(): void;
  /** Best-effort value of everything pushed so far; undefined before any value started. */
  value(): unknown;
  /** The top-level value is complete (a trailing top-level number needs whitespace or end()). */
  readonly complete: boolean;
  /** First syntax error ("Unexpected character 'x' at position 12"), else null. */
  readonly error: string | null;
  /** Characters consumed so far (for metrics and benchmarks). */
  readonly scanned: number;
}

// Null-prototype lookups: a character such as '_' must never find an inherited property.
// Null-prototype lookups: a character such as '_' must never find an inherited property.
const LITERALS: Record<string, string | undefined> = /* @__PURE__ */ Object.assign(Object.create(null), { t: 'true', f: 'false', n: 'null' });
const LITERAL_VALUES: Record<string, boolean | null> = /* @__PURE__ */ Object.assign(Object.create(null), { true: true, false: false, null: null });

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Own data property even for "__proto__" (JSON.parse semantics; plain assignment would set the prototype). */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

class IncrementalJsonParserImpl implements IncrementalJsonParser {
  private mode: Mode = Mode.Value;
  private readonly stack: Frame[] = [];
  private root: unknown = undefined;
  private hasRoot = false;
  private errorMessage: string | null = null;
  private position = 0;

  // The open string (a value or a key), number or literal.
  private stringIsKey = false;
  private readonly string = new JsonStringReader();
  private readonly number = new JsonNumberReader();
  private literal = '';
  private literalPos = 0;

  // value() cache: rebuilt only after something that changes the value happened.
  private cached: unknown = undefined;
  private dirty = false;

  get complete(): boolean {
    return this.mode === Mode.Done;
  }
  get error(): string | null {
    return this.errorMessage;
  }
  get scanned(): number {
    return this.position;
  }

  push(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    while (i < n && this.mode !== Mode.Error) {
      if (this.mode === Mode.String) {
        i = this.scanString(chunk, i);
        continue;
      }
      if (this.mode === Mode.Number) {
        i = this.number.scan(chunk, i);
        if (i < n) this.finishNumber(i); // the terminating character is examined again in the new mode
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.mode === Mode.Literal) {
        if (c !== this.literal.charCodeAt(this.literalPos)) {
          this.fail(i, chunk[i]);
          break;
        }
        this.literalPos++;
        if (this.literalPos === this.literal.length) this.completeValue(LITERAL_VALUES[this.literal]);
        i++;
        continue;
      }
      if (!isWhitespace(c)) this.structural(c, chunk[i], i);
      i++;
    }
    this.position += i;
  }

  end(): void {
    if (this.mode === Mode.Number) this.finishNumber(0);
    if (this.mode === Mode.Done || this.mode === Mode.Error) return;
    this.stop(this.hasStarted() ? 'Unexpected end of JSON input' : 'No JSON value in input');
  }

  value(): unknown {
    if (!this.dirty) return this.cached;
    this.dirty = false;
    this.cached = this.buildValue();
    return this.cached;
  }

  // ---- scanning ----

  private hasStarted(): boolean {
    return this.hasRoot || this.stack.length > 0 || this.mode !== Mode.Value;
  }

  private fail(offsetInChunk: number, char: string): void {
    this.stop(`Unexpected character ${JSON.stringify(char)} at position ${this.position + offsetInChunk}`);
  }

  /** Freezes the best-effort value as it stood before the error; nothing more is consumed. */
  private stop(message: string): void {
    this.value();
    this.errorMessage = message;
    this.mode = Mode.Error;
  }

  /** A non-whitespace character outside strings, numbers and literals. */
  private structural(c: number, char: string, i: number): void {
    const mode = this.mode;
    if (mode === Mode.Value || mode === Mode.ValueOrClose) {
      if (mode === Mode.ValueOrClose && c === 0x5d /* ] */) return this.closeContainer(true, char, i);
      return this.startValue(c, char, i);
    }
    if (mode === Mode.KeyOrClose || mode === Mode.Key) {
      if (c === 0x22 /* " */) return this.startString(true);
      if (mode === Mode.KeyOrClose && c === 0x7d /* } */) return this.closeContainer(false, char, i);
      return this.fail(i, char);
    }
    if (mode === Mode.Colon) {
      if (c === 0x3a /* : */) {
        this.mode = Mode.Value;
        return;
      }
      return this.fail(i, char);
    }
    if (mode === Mode.AfterValue) {
      const top = this.stack[this.stack.length - 1];
      if (c === 0x2c /* , */) {
        this.mode = top.isArray ? Mode.Value : Mode.Key;
        return;
      }
      if (c === 0x5d /* ] */) return this.closeContainer(true, char, i);
      if (c === 0x7d /* } */) return this.closeContainer(false, char, i);
      return this.fail(i, char);
    }
    // Mode.Done: only whitespace may follow the top-level value.
    this.fail(i, char);
  }

  private startValue(c: number, char: string, i: number): void {
    if (c === 0x22 /* " */) return this.startString(false);
    if (c === 0x7b /* { */) return this.openContainer({ isArray: false, target: {}, key: null });
    if (c === 0x5b /* [ */) return this.openContainer({ isArray: true, target: [] });
    if (c === 0x2d /* - */ || isDigit(c)) {
      this.mode = Mode.Number;
      this.number.start(c);
      return;
    }
    const literal = LITERALS[char];
    if (literal !== undefined) {
      this.mode = Mode.Literal;
      this.literal = literal;
      this.literalPos = 1;
      this.dirty = true; // an unambiguous literal prefix already has its value
      return;
    }
    this.fail(i, char);
  }

  private openContainer(frame: Frame): void {
    this.stack.push(frame);
    this.mode = frame.isArray ? Mode.ValueOrClose : Mode.KeyOrClose;
    this.dirty = true;
  }

  private closeContainer(isArray: boolean, char: string, i: number): void {
    const top = this.stack[this.stack.length - 1];
    if (top.isArray !== isArray) return this.fail(i, char);
    this.stack.pop();
    this.completeValue(top.target);
  }

  /** A value is complete: it becomes a member of the open container, or the root. */
  private completeValue(value: unknown): void {
    this.dirty = true;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.root = value;
      this.hasRoot = true;
      this.mode = Mode.Done;
      return;
    }
    if (top.isArray) {
      top.target.push(value);
    } else {
      setMember(top.target, top.key as string, value);
      top.key = null;
    }
    this.mode = Mode.AfterValue;
  }

  private startString(isKey: boolean): void {
    this.mode = Mode.String;
    this.stringIsKey = isKey;
    this.string.reset();
    if (!isKey) this.dirty = true; // an open value string is already "" in the best-effort value
  }

  private scanString(chunk: string, start: number): number {
    const reader = this.string;
    const i = reader.scan(chunk, start);
    if (reader.grew && !this.stringIsKey) this.dirty = true;
    reader.grew = false;
    if (reader.invalidAt !== -1) {
      this.fail(reader.invalidAt, chunk[reader.invalidAt]);
    } else if (reader.closed) {
      const text = reader.text();
      reader.reset();
      if (this.stringIsKey) {
        (this.stack[this.stack.length - 1] as ObjectFrame).key = text;
        this.mode = Mode.Colon;
      } else {
        this.completeValue(text);
      }
    }
    return i;
  }

  /** The number ended (a non-number character, or end()); it must be in a final state. */
  private finishNumber(offsetInChunk: number): void {
    const value = this.number.finish();
    if (value === undefined) {
      this.stop(`Unterminated number ${JSON.stringify(this.number.text)} at position ${this.position + offsetInChunk}`);
    } else {
      this.completeValue(value);
    }
  }

  // ---- building the best-effort value ----

  /** The partial value of whatever is open at the top, or undefined when it contributes nothing yet. */
  private openScalarValue(): unknown {
    if (this.mode === Mode.String && !this.stringIsKey) return this.string.text();
    if (this.mode === Mode.Literal) return LITERAL_VALUES[this.literal];
    return undefined; // numbers, keys, nothing open
  }

  private buildValue(): unknown {
    const scalar = this.openScalarValue();
    if (this.stack.length === 0) return this.hasRoot ? this.root : scalar;
    // Rebuild the open path bottom-up: a shallow copy of each open container plus its open child.
    let child = scalar;
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const frame = this.stack[depth];
      if (frame.isArray) {
        const copy = frame.target.slice();
        if (child !== undefined) copy.push(child);
        child = copy;
      } else {
        const copy = { ...frame.target };
        if (child !== undefined && frame.key !== null) setMember(copy, frame.key, child);
        child = copy;
      }
    }
    return child;
  }
}

export function createIncrementalJsonParser(): IncrementalJsonParser {
  return new IncrementalJsonParserImpl();
}
