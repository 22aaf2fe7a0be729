import { StreamError } from '../errors';
import { createStream } from '../stream';
import type {
  ChatController,
  ChatMessage,
  ChatOptions,
  ChatSnapshot,
  StreamController,
  StreamOptions,
  StreamSnapshot,
  StreamStatus,
  ToolCall,
} from '../types';
import { prepareOpenAIChatBody } from './bodies';
import {
  addUsage,
  assistantMessageFrom,
  createMessageId,
  settleUnansweredToolCalls,
  toolResultMessage,
  unansweredToolCalls,
  withToolResult,
} from './messages';
import { errorMessage, toolDescriptors, ToolRunner } from './tools';

/** Option keys that belong to the chat, not to each step's stream. */
const CHAT_ONLY_KEYS = new Set([
  'model',
  'messages',
  'tools',
  'maxSteps',
  'prepareBody',
  'cacheToolResults',
  'startToolsEarly',
  'onFinish',
  'signal',
  'body',
  'onEvent',
  'onDelta',
]);

/** One model request of a run and the tools it called. */
interface Step {
  messageId: string;
  /** The history the request was built from; the step's messages are appended to it. */
  prefix: ChatMessage[];
  stream: StreamController;
  lastSnapshot: StreamSnapshot | null;
  lastMessage: ChatMessage | null;
  /** The turn has ended (or was stopped): its assistant message is final. */
  finalized: boolean;
  /** Started tool calls by id (early starts included). */
  tasks: Map<string, Promise<void>>;
  /** Results that arrived before the turn ended, added right after its final assistant message. */
  buffered: Map<string, unknown>;
}

/** Everything one send / regenerate / resume does until the chat is idle again. */
interface Run {
  abort: AbortController;
  aborted: Promise<void>;
  steps: number;
  step: Step | null;
  resolve(snapshot: ChatSnapshot): void;
}

/**
 * A chat over `createStream`: each step is one streamed request built by `prepareBody` from the history;
 * client tools run in parallel (as soon as a call's arguments are complete) and the conversation
 * continues with their results until a turn calls no tool or `maxSteps` requests were made.
 */
