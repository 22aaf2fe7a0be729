import type { Delta, ProviderAdapter, RawEvent } from '../types';
import { LangChainMessageReader, unwrapMessage } from './langchain-messages';
import {
  DeltaBatch,
  type Json,
  type ProtocolRecognizer,
  createProtocolCheck,
  errorDelta,
  isBlank,
  isObject,
  parseJsonPayload,
  str,
  readEventJson,
} from './shared';

// LangGraph platform (`/runs/stream`, `/threads/{id}/runs/stream`) SSE event names. Subgraph events carry their
// namespace after a `|` (`messages|agent:1f0…`).
const EVENTS = new Set([
  'metadata',
  'messages',
  'messages/partial',
  'messages/complete',
  'messages/metadata',
  'values',
  'updates',
  'custom',
  'debug',
  'tasks',
  'checkpoints',
  'events',
  'error',
  'end',
]);

function baseName(event: string): { name: string; namespaced: boolean } {
  const bar = event.indexOf('|');
  return bar === -1 ? { name: event, namespaced: false } : { name: event.slice(0, bar), namespaced: true };
}

/**
/**
 * A LangGraph stream event, by its SSE event name. `metadata` and `error` are shared with LangServe: LangGraph's
 * error is `{"error", "message"}`; its metadata looks like LangServe's (`{"run_id"}`), so 'auto' decides on the
 * event after it.
 */
export const isLangGraphEvent: ProtocolRecognizer = (event, json) => {
  const { name } = baseName(event.event);
  if (!EVENTS.has(name)) return false;
  if (name === 'metadata') return isObject(json) && typeof json.run_id === 'string';
  if (name === 'error') return isObject(json) && typeof json.error === 'string';
  if (name === 'messages') return Array.isArray(json) && unwrapMessage(json[0]) !== null;
  return name === 'end' || json !== undefined;
};

/**
 * LangGraph platform SSE, any stream mode: `messages-tuple` (`event: messages`, `[chunk, metadata]`: new text),
 * the older `messages` mode (`messages/partial` and `messages/complete`: the messages so far), `values` (the
 * whole state → `state`), `updates`, `custom` (→ a `custom` data part), `error` and `end`; subgraph events
 * (`messages|<namespace>`) add their tokens, not their state.
 *
 * Text comes from message chunks when the run streams them. A run that streams only `values` or `updates` shows
 * the AI messages of this turn (after the last human message) as they appear, each message's text once: once any
 * message chunk arrived, `values` and `updates` never add text (the same answer would be shown twice).
 *
 * Completion: `event: end`, or a clean end of body after the run's events (the server closes the stream when the
 * run is over); an `error` event ends the stream as an in-band error.
 */
export function createLangGraphAdapter(): ProviderAdapter {
  const check = createProtocolCheck('langgraph', isLangGraphEvent);
  const messages = new LangChainMessageReader();
  let sawChunks = false;
  let sawEvent = false;

  function readMessagesOfTurn(list: unknown[], batch: DeltaBatch, keyPrefix: string): void {
    let start = 0;
    list.forEach((message, index) => {
      const unwrapped = unwrapMessage(message);
      const type = unwrapped ? str(unwrapped.fields.type) : undefined;
      if (type === 'human' || type === 'HumanMessage' || type === 'HumanMessageChunk') start = index + 1;
    });
    for (let i = start; i < list.length; i++) messages.readWhole(list[i], batch, `${keyPrefix}${i}`);
  }

  function readUpdates(payload: Json, batch: DeltaBatch): void {
    for (const update of Object.values(payload)) {
      if (!isObject(update)) continue;
      const list = Array.isArray(update.messages) ? update.messages : update.messages ? [update.messages] : [];
      for (const message of list) messages.readWhole(message, batch);
    }
  }

  return {
    name: 'langgraph',
    parse(event: RawEvent): Delta | Delta[] | null {
      const { name, namespaced } = baseName(event.event);
      if (name === 'end') return { done: true };
      if (isBlank(event.data)) return null;
      const json = readEventJson(event, 'langgraph');
      check(event, json);
      sawEvent = true;
      const payload = json === undefined ? parseJsonPayload(event.data, 'langgraph', event.event) : json;
      const batch = new DeltaBatch();
      switch (name) {
        case 'metadata': {
          const runId = isObject(payload) ? str(payload.run_id) : undefined;
          return runId && !namespaced ? { id: runId } : null;
        }
        case 'messages':
          sawChunks = true;
          if (Array.isArray(payload)) messages.readChunk(payload[0], batch);
          return batch.finish();
        case 'messages/partial':
        case 'messages/complete':
          sawChunks = true;
          if (Array.isArray(payload)) for (const message of payload) messages.readWhole(message, batch);
          return batch.finish();
        case 'values':
          if (namespaced) return null;
          if (!sawChunks && isObject(payload) && Array.isArray(payload.messages)) {
            readMessagesOfTurn(payload.messages, batch, 'values#');
          }
          readInterrupt(payload, batch);
          batch.tail.state = payload;
          return batch.finish();
        case 'updates':
          if (namespaced) return null;
          if (!sawChunks && isObject(payload)) readUpdates(payload, batch);
          readInterrupt(payload, batch);
          return batch.finish();
        case 'custom':
          return { data: { type: 'custom', data: payload } };
        case 'error': {
          const error = isObject(payload) ? payload : {};
          return errorDelta(str(error.message) ?? str(error.error) ?? 'unknown error', str(error.error));
        }
        default:
          // debug, tasks, checkpoints, events, messages/metadata: nothing a snapshot shows.
          return null;
      }
    },
    end(): Delta | null {
      return sawEvent ? { done: true } : null;
    },
  };
}

/**
 * A run paused for a human (`interrupt()`): its `__interrupt__` entries become `metadata.interrupt` and the turn
 * ends with finishReason 'interrupt' (the answer is complete for now; the app resumes the thread).
 */
function readInterrupt(payload: unknown, batch: DeltaBatch): void {
  if (!isObject(payload) || !Array.isArray(payload.__interrupt__) || payload.__interrupt__.length === 0) return;
  batch.tail.finishReason = 'interrupt';
  batch.tail.metadata = { interrupt: payload.__interrupt__ };
}

/** `@tokenstream/core/providers/langgraph`: `createStream({ url, provider: langgraph() })`. */
export default createLangGraphAdapter;
