import type { ChatTool, ToolCall } from '../types';
import type { ChatToolDescriptor } from './bodies';

/** What a started call leads to: a result to send back, or a wait for `addToolResult` (no `execute`). */
export type ToolOutcome = { kind: 'result'; value: unknown } | { kind: 'awaiting' };

/** The tools as `prepareBody` receives them (`ctx.tools`). */
export function toolDescriptors(tools: Record<string, ChatTool>): ChatToolDescriptor[] {
  return Object.entries(tools).map(([name, tool]) => {
    const descriptor: ChatToolDescriptor = { name };
    if (tool.description !== undefined) descriptor.description = tool.description;
    if (tool.parameters !== undefined) descriptor.parameters = tool.parameters;
    return descriptor;
  });
}

/** JSON with object keys sorted at every depth: equal inputs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  }) ?? 'undefined';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}

/**
 * Runs client tools for one chat. Results are cached by tool name + canonical input: a call with the same
 * name and input (in this turn or a later one) reuses the settled — or still running — result. Failures
 * are never cached, and an entry still running when its signal aborts is dropped.
 */
export class ToolRunner {
  private readonly cache = new Map<string, Promise<ToolOutcome>>();

  /** Both are read at each call, so the chat's current options apply. */
  constructor(
    private readonly tools: () => Record<string, ChatTool>,
    private readonly cacheResults: () => boolean,
  ) {}

  /** Never rejects: a throwing tool, an unknown name or unparsable arguments become `{ error }` results. */
  run(call: ToolCall, signal: AbortSignal): Promise<ToolOutcome> {
    const tools = this.tools();
    const tool = Object.hasOwn(tools, call.name) ? tools[call.name] : undefined;
    if (!tool) return Promise.resolve(errorResult(`Unknown tool: ${call.name}`));
    if (!tool.execute) return Promise.resolve({ kind: 'awaiting' });
    if (call.parseError !== undefined) {
      return Promise.resolve(errorResult(`Invalid tool arguments (not JSON): ${call.parseError}`));
    }
    const execute = tool.execute.bind(tool);
    const start = () => execution(() => execute(call.input, { signal, toolCallId: call.id }));
    if (!this.cacheResults()) return start().then(({ outcome }) => outcome);

    const key = `${call.name}\u0000${canonicalJson(call.input)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const attempt = start();
    const forget = () => {
      if (this.cache.get(key) === outcome) this.cache.delete(key);
    };
    const outcome = attempt.then(({ outcome, failed }) => {
      signal.removeEventListener('abort', forget);
      if (failed) forget();
      return outcome;
    });
    this.cache.set(key, outcome);
    signal.addEventListener('abort', forget, { once: true });
    return outcome;
  }
}

function errorResult(message: string): ToolOutcome {
  return { kind: 'result', value: { error: message } };
}

/** Calls `start` (sync or async) and captures a throw or rejection as an error result. */
function execution(start: () => unknown): Promise<{ outcome: ToolOutcome; failed: boolean }> {
  return new Promise<unknown>((resolve) => resolve(start())).then(
    (value) => ({ outcome: { kind: 'result', value } as ToolOutcome, failed: false }),
    (error: unknown) => ({ outcome: errorResult(errorMessage(error)), failed: true }),
  );
}
