// Readers for the two JSON tokens that can span chunk boundaries character by character: strings and numbers.
// Each consumes a chunk from a start index, examines every character once, and remembers where it stopped so that
// the next chunk continues mid-escape, mid-\uXXXX, mid-surrogate-pair or mid-exponent.

const enum StringState {
  Plain,
  Escape, // after a backslash
  Unicode, // inside \uXXXX
}

const ESCAPES: Record<string, string | undefined> = /* @__PURE__ */ Object.assign(Object.create(null), {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
});

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The content of one JSON string, after its opening quote. */
export class JsonStringReader {
  /** The closing quote was consumed. */
  closed = false;
  /** Index (in the chunk given to scan) of an invalid character, else -1. */
  invalidAt = -1;
  /** Content was added since the flag was last cleared by the caller. */
  grew = false;
  private state = StringState.Plain;
  private value = '';
  private readonly parts: string[] = [];
  /** A trailing high surrogate waits here for its low half, so no prefix ends in half a character. */
  private pendingHighSurrogate = '';
  private unicodeDigits = '';

  reset(): void {
    this.closed = false;
    this.invalidAt = -1;
    this.grew = false;
    this.state = StringState.Plain;
    this.value = '';
    this.parts.length = 0;
    this.pendingHighSurrogate = '';
  }

  /** Consumes from `start` up to and including the closing quote; returns the index after what it consumed. */
  scan(chunk: string, start: number): number {
    const n = chunk.length;
    let i = start;
    while (i < n) {
      if (this.state !== StringState.Plain) {
        if (!this.escapeStep(chunk, i)) {
          this.invalidAt = i;
          return i;
        }
        i++;
        continue;
      }
      // A plain run: up to the next quote, backslash or (invalid) raw control character.
      const runStart = i;
      let c = 0;
      while (i < n) {
        c = chunk.charCodeAt(i);
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        i++;
      }
      if (i > runStart) this.append(chunk.slice(runStart, i));
      if (i === n) break;
      if (c === 0x5c) {
        this.state = StringState.Escape;
        i++;
        continue;
      }
      if (c < 0x20) {
        this.invalidAt = i;
        return i;
      }
      this.closed = true;
      if (this.pendingHighSurrogate !== '') {
        this.parts.push(this.pendingHighSurrogate); // a lone surrogate stays, as JSON.parse keeps it
        this.pendingHighSurrogate = '';
      }
      return i + 1;
    }
    return i;
  }

  /** The content so far; parts are folded into one string so that each is joined once. */
  text(): string {
    if (this.parts.length > 0) {
      // V8 concatenation makes a rope: the prefix already built is not copied again.
      this.value += this.parts.length === 1 ? this.parts[0] : this.parts.join('');
      this.parts.length = 0;
    }
    return this.value;
  }

  /** One character after a backslash or of a \uXXXX; false when it is invalid. */
  private escapeStep(chunk: string, i: number): boolean {
    const char = chunk[i];
    if (this.state === StringState.Escape) {
      if (char === 'u') {
        this.state = StringState.Unicode;
        this.unicodeDigits = '';
        return true;
      }
      const decoded = ESCAPES[char];
      if (decoded === undefined) return false;
      this.append(decoded);
      this.state = StringState.Plain;
      return true;
    }
    if (!isHexDigit(chunk.charCodeAt(i))) return false;
    this.unicodeDigits += char;
    if (this.unicodeDigits.length === 4) {
      this.append(String.fromCharCode(parseInt(this.unicodeDigits, 16)));
      this.state = StringState.Plain;
    }
    return true;
  }

  private append(text: string): void {
    let s = this.pendingHighSurrogate === '' ? text : this.pendingHighSurrogate + text;
    this.pendingHighSurrogate = '';
    if (isHighSurrogate(s.charCodeAt(s.length - 1))) {
      this.pendingHighSurrogate = s[s.length - 1];
      s = s.slice(0, -1);
    }
    if (s !== '') {
      this.parts.push(s);
      this.grew = true;
    }
  }
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

/** One JSON number. Its end is only known when a character that cannot continue it arrives (or the input ends). */
export class JsonNumberReader {
  private state = NumberState.Sign;
  private readonly parts: string[] = [];

  /** Starts a number at `first` ('-' or a digit). */
  start(first: number): void {
    this.state = first === 0x2d ? NumberState.Sign : first === 0x30 ? NumberState.Zero : NumberState.Int;
    this.parts.length = 0;
    this.parts.push(String.fromCharCode(first));
  }

  /** Consumes number characters from `start`; returns the index of the first one that is not part of it (or n). */
  scan(chunk: string, start: number): number {
    let i = start;
    while (i < chunk.length && this.step(chunk.charCodeAt(i))) i++;
    if (i > start) this.parts.push(chunk.slice(start, i));
    return i;
  }

  get text(): string {
    return this.parts.join('');
  }

  /** The number's value, or undefined when it stopped in a non-final state ("-", "1.", "1e+"). */
  finish(): number | undefined {
    const s = this.state;
    const final = s === NumberState.Zero || s === NumberState.Int || s === NumberState.Frac || s === NumberState.ExpDigits;
    return final ? Number(this.text) : undefined;
  }

  private step(c: number): boolean {
    const digit = isDigit(c);
    const exponent = c === 0x65 || c === 0x45; // e E
    let next: NumberState | -1 = -1;
    switch (this.state) {
      case NumberState.Sign:
        if (digit) next = c === 0x30 ? NumberState.Zero : NumberState.Int;
        break;
      case NumberState.Zero:
      case NumberState.Int:
        if (digit && this.state === NumberState.Int) next = NumberState.Int;
        else if (c === 0x2e /* . */) next = NumberState.Dot;
        else if (exponent) next = NumberState.Exp;
        break;
      case NumberState.Dot:
      case NumberState.Frac:
        if (digit) next = NumberState.Frac;
        else if (exponent && this.state === NumberState.Frac) next = NumberState.Exp;
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
    this.state = next;
    return true;
  }
}
