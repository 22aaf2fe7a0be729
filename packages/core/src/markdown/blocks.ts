import { closeFence, healInline, healPartialFenceLine } from './heal';
import {
  closesFence,
  fenceOpening,
  indentOf,
  interruptsBlock,
  isAtxHeading,
  isBlank,
  isListItem,
  isThematicBreak,
  rawHtmlEnd,
  type FenceOpening,
} from './lines';

export interface MarkdownBlocks {
  /** Finished top-level blocks, each an exact slice of the text, in order, only whitespace between them. */
  blocks: string[];
  /** The block still being written, healed for display (never part of the real text). */
  tail: string;
}

type OpenKind = 'paragraph' | 'list' | 'fence' | 'indented' | 'html-raw';

/** The block being written. Paragraph-like blocks (quotes, tables, HTML, setext headings) end at a blank line. */
interface OpenBlock {
  kind: OpenKind;
  start: number;
  /** End of its last non-blank line (the newline excluded). */
  contentEnd: number;
  /** A blank line followed the content: the next non-blank line decides whether the block goes on. */
  blankAfter: boolean;
  /** Where the leaf still being written starts (the last list item or continuation): inline healing starts here. */
  leafStart: number;
  fence?: FenceOpening;
  /** A fence open inside a list item: only indented lines stay in the item (code has no lazy lines). */
  innerFence?: (FenceOpening & { indent: number }) | null;
  htmlEnd?: RegExp;
}

/** What a later call resumes from: the scan stopped at the start of the first incomplete line. */
interface ScanState {
  scanned: number;
  /** How far the text was searched for a newline: a long incomplete line is not searched again. */
  searched: number;
  blocks: string[];
  open: OpenBlock | null;
}

/** Counts characters the line scanner looked at (tests check a call with `previous` costs O(new text)). */
export const scanWork = { chars: 0 };

const states = new WeakMap<MarkdownBlocks, ScanState>();

/**
 * Splits streamed markdown into finished top-level blocks and the healed tail. A block is finished only once the text
 * after it proves it can no longer change (a blank line after a paragraph, a closed fence, a line that ends a list...),
 * so a renderer can render each finished block once. With `previous` (the result for an earlier prefix of the same
 * text) only the new text is scanned.
 */
export function splitMarkdownBlocks(text: string, previous?: MarkdownBlocks): MarkdownBlocks {
  const prior = previous ? states.get(previous) : undefined;
  const resumable = prior !== undefined && prior.searched <= text.length;
  const state: ScanState = resumable
    ? { scanned: prior.scanned, searched: prior.searched, blocks: prior.blocks, open: prior.open && { ...prior.open } }
    : { scanned: 0, searched: 0, blocks: [], open: null };
  const finished: string[] = [];
  let lineStart = state.scanned;
  scanWork.chars += text.length - state.searched;
  for (let newline = text.indexOf('\n', state.searched); newline >= 0; newline = text.indexOf('\n', lineStart)) {
    scanWork.chars += newline + 1 - lineStart;
    scanLine(state, text, lineStart, newline, finished);
    lineStart = newline + 1;
  }
  state.scanned = lineStart;
  state.searched = text.length;
  // A new array only when a block finished: unchanged blocks keep their identity.
  if (finished.length > 0) state.blocks = state.blocks.concat(finished);
  const result: MarkdownBlocks = { blocks: state.blocks, tail: healedTail(text, state) };
  states.set(result, state);
  return result;
}

