import { describe, expect, it } from 'vitest';
import { PACE_TICK_MS, TextPacer } from '../../src/smooth/pacer';

/** Feeds bursts of `burst` characters every `every` ms and records what is shown at every tick. */
function simulate(pacer: TextPacer, burst: number, every: number, bursts: number) {
  const shown: Array<{ at: number; length: number; arrived: number }> = [];
  const arrivals: Array<{ at: number; length: number }> = [];
  let arrived = 0;
  for (let at = 0; at <= bursts * every + 1000; at += PACE_TICK_MS) {
    while (arrived < bursts * burst && arrivals.length * every <= at) {
      arrived += burst;
      arrivals.push({ at: arrivals.length * every, length: arrived });
      pacer.arrive(arrived, arrivals[arrivals.length - 1]!.at);
    }
    shown.push({ at, length: pacer.release(at), arrived });
  }
  return { shown, arrivals };
}

describe('TextPacer', () => {
  it('spreads bursts of 200 characters evenly', () => {
    const { shown } = simulate(new TextPacer(300), 200, 100, 30);
    const steady = shown.filter((s) => s.at >= 1000 && s.at <= 2900);
    const steps = steady.slice(1).map((s, i) => s.length - steady[i]!.length);
    // 200 characters per 100 ms is 32 per 16 ms tick: every tick shows about that, never a whole burst at once.
    for (const step of steps) {
      expect(step).toBeGreaterThanOrEqual(20);
      expect(step).toBeLessThanOrEqual(45);
    }
  });

  it('never falls more than maxLagMs behind an arrival', () => {
    for (const [burst, every] of [[200, 100], [2000, 500], [5, 16], [1, 250]] as const) {
      const { shown, arrivals } = simulate(new TextPacer(300), burst, every, 20);
      for (const s of shown) {
        const due = arrivals.filter((a) => a.at <= s.at - 300).at(-1)?.length ?? 0;
        expect(s.length, `burst ${burst} every ${every} at ${s.at}`).toBeGreaterThanOrEqual(due);
        expect(s.length).toBeLessThanOrEqual(s.arrived);
      }
      expect(shown.at(-1)!.length).toBe(shown.at(-1)!.arrived);
    }
  });

  it('follows a rate that changes', () => {
    const pacer = new TextPacer(300);
    pacer.arrive(100, 0);
    for (let at = 0; at <= 2000; at += PACE_TICK_MS) pacer.release(at);
    expect(pacer.caughtUp).toBe(true);
    pacer.arrive(3100, 2000); // a sudden large burst after a pause: still shown within the lag bound
    let length = 0;
    for (let at = 2000; at <= 2300; at += PACE_TICK_MS) length = pacer.release(at);
    expect(length).toBe(3100);
  });
});
