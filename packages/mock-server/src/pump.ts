import type { MockFault } from './scenario';
import { sleep, type MockStream } from './stream-store';

// Moves one stream's events to one connection (HTTP response or WebSocket), applying the event-level faults.
// Byte-level faults (dropAfterBytes, slowDrip) belong to the sink, which alone knows the bytes.

export interface OutgoingEvent {
  event?: string;
  data: string;
  /** Omitted when ids are off, and for injected (fault) events, which are not part of the stream. */
  id?: string;
}

export interface EventSink {
  readonly closed: boolean;
  /** Sends one event; resolves false when the connection is gone or a byte fault dropped it. Waits for the transport to drain. */
  send(e: OutgoingEvent): Promise<boolean>;
  /** Normal end of the stream. */
  end(): void;
  /** Abnormal end: destroy the socket without a proper ending. */
  drop(): void;
}

export interface ConnectionStat {
  streamId: string;
  route: string;
  transport: 'http' | 'websocket' | 'fetch';
  /** Bytes accepted by the transport but not yet flushed to the socket (res.writableLength / ws.bufferedAmount). */
  bufferedBytes: number;
  bytesWritten: number;
  eventsWritten: number;
}

export interface PumpOptions {
  stream: MockStream;
  /** Seq of the first event to send. */
  startSeq: number;
  fault: MockFault | null;
  ids: boolean;
  sink: EventSink;
  /** Aborts when the connection closes (ends a stall early). */
  signal: AbortSignal;
  /** Counts events as they go out (for stats). */
  onEvent?: () => void;
}

export async function pumpEvents(o: PumpOptions): Promise<void> {
  const { stream, fault: f, sink } = o;
  const { format, ctx } = stream;
  let sent = 0;
  let seq = o.startSeq;
  let malformedSent = false;
  let stalled = false;
  stream.readers++;
  try {
    for (;;) {
      if (sink.closed) return;
      if (f?.dropAfterEvents !== undefined && sent >= f.dropAfterEvents) return sink.drop();
      if (f?.inbandErrorAfterEvents !== undefined && sent >= f.inbandErrorAfterEvents) {
        const error = format.inbandError(ctx);
        if (error && !(await sink.send({ ...(error.event ? { event: error.event } : {}), data: error.data }))) return;
        return sink.end();
      }
      if (f?.malformedAfterEvents !== undefined && sent >= f.malformedAfterEvents && !malformedSent) {
        malformedSent = true;
        const broken = format.malformed(ctx);
        if (broken && !(await sink.send({ ...(broken.event ? { event: broken.event } : {}), data: broken.data }))) return;
      }
      if (f?.stallMs && !stalled && sent >= (f.stallAfterEvents ?? 0)) {
        stalled = true;
        await sleep(f.stallMs, o.signal);
      }
      const next = await stream.take(seq);
      if (next === 'end') return sink.end();
      if (next === 'evicted') return sink.drop();
      const out: OutgoingEvent = { data: next.data };
      if (next.event !== undefined) out.event = next.event;
      if (o.ids) out.id = next.id;
      if (!(await sink.send(out))) return;
      sent++;
      seq++;
      o.onEvent?.();
    }
  } catch {
    // The connection closed during a stall, or the server is shutting down.
    if (!sink.closed) sink.drop();
  } finally {
    stream.readers--;
  }
}
