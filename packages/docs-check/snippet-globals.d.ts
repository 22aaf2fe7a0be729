// Names the README snippets take from the reader's own app, declared once here rather than in every snippet.
// Keep this list short: a snippet that needs more context than this should show it.

/** The app's own UI update. */
declare function render(value: unknown): void;
/** The app's own auth. */
declare function getToken(): Promise<string>;
/** A conversation in the provider's own format (OpenAI, Anthropic, Ollama). */
declare const messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
/** A conversation in Gemini's format. */
declare const contents: { role: 'user' | 'model'; parts: { text: string }[] }[];
/** The stream of the `createStream` example, which later snippets continue. */
declare const stream: import('@tokenstream/core').StreamController;
