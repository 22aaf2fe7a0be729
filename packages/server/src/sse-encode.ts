import type { StoredEvent } from './types.js';

const LINE_BREAK = /\r\n|\r|\n/;

/** One event in SSE framing with the relay's id; data with line breaks becomes several `data:` lines (clients rejoin them with LF). */
export function encodeEvent(streamId: string, event: StoredEvent): string {
  let out = `id: ${streamId}:${event.seq}\n`;
  if (event.event !== '') out += `event: ${event.event}\n`;
  for (const line of event.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export const HEARTBEAT = ': ping\n\n';

export interface ResumePoint {
  streamId: string;
  afterSeq: number;
}

const STREAM_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SEQ = /^(0|[1-9][0-9]{0,14})$/;

function resumePoint(streamId: string, seq: string): ResumePoint | 'invalid' {
  if (!STREAM_ID.test(streamId) || !SEQ.test(seq)) return 'invalid';
  return { streamId, afterSeq: Number(seq) };
}

/**
 * Where a reconnecting client wants to continue: `Last-Event-ID: <streamId>:<seq>` or `?stream=<id>&after=<seq>`.
 * null for a new request; 'invalid' when it names a position in a form the relay never hands out.
 */
export function parseResumePoint(request: Request): ResumePoint | 'invalid' | null {
  const lastEventId = request.headers.get('last-event-id');
  if (lastEventId !== null && lastEventId.trim() !== '') {
    const value = lastEventId.trim();
    const colon = value.lastIndexOf(':');
    if (colon === -1) return 'invalid';
    return resumePoint(value.slice(0, colon), value.slice(colon + 1));
  }
  const url = new URL(request.url);
  const streamId = url.searchParams.get('stream');
  if (streamId === null) return null;
  return resumePoint(streamId, url.searchParams.get('after') ?? '0');
}
