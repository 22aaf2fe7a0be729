import { StreamError } from '../errors';
import { createFramer, type FramedEvent, type Framer, type Framing } from '../wire/framing';
import { createFramingSniffer, type FramingSniffer } from '../wire/sniff';

export interface BodyReaderOptions {
  /** A framing, or what the content-type left open: 'json' (NDJSON or a JSON array) or 'sniff' (the first bytes decide). */
  framing: Framing | 'json' | 'sniff';
  maxEventChars: number;
  /** The last event id before this connection (persists across reconnects). */
  lastEventId: string;
  onBytes(count: number): void;
  onRetry(ms: number): void;
  /** For sniffing: whether a first JSON line is an event of a protocol the reader understands. */
  recognizes(line: string): boolean;
}

/**
 * Reads a response body as batches of events: one batch per network chunk, so the engine loops over events with one
 * await per chunk. `next()` resolves null at the end of the body; `cleanEnd` then says whether it ended on an event
 * boundary. Read failures reject with a 'network' StreamError.
 */
export class BodyEventReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder('utf-8');
  private framer: Framer | null = null;
  private readonly sniffer: FramingSniffer;
  /** Text held while the sniffer decides (a list of pieces, joined once). */
  private sniffed: string[] = [];
  private sniffedChars = 0;
  private finished = false;
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
    if (this.finished) return null;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.reader.read();
    } catch (cause) {
      this.finished = true;
      throw new StreamError('network', 'The connection dropped while reading the stream', { cause, code: 'dropped' });
    }
    const out: FramedEvent[] = [];
    if (chunk.done) {
      this.finished = true;
      this.feed(this.decoder.decode(), out, true);
      this.cleanEnd = this.framer ? this.framer.end(out) : true;
      return out.length > 0 ? out : null;
    }
    this.options.onBytes(chunk.value.byteLength);
    this.feed(this.decoder.decode(chunk.value, { stream: true }), out, false);
    return out;
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
      if (this.sniffedChars > this.options.maxEventChars) {
        throw new StreamError('overflow', `An event or line exceeded maxEventBytes (${this.options.maxEventChars})`);
      }
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
      onRetry: (ms) => this.options.onRetry(ms),
    });
  }
}
