import { readRequestFacts, type JsonSchema, type RequestFacts, type ToolDeclaration } from './request-facts';

// The answer is a pure function of the request body and the answer-shaping scenario options, so a test can
// predict the exact text, tool calls and usage a route streams. A "token" is one word-ish piece: each text
// token is streamed as one delta, each reasoning token as one reasoning delta, each tool-argument fragment as
// one argument delta; usage counts exactly those.

export interface MockAnswerOptions {
  /** Text tokens to generate (before the request's own max-token limit). Default 40. */
  length?: number;
  /** Mixed into the prompt hash: same prompt, different seed -> different lorem. Default 0. */
  seed?: number;
  /** true: reasoning of about half the text length; a number: that many reasoning tokens; default: only when the request asks for it. */
  reasoning?: boolean | number;
  /** 'auto' (default): call tools when the prompt names them (see README); true: always call one; false: never. */
  tools?: boolean | 'auto';
  /** Share of the input tokens the provider reports as cached. Default 0. */
  cachedInputTokens?: number;
}

export interface MockToolCall {
  /** Provider-neutral id `call_<hex>`; Anthropic streams it as `toolu_<hex>`, Gemini and Ollama send none. */
  id: string;
  name: string;
  /** JSON text of the arguments, exactly as streamed (concatenation of `fragments`). */
  arguments: string;
  input: Record<string, unknown>;
  fragments: string[];
}

export interface MockUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Present when the answer has reasoning. */
  reasoningTokens?: number;
  /** Present when the scenario set cachedInputTokens > 0. */
  cachedInputTokens?: number;
}

export interface MockAnswer {
  text: string;
  textTokens: string[];
  reasoning: string;
  reasoningTokens: string[];
  toolCalls: MockToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: MockUsage;
  model: string | null;
}

