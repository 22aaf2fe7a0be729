import { StreamError } from '../errors';

export interface LineSplitter {
  /** Feed decoded text; complete lines are passed to `onLine` without their terminator. */
  push(text: string): void;
  /** The body ended: a pending unterminated line is returned (or null), the splitter is reset. */
  end(): string | null;
}

/**
 * Splits text into lines at CR, LF or CRLF, also when the pair is split across pushes.
 * Linear: a partial line is kept as a list of pieces and joined once, when its terminator arrives.
 * `maxLineChars` bounds what is buffered before a terminator: past it, an 'overflow' StreamError is thrown.
 */
export function createLineSplitter(onLine: (line: string) => void, maxLineChars: number): LineSplitter {
  let pieces: string[] = [];
  let pendingChars = 0;
  let skipLeadingLF = false;

  function takeLine(tail: string): string {
    if (pieces.length === 0) return tail;
    pieces.push(tail);
    const line = pieces.join('');
    pieces = [];
    pendingChars = 0;
    return line;
  }

  function checkSize(extra: number): void {
    if (pendingChars + extra > maxLineChars) {
      pieces = [];
      pendingChars = 0;
      throw new StreamError('overflow', `An event or line exceeded maxEventBytes (${maxLineChars})`);
    }
  }

  return {
    push(text) {
      let start = 0;
      if (skipLeadingLF && text.length > 0) {
        if (text.charCodeAt(0) === 10) start = 1;
        skipLeadingLF = false;
      }
      const length = text.length;
      // indexOf scans natively; each terminator kind is searched again only once passed, so the work stays linear.
      let nextLF = text.indexOf('\n', start);
      let nextCR = text.indexOf('\r', start);
      while (nextLF !== -1 || nextCR !== -1) {
        let end = nextCR === -1 || (nextLF !== -1 && nextLF < nextCR) ? nextLF : nextCR;
        checkSize(end - start);
        onLine(takeLine(text.slice(start, end)));
        if (end === nextCR) {
          if (end + 1 === length) skipLeadingLF = true;
          else if (text.charCodeAt(end + 1) === 10) end++;
        }
        start = end + 1;
        if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start);
        if (nextCR !== -1 && nextCR < start) nextCR = text.indexOf('\r', start);
      }
      if (start < length) {
        checkSize(length - start);
        pieces.push(text.slice(start));
        pendingChars += length - start;
      }
    },
    end() {
      skipLeadingLF = false;
      if (pieces.length === 0) return null;
      const line = pieces.join('');
      pieces = [];
      pendingChars = 0;
      return line;
    },
  };
}
