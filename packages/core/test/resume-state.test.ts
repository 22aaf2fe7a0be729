import { describe, expect, it } from 'vitest';
import { StreamError } from '../src/errors';
import { RESPONSE_RESTARTED, ResumeState } from '../src/resume';

// ResumeState on its own: the replay keys, the id a reconnect resumes from, and the response-id check.

/** Feeds one connection's events (`[id, hasOwnId]`) and returns which were applied (not replays). */
function connect(state: ResumeState, events: Array<[id: string, hasOwnId: boolean]>): boolean[] {
  state.startConnection();
  return events.map(([id, hasOwnId]) => !state.isReplay(id, hasOwnId));
}

describe('ResumeState', () => {
  it('before any event: no ids seen, nothing to resume from', () => {
    const state = new ResumeState();
    expect(state.sawIds).toBe(false);
    expect(state.lastEventId).toBe('');
  });

  it('events without ids are never replays and do not count as ids seen', () => {
    const state = new ResumeState();
    expect(connect(state, [['', false], ['', false]])).toEqual([true, true]);
    expect(connect(state, [['', false], ['', false]])).toEqual([true, true]);
    expect(state.sawIds).toBe(false);
    expect(state.lastEventId).toBe('');
  });

  it('remembers the last applied id', () => {
    const state = new ResumeState();
    expect(connect(state, [['1', true], ['2', true], ['3', true]])).toEqual([true, true, true]);
    expect(state.sawIds).toBe(true);
    expect(state.lastEventId).toBe('3');
  });

  it('a server that replays from the start after a reconnect: the replayed events are caught, the new ones applied', () => {
    const state = new ResumeState();
    connect(state, [['1', true], ['2', true]]);
    expect(connect(state, [['1', true], ['2', true], ['3', true], ['4', true]])).toEqual([false, false, true, true]);
    expect(state.lastEventId).toBe('4');
  });

  it('a server that resumes after Last-Event-ID: every event is new', () => {
    const state = new ResumeState();
    connect(state, [['1', true], ['2', true]]);
    expect(connect(state, [['3', true], ['4', true]])).toEqual([true, true]);
    expect(state.lastEventId).toBe('4');
  });

  it('events without an id field inherit the last id and are told apart by their position after it', () => {
    const state = new ResumeState();
    expect(connect(state, [['7', true], ['7', false], ['7', false]])).toEqual([true, true, true]);
    // Replayed from id 7: the same three (id, position) keys come again.
    expect(connect(state, [['7', true], ['7', false], ['7', false], ['7', false]])).toEqual([false, false, false, true]);
  });

  it('on a resumed connection, events without an id field count on from the resumed-from id', () => {
    const state = new ResumeState();
    expect(connect(state, [['5', true], ['5', false]])).toEqual([true, true]);
    // Resumed after id 5, the server sends again the id-less event that followed it, then a new one.
    expect(connect(state, [['5', false], ['5', false]])).toEqual([false, true]);
    expect(state.lastEventId).toBe('5');
  });

  it('the same response id across connections is accepted', () => {
    const state = new ResumeState();
    state.startConnection();
    state.checkSameResponse('resp_1');
    state.startConnection();
    expect(() => state.checkSameResponse('resp_1')).not.toThrow();
    expect(() => state.checkSameResponse(undefined)).not.toThrow();
  });

  it('a different response id after a reconnect is a typed network error (two answers are never spliced)', () => {
    const state = new ResumeState();
    state.startConnection();
    state.checkSameResponse('resp_1');
    state.startConnection();
    let error: unknown;
    try {
      state.checkSameResponse('resp_2');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ kind: 'network', code: RESPONSE_RESTARTED });
  });

  it('the response id is only checked across connections, not within the first one', () => {
    const state = new ResumeState();
    state.startConnection();
    state.checkSameResponse('resp_1');
    expect(() => state.checkSameResponse('resp_2')).not.toThrow();
  });
});
