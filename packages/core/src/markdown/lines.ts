/** How one complete line can start or continue a top-level block (a CommonMark subset, enough to split safely). */

export interface FenceOpening {
  char: '`' | '~';
  length: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_MARKER = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
/** HTML blocks that a blank line does not end (CommonMark types 1 and 2), with what ends them. */
const RAW_HTML_STARTS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^ {0,3}<(?:pre|script|style|textarea)(?:[\s>]|$)/i, /<\/(?:pre|script|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
];

export function isBlank(line: string): boolean {
  return /^[ \t\r]*$/.test(line);
}

/** A fence opening line: three or more backticks (no backtick in the info string) or tildes. */
export function fenceOpening(line: string): FenceOpening | null {
  const match = FENCE_OPEN.exec(line);
  if (!match) return null;
  const run = match[1]!;
  const char = run[0] as '`' | '~';
  if (char === '`' && match[2]!.includes('`')) return null;
  return { char, length: run.length };
}

export function closesFence(line: string, fence: FenceOpening): boolean {
  const match = /^ {0,3}(`+|~+)[ \t\r]*$/.exec(line);
  return match !== null && match[1]![0] === fence.char && match[1]!.length >= fence.length;
}

export function isAtxHeading(line: string): boolean {
  return ATX_HEADING.test(line);
}

export function isThematicBreak(line: string): boolean {
  return THEMATIC_BREAK.test(line.replace(/\r$/, ''));
}

export function isListItem(line: string): boolean {
  return LIST_MARKER.test(line);
}

/** Leading spaces, a tab counting as four (enough to tell 'indented' from 'not indented'). */
export function indentOf(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width += 1;
    else if (char === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

/** The pattern that ends a raw HTML block this line opens, or null. */
export function rawHtmlEnd(line: string): RegExp | null {
  for (const [start, end] of RAW_HTML_STARTS) if (start.test(line)) return end;
  return null;
}

/**
 * A line that ends an open paragraph, quote or list: a fence, an ATX heading or <pre>/<script>/<!-- (they interrupt a
 * paragraph from up to 3 spaces of indentation; in a list only at column 0, since an indented one is item content).
 */
export function interruptsBlock(line: string, inList: boolean): boolean {
  const indent = indentOf(line);
  if (indent > (inList ? 0 : 3)) return false;
  const unindented = line.trimStart();
  return fenceOpening(unindented) !== null || isAtxHeading(unindented) || rawHtmlEnd(unindented) !== null;
}
