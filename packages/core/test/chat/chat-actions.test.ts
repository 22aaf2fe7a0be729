import { describe, expect, it, vi } from 'vitest';
import { createChat } from '../../src/chat/chat';
import { createPool } from '../../src/pool';
import type { ChatMessage, ChatOptions, ChatSnapshot } from '../../src/types';
import { replayFetch, gate, openAIChatTurn, waitForSnapshot, type BodyPart } from '@tokenstream/test-utils';

function chatOptions(fetch: typeof globalThis.fetch, extra: Partial<ChatOptions> = {}): ChatOptions {
  return { url: 'https://api.test/v1/chat/completions', fetch, provider: 'openai', throttle: 0, retry: false, model: 'gpt-test', ...extra };
}

type BodyWithMessages = { messages: Array<{ role: string; content: unknown }> };
const wireMessages = (body: unknown) => (body as BodyWithMessages).messages;

describe('createChat actions', () => {
  it('stop() while streaming keeps the partial assistant message as aborted', async () => {
    const hold = gate();
    const stream = openAIChatTurn({ text: ['Once ', 'upon ', 'a time'] });
    const fake = replayFetch(() => [...stream.slice(0, 3), hold.promise, ...stream.slice(3)]);
    const chat = createChat(chatOptions(fake.fetch));
    const sent = chat.send('Tell a story');
    await waitForSnapshot(chat, (s) => s.messages[1]?.text === 'Once upon ');
    chat.stop();
    const final = await sent;
    hold.open();
    expect(final.status).toBe('aborted');
    expect(final.messages[1]).toMatchObject({ role: 'assistant', text: 'Once upon ', status: 'aborted' });
    expect(chat.getSnapshot()).toBe(final);
  });

  it('regenerate() replaces the last assistant turn, tool steps included', async () => {
    const fake = replayFetch((n) =>
      n === 1
        ? openAIChatTurn({ calls: [{ id: 'call_1', name: 'roll', args: '{}' }] })
        : openAIChatTurn({ text: [n === 2 ? 'You rolled 4.' : 'Another answer.'] }),
    );
    const chat = createChat(chatOptions(fake.fetch, { tools: { roll: { execute: () => 4 } } }));
    const first = await chat.send('Roll a die');
    expect(first.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const user = first.messages[0];

    const again = await chat.regenerate();
    expect(fake.bodies).toHaveLength(3);
    expect(wireMessages(fake.bodies[2])).toEqual([{ role: 'user', content: 'Roll a die' }]);
    expect(again.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(again.messages[0]).toBe(user);
    expect(again.messages[1].text).toBe('Another answer.');
  });

  it('send with editMessageId truncates from that message and replaces it', async () => {
    let n = 0;
    const fake = replayFetch(() => openAIChatTurn({ text: [`answer ${++n}`] }));
    const chat = createChat(chatOptions(fake.fetch));
    await chat.send('first question');
    const afterSecond = await chat.send('second question');
    const firstUser = afterSecond.messages[0];

    const edited = await chat.send('first question, edited', { editMessageId: firstUser.id });
    expect(wireMessages(fake.bodies[2])).toEqual([{ role: 'user', content: 'first question, edited' }]);
    expect(edited.messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'first question, edited'],
      ['assistant', 'answer 3'],
    ]);
    expect(edited.messages[0].id).toBe(firstUser.id);
    await expect(chat.send('x', { editMessageId: edited.messages[1].id })).rejects.toThrow(/not a user message/);
  });

  it('a new message after an unapproved call answers that call with an error result', async () => {
    const fake = replayFetch((n) =>
      n === 1 ? openAIChatTurn({ calls: [{ id: 'call_x', name: 'confirm', args: '{}' }] }) : openAIChatTurn({ text: ['ok'] }),
    );
    const chat = createChat(chatOptions(fake.fetch, { tools: { confirm: {} } }));
    await chat.send('do it');
    await chat.send('never mind');
    expect(wireMessages(fake.bodies[1]).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'call_x', content: '{"error":"No result: the tool call was cancelled"}' },
      { role: 'user', content: 'never mind' },
    ]);
  });

  it('keeps finished messages’ identity while the next one streams', async () => {
    const hold = gate();
    const fake = replayFetch((n): BodyPart[] => {
      if (n === 1) return openAIChatTurn({ calls: [{ id: 'call_1', name: 'echo', args: '{"v":1}' }] });
      const stream = openAIChatTurn({ text: ['a', 'b', 'c', 'd'] });
      return [...stream.slice(0, 3), hold.promise, ...stream.slice(3)];
    });
    const chat = createChat(chatOptions(fake.fetch, { tools: { echo: { execute: (input) => input } } }));
    const seen: ChatSnapshot[] = [];
    chat.subscribe(() => seen.push(chat.getSnapshot()));
    const sent = chat.send('echo');
    const midway = await waitForSnapshot(chat, (s) => s.messages[3]?.text === 'ab');
    const [user, toolTurn, toolResult] = midway.messages;
    hold.open();
    const final = await sent;

    expect(final.messages[0]).toBe(user);
    expect(final.messages[1]).toBe(toolTurn);
    expect(final.messages[2]).toBe(toolResult);
    // Every snapshot since the tool turn finished shares those objects; each notification is a new array.
    const later = seen.filter((s) => s.messages.length >= 3);
    expect(later.length).toBeGreaterThan(3);
    for (const snapshot of later) {
      expect(snapshot.messages[0]).toBe(user);
      expect(snapshot.messages[1]).toBe(toolTurn);
      if (snapshot.messages.length >= 4) expect(snapshot.messages[2]).toBe(toolResult);
    }
    // The streamed message that arrived with the turn's end is the final object, not a copy of it.
    const lastStreamed = [...seen].reverse().find((s) => s.status === 'streaming' && s.messages[3]?.status === 'done');
    expect(final.messages[3]).toBe(lastStreamed?.messages[3]);
    expect(final.messages[3]).toMatchObject({ text: 'abcd', status: 'done' });
  });

  it('a pool of 2 runs 5 chats with never more than 2 requests in flight, in FIFO order', async () => {
    const holds = Array.from({ length: 5 }, () => gate());
    const fake = replayFetch((n, body) => {
      const question = wireMessages(body)[0].content as string;
      const stream = openAIChatTurn({ text: [`re: ${question}`] });
      return [stream[0], holds[n - 1].promise, ...stream.slice(1)];
    });
    const pool = createPool({ maxConcurrent: 2 });
    const chats = Array.from({ length: 5 }, () => createChat(chatOptions(fake.fetch, { pool })));
    const sent = chats.map((chat, i) => chat.send(`q${i}`));

    await fake.requested(2);
    expect(chats.map((c) => c.getSnapshot().status === 'queued')).toEqual([false, false, true, true, true]);
    expect(chats.map((c) => c.getSnapshot().queuePosition)).toEqual([null, null, 1, 2, 3]);
    for (let i = 0; i < 5; i++) {
      holds[i].open();
      await sent[i];
      const next = i + 3; // the request that this finished chat's slot lets through
      if (next <= 5) {
        await fake.requested(next);
        expect(fake.inFlight).toBe(2);
        expect(chats[4].getSnapshot().queuePosition).toBe(next < 5 ? 5 - next : null);
      }
    }
    const finals = await Promise.all(sent);
    expect(fake.maxInFlight).toBe(2);
    expect(fake.bodies.map((b) => wireMessages(b)[0].content)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(finals.map((s) => s.messages[1].text)).toEqual(['re: q0', 're: q1', 're: q2', 're: q3', 're: q4']);
    expect(pool.active).toBe(0);
  });

  it('stop() on a queued chat leaves the pool queue; the options signal stops a chat too', async () => {
    const hold = gate();
    const fake = replayFetch(() => {
      const stream = openAIChatTurn({ text: ['x'] });
      return [stream[0], hold.promise, ...stream.slice(1)];
    });
    const pool = createPool({ maxConcurrent: 1 });
    const controller = new AbortController();
    const first = createChat(chatOptions(fake.fetch, { pool, signal: controller.signal }));
    const second = createChat(chatOptions(fake.fetch, { pool }));
    const firstSent = first.send('one');
    await fake.requested(1);
    const secondSent = second.send('two');
    await waitForSnapshot(second, (s) => s.status === 'queued');
    expect(pool.queued).toBe(1);
    second.stop();
    expect((await secondSent).status).toBe('aborted');
    expect(pool.queued).toBe(0);
    controller.abort();
    expect((await firstSent).status).toBe('aborted');
    hold.open();
    expect(fake.bodies).toHaveLength(1);
    // The stream gives its slot back once its aborted request has unwound.
    await vi.waitFor(() => expect(pool.active).toBe(0));
  });

  it('setMessages replaces the history; a restored pending call resumes on addToolResult', async () => {
    const fake = replayFetch(() => openAIChatTurn({ text: ['resumed'] }));
    const chat = createChat(chatOptions(fake.fetch, { tools: { approve: {} } }));
    const history: ChatMessage[] = [
      { id: 'u1', role: 'user', text: 'delete it' },
      {
        id: 'a1',
        role: 'assistant',
        text: '',
        toolCalls: [{ id: 'call_del', name: 'approve', arguments: '{}', input: {}, complete: true }],
      },
    ];
    chat.setMessages(history);
    expect(chat.getSnapshot()).toMatchObject({ status: 'idle', messages: history });
    chat.addToolResult('call_del', { approved: false });
    const final = await waitForSnapshot(chat, (s) => s.status === 'done');
    expect(wireMessages(fake.bodies[0]).at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_del', content: '{"approved":false}' });
    expect(final.messages.map((m) => m.text)).toEqual(['delete it', '', '{"approved":false}', 'resumed']);
  });

  it('an HTTP error ends the chat in error with the typed StreamError', async () => {
    const fetch = (async () => new Response('{"error":{"message":"bad key"}}', { status: 401 })) as typeof globalThis.fetch;
    const chat = createChat(chatOptions(fetch));
    const final = await chat.send('hi');
    expect(final.status).toBe('error');
    expect(final.error).toMatchObject({ kind: 'http', status: 401 });
    expect(final.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(final.messages[1].status).toBe('error');
  });

  it('reads its options at each step: a changed model, body builder or tool applies to the next request', async () => {
    const fake = replayFetch((n) =>
      n === 1 ? openAIChatTurn({ calls: [{ id: 'c1', name: 'pick', args: '{}' }] }) : openAIChatTurn({ text: ['ok'] }),
    );
    const options = chatOptions(fake.fetch, { model: 'model-a', tools: { pick: { execute: () => 'old tool' } } });
    const chat = createChat(options);
    options.tools = { pick: { execute: () => 'new tool' } };
    options.prepareBody = (messages, ctx) => ({ model: `${ctx.model}!`, n: messages.length });
    options.model = 'model-b';
    const final = await chat.send('go');
    expect(fake.bodies).toEqual([
      { model: 'model-b!', n: 1 },
      { model: 'model-b!', n: 3 },
    ]);
    expect(final.messages[2].result).toBe('new tool');
  });

  it('calls onFinish with the final assistant message', async () => {
    const fake = replayFetch(() => openAIChatTurn({ text: ['hello'] }));
    const finished: ChatMessage[] = [];
    const chat = createChat(chatOptions(fake.fetch, { onFinish: (m) => finished.push(m) }));
    const final = await chat.send('hi');
    expect(finished).toEqual([final.messages[1]]);
  });
});
