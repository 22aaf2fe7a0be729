import type { ChatMessage } from '@tokenstream/core';
import { useChat, useStream, type UseChatOptions } from '@tokenstream/vue';
import { mount } from '@vue/test-utils';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it, vi } from 'vitest';
import { createFakeFetch, nextTask, openai, type FakeFetch } from '@tokenstream/test-utils';

const URL_BASE = 'https://api.example.test/api/chat';
const base = (fake: FakeFetch, extra: Partial<UseChatOptions> = {}): UseChatOptions => ({
  url: URL_BASE,
  fetch: fake.fetch,
  retry: false,
  id: 'chat-1',
  resume: true,
  ...extra,
});

function chatView(opts: UseChatOptions, rendered: string[] = []) {
  return defineComponent({
    setup() {
      const chat = useChat(opts);
      return () => {
        if (rendered.at(-1) !== chat.status.value) rendered.push(chat.status.value);
        return h('div', [
          h('output', { 'data-testid': 'status' }, chat.status.value),
          h('ol', chat.messages.value.map((m) => h('li', { key: m.id, 'data-role': m.role }, m.text))),
          h('button', { id: 'stop', onClick: () => chat.stop() }, 'Stop'),
        ]);
      };
    },
  });
}

type Wrapper = ReturnType<typeof mount>;
const status = (w: Wrapper) => w.get('[data-testid=status]').text();
const texts = (w: Wrapper, role: string) => w.findAll(`[data-role=${role}]`).map((el) => el.text());

describe('useChat with resume (Vue)', () => {
  it('joins once mounted; a 204 keeps the chat idle with no busy render', async () => {
    const fake = createFakeFetch();
    const rendered: string[] = [];
    const w = mount(chatView(base(fake), rendered));
    const join = await fake.nextRequest();
    expect(join).toMatchObject({ method: 'GET', url: `${URL_BASE}/chat-1/stream` });
    join.respond(204, '');
    await nextTask();
    await nextTask();
    expect(fake.requests).toHaveLength(1);
    expect(rendered).toEqual(['idle']);
    w.unmount();
  });

  it('rebuilds the saved partial answer from the replay; unmount leaves (no DELETE)', async () => {
    const fake = createFakeFetch();
    const saved: ChatMessage[] = [
      { id: 'u1', role: 'user', text: 'Hi' },
      { id: 'a1', role: 'assistant', text: 'Hel' },
    ];
    const w = mount(chatView(base(fake, { messages: saved })));
    const join = await fake.nextRequest();
    join.respondStream();
    join.push(openai.role() + openai.text('Hel') + openai.text('lo'));
    await vi.waitFor(() => expect(texts(w, 'assistant')).toEqual(['Hello']));
    w.unmount();
    await vi.waitFor(() => expect(join.signal.aborted).toBe(true));
    await nextTask();
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('Stop sends DELETE to the resume url and keeps the partial answer', async () => {
    const fake = createFakeFetch();
    const w = mount(chatView(base(fake)));
    const join = await fake.nextRequest();
    join.respondStream();
    join.push(openai.role() + openai.text('Part'));
    await vi.waitFor(() => expect(texts(w, 'assistant')).toEqual(['Part']));
    await w.get('#stop').trigger('click');
    const stop = await fake.nextRequest();
    expect(stop).toMatchObject({ method: 'DELETE', url: `${URL_BASE}/chat-1/stream` });
    stop.respond(204, '');
    await vi.waitFor(() => expect(status(w)).toBe('aborted'));
    expect(texts(w, 'assistant')).toEqual(['Part']);
    w.unmount();
  });

  it('server rendering never joins', async () => {
    const fake = createFakeFetch();
    const html = await renderToString(createSSRApp(chatView(base(fake))));
    expect(html).toContain('idle');
    await nextTask();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('useStream join (Vue)', () => {
  it('join(url) follows a running stream into the refs', async () => {
    const fake = createFakeFetch();
    let stream!: ReturnType<typeof useStream>;
    const w = mount(
      defineComponent({
        setup() {
          stream = useStream({ url: 'unused', fetch: fake.fetch, retry: false });
          return () => h('output', `${stream.status.value}:${stream.text.value}`);
        },
      }),
    );
    const joined = stream.join(`${URL_BASE}/x/stream`);
    const join = await fake.nextRequest();
    expect(join.method).toBe('GET');
    join.respondStream();
    join.push(openai.answer(['a', 'b']));
    join.end();
    expect((await joined).text).toBe('ab');
    await vi.waitFor(() => expect(w.text()).toBe('done:ab'));
    w.unmount();
  });
});
