import type { DataPart, Delta, FinishReason, ToolCall, Usage } from '../types';
import { onDemand } from '../on-demand';
import { TextBuffer } from './text-buffer';
import type { ToolCallEvent, ToolCalls } from './tool-call';

// Delta -> the output fields of a snapshot.
//
// apply() is O(size of the delta): it only pushes fragments onto arrays and sets flags. read() does the work
// lazily, once per notification: it joins the fragments that arrived since the previous read (each fragment is
// joined once), feeds new tool-argument fragments to that call's incremental JSON parser (each character is
// scanned once over the whole stream), and rebuilds only what changed: an unchanged read() returns the very same
// object, an unchanged `usage`/`toolCalls` array/ToolCall keeps its identity.
//
// Merge rules:
// - text, reasoning: appended.
// - id: the first non-empty one (a response keeps its id; some providers repeat it on every chunk).
//   model: the last non-empty one (routers may name the model that actually answered late in the stream).
// - usage: field-wise merge of the normalized Partial<Usage> deltas, later values override; null until a usage
//   delta arrived; missing inputTokens/outputTokens count 0; totalTokens is the provider's total when given,
//   else input + output; reasoningTokens/cachedInputTokens only when some delta reported them.
// - finishReason: the last non-empty one; 'stop' becomes 'tool_calls' when the turn has a tool call the client
//   must answer (one without a server-streamed `output`); an `error`
//   delta makes it 'error' and that sticks (a later 'stop' does not hide that the turn failed).
// - tool calls, by ToolCallDelta.index in order of first appearance: the first id given ('' if none), the first
//   non-empty name, arguments = the concatenated fragments, input = best-effort partial parse. A call completes
//   when its arguments form a closed JSON object or array (checked at read()), when a delta says so, or when the
//   turn ends (a delta with finishReason or done; an error does not complete calls — their arguments were cut
//   off). On completion, input = JSON.parse(arguments) ({} for empty arguments); invalid JSON keeps the
//   best-effort value and sets `parseError` instead of throwing. `output` (a server-run tool's result): the last.
//   Tool calls and their JSON parser are a chunk loaded on demand (./tool-call): until it is there, tool-call
//   deltas wait in order, read() shows the tool calls of the previous read, and `ready` is the promise to await.
// - data parts: appended in order; a part with an id replaces the earlier part of the same type and id.
// - state: the last one. metadata: shallow-merged while both are plain objects, else replaced.

export interface AccumulatedOutput {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage: Usage | null;
  finishReason: FinishReason;
  model: string | null;
  id: string | null;
  data?: DataPart[];
  state?: unknown;
  metadata?: unknown;
}

export interface Accumulator {
  /** O(size of the delta): fragments are queued, nothing is joined or parsed here. */
  apply(delta: Delta): void;
  /** Builds the output lazily; the same object while nothing changed, unchanged parts keep their identity. */
  read(): AccumulatedOutput;
  /** Any text, reasoning or tool call was applied. */
  readonly hasOutput: boolean;
  /** Deltas that carried text, reasoning or tool-call content. */
  readonly outputDeltas: number;
  /** While tool calls wait for their parser to load: resolves once read() can show them; else null. */
  readonly ready: Promise<void> | null;
}

type ToolCallModule = typeof import('./tool-call');
/** Loaded once per page: every later stream reads tool calls synchronously. */
let toolCallModule: ToolCallModule | null = null;

/** Loads tool-call parsing (a chunk) ahead of the first tool call: a chat with tools asks for it as it sends. */
export const loadToolCalls: () => Promise<void> = onDemand(() =>
  import('./tool-call').then((module) => {
    toolCallModule = module;
  }),
);


const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'totalTokens', 'reasoningTokens', 'cachedInputTokens'] as const;

class AccumulatorImpl implements Accumulator {
  private readonly text = new TextBuffer();
  private readonly reasoning = new TextBuffer();
  /** Created by the first tool-call event applied. */
  private toolCalls: ToolCalls | null = null;
  /** Tool-call events applied at the next read() once the tool-call module is loaded. */
  private readonly waiting: ToolCallEvent[] = [];
  private usageFields: Partial<Usage> | null = null;
  private usageChanged = false;
  private rawFinishReason: string | null = null;
  private errored = false;
  private model: string | null = null;
  private id: string | null = null;
  private deltasWithOutput = 0;
  private data: DataPart[] | null = null;
  private state: { value: unknown } | null = null;
  private metadata: { value: unknown } | null = null;
  private dirty = true;
  private last: AccumulatedOutput | null = null;

  get hasOutput(): boolean {
    return this.deltasWithOutput > 0;
  }
  get outputDeltas(): number {
    return this.deltasWithOutput;
  }
  get ready(): Promise<void> | null {
    return this.waiting.length > 0 && toolCallModule === null ? loadToolCalls() : null;
  }

