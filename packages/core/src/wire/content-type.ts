export type BodyFormat = 'sse' | 'ndjson' | 'text';

const NDJSON_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
  'application/json',
];

/** The body format a content-type announces, or null when it is not a stream we read (an HTML page, an image...). */
export function formatFromContentType(contentType: string | null): BodyFormat | null {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime === 'text/event-stream') return 'sse';
  if (NDJSON_TYPES.includes(mime) || mime.endsWith('+json')) return 'ndjson';
  if (mime === 'text/plain') return 'text';
  return null;
}

export function isHtml(contentType: string | null): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType ?? '');
}
