import { isObject } from '../providers/shared';
import type { ChatMessage, ToolCall } from '../types';
import type { ChatToolDescriptor, PrepareBodyContext } from './bodies';

// Request bodies for app protocols (as opposed to provider APIs): the AI SDK `useChat` body and AG-UI's
// RunAgentInput. Pure functions of (messages, ctx), like the provider bodies in bodies.ts.

export interface AISDKBodyContext extends PrepareBodyContext {
  /** Default 'submit-message'. */
  trigger?: 'submit-message' | 'regenerate-message';
  /** The message being edited or regenerated; omitted by default, as `useChat` does for a plain send. */
  messageId?: string;
}

type UIPart =
  | { type: 'step-start' }
  | { type: 'text'; text: string; state: 'done' }
  | { type: 'reasoning'; text: string; state: 'done' }
  | {
      type: `tool-${string}`;
      toolCallId: string;
      state: 'input-available' | 'output-available';
      input: unknown;
      output?: unknown;
    };

interface UIMessage {
  id: string;
  role: 'system' | 'user' | 'assistant';
  parts: UIPart[];
}

/**
 * The AI SDK `useChat` request body: `{ id, messages: UIMessage[], trigger, messageId? }`, what an AI SDK route reads
 * with `convertToModelMessages(messages)`. Each assistant step is one UIMessage (reasoning, text, then one
 * `tool-<name>` part per call); a tool result (a tool message, or the output a server-run tool streamed) is put on
 * its call's part as `output-available`, the way `useChat` keeps it. The chat id is `ctx.id`, else one derived from
 * the first message so that it stays the same for every request of the chat.
 */
export function prepareAISDKBody(messages: ChatMessage[], ctx: AISDKBodyContext): Record<string, unknown> {
  const results = toolResults(messages);
  const uiMessages: UIMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'user':
        uiMessages.push({ id: message.id, role: message.role, parts: [{ type: 'text', text: message.text, state: 'done' }] });
        break;
      case 'assistant': {
        const parts: UIPart[] = [{ type: 'step-start' }];
        if (message.reasoning) parts.push({ type: 'reasoning', text: message.reasoning, state: 'done' });
        if (message.text !== '') parts.push({ type: 'text', text: message.text, state: 'done' });
        for (const call of message.toolCalls ?? []) {
          const input = callInput(call);
          const result = results.get(call.id);
          parts.push(
            result
              ? { type: `tool-${call.name}`, toolCallId: call.id, state: 'output-available', input, output: result.value }
              : { type: `tool-${call.name}`, toolCallId: call.id, state: 'input-available', input },
          );
        }
        if (parts.length > 1) uiMessages.push({ id: message.id, role: 'assistant', parts });
        break;
      }
      case 'tool':
        // Folded into its call's part above.
        break;
    }
  }
  const body: Record<string, unknown> = {
    id: ctx.id ?? derivedChatId(messages),
    messages: uiMessages,
    trigger: ctx.trigger ?? 'submit-message',
  };
  if (ctx.messageId !== undefined) body.messageId = ctx.messageId;
  return body;
}

export interface AGUIBodyContext extends PrepareBodyContext {
  /** The agent state the run starts from (RunAgentInput `state`). Default {}. */
  state?: unknown;
  /** App context for the agent (RunAgentInput `context`). Default []. */
  context?: Array<{ description: string; value: string }>;
  /** Passed through to the agent as is. Default {}. */
  forwardedProps?: unknown;
  /** Default: a new id per request. */
  runId?: string;
}

type AGUIMessage =
  | { id: string; role: 'system' | 'user'; content: string }
  | {
      id: string;
      role: 'assistant';
      content?: string;
      toolCalls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
    }
  | { id: string; role: 'tool'; content: string; toolCallId: string };

/**
 * AG-UI `RunAgentInput`: `{ threadId, runId, state, messages, tools, context, forwardedProps }`. Messages use AG-UI
 * shapes (an assistant message's `toolCalls` with the raw `arguments` text, one `role: 'tool'` message per result,
 * including the output a server-run tool streamed). `threadId` is `ctx.id` (else derived from the first message, so
 * stable over the chat); `runId` is new for every request.
 */
export function prepareAGUIBody(messages: ChatMessage[], ctx: AGUIBodyContext): Record<string, unknown> {
  const answered = new Set(messages.flatMap((m) => (m.role === 'tool' && m.toolCallId ? [m.toolCallId] : [])));
  const wire: AGUIMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'user':
        wire.push({ id: message.id, role: message.role, content: message.text });
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0 && message.text === '') break;
        const out: AGUIMessage = { id: message.id, role: 'assistant' };
        if (message.text !== '') out.content = message.text;
        if (calls.length > 0) {
          out.toolCalls = calls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments || '{}' },
          }));
        }
        wire.push(out);
        // A server-run tool's output came in the stream, not as a tool message: the agent still needs to see it.
        for (const call of calls) {
          if (call.output !== undefined && !answered.has(call.id)) {
            wire.push({ id: `${call.id}-result`, role: 'tool', content: resultText(call.output), toolCallId: call.id });
          }
        }
        break;
      }
      case 'tool':
        wire.push({ id: message.id, role: 'tool', content: message.text, toolCallId: message.toolCallId ?? '' });
        break;
    }
  }
  const tools = ctx.tools
    .filter((tool): tool is ChatToolDescriptor => typeof (tool as ChatToolDescriptor).name === 'string')
    .map((tool) => {
      // AG-UI requires a description.
      const out: Record<string, unknown> = { name: tool.name, description: tool.description ?? '' };
      if (tool.parameters !== undefined) out.parameters = tool.parameters;
      return out;
    });
  return {
    threadId: ctx.id ?? derivedChatId(messages),
    runId: ctx.runId ?? newRunId(),
    state: ctx.state ?? {},
    messages: wire,
    tools,
    context: ctx.context ?? [],
    forwardedProps: ctx.forwardedProps ?? {},
  };
}

/** Tool results by call id: tool messages, and outputs of tools the server ran. */
function toolResults(messages: ChatMessage[]): Map<string, { value: unknown }> {
  const results = new Map<string, { value: unknown }>();
  for (const message of messages) {
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) if (call.output !== undefined) results.set(call.id, { value: call.output });
    } else if (message.role === 'tool' && message.toolCallId !== undefined) {
      results.set(message.toolCallId, { value: 'result' in message ? message.result : parseOr(message.text) });
    }
  }
  return results;
}

/** The call's input: the parsed value once complete, else a parse of the raw arguments, else {}. */
function callInput(call: ToolCall): unknown {
  if (call.complete && call.parseError === undefined && call.input !== undefined) return call.input;
  const parsed = parseOr(call.arguments);
  return isObject(parsed) ? parsed : {};
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function resultText(output: unknown): string {
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output) ?? 'null';
  } catch {
    return String(output);
  }
}

/** A chat without `ctx.id`: the same id for all of its requests, taken from its first message. */
function derivedChatId(messages: ChatMessage[]): string {
  const first = messages[0];
  return first ? `chat-${first.id}` : `chat-${newRunId()}`;
}

function newRunId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  return uuid ?? `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
