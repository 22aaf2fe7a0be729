import type { ToolCall, ToolCallDelta } from '../types';
import { createIncrementalJsonParser, type IncrementalJsonParser } from './partial-json';
import { TextBuffer } from './text-buffer';

// The tool calls of the accumulator (its merge rules are written there). Loaded with the JSON parser when a stream's
// first tool call arrives: a stream that never calls a tool does not ship either.

/** A tool-call delta, or null: the turn ended and every call so far completes. */
export type ToolCallEvent = ToolCallDelta | null;

/** The calls of one turn, by ToolCallDelta.index in order of first appearance. */
export class ToolCalls {
  private readonly calls: ToolCallState[] = [];
  private readonly byIndex = new Map<number, ToolCallState>();
  private changed = false;

  /** Returns whether the calls changed (a new call, new content for one, or calls completed). */
  apply(event: ToolCallEvent): boolean {
    let changed = false;
    if (event === null) {
      for (const call of this.calls) if (call.markComplete()) changed = true;
    } else {
      const index = typeof event.index === 'number' ? event.index : 0;
      let call = this.byIndex.get(index);
      if (call === undefined) {
        call = new ToolCallState();
        this.byIndex.set(index, call);
        this.calls.push(call);
        changed = true;
      }
      if (call.apply(event)) changed = true;
    }
    if (changed) this.changed = true;
    return changed;
  }

  /** `previous` while nothing changed since it was read; an unchanged call keeps its previous ToolCall object. */
  read(previous: ToolCall[] | undefined): ToolCall[] {
    if (previous !== undefined && !this.changed) return previous;
    this.changed = false;
    return this.calls.map((call) => call.read());
  }
}

class ToolCallState {
  id = '';
  name = '';
  readonly args = new TextBuffer();
  /** Created on the first read of a still-open call; dropped once the call is final. */
  private parser: IncrementalJsonParser | null = null;
  /** Characters of `args` already given to the parser. */
  private fed = 0;
  complete = false;
  private final = false;
  private input: unknown = undefined;
  private parseError: string | undefined = undefined;
  private output: { value: unknown } | null = null;
  /** The last ToolCall handed out; null when something changed since. */
  private view: ToolCall | null = null;

  /** Returns whether the call changed. */
  apply(delta: ToolCallDelta): boolean {
    let changed = false;
    if (this.id === '' && typeof delta.id === 'string' && delta.id !== '') {
      this.id = delta.id;
      changed = true;
    }
    if (this.name === '' && typeof delta.name === 'string' && delta.name !== '') {
      this.name = delta.name;
      changed = true;
    }
    if (typeof delta.argumentsDelta === 'string' && delta.argumentsDelta !== '') {
      this.args.append(delta.argumentsDelta);
      this.final = false; // late fragments after completion are taken in and parsed again
      changed = true;
    }
    if (delta.complete === true && !this.complete) {
      this.markComplete();
      changed = true;
    }
    if ('output' in delta) {
      this.output = { value: delta.output };
      changed = true;
    }
    if (changed) this.view = null;
    return changed;
  }

  /** Returns whether the call changed (it was open). */
  markComplete(): boolean {
    if (this.complete) return false;
    this.complete = true;
    this.final = false;
    this.view = null;
    return true;
  }

  read(): ToolCall {
    if (this.view !== null) return this.view;
    if (this.complete) {
      if (!this.final) this.finalize();
    } else {
      const parser = this.ensureParser();
      for (const fragment of this.args.peekPending()) {
        parser.push(fragment);
        this.fed += fragment.length;
      }
      this.input = parser.value();
      // A closed top-level JSON value cannot grow: the arguments are final before the provider says so (OpenAI
      // marks nothing until the turn ends), which lets a chat start that tool while the model writes the next.
      if (parser.complete && typeof this.input === 'object' && this.input !== null) {
        this.complete = true;
        this.finalize();
      }
    }
    const view: ToolCall = {
      id: this.id,
      name: this.name,
      arguments: this.args.read(),
      input: this.input,
      complete: this.complete,
    };
    if (this.parseError !== undefined) view.parseError = this.parseError;
    if (this.output !== null) view.output = this.output.value;
    this.view = view;
    return view;
  }

  private ensureParser(): IncrementalJsonParser {
    if (this.parser === null) {
      this.parser = createIncrementalJsonParser();
      this.fed = 0;
    }
    return this.parser;
  }

  /** One JSON.parse of the whole arguments; the incremental parser only serves a best effort for invalid JSON. */
  private finalize(): void {
    const text = this.args.read();
    this.final = true;
    this.parseError = undefined;
    if (text.trim() === '') {
      this.input = {};
    } else {
      try {
        this.input = JSON.parse(text);
      } catch (error) {
        const parser = this.ensureParser();
        if (this.fed < text.length) {
          parser.push(text.slice(this.fed));
          this.fed = text.length;
        }
        this.input = parser.value();
        this.parseError = error instanceof Error ? error.message : String(error);
        return; // keep the parser: late fragments may still arrive and be parsed on from here
      }
    }
    this.parser = null;
    this.fed = 0;
  }
}
