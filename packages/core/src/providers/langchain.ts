import type { Delta, ProviderAdapter, RawEvent } from '../types';
import { LangChainMessageReader } from './langchain-messages';
import {
  DeltaBatch,
  type ProtocolRecognizer,
  createProtocolCheck,
  errorDelta,
  isBlank,
  isObject,
  num,
  parseJsonPayload,
  str,
  readEventJson,
} from './shared';

/**
 * `event: data` with a JSON payload (HttpResponseOutputParser, LangServe), LangServe's `event: metadata`
 * (`{"run_id"}`) and `event: error` (`{"status_code", "message"}`), and `event: end`.
 */
export const isLangChainEvent: ProtocolRecognizer = (event, json) => {
  switch (event.event) {
    case 'data':
      return json !== undefined;
    case 'metadata':
      return isObject(json) && typeof json.run_id === 'string';
    case 'error':
      return isObject(json) && typeof json.message === 'string' && !('type' in json);
    case 'end':
      return true;
    default:
      return false;
  }
};

/**
 * LangChain's `HttpResponseOutputParser` with `contentType: 'text/event-stream'` and LangServe's `/stream`.
 * `event: data` carries one output chunk: a JSON string (a string output parser: new text), a message chunk (a chat
 * model's output: text, reasoning, tool call chunks, usage) or any other JSON value (a structured output: kept
 * as `state`, the latest chunk).
 *
 * Completion: both end with `event: end` and NO data line, which a WHATWG SSE parser never dispatches. So a clean
 * end of body after this protocol's events completes the stream (`end()`), unless an error event came.
 */
export function createLangChainAdapter(): ProviderAdapter {
  const check = createProtocolCheck('langchain', isLangChainEvent);
  const messages = new LangChainMessageReader();
  let sawEvent = false;

  return {
    name: 'langchain',
    parse(event: RawEvent): Delta | Delta[] | null {
      // A parser that does dispatch the data-less `event: end` gives it here.
      if (event.event === 'end') return sawEvent ? { done: true } : null;
      if (isBlank(event.data)) return null;
      const json = readEventJson(event, 'langchain');
      check(event, json);
      sawEvent = true;
      const payload = json === undefined ? parseJsonPayload(event.data, 'langchain', event.event) : json;
      switch (event.event) {
        case 'data':
          return readData(payload, messages);
        case 'metadata': {
          const runId = isObject(payload) ? str(payload.run_id) : undefined;
          return runId ? { id: runId } : null;
        }
        case 'error': {
          const error = isObject(payload) ? payload : {};
          const status = num(error.status_code);
          return errorDelta(str(error.message) ?? 'unknown error', status === undefined ? undefined : String(status));
        }
        default:
          return null;
      }
    },
    end(): Delta | null {
      return sawEvent ? { done: true } : null;
    },
  };
}

function readData(payload: unknown, messages: LangChainMessageReader): Delta | Delta[] | null {
  if (typeof payload === 'string') return payload ? { text: payload } : null;
  const batch = new DeltaBatch();
  if (messages.readChunk(payload, batch)) return batch.finish();
  if (payload === null) return null;
  return { state: payload };
}

/** `@tokenstream/core/providers/langchain`: `createStream({ url, provider: langchain() })`. */
export default createLangChainAdapter;
