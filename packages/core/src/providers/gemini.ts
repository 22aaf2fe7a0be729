import type { Delta, ProviderAdapter, RawEvent, Usage } from '../types';
import {
  DeltaBatch,
  IdentityTracker,
  type Json,
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

const FINISH_REASONS: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
};

/** A GenerateContentResponse chunk, or a Google API error (`{"error": {"code", "message", "status"}}`). */
export const isGeminiEvent: ProtocolRecognizer = (_event, json) => {
  if (!isObject(json)) return false;
  if ('candidates' in json || 'usageMetadata' in json || 'promptFeedback' in json) return true;
  return isObject(json.error) && typeof json.error.status === 'string';
};

/**
 * Gemini `streamGenerateContent` (Google AI and Vertex AI; `alt=sse`, or the JSON array read element by element).
 * Only candidate 0 is followed. Function calls arrive whole; each gets a call index in order of appearance and an id.
 *
 * A `finishReason` is not the end: real streams repeat `finishReason: STOP` on every chunk (Vertex, Gemini 1.5-era)
 * or send an intermediate STOP (code execution), and text follows. So the body is read to its end, the last
 * finishReason and usage win, and completion comes from `end()` once a finishReason (or a prompt block) was seen.
 */
export function createGeminiAdapter(): ProviderAdapter {
  const identity = new IdentityTracker();
  const check = createProtocolCheck('gemini', isGeminiEvent);
  let callCount = 0;
  let finished = false;

  return {
    name: 'gemini',
    parse(event: RawEvent): Delta | Delta[] | null {
      if (isBlank(event.data)) return [];
      const json = readEventJson(event, 'gemini');
      check(event, json);
      const chunk = json === undefined ? parseJsonPayload(event.data, 'gemini', event.event) : json;
      if (!isObject(chunk)) return [];
      if (chunk.error !== undefined) return [geminiErrorDelta(chunk.error)];

      const batch = new DeltaBatch();
      identity.apply(batch.head, chunk.modelVersion, chunk.responseId);
      const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
      const candidate = candidates.find((c) => isObject(c) && (c.index === 0 || c.index === undefined));
      if (isObject(candidate)) {
        const content = isObject(candidate.content) ? candidate.content : {};
        const parts = Array.isArray(content.parts) ? content.parts : [];
        for (const part of parts) {
          if (!isObject(part)) continue;
          if (typeof part.text === 'string') {
            if (part.thought === true) batch.appendReasoning(part.text);
            else batch.appendText(part.text);
          }
          if (isObject(part.functionCall)) {
            const fn = part.functionCall;
            batch.toolCall({
              index: callCount++,
              id: str(fn.id) || generateCallId(),
              name: str(fn.name) ?? '',
              argumentsDelta: JSON.stringify(fn.args ?? {}),
              complete: true,
            });
          }
        }
        const finish = str(candidate.finishReason);
        if (finish && finish !== 'FINISH_REASON_UNSPECIFIED') {
          const mapped = FINISH_REASONS[finish] ?? finish;
          // Gemini ends a tool-calling turn with STOP, often in a later chunk than the calls.
          batch.tail.finishReason = mapped === 'stop' && callCount > 0 ? 'tool_calls' : mapped;
          finished = true;
        }
      }
      const feedback = isObject(chunk.promptFeedback) ? chunk.promptFeedback : {};
      if (candidates.length === 0 && str(feedback.blockReason)) {
        // A blocked prompt produces no candidate at all: nothing else will come.
        batch.tail.finishReason = 'content_filter';
        finished = true;
      }
      if (isObject(chunk.usageMetadata)) batch.tail.usage = normalizeGeminiUsage(chunk.usageMetadata);
      return batch.finish();
    },
    end(): Delta | null {
      return finished ? { done: true } : null;
    },
  };
}

function geminiErrorDelta(error: unknown): Delta {
  if (!isObject(error)) return errorDelta(String(error));
  const code = str(error.status) ?? num(error.code)?.toString();
  return errorDelta(str(error.message) ?? 'unknown error', code);
}

export function normalizeGeminiUsage(raw: Json): Partial<Usage> {
  // Gemini's JSON omits zero-valued counters (proto3), so an absent count is a reported 0.
  const prompt = num(raw.promptTokenCount) ?? 0;
  // Tool-use prompt tokens (results of built-in tools fed back) are prompt tokens too; Google's total counts them.
  const toolPrompt = num(raw.toolUsePromptTokenCount) ?? 0;
  const candidates = num(raw.candidatesTokenCount) ?? 0;
  const thoughts = num(raw.thoughtsTokenCount);
  const usage: Partial<Usage> = { inputTokens: prompt + toolPrompt, outputTokens: candidates + (thoughts ?? 0) };
  const cached = num(raw.cachedContentTokenCount);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  return withTotal(usage, num(raw.totalTokenCount));
}

/** `@tokenstream/core/providers/gemini`: `createStream({ url, provider: gemini() })`. */
export default createGeminiAdapter;
