import { fenceOpening, type FenceOpening } from './lines';

/** Counts characters the healer looked at (tests check the work per call stays bounded by the open leaf). */
export const healWork = { chars: 0 };

/** The open fence's closing line, so a half-written code block renders as code instead of swallowing the page. */
export function closeFence(body: string, fence: FenceOpening): string {
  // A partial closing fence (`` or ~) on the last line is hidden rather than shown inside the code.
  const lastLineStart = body.lastIndexOf('\n') + 1;
  const lastLine = body.slice(lastLineStart);
  let kept = body;
  if (lastLine.length > 0 && new RegExp(`^ {0,3}\\${fence.char}+$`).test(lastLine)) kept = body.slice(0, lastLineStart);
  return `${kept}${kept.endsWith('\n') ? '' : '\n'}${fence.char.repeat(fence.length)}`;
}

/**
 * The display form of a partial line that is not inside a fence: a fence being opened is closed, one or two backticks
 * or tildes that may yet become a fence are hidden. Null when the line is ordinary text.
 */
export function healPartialFenceLine(line: string): string | null {
  const fence = fenceOpening(line);
  if (fence) return `${line}\n${fence.char.repeat(fence.length)}`;
  if (/^ {0,3}(?:`{1,2}|~{1,2})$/.test(line)) return '';
  return null;
}

interface Delimiter {
  char: string;
  length: number;
}

const isWhitespace = (char: string | undefined): boolean => char === undefined || /\s/.test(char);
const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);

/**
 * Heals the inline syntax of the leaf (paragraph, list item) still being written: an open code span is closed (or
 * hidden while empty), open emphasis and strikethrough are closed, a dangling delimiter run at the end is hidden, a
 * link whose target is still arriving shows as its text, and an unclosed `[` is hidden.
 */
export function healInline(segment: string): string {
  healWork.chars += segment.length;
  const emphasis: Delimiter[] = [];
  let code: { length: number; at: number } | null = null;
  let bracket: { at: number; image: boolean } | null = null;
  let link: { at: number; text: string } | null = null;
  let danglingRunAt = -1;
  let i = 0;
  while (i < segment.length) {
    const char = segment[i]!;
    if (char === '\\' && !code) {
      i += 2;
      continue;
    }
    if (char === '`') {
      const runEnd = endOfRun(segment, i);
      const length = runEnd - i;
      if (!code) code = { length, at: i };
      else if (code.length === length) code = null;
      i = runEnd;
      continue;
    }
    if (code) {
      i += 1;
      continue;
    }
    if (char === '*' || char === '_' || char === '~') {
      const runEnd = endOfRun(segment, i);
      const length = runEnd - i;
      const before = segment[i - 1];
      const after = segment[runEnd];
      const top = emphasis[emphasis.length - 1];
      const canClose = !isWhitespace(before) && !(char === '_' && isWordChar(after));
      const canOpen = after !== undefined && !isWhitespace(after) && !isWordChar(before);
      const delimiter = char !== '~' || length === 2;
      if (delimiter && canClose && top?.char === char && top.length === length) emphasis.pop();
      else if (delimiter && length <= 3 && canOpen) emphasis.push({ char, length });
      else if (after === undefined) danglingRunAt = i;
      i = runEnd;
      continue;
    }
    if (char === '[') {
      bracket = { at: segment[i - 1] === '!' ? i - 1 : i, image: segment[i - 1] === '!' };
    } else if (char === ']' && bracket) {
      if (segment[i + 1] === '(') {
        const close = endOfLinkTarget(segment, i + 2);
        if (close < 0) {
          const textStart = bracket.image ? bracket.at + 2 : bracket.at + 1;
          link = { at: bracket.at, text: bracket.image ? '' : segment.slice(textStart, i) };
          break;
        }
        i = close;
      }
      bracket = null;
    }
    i += 1;
  }

  let healed = segment;
  if (link) healed = segment.slice(0, link.at) + link.text;
  else if (bracket && !code) healed = segment.slice(0, bracket.at) + segment.slice(bracket.at + (bracket.image ? 2 : 1));
  else if (danglingRunAt >= 0) healed = segment.slice(0, danglingRunAt);
  if (code && !link) {
    const content = segment.slice(code.at + code.length);
    if (content.trim() === '') healed = segment.slice(0, code.at).trimEnd();
    else healed = `${healed}${'`'.repeat(code.length)}`;
  } else {
    healed = healed.trimEnd();
  }
  for (let k = emphasis.length - 1; k >= 0; k -= 1) healed += emphasis[k]!.char.repeat(emphasis[k]!.length);
  return healed;
}

function endOfRun(text: string, start: number): number {
  let end = start + 1;
  while (text[end] === text[start]) end += 1;
  return end;
}

/** Index of the `)` that ends a link target starting at `start` (nested parentheses allowed), or -1. */
function endOfLinkTarget(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\') i += 1;
    else if (char === '(') depth += 1;
    else if (char === ')') {
      if (depth === 0) return i;
      depth -= 1;
    } else if (char === '\n' && text[i + 1] === '\n') return -1;
  }
  return -1;
}
