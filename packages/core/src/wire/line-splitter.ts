import { StreamError } from '../errors';

export interface LineSplitter {
  /** Feed decoded text; complete lines are passed on without their terminator. */
  push(text: string): void;
  /** The body ended: a pending unterminated line is returned (or null), the splitter is reset. */
  end(): string | null;
}

/** A complete line: `text.slice(start, end)`, handed over by index so that a reader can skip slicing what it ignores. */
export type OnLineAt = (text: string, start: number, end: number) => void;

/**
 * Splits text into lines at CR, LF or CRLF, also when the pair is split across pushes, and hands each line over by
 * index. Linear: a partial line is kept as a list of pieces and joined once, with the text that ends it.
 * `maxLineChars` bounds what is buffered before a terminator: past it, an 'overflow' StreamError is thrown.
 */
export function createLineScanner(onLine: OnLineAt, maxLineChars: number): LineSplitter {
  let pending: string[] = [];
  let pendingChars = 0;
  /** The last push ended on CR: a LF starting the next one belongs to it. */
  let skipLF = false;

  function overflow(): never {
    pending = [];
    pendingChars = 0;
    throw new StreamError('overflow', `An event or line exceeded maxEventBytes (${maxLineChars})`);
  }

  function hold(piece: string): void {
    pendingChars += piece.length;
    if (pendingChars > maxLineChars) overflow();
    pending.push(piece);
  }

  return {
    push(chunk) {
      let text = chunk;
      let start = 0;
      if (skipLF && text.length > 0) {
        skipLF = false;
        if (text.charCodeAt(0) === 10) start = 1;
      }
      let nextLF = text.indexOf('\n', start);
      let nextCR = text.indexOf('\r', start);
      if (pending.length > 0) {
        const rest = start === 0 ? text : text.slice(start);
        if (nextLF === -1 && nextCR === -1) return hold(rest);
        // The held line ends in this text: joined once with it (held pieces never contain a terminator).
        pending.push(rest);
        text = pending.join('');
        pending = [];
        pendingChars = 0;
        start = 0;
        nextLF = text.indexOf('\n');
        nextCR = nextCR === -1 ? -1 : text.indexOf('\r');
      }
      const length = text.length;
      while (nextLF !== -1 || nextCR !== -1) {
        let end = nextCR === -1 || (nextLF !== -1 && nextLF < nextCR) ? nextLF : nextCR;
        if (end - start > maxLineChars) overflow();
        onLine(text, start, end);
        if (end === nextCR) {
          if (end + 1 === length) skipLF = true;
          else if (text.charCodeAt(end + 1) === 10) end++;
        }
        start = end + 1;
        // indexOf scans natively; each terminator kind is searched again only once passed, so the work stays linear.
        if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start);
        if (nextCR !== -1 && nextCR < start) nextCR = text.indexOf('\r', start);
      }
      if (start < length) hold(start === 0 ? text : text.slice(start));
    },
    end() {
      skipLF = false;
      if (pending.length === 0) return null;
      const line = pending.join('');
      pending = [];
      pendingChars = 0;
      return line;
    },
  };
}

/** `createLineScanner` for callers that want each line as a string. */
export function createLineSplitter(onLine: (line: string) => void, maxLineChars: number): LineSplitter {
  return createLineScanner((text, start, end) => onLine(start === 0 && end === text.length ? text : text.slice(start, end)), maxLineChars);
}
