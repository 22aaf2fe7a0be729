import { StreamError } from './errors';

export const RESPONSE_RESTARTED = 'response_restarted';

/**
 * What a reconnect needs to resume without losing or repeating anything: the last applied event id, and the keys of
 * applied events so that a server replaying from the start is caught, and the response id so that a server starting
 * a new answer is caught.
 */
export class ResumeState {
  /** The stream carried event ids: a reconnect can resume instead of failing. */
  sawIds = false;
  /** The id of the last applied event ('' before any). */
  lastEventId = '';
  private currentId = '';
  private eventsSinceId = 0;
  private firstEventOfConnection = true;
  private readonly appliedKeys = new Set<string>();
  private responseId: string | null = null;
  private connections = 0;

  /** A new connection: ids it sends without an `id:` field inherit the one we resume from (per the SSE spec). */
  startConnection(): void {
    this.connections++;
    this.currentId = this.lastEventId;
    this.eventsSinceId = 0;
    this.firstEventOfConnection = true;
  }

  /**
   * An event is keyed by (its id, its position after the event that set that id). Keys repeat exactly when a server
   * replays from the start, and never when it resumes after the id we sent, so both are handled.
   */
  isReplay(id: string, hasOwnId: boolean): boolean {
    const first = this.firstEventOfConnection;
    this.firstEventOfConnection = false;
    if (id === '') return false;
    if (hasOwnId && (id !== this.currentId || first)) {
      this.currentId = id;
      this.eventsSinceId = 0;
    } else {
      this.eventsSinceId++;
    }
    const key = `${this.eventsSinceId}:${id}`;
    if (this.appliedKeys.has(key)) return true;
    this.appliedKeys.add(key);
    this.sawIds = true;
    this.lastEventId = id;
    return false;
  }

  /**
   * A server that ignores Last-Event-ID and generates anew sends fresh event ids, which replay keys cannot catch;
   * the provider's response id can. Two answers are never spliced: the partial output stays and the stream ends.
   */
  checkSameResponse(responseId: string | undefined): void {
    if (!responseId) return;
    if (this.responseId === null) this.responseId = responseId;
    else if (responseId !== this.responseId && this.connections > 1) {
      throw new StreamError(
        'network',
        'After reconnecting, the server started a different response; the partial output is kept instead of splicing two answers',
        { code: RESPONSE_RESTARTED },
      );
    }
  }
}