function scanLine(state: ScanState, text: string, lineStart: number, lineEnd: number, finished: string[]): void {
  const line = text.slice(lineStart, lineEnd);
  const open = state.open;
  const finish = (start: number, end: number) => {
    finished.push(text.slice(start, end));
    state.open = null;
  };
  if (open?.kind === 'fence') {
    if (closesFence(line, open.fence!)) finish(open.start, lineEnd);
    else open.contentEnd = lineEnd;
    return;
  }
  if (open?.kind === 'html-raw') {
    open.contentEnd = lineEnd;
    if (open.htmlEnd!.test(line)) finish(open.start, lineEnd);
    return;
  }
  if (isBlank(line)) {
    if (open?.kind === 'paragraph') finish(open.start, open.contentEnd);
    else if (open) open.blankAfter = true;
    return;
  }
  if (open) {
    const inner = open.innerFence;
    const goesOn = inner
      ? indentOf(line) > 0
      : open.blankAfter
        ? open.kind === 'list'
          ? indentOf(line) > 0 || isListItem(line)
          : indentOf(line) >= 4
        : open.kind === 'indented'
          ? indentOf(line) >= 4
          : !interruptsBlock(line, open.kind === 'list');
    if (goesOn) {
      if (inner) {
        if (closesFence(line.trimStart(), inner)) open.innerFence = null;
      } else {
        if (open.blankAfter || isListItem(line)) open.leafStart = lineStart;
        if (isListItem(line) && open.kind === 'paragraph') open.kind = 'list';
        const fence = open.kind === 'list' && indentOf(line) > 0 ? fenceOpening(line.trimStart()) : null;
        if (fence) open.innerFence = { ...fence, indent: indentOf(line) };
      }
      open.blankAfter = false;
      open.contentEnd = lineEnd;
      return;
    }
    finish(open.start, open.contentEnd);
  }
  startBlock(state, line, lineStart, lineEnd, finish);
}

function startBlock(
  state: ScanState,
  line: string,
  lineStart: number,
  lineEnd: number,
  finish: (start: number, end: number) => void,
): void {
  const block = (kind: OpenKind, extra?: Partial<OpenBlock>): OpenBlock => ({
    kind,
    start: lineStart,
    contentEnd: lineEnd,
    blankAfter: false,
    leafStart: lineStart,
    ...extra,
  });
  const fence = fenceOpening(line);
  if (fence) {
    state.open = block('fence', { fence });
    return;
  }
  const htmlEnd = rawHtmlEnd(line);
  if (htmlEnd) {
    if (htmlEnd.test(line)) finish(lineStart, lineEnd);
    else state.open = block('html-raw', { htmlEnd });
    return;
  }
  // One-line blocks: complete as soon as their line is.
  if (isAtxHeading(line) || isThematicBreak(line)) return finish(lineStart, lineEnd);
  if (indentOf(line) >= 4) state.open = block('indented');
  else state.open = block(isListItem(line) ? 'list' : 'paragraph');
}

/** The open block plus the incomplete last line, healed; blank lines before it are left out. */
function healedTail(text: string, state: ScanState): string {
  const open = state.open;
  const partialStart = state.scanned;
  if (!open) {
    const partial = text.slice(partialStart);
    if (partial.trim() === '') return '';
    return healPartialFenceLine(partial) ?? healInline(partial);
  }
  const raw = text.slice(open.start);
  if (open.kind === 'fence') return closeFence(raw, open.fence!);
  if (open.kind === 'html-raw' || open.kind === 'indented') return raw.trimEnd();
  const partial = text.slice(partialStart);
  if (open.innerFence) {
    const { char, length, indent } = open.innerFence;
    return `${raw}${raw.endsWith('\n') ? '' : '\n'}${' '.repeat(indent)}${char.repeat(length)}`;
  }
  if (partial.length > 0 && interruptsBlock(partial, open.kind === 'list')) {
    const fenced = healPartialFenceLine(partial);
    if (fenced !== null) return `${text.slice(open.start, open.contentEnd)}\n\n${fenced}`;
  }
  const leafStart = open.blankAfter && isBlank(partial) ? open.leafStart : Math.max(open.leafStart, leafOfPartial(open, partial, partialStart));
  return text.slice(open.start, leafStart) + healInline(text.slice(leafStart));
}

/** A partial line after a blank line, or one that starts a list item, begins a new leaf. */
function leafOfPartial(open: OpenBlock, partial: string, partialStart: number): number {
  return open.blankAfter || isListItem(partial) ? partialStart : open.leafStart;
}