export function createChat(options: ChatOptions): ChatController {
  // Options are read where they are used, not copied here: a view whose values change (a framework binding's
  // latest-props proxy, or the object mutated) takes effect at the next step, tool call or notification.
  const maxSteps = () => options.maxSteps ?? 5;
  const runner = new ToolRunner(
    () => options.tools ?? {},
    () => options.cacheToolResults ?? true,
  );

  let state: ChatSnapshot = {
    messages: options.messages ? [...options.messages] : [],
    status: 'idle',
    error: null,
    usage: null,
    queuePosition: null,
  };
  const listeners = new Set<() => void>();
  let active: Run | null = null;
  /** Steps already taken by a run that paused for `addToolResult`; null when nothing waits to resume. */
  let resumableSteps: number | null = pausedOnArrival(state.messages);

  options.signal?.addEventListener('abort', () => stop());

  function update(patch: Partial<ChatSnapshot>): void {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  }

  function startRun(messages: ChatMessage[], stepsTaken: number): Promise<ChatSnapshot> {
    let resolve!: (snapshot: ChatSnapshot) => void;
    const finished = new Promise<ChatSnapshot>((r) => (resolve = r));
    const abort = new AbortController();
    const aborted = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
    const run: Run = { abort, aborted, steps: stepsTaken, step: null, resolve };
    active = run;
    resumableSteps = null;
    update({ messages, status: 'connecting', error: null, queuePosition: null });
    if (options.signal?.aborted) stop();
    else {
      loop(run).catch((error: unknown) => endRun(run, 'error', asStreamError(error)));
    }
    return finished;
  }

  async function loop(run: Run): Promise<void> {
    while (active === run) {
      if (run.steps >= maxSteps()) return endRun(run, 'done', null);
      run.steps++;
      const final = await streamStep(run);
      if (active !== run) return;
      if (final.status !== 'done') return endRun(run, final.status, final.error);
      // A turn cut by the token limit may hold a truncated call: answer it on the next send, not now.
      if (final.toolCalls.length === 0 || final.finishReason === 'length') return endRun(run, 'done', null);
      await runTools(run, run.step!, final.toolCalls);
      if (active !== run) return;
      if (unansweredToolCalls(state.messages).length > 0) {
        // Tools without `execute` wait for addToolResult; the run resumes once every call has a result.
        return endRun(run, 'done', null, run.steps);
      }
    }
  }

  async function streamStep(run: Run): Promise<StreamSnapshot> {
    const prefix = state.messages;
    const prepareBody = options.prepareBody ?? prepareOpenAIChatBody;
    const body = prepareBody(prefix, { tools: toolDescriptors(options.tools ?? {}), model: options.model });
    const stream = createStream({ ...streamOptionsOf(options), body });
    const step: Step = {
      messageId: createMessageId(),
      prefix,
      stream,
      lastSnapshot: null,
      lastMessage: null,
      finalized: false,
      tasks: new Map(),
      buffered: new Map(),
    };
    run.step = step;
    const unsubscribe = stream.subscribe(() => onStreamChange(run, step));
    let final: StreamSnapshot;
    try {
      final = await stream.start();
    } finally {
      unsubscribe();
    }
    if (active === run) finalizeStep(step, final);
    return final;
  }

  function onStreamChange(run: Run, step: Step): void {
    if (active !== run || step.finalized) return;
    const snapshot = step.stream.getSnapshot();
    if (snapshot === step.lastSnapshot) return;
    step.lastSnapshot = snapshot;
    const message = assistantMessageFrom(step.messageId, snapshot);
    step.lastMessage = message;
    // The array is rebuilt once per notification; earlier messages are shared, never cloned.
    update({ messages: [...step.prefix, message], status: runningStatus(snapshot.status), queuePosition: snapshot.queuePosition });
    if (options.startToolsEarly ?? true) {
      for (const call of snapshot.toolCalls) if (call.complete) startTool(run, step, call);
    }
  }

  /**
   * Makes the step's assistant message final (reusing the last streamed object when nothing changed). A turn
   * that did not end 'done' is followed at once by endRun, which notifies: no 'streaming' flash in between.
   */
  function finalizeStep(step: Step, final: StreamSnapshot, status: StreamStatus = final.status): void {
    step.finalized = true;
    const reusable = final === step.lastSnapshot && step.lastMessage?.status === status;
    const message = reusable && step.lastMessage ? step.lastMessage : assistantMessageFrom(step.messageId, final, status);
    let messages = [...step.prefix, message];
    for (const call of final.toolCalls) {
      if (step.buffered.has(call.id)) messages = withToolResult(messages, toolResultMessage(call, step.buffered.get(call.id)));
    }
    const patch = { messages, usage: addUsage(state.usage, final.usage), queuePosition: null };
    if (status === 'done') update({ ...patch, status: 'streaming' });
    else state = { ...state, ...patch };
  }

  function startTool(run: Run, step: Step, call: ToolCall): void {
    if (step.tasks.has(call.id)) return;
    const task = runner.run(call, run.abort.signal).then((outcome) => {
      if (outcome.kind === 'result') deliverResult(run, step, call, outcome.value);
    });
    step.tasks.set(call.id, task);
  }

  async function runTools(run: Run, step: Step, calls: ToolCall[]): Promise<void> {
    for (const call of calls) startTool(run, step, call);
    await Promise.race([Promise.all(step.tasks.values()), run.aborted]);
  }

  function deliverResult(run: Run, step: Step, call: ToolCall, value: unknown): void {
    if (active !== run) return; // stopped or superseded: the result belongs to no live turn
    if (!step.finalized) {
      if (!step.buffered.has(call.id)) step.buffered.set(call.id, value);
      return;
    }
    const messages = withToolResult(state.messages, toolResultMessage(call, value));
    if (messages !== state.messages) update({ messages });
  }

  function endRun(run: Run, status: StreamStatus, error: StreamError | null, pausedAtStep?: number): void {
    if (active !== run) return;
    active = null;
    run.abort.abort(); // releases tools still running in a stopped or failed turn
    resumableSteps = pausedAtStep ?? null;
    try {
      update({ status, error, queuePosition: null });
      if (pausedAtStep === undefined) {
        const last = lastAssistantMessage(state.messages);
        if (last) options.onFinish?.(last);
      }
    } finally {
      run.resolve(state); // a throwing listener or onFinish must not leave send() pending
    }
  }

  function stop(): void {
    const run = active;
    if (!run) return;
    const step = run.step;
    if (step && !step.finalized) {
      // Keep what streamed so far as the assistant message: 'aborted', unless the turn had already ended.
      step.stream.stop();
      const partial = step.stream.getSnapshot();
      if (partial.status === 'done') finalizeStep(step, partial);
      else finalizeStep(step, partial, 'aborted');
    }
    endRun(run, 'aborted', null);
  }

  function send(content: string, opts?: { editMessageId?: string }): Promise<ChatSnapshot> {
    const editId = opts?.editMessageId;
    const isEditable = (message: ChatMessage) => message.id === editId && message.role === 'user';
    if (editId !== undefined && !state.messages.some(isEditable)) {
      return Promise.reject(new Error(`send: editMessageId "${editId}" is not a user message of this chat`));
    }
    stop(); // stopping only touches the streaming tail, never a user message
    let base = state.messages;
    if (editId !== undefined) base = base.slice(0, base.findIndex(isEditable));
    base = settleUnansweredToolCalls(base);
    const id = editId ?? createMessageId();
    return startRun([...base, { id, role: 'user', text: content }], 0);
  }

  function regenerate(): Promise<ChatSnapshot> {
    stop();
    const messages = state.messages;
    let lastUser = messages.length - 1;
    while (lastUser >= 0 && messages[lastUser].role !== 'user') lastUser--;
    if (lastUser === -1) return Promise.resolve(state);
    return startRun(messages.slice(0, lastUser + 1), 0);
  }

  function setMessages(messages: ChatMessage[]): void {
    const run = active;
    if (run) {
      active = null;
      run.abort.abort();
      run.step?.stream.stop();
    }
    resumableSteps = pausedOnArrival(messages);
    update({ messages: [...messages], status: 'idle', error: null, queuePosition: null });
    run?.resolve(state);
  }

  function addToolResult(toolCallId: string, result: unknown): void {
    const step = active?.step;
    if (step && !step.finalized) {
      // The call is still streaming in the current turn: its result joins the turn once it ends.
      const known = step.lastSnapshot?.toolCalls.some((call) => call.id === toolCallId) ?? false;
      if (known && !step.buffered.has(toolCallId)) step.buffered.set(toolCallId, result);
      return;
    }
    const call = unansweredToolCalls(state.messages).find((pending) => pending.id === toolCallId);
    if (!call) return; // unknown or already answered: the first result stands
    update({ messages: withToolResult(state.messages, toolResultMessage(call, result)) });
    if (active === null && resumableSteps !== null && unansweredToolCalls(state.messages).length === 0) {
      const steps = resumableSteps;
      resumableSteps = null;
      if (steps < maxSteps()) void startRun(state.messages, steps);
    }
  }

  return {
    send,
    stop,
    regenerate,
    setMessages,
    addToolResult,
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function streamOptionsOf(options: ChatOptions): StreamOptions {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!CHAT_ONLY_KEYS.has(key)) picked[key] = value;
  return picked as unknown as StreamOptions;
}

/** While a turn streams, the chat shows the stream's status; its end is decided by the chat, not the step. */
function runningStatus(status: StreamStatus): StreamStatus {
  if (status === 'done' || status === 'error' || status === 'aborted') return 'streaming';
  return status === 'idle' ? 'connecting' : status;
}

/** A history that ends in unanswered tool calls (restored with setMessages) resumes on addToolResult. */
function pausedOnArrival(messages: ChatMessage[]): number | null {
  return unansweredToolCalls(messages).length > 0 ? 0 : null;
}

function lastAssistantMessage(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'assistant') return messages[i];
  return undefined;
}

function asStreamError(error: unknown): StreamError {
  if (error instanceof StreamError) return error;
  return new StreamError('parse', `Could not prepare the chat request: ${errorMessage(error)}`, { cause: error });
}
