import type { StreamError } from '../errors';
import { createStream } from '../stream';
import type {
  ChatController,
  ChatMessage,
  ChatOptions,
  ChatSnapshot,
  StreamController,
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
import { asStoppedByServer, joinTarget, requestServerStop, resumeUrlOf, withChatId } from './resume';
import {
  asStreamError,
  hasOutput,
  lastAssistantMessage,
  pausedOnArrival,
  runningStatus,
  streamOptionsOf,
} from './run-helpers';
import { toolDescriptors, ToolRunner } from './tools';
import { loadToolCalls } from '../accumulate/accumulator';

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

/** Everything one send / regenerate / resume / join does until the chat is idle again. */
interface Run {
  /** A join follows a stream that another request started: it runs no tools and sends nothing. */
  joining: boolean;
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
export function createChat(initialOptions: ChatOptions): ChatController {
  // setOptions replaces this object; every use below reads it where it is used (request fields at the next step).
  let options = initialOptions;
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
  // Fixed for the controller's life: the server names the chat's stream by it.
  const chatId = options.id ?? createMessageId();
  let subscribedOnce = false;

  options.signal?.addEventListener('abort', () => leave());

  function update(patch: Partial<ChatSnapshot>): void {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  }

  function openRun(stepsTaken: number, joining: boolean): { run: Run; finished: Promise<ChatSnapshot> } {
    let resolve!: (snapshot: ChatSnapshot) => void;
    const finished = new Promise<ChatSnapshot>((r) => (resolve = r));
    const abort = new AbortController();
    const aborted = new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
    const run: Run = { joining, abort, aborted, steps: stepsTaken, step: null, resolve };
    active = run;
    resumableSteps = null;
    return { run, finished };
  }

  function startRun(messages: ChatMessage[], stepsTaken: number): Promise<ChatSnapshot> {
    const { run, finished } = openRun(stepsTaken, false);
    update({ messages, status: 'connecting', error: null, queuePosition: null });
    if (options.signal?.aborted) leave();
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
      // Calls whose result the server streamed (AI SDK / AG-UI server tools) are answered already.
      const clientCalls = final.toolCalls.filter((call) => !('output' in call));
      if (clientCalls.length === 0 || final.finishReason === 'length') return endRun(run, 'done', null);
      await runTools(run, run.step!, clientCalls);
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
    const tools = toolDescriptors(options.tools ?? {});
    // The model may call them: tool-call parsing loads beside the request, not at the first call.
    if (tools.length > 0) loadToolCalls().catch(() => undefined);
    const prepared = prepareBody(prefix, { tools, model: options.model, id: chatId });
    const body = options.resume ? withChatId(prepared, chatId) : prepared;
    const stream = createStream({ ...streamOptionsOf(options), body });
    const step = newStep(createMessageId(), prefix, stream);
    run.step = step;
    const final = asStoppedByServer(await followStep(run, step, () => stream.start()));
    if (active === run) finalizeStep(step, final);
    return final;
  }

  function newStep(messageId: string, prefix: ChatMessage[], stream: StreamController): Step {
    const fresh = { lastSnapshot: null, lastMessage: null, finalized: false, tasks: new Map(), buffered: new Map() };
    return { messageId, prefix, stream, ...fresh };
  }

  async function followStep(run: Run, step: Step, open: () => Promise<StreamSnapshot>): Promise<StreamSnapshot> {
    const unsubscribe = step.stream.subscribe(() => onStreamChange(run, step));
    try {
      return await open();
    } finally {
      unsubscribe();
    }
  }

  /**
   * Follows the stream running for this chat from its start. With a free pool slot (or no pool) nothing is published
   * until the server answered with a stream: a `204` ends the run without a single notification. A join behind a full
   * pool shows 'queued' while it waits.
   */
  async function joinStep(run: Run, url: string): Promise<void> {
    const { prefix, messageId } = joinTarget(state.messages);
    const step = newStep(messageId, prefix, createStream(streamOptionsOf(options)));
    run.step = step;
    run.steps = 1;
    const final = asStoppedByServer(await followStep(run, step, () => step.stream.join(url)));
    if (active !== run) return;
    if (final.status === 'idle') return endQuietly(run);
    // A join that failed before any output (no such route, a network error) leaves the messages as they were.
    if (step.lastMessage === null && final.status !== 'done' && !hasOutput(final)) {
      return endRun(run, final.status, final.error);
    }
    finalizeStep(step, final);
    // A joined turn's tool calls belong to the tab that sent it; here they wait for addToolResult, like a restore.
    const paused = final.status === 'done' && unansweredToolCalls(state.messages).length > 0 ? run.steps : undefined;
    endRun(run, final.status, final.error, paused);
  }

  /** Ends a run that never showed anything (a join answered 204, or left before its answer): no notification. */
  function endQuietly(run: Run): void {
    active = null;
    run.abort.abort();
    resumableSteps = pausedOnArrival(state.messages);
    run.resolve(state);
  }

  function onStreamChange(run: Run, step: Step): void {
    if (active !== run || step.finalized) return;
    const snapshot = step.stream.getSnapshot();
    if (snapshot === step.lastSnapshot) return;
    step.lastSnapshot = snapshot;
    if (run.joining && step.lastMessage === null && !hasOutput(snapshot)) {
      // A join shows its turn from its first output on: a saved partial answer stays until its replay arrives.
      update({ status: runningStatus(snapshot.status), queuePosition: snapshot.queuePosition });
      return;
    }
    const message = assistantMessageFrom(step.messageId, snapshot);
    step.lastMessage = message;
    // The array is rebuilt once per notification; earlier messages are shared, never cloned.
    update({ messages: [...step.prefix, message], status: runningStatus(snapshot.status), queuePosition: snapshot.queuePosition });
    if (options.startToolsEarly ?? true) {
      const tools = options.tools ?? {};
      // Only calls of the app's own tools start early: another call may be one the server runs and answers.
      for (const call of snapshot.toolCalls) if (call.complete && tools[call.name]?.execute) startTool(run, step, call);
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

  /** stop(): the local read ends and, with resume on, the server is asked to stop generating. */
  function stop(): void {
    const url = active ? resumeUrlOf(options, chatId) : null;
    halt();
    if (url !== null) void requestServerStop(url, options);
  }

  /** leave(): the local read ends; the answer goes on on the server and can be joined again. */
  function leave(): void {
    halt();
  }

  function halt(): void {
    const run = active;
    if (!run) return;
    const step = run.step;
    if (run.joining && !step?.lastMessage) {
      // Nothing of the joined turn was shown: the messages stay; nothing changes at all while its GET is pending.
      step?.stream.stop();
      return step?.lastSnapshot ? endRun(run, 'aborted', null) : endQuietly(run);
    }
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
    // Stopping only touches the streaming tail, never a user message. Not a server stop: the new POST supersedes the
    // old stream on the server, and a DELETE could arrive after that POST and stop the new answer.
    halt();
    let base = state.messages;
    if (editId !== undefined) base = base.slice(0, base.findIndex(isEditable));
    base = settleUnansweredToolCalls(base);
    const id = editId ?? createMessageId();
    return startRun([...base, { id, role: 'user', text: content }], 0);
  }

  function regenerate(): Promise<ChatSnapshot> {
    halt();
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

  function join(): Promise<ChatSnapshot> {
    const url = resumeUrlOf(options, chatId) ?? resumeUrlOf({ ...options, resume: true }, chatId)!;
    halt();
    const { run, finished } = openRun(0, true);
    if (options.signal?.aborted) endQuietly(run);
    else joinStep(run, url).catch((error: unknown) => endRun(run, 'error', asStreamError(error)));
    return finished;
  }

  return {
    id: chatId,
    send,
    stop,
    leave,
    join,
    regenerate,
    setMessages,
    addToolResult,
    setOptions(next) {
      options = next;
    },
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      // The first subscriber is a mounted view (SSR never subscribes): the moment to pick up a running answer.
      if (!subscribedOnce) {
        subscribedOnce = true;
        if (options.resume && active === null) void join();
      }
      return () => listeners.delete(listener);
    },
  };
}