  apply(delta: Delta): void {
    let carriesOutput = false;
    if (typeof delta.text === 'string' && delta.text !== '') {
      this.text.append(delta.text);
      carriesOutput = true;
    }
    if (typeof delta.reasoning === 'string' && delta.reasoning !== '') {
      this.reasoning.append(delta.reasoning);
      carriesOutput = true;
    }
    if (carriesOutput) this.dirty = true;
    if (delta.toolCall) {
      this.toolCallEvent(delta.toolCall);
      carriesOutput = true;
    }
    if (carriesOutput) this.deltasWithOutput++;
    if (delta.usage) this.applyUsage(delta.usage);
    if (typeof delta.model === 'string' && delta.model !== '' && delta.model !== this.model) {
      this.model = delta.model;
      this.dirty = true;
    }
    if (this.id === null && typeof delta.id === 'string' && delta.id !== '') {
      this.id = delta.id;
      this.dirty = true;
    }
    if (delta.error && !this.errored) {
      this.errored = true;
      this.dirty = true;
    }
    const reason = typeof delta.finishReason === 'string' && delta.finishReason !== '' ? delta.finishReason : null;
    if (reason !== null && reason !== this.rawFinishReason) {
      this.rawFinishReason = reason;
      this.dirty = true;
    }
    if ((reason !== null || delta.done === true) && (this.toolCalls !== null || this.waiting.length > 0)) this.toolCallEvent(null);
    if (delta.data) this.applyDataPart(delta.data);
    if ('state' in delta) {
      this.state = { value: delta.state };
      this.dirty = true;
    }
    if ('metadata' in delta) {
      const previous = this.metadata?.value;
      const next = delta.metadata;
      this.metadata = { value: isPlainObject(previous) && isPlainObject(next) ? { ...previous, ...next } : next };
      this.dirty = true;
    }
  }

  private applyDataPart(part: DataPart): void {
    const parts = this.data ? [...this.data] : [];
    const at = part.id === undefined ? -1 : parts.findIndex((p) => p.type === part.type && p.id === part.id);
    if (at === -1) parts.push(part);
    else parts[at] = part;
    this.data = parts;
    this.dirty = true;
  }

  read(): AccumulatedOutput {
    this.applyWaitingToolCalls();
    if (!this.dirty && this.last !== null) return this.last;
    const previous = this.last;
    const toolCalls = this.readToolCalls(previous);
    const output: AccumulatedOutput = {
      text: this.text.read(),
      reasoning: this.reasoning.read(),
      toolCalls,
      usage: this.readUsage(previous),
      finishReason: this.finishReason(toolCalls.some((call) => !('output' in call))),
      model: this.model,
      id: this.id,
    };
    if (this.data !== null) output.data = this.data;
    if (this.state !== null) output.state = this.state.value;
    if (this.metadata !== null) output.metadata = this.metadata.value;
    this.last = output;
    this.dirty = this.waiting.length > 0; // the waiting tool calls are shown by a later read
    return output;
  }

  private toolCallEvent(event: ToolCallEvent): void {
    if (toolCallModule !== null && this.waiting.length === 0) return this.applyToolCallEvent(event);
    this.waiting.push(event);
    this.dirty = true;
    loadToolCalls().catch(() => undefined); // the failure reaches whoever awaits `ready`
  }

  private applyWaitingToolCalls(): void {
    if (toolCallModule === null || this.waiting.length === 0) return;
    for (const event of this.waiting) this.applyToolCallEvent(event);
    this.waiting.length = 0;
  }

  private applyToolCallEvent(event: ToolCallEvent): void {
    this.toolCalls ??= new toolCallModule!.ToolCalls();
    if (this.toolCalls.apply(event)) this.dirty = true;
  }

  private readToolCalls(previous: AccumulatedOutput | null): ToolCall[] {
    if (this.waiting.length > 0 || this.toolCalls === null) return previous?.toolCalls ?? [];
    return this.toolCalls.read(previous?.toolCalls);
  }

  private applyUsage(usage: Partial<Usage>): void {
    const merged: Partial<Usage> = this.usageFields ?? {};
    let changed = this.usageFields === null;
    for (const field of USAGE_FIELDS) {
      const value = usage[field];
      if (typeof value === 'number' && Number.isFinite(value) && merged[field] !== value) {
        merged[field] = value;
        changed = true;
      }
    }
    this.usageFields = merged;
    if (changed) {
      this.usageChanged = true;
      this.dirty = true;
    }
  }

  private readUsage(previous: AccumulatedOutput | null): Usage | null {
    if (previous !== null && !this.usageChanged) return previous.usage;
    this.usageChanged = false;
    const fields = this.usageFields;
    if (fields === null) return null;
    const inputTokens = fields.inputTokens ?? 0;
    const outputTokens = fields.outputTokens ?? 0;
    const usage: Usage = { inputTokens, outputTokens, totalTokens: fields.totalTokens ?? inputTokens + outputTokens };
    if (fields.reasoningTokens !== undefined) usage.reasoningTokens = fields.reasoningTokens;
    if (fields.cachedInputTokens !== undefined) usage.cachedInputTokens = fields.cachedInputTokens;
    return usage;
  }

  /** `hasOpenToolCalls`: a call the client must answer (one whose result the server did not stream). */
  private finishReason(hasOpenToolCalls: boolean): FinishReason {
    if (this.errored) return 'error';
    if (this.rawFinishReason === 'stop' && hasOpenToolCalls) return 'tool_calls';
    return this.rawFinishReason;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createAccumulator(): Accumulator {
  return new AccumulatorImpl();
}
