import type { ChatMessage, ToolCall } from '../types';
import { isObject } from '../providers/shared';

// Request bodies for the chat wire formats, built from the chat's provider-neutral history.
// Each is a pure function of (messages, ctx) so that an app can call it, wrap it, or replace it.

/** A client tool as the chat hands it to `prepareBody` (`ctx.tools`). */
export interface ChatToolDescriptor {
  name: string;
  description?: string;
  parameters?: object;
}

export interface PrepareBodyContext {
  tools: object[];
  model?: string;
  /** The chat's id (always set when the chat calls prepareBody). */
  id?: string;
}

export interface AnthropicBodyContext extends PrepareBodyContext {
  /** Anthropic requires `max_tokens`; default 4096. */
  maxTokens?: number;
}

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/** OpenAI Chat Completions: `{ model, messages, stream: true, stream_options: { include_usage: true }, tools? }`. */
export function prepareOpenAIChatBody(messages: ChatMessage[], ctx: PrepareBodyContext): Record<string, unknown> {
  const wireMessages = chatStyleMessages(messages, {
    assistantCall: (call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }),
    toolResult: (message) => ({ role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.text }),
  });
  return withFunctionTools(
    { model: ctx.model, messages: wireMessages, stream: true, stream_options: { include_usage: true } },
    ctx.tools,
  );
}

/**
 * The message list shared by OpenAI Chat and Ollama: system/user as they are, an assistant turn with its calls, one
 * message per tool result; the two differ only in how a call and a result are written.
 */
function chatStyleMessages(
  messages: ChatMessage[],
  wire: { assistantCall(call: ToolCall): object; toolResult(message: ChatMessage): object },
): object[] {
  const wireMessages: object[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'user':
        wireMessages.push({ role: message.role, content: message.text });
        break;
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length > 0) {
          wireMessages.push({ role: 'assistant', content: message.text, tool_calls: calls.map(wire.assistantCall) });
        } else if (message.text !== '') {
          wireMessages.push({ role: 'assistant', content: message.text });
        }
        break;
      }
      case 'tool':
        wireMessages.push(wire.toolResult(message));
        break;
    }
  }
  return wireMessages;
}

/** `tools: [{ type: 'function', function: { name, description, parameters } }]` when there are any. */
function withFunctionTools(body: Record<string, unknown>, tools: object[]): Record<string, unknown> {
  const declared = descriptors(tools);
  if (declared.length > 0) {
    body.tools = declared.map((tool) => ({
      type: 'function',
      function: withDefined({ name: tool.name, description: tool.description, parameters: tool.parameters }),
    }));
  }
  return body;
}

type AnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: object }
  | { type: 'tool_result'; tool_use_id: string; content: string };

/**
 * Anthropic Messages API: system messages go to `system`; tool calls are `tool_use` blocks of the assistant
 * turn and results are `tool_result` blocks of the next user turn; consecutive same-role turns are merged
 * because the API expects user and assistant to alternate.
 */
export function prepareAnthropicBody(messages: ChatMessage[], ctx: AnthropicBodyContext): Record<string, unknown> {
  const system: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; blocks: AnthropicBlock[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.text);
        break;
      case 'user':
        push('user', [{ type: 'text', text: message.text }]);
        break;
      case 'assistant': {
        // The API rejects empty text blocks, so a tool-only turn carries tool_use blocks alone.
        const blocks: AnthropicBlock[] = message.text !== '' ? [{ type: 'text', text: message.text }] : [];
        for (const call of message.toolCalls ?? []) {
          blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: inputObject(call) });
        }
        push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.text }]);
        break;
    }
  }
  const body: Record<string, unknown> = {
    model: ctx.model,
    max_tokens: ctx.maxTokens ?? 4096,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  body.messages = turns.map(({ role, blocks }) => ({
    role,
    // A lone text block is sent as a plain string, the API's short form.
    content: blocks.length === 1 && blocks[0].type === 'text' ? blocks[0].text : blocks,
  }));
  const tools = descriptors(ctx.tools);
  if (tools.length > 0) {
    body.tools = tools.map((tool) =>
      withDefined({ name: tool.name, description: tool.description, input_schema: tool.parameters ?? EMPTY_OBJECT_SCHEMA }),
    );
  }
  body.stream = true;
  return body;
}

type GeminiPart =
  | { text: string }
  | { functionCall: { name: string; args: object } }
  | { functionResponse: { name: string; response: object } };

/**
 * Gemini generateContent: `contents` with roles user/model, `functionCall` / `functionResponse` parts,
 * `tools: [{ functionDeclarations }]`, `systemInstruction`. The model and streaming are chosen by the URL
 * (`models/<model>:streamGenerateContent?alt=sse`), so the body carries neither.
 */
