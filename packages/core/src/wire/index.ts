// @tokenstream/core/wire: bytes <-> events, shared by the client engine and the relay, so that both read a stream the
// same way (framing, limits, content types) and agree on whether it was complete.
export { createLineSplitter, type LineSplitter } from './line-splitter';
export { createSseParser, type SseParser, type SseParserOptions } from './sse-parser';
export { formatFromContentType, isHtml, type BodyFormat } from './content-type';
