import type { RawEvent } from '../../src/types';

// Test-only: whole captured bodies -> RawEvents, independent of src/transport so the adapters are checked
// against a second reading of the wire format. SSE per the WHATWG rules that captured streams use
// (CRLF/LF/CR line ends, comments, multi-line data, event/id fields); NDJSON one event per non-blank line.

export function splitSse(body: string): RawEvent[] {
  const events: RawEvent[] = [];
  let data: string[] = [];
  let event = '';
  let lastId = '';
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ event: event || 'message', data: data.join('\n'), id: lastId });
      data = [];
      event = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  }
  return events;
}

export function splitNdjson(body: string): RawEvent[] {
  return body
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => ({ event: 'message', data: line, id: '' }));
}
