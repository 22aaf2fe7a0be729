import type { ChatMessage, ToolCall } from '@tokenstream/core';

// Request bodies for the formats core has no prepareBody helper for (it ships OpenAI Chat, Anthropic and
// Gemini): the OpenAI Responses API, Ollama /api/chat, and the mock's plain-text route.

interface ToolDescriptor {
  name: string;
  description?: string;
  parameters?: object;
}

function toolDescriptors(tools: object[]): ToolDescriptor[] {
  return tools.filter((tool): tool is ToolDescriptor => typeof (tool as ToolDescriptor).name === 'string');
}

function inputObject(call: ToolCall): object {
  if (typeof call.input === 'object' && call.input !== null && !Array.isArray(call.input)) return call.input;
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // Arguments cut short by Stop: the API still wants an object.
  }
  return {};
}

/** OpenAI Responses: `input` items (messages, function_call, function_call_output), flat function tools. */
export function prepareResponsesBody(messages: ChatMessage[], ctx: { tools: object[]; model?: string }): Record<string, unknown> {
  const input: object[] = [];
  const instructions: string[] = [];
  for (const message of messages) {
    if (message.role === 'system') instructions.push(message.text);
    else if (message.role === 'user') input.push({ role: 'user', content: message.text });
    else if (message.role === 'assistant') {
      if (message.text !== '') input.push({ role: 'assistant', content: message.text });
      for (const call of message.toolCalls ?? []) {
        input.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
      }
    } else input.push({ type: 'function_call_output', call_id: message.toolCallId ?? '', output: message.text });
  }
  const body: Record<string, unknown> = { model: ctx.model, input, stream: true };
  if (instructions.length > 0) body.instructions = instructions.join('\n\n');
  const tools = toolDescriptors(ctx.tools);
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters }));
  }
  return body;
}

/** Ollama /api/chat: OpenAI-like messages, but tool arguments are objects and results name no call id. */
export function prepareOllamaBody(messages: ChatMessage[], ctx: { tools: object[]; model?: string }): Record<string, unknown> {
  const wire: object[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      const calls = message.toolCalls ?? [];
      wire.push(
        calls.length === 0
          ? { role: 'assistant', content: message.text }
          : {
              role: 'assistant',
              content: message.text,
              tool_calls: calls.map((call) => ({ function: { name: call.name, arguments: inputObject(call) } })),
            },
      );
    } else wire.push({ role: message.role, content: message.text });
  }
  const body: Record<string, unknown> = { model: ctx.model, messages: wire, stream: true };
  const tools = toolDescriptors(ctx.tools);
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  }
  return body;
}

/** The plain-text route streams bare text: no tools, just the conversation. */
export function prepareTextBody(messages: ChatMessage[]): Record<string, unknown> {
  return {
    messages: messages
      .filter((m) => m.role === 'user' || (m.role === 'assistant' && m.text !== ''))
      .map((m) => ({ role: m.role, content: m.text })),
  };
}
