import type { MockFault, MockScenarioInput } from '@tokenstream/mock-server';
import type { FaultId, PlaygroundSettings } from './settings';

// Turns the side panel into the mock server's scenario (the request body's `mock` field): pace, answer shape
// and one fault on the first attempt, so that the retry that follows can be watched succeeding.

export interface FaultChoice {
  id: FaultId;
  label: string;
  /** What the client should do, shown next to the choice. */
  expect: string;
  fault: MockFault | null;
}

export const FAULTS: readonly FaultChoice[] = [
  { id: 'none', label: 'None', expect: 'a clean stream', fault: null },
  { id: 'drop', label: 'Drop mid-stream', expect: 'SSE: resume after Last-Event-ID, no word lost or repeated; NDJSON and text carry no ids: an error, partial text kept', fault: { dropAfterEvents: 12 } },
  { id: 'stall', label: 'Stall', expect: 'idle timeout, then reconnect', fault: { stallAfterEvents: 12, stallMs: 6000 } },
  { id: 'http429', label: '429 Too Many Requests', expect: 'wait Retry-After (1 s), then retry', fault: { status: 429, retryAfter: 1 } },
  { id: 'http500', label: '500 Internal Server Error', expect: 'retry with backoff', fault: { status: 500 } },
  { id: 'html200', label: 'HTML page with 200', expect: 'an error, not an empty answer', fault: { html200: true } },
  { id: 'malformed', label: 'Malformed line', expect: 'a parse error', fault: { malformedAfterEvents: 10 } },
  { id: 'inband', label: 'In-band provider error', expect: 'a provider error, partial text kept', fault: { inbandErrorAfterEvents: 10 } },
  { id: 'http401', label: '401 Unauthorized', expect: 'fails at once, no retry: "401 Unauthorized — check the API key"', fault: { status: 401 } },
];

/** The client gives up on a silent connection after this long (the stall fault is longer). */
export const IDLE_TIMEOUT_MS = 2500;

let requestCounter = 0;

/** A fresh attempt key per request: the mock counts attempts per key, and retries reuse the same body (and key). */
function nextRequestKey(): string {
  requestCounter += 1;
  return `playground-${Date.now().toString(36)}-${requestCounter}`;
}

const EVENT_COUNTED_FAULTS = ['dropAfterEvents', 'stallAfterEvents', 'malformedAfterEvents', 'inbandErrorAfterEvents'] as const;

/** The fault moved past the reasoning events, so that it always strikes once some answer text is on screen. */
function afterReasoning(fault: MockFault, reasoningTokens: number): MockFault {
  const shifted = { ...fault };
  for (const name of EVENT_COUNTED_FAULTS) {
    const events = shifted[name];
    if (events !== undefined) shifted[name] = events + reasoningTokens;
  }
  return shifted;
}

export function buildScenario(settings: PlaygroundSettings, key: string = nextRequestKey()): MockScenarioInput {
  const choice = FAULTS.find((f) => f.id === settings.fault);
  // An exact count (half the answer) rather than `true`, so that faults can be placed after the reasoning.
  const reasoningTokens = settings.reasoning ? Math.max(1, Math.round(settings.answerLength / 2)) : 0;
  return {
    tokensPerSecond: settings.tokensPerSecond,
    length: settings.answerLength,
    reasoning: reasoningTokens > 0 ? reasoningTokens : false,
    key,
    fault: choice?.fault ? afterReasoning(choice.fault, reasoningTokens) : null,
    faultAttempts: 1,
  };
}
