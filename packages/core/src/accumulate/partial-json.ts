// Incremental, best-effort JSON parsing for tool-call arguments that arrive in fragments.
//
// The parser is a character-level state machine: every character of every chunk is examined exactly once,
// whatever the chunk boundaries (inside a string, an escape, a \uXXXX, a surrogate pair, a number, a literal).
// Containers are built in place while members complete; a completed member is never touched again, so it is
// shared (same identity) by every later value().
//
// Cost: push(chunk) is O(chunk). value() is O(1) when nothing changed since the previous value(); otherwise it
// rebuilds only the open path (the containers not yet closed, each a shallow copy, plus the open string),
// i.e. O(depth + members of the open containers) — never a re-scan of the text.
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

const enum StringState {
  Plain,
  Escape, // after a backslash
  Unicode, // inside \uXXXX
}

const enum NumberState {
  Sign, // after '-': a digit must come
  Zero, // a leading 0: '.', 'e' or the end
  Int,
  Dot, // after '.': a digit must come
  Frac,
  Exp, // after 'e': sign or digit
  ExpSign, // after 'e+'/'e-': a digit must come
  ExpDigits,
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
const LITERALS: Record<string, string | undefined> = Object.assign(Object.create(null), { t: 'true', f: 'false', n: 'null' });
const LITERAL_VALUES: Record<string, boolean | null> = Object.assign(Object.create(null), { true: true, false: false, null: null });
const ESCAPES: Record<string, string | undefined> = Object.assign(Object.create(null), {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
});

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
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

  // The open string (a value or a key).
  private stringIsKey = false;
  private stringState = StringState.Plain;
  private stringValue = '';
  private readonly stringParts: string[] = [];
  private pendingHighSurrogate = '';
  private unicodeDigits = '';

  // The open number or literal.
  private numberState = NumberState.Sign;
  private readonly numberParts: string[] = [];
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
      const c = chunk.charCodeAt(i);
      if (this.mode === Mode.Number) {
        if (this.stepNumber(c)) {
          i++;
          continue;
        }
        const start = i;
        this.finishNumber(start);
        continue; // the terminating character is examined again in the new mode
      }
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
      this.numberState = c === 0x2d ? NumberState.Sign : c === 0x30 ? NumberState.Zero : NumberState.Int;
      this.numberParts.push(char);
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
    this.stringState = StringState.Plain;
    this.stringValue = '';
    this.stringParts.length = 0;
    this.pendingHighSurrogate = '';
    if (!isKey) this.dirty = true; // an open value string is already "" in the best-effort value
  }

  /** Consumes string content from `i`; returns the index after what it consumed. */
  private scanString(chunk: string, start: number): number {
    const n = chunk.length;
    let i = start;
    while (i < n) {
      if (this.stringState === StringState.Escape) {
        const char = chunk[i];
        if (char === 'u') {
          this.stringState = StringState.Unicode;
          this.unicodeDigits = '';
        } else {
          const decoded = ESCAPES[char];
          if (decoded === undefined) {
            this.fail(i, char);
            return i;
          }
          this.appendToString(decoded);
          this.stringState = StringState.Plain;
        }
        i++;
        continue;
      }
      if (this.stringState === StringState.Unicode) {
        const char = chunk[i];
        if (!isHexDigit(chunk.charCodeAt(i))) {
          this.fail(i, char);
          return i;
        }
        this.unicodeDigits += char;
        i++;
        if (this.unicodeDigits.length === 4) {
          this.appendToString(String.fromCharCode(parseInt(this.unicodeDigits, 16)));
          this.stringState = StringState.Plain;
        }
        continue;
      }
      // Plain run: find the next quote, backslash or (invalid) control character.
      const runStart = i;
      let c = 0;
      while (i < n) {
        c = chunk.charCodeAt(i);
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        i++;
      }
      if (i > runStart) this.appendToString(chunk.slice(runStart, i));
      if (i === n) break;
      if (c === 0x5c) {
        this.stringState = StringState.Escape;
        i++;
        continue;
      }
      if (c < 0x20) {
        this.fail(i, chunk[i]);
        return i;
      }
      // Closing quote.
      i++;
      this.finishString();
      return i;
    }
    return i;
  }

  /** Appends decoded text, holding back a trailing high surrogate until its low half arrives (or the string ends). */
  private appendToString(text: string): void {
    let s = this.pendingHighSurrogate === '' ? text : this.pendingHighSurrogate + text;
    this.pendingHighSurrogate = '';
    if (isHighSurrogate(s.charCodeAt(s.length - 1))) {
      this.pendingHighSurrogate = s[s.length - 1];
      s = s.slice(0, -1);
    }
    if (s !== '') {
      this.stringParts.push(s);
      if (!this.stringIsKey) this.dirty = true;
    }
  }

  /** The string so far (parts folded into one string, so each part is joined once). */
  private openStringValue(): string {
    if (this.stringParts.length > 0) {
      this.stringValue += this.stringParts.length === 1 ? this.stringParts[0] : this.stringParts.join('');
      this.stringParts.length = 0;
    }
    return this.stringValue;
  }

  private finishString(): void {
    if (this.pendingHighSurrogate !== '') {
      this.stringParts.push(this.pendingHighSurrogate); // a lone surrogate stays, as JSON.parse keeps it
      this.pendingHighSurrogate = '';
    }
    const text = this.openStringValue();
    this.stringValue = '';
    if (this.stringIsKey) {
      (this.stack[this.stack.length - 1] as ObjectFrame).key = text;
      this.mode = Mode.Colon;
    } else {
      this.completeValue(text);
    }
  }

  /** Advances the number state machine; false when `c` cannot continue the number. */
  private stepNumber(c: number): boolean {
    const digit = isDigit(c);
    let next: NumberState | -1 = -1;
    switch (this.numberState) {
      case NumberState.Sign:
        if (digit) next = c === 0x30 ? NumberState.Zero : NumberState.Int;
        break;
      case NumberState.Zero:
      case NumberState.Int:
        if (digit && this.numberState === NumberState.Int) next = NumberState.Int;
        else if (c === 0x2e /* . */) next = NumberState.Dot;
        else if (c === 0x65 || c === 0x45 /* e E */) next = NumberState.Exp;
        break;
      case NumberState.Dot:
      case NumberState.Frac:
        if (digit) next = NumberState.Frac;
        else if (this.numberState === NumberState.Frac && (c === 0x65 || c === 0x45)) next = NumberState.Exp;
        break;
      case NumberState.Exp:
        if (digit) next = NumberState.ExpDigits;
        else if (c === 0x2b || c === 0x2d /* + - */) next = NumberState.ExpSign;
        break;
      case NumberState.ExpSign:
      case NumberState.ExpDigits:
        if (digit) next = NumberState.ExpDigits;
        break;
    }
    if (next === -1) return false;
    this.numberState = next;
    this.numberParts.push(String.fromCharCode(c));
    return true;
  }

  /** The number ended (a non-number character, or end()); it must be in a final state. */
  private finishNumber(offsetInChunk: number): void {
    const s = this.numberState;
    const text = this.numberParts.join('');
    this.numberParts.length = 0;
    if (s === NumberState.Zero || s === NumberState.Int || s === NumberState.Frac || s === NumberState.ExpDigits) {
      this.completeValue(Number(text));
    } else {
      this.stop(`Unterminated number ${JSON.stringify(text)} at position ${this.position + offsetInChunk}`);
    }
  }

  // ---- building the best-effort value ----

  /** The partial value of whatever is open at the top, or undefined when it contributes nothing yet. */
  private openScalarValue(): unknown {
    if (this.mode === Mode.String && !this.stringIsKey) return this.openStringValue();
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

/** Best-effort value of a JSON prefix; undefined when no value has started. Never throws. */
export function parsePartialJson(text: string): unknown {
  const parser = new IncrementalJsonParserImpl();
  parser.push(text);
  return parser.value();
}