const LOREM = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua stream token delta buffer signal frame chunk café naïve résumé über façade jalapeño smörgåsbord ' +
  'crème brûlée déjà — 🚀 ✨ 日本語 λ'
).split(' ');

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG, good enough for lorem. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Lorem sentences as tokens (each but the very first token starts with a space). */
function loremTokens(count: number, random: () => number, first: boolean): string[] {
  const tokens: string[] = [];
  let sentenceLeft = 0;
  for (let i = 0; i < count; i++) {
    let word = LOREM[Math.floor(random() * LOREM.length)];
    if (sentenceLeft === 0) {
      sentenceLeft = 5 + Math.floor(random() * 8);
      word = word.charAt(0).toUpperCase() + word.slice(1);
    }
    sentenceLeft--;
    if (sentenceLeft === 0 || i === count - 1) word += '.';
    tokens.push(first && i === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/**
 * Text tokens: a fixed opening with non-ASCII ("Réponse 🚀 —") so every answer exercises UTF-8 splitting,
 * an echo of up to 6 prompt words, then seeded lorem; cut to `count` tokens.
 */
function answerTokens(prompt: string, count: number, random: () => number, opening: string[]): string[] {
  const echo = words(prompt).slice(0, 6);
  const head = [...opening];
  if (echo.length > 0) {
    head.push(' “' + echo[0]);
    for (const w of echo.slice(1)) head.push(` ${w}`);
    head[head.length - 1] += '”.';
  }
  const tokens = head.length >= count ? head.slice(0, count) : [...head, ...loremTokens(count - head.length, random, false)];
  return tokens.length > 0 ? tokens : ['…'];
}

/** Nesting deeper than this is answered with a string: a hostile schema cannot exhaust the stack. */
const MAX_SCHEMA_DEPTH = 16;

function sampleValue(schema: JsonSchema | undefined, key: string, prompt: string, random: () => number, depth: number): unknown {
  if (depth > MAX_SCHEMA_DEPTH) return 'café';
  if (schema?.enum && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1 + Math.floor(random() * 99);
    case 'boolean':
      return true;
    case 'array':
      return [sampleValue(schema?.items, key, prompt, random, depth + 1)];
    case 'object':
      return sampleObject(schema, prompt, random, depth + 1);
    default: {
      if (/city|location|place/i.test(key)) return 'Zürich';
      const w = words(prompt).slice(-3).join(' ');
      return w ? `${w} — café` : 'café';
    }
  }
}

function sampleObject(schema: JsonSchema | undefined, prompt: string, random: () => number, depth = 0): Record<string, unknown> {
  const props = schema?.properties;
  if (!props || Object.keys(props).length === 0) return { query: words(prompt).slice(0, 8).join(' ') || 'café' };
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) out[key] = sampleValue(sub, key, prompt, random, depth + 1);
  return out;
}

/** Splits JSON text into 3–7 code-point fragments (never inside a surrogate pair). */
function fragmentsOf(json: string, random: () => number): string[] {
  const chars = Array.from(json);
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    const n = 3 + Math.floor(random() * 5);
    out.push(chars.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

/**
 * Which declared tools the answer calls (deterministic rule, see README): never after a tool result; with
 * `tools: 'auto'` every declared tool whose name occurs in the prompt (case-insensitive), else the first tool
 * when the prompt contains the word "tool"/"tools"; with `tools: true` the named ones or else the first.
 */
export function chooseTools(facts: RequestFacts, mode: boolean | 'auto'): ToolDeclaration[] {
  if (mode === false || facts.tools.length === 0 || facts.lastIsToolResult) return [];
  const prompt = facts.lastText.toLowerCase();
  const named = facts.tools.filter((t) => prompt.includes(t.name.toLowerCase()));
  if (named.length > 0) return named;
  if (mode === true || /\btools?\b/.test(prompt)) return [facts.tools[0]];
  return [];
}

function countWords(texts: string[]): number {
  return texts.reduce((n, t) => n + words(t).length, 0);
}

/** The exact answer the mock server streams for this request body (the body's own `mock` field is read too). */
export function mockAnswer(body: unknown, options: MockAnswerOptions = {}, modelFromPath?: string): MockAnswer {
  const facts = readRequestFacts(body, modelFromPath);
  const fromBody = typeof body === 'object' && body !== null && 'mock' in body ? (body as { mock: unknown }).mock : undefined;
  const opts: MockAnswerOptions = { ...(typeof fromBody === 'object' && fromBody !== null ? (fromBody as MockAnswerOptions) : {}), ...options };
  const seed = opts.seed ?? 0;
  const random = createRandom(hashString(facts.lastText) ^ Math.imul(seed, 0x9e3779b1));
  const length = Math.max(1, Math.floor(opts.length ?? 40));

  const reasoningCount =
    typeof opts.reasoning === 'number'
      ? Math.max(0, Math.floor(opts.reasoning))
      : opts.reasoning === true || (opts.reasoning === undefined && facts.asksForReasoning)
        ? Math.max(4, Math.round(length / 2))
        : 0;
  const reasoningTokens = reasoningCount > 0 ? answerTokens(facts.lastText, reasoningCount, random, ['Thinking', ' about']) : [];

  const chosen = chooseTools(facts, opts.tools ?? 'auto');
  const toolCalls: MockToolCall[] = chosen.map((tool, index) => {
    const input = sampleObject(tool.parameters, facts.lastText, random);
    const json = JSON.stringify(input);
    const hex = hashString(`${facts.lastText}|${seed}|${tool.name}|${index}`).toString(16).padStart(8, '0');
    return { id: `call_${hex}`, name: tool.name, arguments: json, input, fragments: fragmentsOf(json, random) };
  });

  let textTokens: string[] = [];
  let finishReason: MockAnswer['finishReason'] = 'stop';
  if (toolCalls.length > 0) finishReason = 'tool_calls';
  else {
    const opening = facts.lastIsToolResult ? ['Tool', ' result', ' received', ' —'] : ['Réponse', ' 🚀', ' —'];
    textTokens = answerTokens(facts.lastText, length, random, opening);
    if (facts.maxTokens !== null && facts.maxTokens < textTokens.length) {
      textTokens = textTokens.slice(0, facts.maxTokens);
      finishReason = 'length';
    }
  }

  const inputTokens = Math.max(1, countWords(facts.allTexts));
  const outputTokens = textTokens.length + reasoningTokens.length + toolCalls.reduce((n, c) => n + c.fragments.length, 0);
  const usage: MockUsage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  if (reasoningTokens.length > 0) usage.reasoningTokens = reasoningTokens.length;
  const cached = Math.min(inputTokens, Math.max(0, Math.floor(opts.cachedInputTokens ?? 0)));
  if (cached > 0) usage.cachedInputTokens = cached;

  return {
    text: textTokens.join(''),
    textTokens,
    reasoning: reasoningTokens.join(''),
    reasoningTokens,
    toolCalls,
    finishReason,
    usage,
    model: facts.model,
  };
}
