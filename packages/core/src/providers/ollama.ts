import type { Delta, ProviderAdapter, RawEvent, Usage } from '../types';
import {
  DeltaBatch,
  IdentityTracker,
  type ProtocolRecognizer,
  createProtocolCheck,
  errorDelta,
  generateCallId,
  isBlank,
  isObject,
  num,
  parseJsonPayload,
  str,
  readEventJson,
  withTotal,
} from './shared';

/** An `/api/chat` or `/api/generate` line (both carry `done`), or Ollama's `{"error": "..."}`. */
export const isOllamaEvent: ProtocolRecognizer = (_event, json) => {
  if (!isObject(json)) return false;
  if (typeof json.error === 'string') return true;
  return 'done' in json && (isObject(json.message) || typeof json.response === 'string');
};

/** Ollama native NDJSON: `/api/chat` (message.*) and `/api/generate` (response/thinking). Complete on `done: true`. */
export function createOllamaAdapter(): ProviderAdapter {
  const identity = new IdentityTracker();
  const check = createProtocolCheck('ollama', isOllamaEvent);
  let callCount = 0;

  return {
    name: 'ollama',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (isBlank(event.data)) return [];
      const json = readEventJson(event, 'ollama');
      check(event, json);
      const line = json === undefined ? parseJsonPayload(event.data, 'ollama', event.event) : json;
      if (!isObject(line)) return [];
      if (line.error !== undefined) {
        const message = typeof line.error === 'string' ? line.error : JSON.stringify(line.error);
        // Ollama's errors have no code; a relay (packages/server) adds one, e.g. 'cancelled'.
        return [errorDelta(message, str(line.code))];
      }
      const batch = new DeltaBatch();
      identity.apply(batch.head, line.model, undefined);
      if (isObject(line.message)) {
        const message = line.message;
        batch.appendReasoning(str(message.thinking));
        batch.appendText(str(message.content));
        const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
        for (const raw of calls) {
          if (!isObject(raw)) continue;
          const fn = isObject(raw.function) ? raw.function : {};
          // Arguments come as an object (a string from some OpenAI-minded proxies).
          const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
          batch.toolCall({
            index: callCount++,
            id: str(raw.id) || generateCallId(),
            name: str(fn.name) ?? '',
            argumentsDelta: args,
            complete: true,
          });
        }
      }
      // /api/generate
      batch.appendReasoning(str(line.thinking));
      batch.appendText(str(line.response));

      if (line.done === true) {
        const reason = str(line.done_reason) ?? 'stop';
        batch.tail.finishReason = reason === 'stop' && callCount > 0 ? 'tool_calls' : reason;
        const usage = normalizeOllamaUsage(line);
        if (Object.keys(usage).length > 0) batch.tail.usage = usage;
        batch.tail.done = true;
      }
      return batch.finish();
    },
  };
}

function normalizeOllamaUsage(line: Record<string, unknown>): Partial<Usage> {
  const usage: Partial<Usage> = {};
  const input = num(line.prompt_eval_count);
  const output = num(line.eval_count);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  return withTotal(usage, undefined);
}

/** `@tokenstream/core/providers/ollama`: `createStream({ url, provider: ollama() })`. */
export default createOllamaAdapter;
