// What the mock needs to know about a request body, read the same way whichever provider format it is in:
// OpenAI Chat / Ollama `messages`, Anthropic `messages` with content blocks, Responses `input`, Gemini `contents`,
// Ollama generate / text route `prompt`, AI SDK UI messages with `parts`, AG-UI RunAgentInput `messages` and
// `tools`, a tutorial backend's `message`, or a bare string body.

export interface ToolDeclaration {
  name: string;
  /** JSON Schema of the arguments, when the request gave one. */
  parameters?: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
}

export interface RequestFacts {
  /** Text of the last message (the user's prompt, or a tool result when the turn answers tools). */
  lastText: string;
  /** The last message carries tool results: the answer is text, never another tool call. */
  lastIsToolResult: boolean;
  /** Every prompt text (system included), for counting input tokens. */
  allTexts: string[];
  tools: ToolDeclaration[];
  /** The request itself asked for reasoning (reasoning_effort, reasoning, thinking, thinkingConfig, think). */
  asksForReasoning: boolean;
  /** The request's output token limit, when it set one. */
  maxTokens: number | null;
  model: string | null;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text of a content value: a string, or an array of parts/blocks with `text` (tool results included). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const pieces: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') pieces.push(part);
    else if (isObject(part)) {
      if (typeof part.text === 'string') pieces.push(part.text);
      else if (part.type === 'tool_result') pieces.push(contentText(part.content));
      else if (isObject(part.functionResponse)) pieces.push(JSON.stringify(part.functionResponse.response ?? ''));
    }
  }
  return pieces.join(' ');
}

function hasToolResultPart(content: unknown): boolean {
  return (
    Array.isArray(content) &&
    content.some((p) => isObject(p) && (p.type === 'tool_result' || isObject(p.functionResponse)))
  );
}

interface Turn {
  text: string;
  isToolResult: boolean;
  isUser: boolean;
}

function turnsOf(body: JsonObject): Turn[] {
  const turns: Turn[] = [];
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (!isObject(m)) continue;
      const role = m.role;
      // AI SDK UI messages carry `parts`; a tool's result is a part of the assistant message in state output-available.
      const content = m.content !== undefined ? m.content : m.parts;
      const toolOutputs = Array.isArray(m.parts) ? m.parts.filter((p) => isObject(p) && p.state === 'output-available') : [];
      const isToolResult = role === 'tool' || role === 'function' || hasToolResultPart(content) || toolOutputs.length > 0;
      const text = toolOutputs.length > 0 ? toolOutputs.map((p) => JSON.stringify((p as JsonObject).output ?? '')).join(' ') : contentText(content);
      turns.push({ text, isToolResult, isUser: role === 'user' || isToolResult });
    }
  }
  if (Array.isArray(body.contents)) {
    for (const c of body.contents) {
      if (!isObject(c)) continue;
      const isToolResult = hasToolResultPart(c.parts) || c.role === 'function';
      turns.push({ text: contentText(c.parts), isToolResult, isUser: c.role !== 'model' });
    }
  }
  if (typeof body.input === 'string') turns.push({ text: body.input, isToolResult: false, isUser: true });
  else if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (typeof item === 'string') turns.push({ text: item, isToolResult: false, isUser: true });
      else if (isObject(item)) {
        if (item.type === 'function_call_output') {
          const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? '');
          turns.push({ text: output, isToolResult: true, isUser: true });
        } else if (item.type === 'function_call') {
          turns.push({ text: '', isToolResult: false, isUser: false });
        } else {
          turns.push({ text: contentText(item.content), isToolResult: false, isUser: item.role !== 'assistant' });
        }
      }
    }
  }
  if (typeof body.prompt === 'string') turns.push({ text: body.prompt, isToolResult: false, isUser: true });
  if (typeof body.message === 'string') turns.push({ text: body.message, isToolResult: false, isUser: true });
  return turns;
}

function toolsOf(body: JsonObject): ToolDeclaration[] {
  if (!Array.isArray(body.tools)) return [];
  const tools: ToolDeclaration[] = [];
  const add = (name: unknown, parameters: unknown) => {
    if (typeof name === 'string' && name !== '') {
      tools.push(isObject(parameters) ? { name, parameters: parameters as JsonSchema } : { name });
    }
  };
  for (const t of body.tools) {
    if (!isObject(t)) continue;
    if (isObject(t.function)) add(t.function.name, t.function.parameters); // OpenAI Chat, Ollama
    else if (Array.isArray(t.functionDeclarations)) {
      for (const d of t.functionDeclarations) if (isObject(d)) add(d.name, d.parameters ?? d.parametersJsonSchema); // Gemini
    } else add(t.name, t.input_schema ?? t.parameters); // Anthropic, Responses
  }
  return tools;
}

function firstNumber(...values: unknown[]): number | null {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v);
  return null;
}

export function readRequestFacts(body: unknown, modelFromPath?: string): RequestFacts {
  if (typeof body === 'string') {
    return { lastText: body, lastIsToolResult: false, allTexts: [body], tools: [], asksForReasoning: false, maxTokens: null, model: modelFromPath ?? null };
  }
  const b = isObject(body) ? body : {};
  const turns = turnsOf(b);
  const last = turns.at(-1);
  const lastUser = [...turns].reverse().find((t) => t.isUser);
  const allTexts = turns.map((t) => t.text);
  for (const system of [b.system, b.instructions]) {
    const text = contentText(system);
    if (text) allTexts.push(text);
  }
  if (isObject(b.systemInstruction)) allTexts.push(contentText(b.systemInstruction.parts));
  const generationConfig = isObject(b.generationConfig) ? b.generationConfig : {};
  const thinkingConfig = isObject(generationConfig.thinkingConfig) ? generationConfig.thinkingConfig : {};
  const options = isObject(b.options) ? b.options : {};
  return {
    lastText: last?.isToolResult ? last.text : (lastUser?.text ?? ''),
    lastIsToolResult: last?.isToolResult ?? false,
    allTexts,
    tools: toolsOf(b),
    asksForReasoning:
      (typeof b.reasoning_effort === 'string' && b.reasoning_effort !== 'none') ||
      isObject(b.reasoning) ||
      (isObject(b.thinking) && b.thinking.type === 'enabled') ||
      thinkingConfig.includeThoughts === true ||
      b.think === true,
    maxTokens: firstNumber(
      b.max_tokens,
      b.max_completion_tokens,
      b.max_output_tokens,
      generationConfig.maxOutputTokens,
      options.num_predict,
    ),
    model: modelFromPath ?? (typeof b.model === 'string' ? b.model : null),
  };
}
