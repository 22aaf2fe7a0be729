import { describe, expect, it } from 'vitest';
import {
  addUsage,
  settleUnansweredToolCalls,
  toolResultMessage,
  unansweredToolCalls,
  withToolResult,
} from '../../src/chat/messages';
import { canonicalJson } from '../../src/chat/tools';
import type { ChatMessage, ToolCall } from '../../src/types';

const call = (id: string): ToolCall => ({ id, name: 't', arguments: '{}', input: {}, complete: true });
const user: ChatMessage = { id: 'u', role: 'user', text: 'go' };
const turn: ChatMessage = { id: 'a', role: 'assistant', text: '', toolCalls: [call('c1'), call('c2'), call('c3')] };

describe('chat history helpers', () => {
  it('keeps tool results in call order whatever order they arrive in', () => {
    let messages = [user, turn];
    messages = withToolResult(messages, toolResultMessage(call('c3'), 3));
    messages = withToolResult(messages, toolResultMessage(call('c1'), 1));
    messages = withToolResult(messages, toolResultMessage(call('c2'), 2));
    expect(messages.slice(2).map((m) => [m.toolCallId, m.text])).toEqual([
      ['c1', '1'],
      ['c2', '2'],
      ['c3', '3'],
    ]);
    expect(messages[0]).toBe(user);
    expect(messages[1]).toBe(turn);
  });

  it('ignores a second result for a call and results for unknown calls', () => {
    const once = withToolResult([user, turn], toolResultMessage(call('c1'), 'first'));
    expect(withToolResult(once, toolResultMessage(call('c1'), 'second'))).toBe(once);
    expect(withToolResult(once, toolResultMessage(call('nope'), 'x'))).toBe(once);
    expect(withToolResult([user], toolResultMessage(call('c1'), 'x'))).toEqual([user]);
  });

  it('lists and settles unanswered calls of the trailing tool turn only', () => {
    const partly = withToolResult([user, turn], toolResultMessage(call('c2'), null));
    expect(unansweredToolCalls(partly).map((c) => c.id)).toEqual(['c1', 'c3']);
    const settled = settleUnansweredToolCalls(partly);
    expect(unansweredToolCalls(settled)).toEqual([]);
    expect(settled.slice(2).map((m) => [m.toolCallId, m.result])).toEqual([
      ['c1', { error: 'No result: the tool call was cancelled' }],
      ['c2', null],
      ['c3', { error: 'No result: the tool call was cancelled' }],
    ]);
    const answeredLater = [...settled, { id: 'a2', role: 'assistant', text: 'ok' } as ChatMessage];
    expect(settleUnansweredToolCalls(answeredLater)).toBe(answeredLater);
  });

  it('sums usage, keeping optional shares only when reported', () => {
    const a = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
    const b = { inputTokens: 20, outputTokens: 7, totalTokens: 27, cachedInputTokens: 8 };
    expect(addUsage(null, a)).toEqual(a);
    expect(addUsage(a, null)).toBe(a);
    expect(addUsage(a, a)).toEqual({ inputTokens: 20, outputTokens: 10, totalTokens: 30 });
    expect(addUsage(a, b)).toEqual({ inputTokens: 30, outputTokens: 12, totalTokens: 42, cachedInputTokens: 8 });
  });

  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson(undefined)).toBe('undefined');
  });

  it('a tool result message carries the JSON text and the raw result', () => {
    expect(toolResultMessage(call('c1'), { ok: true })).toMatchObject({
      role: 'tool',
      toolCallId: 'c1',
      text: '{"ok":true}',
      result: { ok: true },
    });
    expect(toolResultMessage(call('c1'), undefined).text).toBe('null');
    const odd = toolResultMessage(call('c1'), { n: 1n });
    expect(JSON.parse(odd.text)).toEqual({ error: expect.stringContaining('not JSON-serializable') });
    expect(odd.result).toEqual({ n: 1n });
  });
});
