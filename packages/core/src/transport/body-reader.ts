import { StreamError } from '../errors';
import { createFramer, type FramedEvent, type Framer, type Framing } from '../wire/framing';
import { createFramingSniffer, type FramingSniffer } from '../wire/sniff';

export interface BodyReaderOptions {
  /** A framing, or what the content-type left open: 'json' (NDJSON or a JSON array) or 'sniff' (the first bytes decide). */
  framing: Framing | 'json' | 'sniff';
  /**
   * maxEventBytes: the largest line or event. SSE and NDJSON lines are counted in raw bytes before they are decoded
   * (an endless line costs at most this much memory); the framer bounds lines and events in characters by the same
   * number. (The relay also measures whole events in UTF-8 bytes: 67 B gzip the browser bundle does without.)
   */
  maxEventChars: number;
  /** The last event id before this connection (persists across reconnects). */
  lastEventId?: string;
  onBytes?(count: number): void;
  onRetry?(ms: number): void;
  /** For sniffing: whether a first JSON line is an event of a protocol the reader understands. */
  recognizes(line: string): boolean;
}

const overflow = (limit: number) => new StreamError('overflow', `An event or line exceeded maxEventBytes (${limit})`);

/** Where the chunk's last line ends (its last CR or LF), or -1: two native scans from the end, no loop per byte. */
function lastLineBreak(bytes: Uint8Array): number {
  const lastLF = bytes.lastIndexOf(10);
  // A CR after the last LF (CR line ends, or a CRLF cut between its two bytes) is the later break.
  return bytes.indexOf(13, lastLF + 1) < 0 ? lastLF : bytes.lastIndexOf(13);
}

/**
 * Reads a response body as batches of events: one batch per network chunk, so the engine (and the relay) loop over
 * events with one await per chunk. `next()` resolves null at the end of the body; `cleanEnd` then says whether it
 * ended on an event boundary. Read failures reject with a 'network' StreamError (the read error as its cause); a
 * line or event over the limit with an 'overflow' one. A failure comes after the events before it: the batch that
 * holds them resolves first, the next call rejects.
 */
export class BodyEventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private framer: Framer | null = null;
  private readonly sniffer: FramingSniffer;
  /** Text held while the sniffer decides (a list of pieces, joined once). */
  private sniffed: string[] = [];
  private sniffedChars = 0;
  /** Bytes since the last CR or LF: the length of the line in progress, before it is decoded. */
  private lineBytes = 0;
  private finished = false;
  /** A failure found after some events of the same chunk: thrown by the next call, once those were handed over. */
  private failure: unknown;
  /** The framing in use once the first bytes chose it. */
  framing: Framing | null;
  /** Set when the body has ended: it ended between events (not in the middle of one). */
  cleanEnd = false;
  /** Any byte other than whitespace arrived. */
  sawContent = false;

  constructor(body: ReadableStream<Uint8Array>, private readonly options: BodyReaderOptions) {
    this.reader = body.getReader();
    this.framing = options.framing === 'json' || options.framing === 'sniff' ? null : options.framing;
    if (this.framing) this.framer = this.createFramer(this.framing);
    this.sniffer = createFramingSniffer({ hint: options.framing === 'json' ? 'json' : 'sniff', recognizes: options.recognizes });
  }

  async next(): Promise<FramedEvent[] | null> {
    if (this.failure) throw this.failure;
    if (this.finished) return null;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.reader.read();
    } catch (cause) {
      this.finished = true;
      throw new StreamError('network', 'The connection dropped while reading the stream', { cause, code: 'dropped' });
    }
    const out: FramedEvent[] = [];
    try {
      if (chunk.done) {
        this.finished = true;
        this.feed(this.decoder.decode(), out, true);
        this.cleanEnd = this.framer ? this.framer.end(out) : true;
      } else {
        let bytes = chunk.value;
        this.options.onBytes?.(bytes.byteLength);
        // SSE and NDJSON lines are bounded in bytes before any of it is decoded or joined (text chunks are events of
        // their own; a JSON array's elements are bounded by its splitter). Past the limit, the complete lines are read.
        const limit = this.options.maxEventChars;
        if (this.framing !== 'text' && this.framing !== 'json-array') {
          const lastBreak = lastLineBreak(bytes);
          this.lineBytes = lastBreak < 0 ? this.lineBytes + bytes.byteLength : bytes.byteLength - lastBreak - 1;
          if (this.lineBytes > limit) {
            this.failure = overflow(limit);
            bytes = bytes.subarray(0, lastBreak + 1);
          }
        }
        this.feed(this.decoder.decode(bytes, { stream: true }), out, false);
      }
    } catch (error) {
      this.failure = error;
    }
    if (this.failure && out.length === 0) throw this.failure;
    return out.length > 0 || !chunk.done ? out : null;
  }

  /** Stops reading: cancels an unfinished body, releases a finished one. */
  release(): void {
    if (!this.finished) {
      this.finished = true;
      this.reader.cancel().catch(() => undefined);
    } else {
      this.reader.releaseLock();
    }
  }

  /**
   * After the stream completed early (its terminal signal came before the body's end), reads what is left, up to a
   * bound, so that a finished request is not shown as aborted; a server that keeps the body open is cut off then.
   */
  drainThenRelease(maxMs = 2000): Promise<void> {
    if (this.finished) {
      this.release();
      return Promise.resolve();
    }
    const timer = setTimeout(() => this.release(), maxMs);
    const pump = (): Promise<void> =>
      this.reader.read().then(({ done }) => (done ? undefined : pump()));
    return pump()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.finished = true;
      });
  }

  private feed(text: string, out: FramedEvent[], ended: boolean): void {
    if (!this.sawContent && /\S/.test(text)) this.sawContent = true;
    if (this.framer) {
      if (text) this.framer.feed(text, out);
      return;
    }
    this.sniffed.push(text);
    this.sniffedChars += text.length;
    const framing = this.sniffer.push(text, ended);
    if (framing === undefined) {
      if (this.sniffedChars > this.options.maxEventChars) throw overflow(this.options.maxEventChars);
      return;
    }
    this.framing = framing;
    this.framer = this.createFramer(framing);
    const buffered = this.sniffed.join('');
    this.sniffed = [];
    this.framer.feed(buffered, out);
  }

  private createFramer(framing: Framing): Framer {
    return createFramer(framing, {
      maxEventChars: this.options.maxEventChars,
      lastEventId: this.options.lastEventId,
      onRetry: (ms) => this.options.onRetry?.(ms),
    });
  }
}
