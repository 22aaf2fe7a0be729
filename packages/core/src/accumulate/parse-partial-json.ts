import { createIncrementalJsonParser } from './partial-json';

// A module of its own, not an export of ./partial-json: esbuild (with code splitting) ships a module at start when the
// main entry re-exports one of its names and a lazy chunk (tool calls) imports it, even when the app never uses the
// name; re-exported from here, the parser stays in the tool-call chunk (2.1 KB gzip less at start).

/** Best-effort value of a JSON prefix; undefined when no value has started. Never throws. */
export function parsePartialJson(text: string): unknown {
  const parser = createIncrementalJsonParser();
  parser.push(text);
  return parser.value();
}