export function prepareGeminiBody(messages: ChatMessage[], ctx: PrepareBodyContext): Record<string, unknown> {
  const system: Array<{ text: string }> = [];
  const contents: Array<{ role: 'user' | 'model'; parts: GeminiPart[] }> = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push({ text: message.text });
        break;
      case 'user':
        push('user', [{ text: message.text }]);
        break;
      case 'assistant': {
        const parts: GeminiPart[] = message.text !== '' ? [{ text: message.text }] : [];
        for (const call of message.toolCalls ?? []) {
          callNames.set(call.id, call.name);
          parts.push({ functionCall: { name: call.name, args: inputObject(call) } });
        }
        push('model', parts);
        break;
      }
      case 'tool': {
        // A function response names the function, not the call id: take the name from the call it answers.
        const name = callNames.get(message.toolCallId ?? '') ?? '';
        push('user', [{ functionResponse: { name, response: responseObject(message.text) } }]);
        break;
      }
    }
  }
  const body: Record<string, unknown> = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  const tools = descriptors(ctx.tools);
  if (tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: tools.map((tool) =>
          withDefined({ name: tool.name, description: tool.description, parameters: tool.parameters }),
        ),
      },
    ];
  }
  return body;
}

/**
 * OpenAI Responses API: system messages go to `instructions`; the history is `input` items — messages,
 * `function_call` items with the call's `call_id` and raw `arguments`, `function_call_output` items answering
 * them — and tools are flat `{ type: 'function', name, description, parameters, strict: false }`.
 * `strict: false` because Responses otherwise rewrites a schema into strict mode (every property required),
 * which would change what the tool accepts compared with the other formats.
 */
export function prepareOpenAIResponsesBody(messages: ChatMessage[], ctx: PrepareBodyContext): Record<string, unknown> {
  const instructions: string[] = [];
  const input: object[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        instructions.push(message.text);
        break;
      case 'user':
        input.push({ role: 'user', content: message.text });
        break;
      case 'assistant':
        if (message.text !== '') input.push({ role: 'assistant', content: message.text });
        for (const call of message.toolCalls ?? []) {
          input.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
        }
        break;
      case 'tool':
        input.push({ type: 'function_call_output', call_id: message.toolCallId ?? '', output: message.text });
        break;
    }
  }
  const body: Record<string, unknown> = { model: ctx.model };
  if (instructions.length > 0) body.instructions = instructions.join('\n\n');
  body.input = input;
  const tools = descriptors(ctx.tools);
  if (tools.length > 0) {
    body.tools = tools.map((tool) =>
      withDefined({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }),
    );
  }
  body.stream = true;
  return body;
}

/**
 * Ollama /api/chat: Chat-like `messages`, but a call's `function.arguments` is an object and carries no id;
 * a result is `{ role: 'tool', content, tool_name }`, named after the call it answers. Tools are
 * `{ type: 'function', function: { name, description, parameters } }`.
 */
export function prepareOllamaBody(messages: ChatMessage[], ctx: PrepareBodyContext): Record<string, unknown> {
  const callNames = new Map<string, string>();
  for (const message of messages) for (const call of message.toolCalls ?? []) callNames.set(call.id, call.name);
  const wireMessages = chatStyleMessages(messages, {
    assistantCall: (call) => ({ function: { name: call.name, arguments: inputObject(call) } }),
    toolResult: (message) =>
      withDefined({ role: 'tool', content: message.text, tool_name: callNames.get(message.toolCallId ?? '') }),
  });
  return withFunctionTools({ model: ctx.model, messages: wireMessages, stream: true }, ctx.tools);
}

function descriptors(tools: object[]): ChatToolDescriptor[] {
  return tools.filter((tool): tool is ChatToolDescriptor => typeof (tool as ChatToolDescriptor).name === 'string');
}

/** The call's input as a JSON object: the parsed input, else a parse of the raw arguments, else `{}`. */
function inputObject(call: ToolCall): object {
  if (isObject(call.input)) return call.input;
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (isObject(parsed)) return parsed;
  } catch {
    // Arguments cut short (a stopped turn): the API still needs an object.
  }
  return {};
}

/** Gemini wants an object; a tool message's text is JSON of the result, which may be any value. */
function responseObject(text: string): object {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Plain text result (e.g. history restored with setMessages): wrap it as is.
  }
  return isObject(value) ? value : { result: value };
}

function withDefined<T extends Record<string, unknown>>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out as T;
}
