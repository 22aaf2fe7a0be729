// @tokenstream/core/wire: bytes <-> events, shared by the client engine and the relay, so that both read a stream the
// same way (framing, limits, content types) and agree on whether it was complete.
export { createLineSplitter, type LineSplitter } from './line-splitter';
export { createSseParser, type SseParser, type SseParserOptions } from './sse-parser';
export { createJsonArraySplitter, type JsonArraySplitter } from './json-array';
export { createFramer, type Framer, type FramerOptions, type FramedEvent, type Framing } from './framing';
export { createFramingSniffer, framingFromContentType, isHtml, sniffFraming, type FramingSniffer, type SniffOptions } from './sniff';
// A response body as batches of events, with every limit: the engine's reader, and the relay's.
export { BodyEventReader, type BodyReaderOptions } from '../transport/body-reader';
export { encodeSseEvent, sseEventPieces, formatEventId, parseEventId, SSE_HEARTBEAT, SSE_PIECE_CHARS, type EventPosition } from './sse-encode';
