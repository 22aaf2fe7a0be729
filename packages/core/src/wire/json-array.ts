import { StreamError } from '../errors';

export interface JsonArraySplitter {
  /** Feed decoded text; each complete top-level element is passed to `onItem` as its JSON text. */
  push(text: string): void;
  /** The body ended: true when the array was closed (a clean end), false when it stopped mid-array. */
  end(): boolean;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

/**
 * Reads a JSON array streamed piece by piece (Gemini's `streamGenerateContent` without `alt=sse` answers
 * `[{...},\r\n{...}]`) and hands over each element as soon as it is complete. Linear: every character is scanned once
 * and an element's pieces are joined once. `maxItemChars` bounds one element, like maxEventBytes bounds an event.
 */
export function createJsonArraySplitter(onItem: (json: string) => void, maxItemChars: number): JsonArraySplitter {
  let state: 'before' | 'between' | 'item' | 'closed' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pieces: string[] = [];
  let pendingChars = 0;

  function fail(message: string): never {
    throw new StreamError('parse', `JSON array stream: ${message}`, { code: 'invalid_json_array' });
  }

  return {
    push(text) {
      let itemStart = state === 'item' ? 0 : -1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (state === 'item') {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) inString = false;
            continue;
          }
          if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            depth--;
            if (depth === 0) {
              pieces.push(text.slice(itemStart, i + 1));
              const item = pieces.length === 1 ? pieces[0]! : pieces.join('');
              pieces = [];
              pendingChars = 0;
              state = 'between';
              onItem(item);
            }
          }
          continue;
        }
        if (c === 32 || c === 10 || c === 13 || c === 9) continue;
        if (state === 'before') {
          if (c !== OPEN_BRACKET) fail('the body does not start with [');
          state = 'between';
        } else if (state === 'between') {
          if (c === COMMA) continue;
          if (c === CLOSE_BRACKET) state = 'closed';
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            state = 'item';
            depth = 1;
            itemStart = i;
          } else fail(`unexpected ${JSON.stringify(text[i])} between elements`);
        } else fail('text after the closing ]');
      }
      if (state === 'item') {
        const rest = text.slice(itemStart);
        pendingChars += rest.length;
        if (pendingChars > maxItemChars) {
          pieces = [];
          pendingChars = 0;
          throw new StreamError('overflow', `An event or line exceeded maxEventBytes (${maxItemChars})`);
        }
        pieces.push(rest);
      }
    },
    end() {
      return state === 'closed';
    },
  };
}
