import { useChat, type UseChatOptions } from '@tokenstream/vue';
import { mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import { createFakeFetch, openai, type FakeFetch } from '@tokenstream/test-utils';

const URL_ = 'https://api.example.test/v1/chat/completions';

function chatView(opts: UseChatOptions) {
  return defineComponent({
    setup() {
      const chat = useChat(opts);
      return () =>
        h('div', [
          h('output', { 'data-testid': 'status' }, chat.status.value),
          h('output', { 'data-testid': 'error' }, chat.error.value ? `${chat.error.value.kind} ${chat.error.value.status ?? ''}`.trim() : ''),
          h(
            'ol',
            chat.messages.value.map((m) => h('li', { key: m.id, 'data-role': m.role }, m.text)),
          ),
          h('button', { id: 'send', onClick: () => void chat.send('Hi') }, 'Send'),
          h('button', { id: 'stop', onClick: () => chat.stop() }, 'Stop'),
        ]);
    },
  });
}

type Wrapper = ReturnType<typeof mount>;
const status = (w: Wrapper) => w.get('[data-testid=status]').text();
const texts = (w: Wrapper, role: string) => w.findAll(`[data-role=${role}]`).map((el) => el.text());
const base = (fake: FakeFetch) => ({ url: URL_, fetch: fake.fetch, model: 'gpt-4o-mini', retry: false as const });

describe('useChat (Vue)', () => {
  it('sends the user message and renders the answer progressively', async () => {
    const fake = createFakeFetch();
    const w = mount(chatView(base(fake)));
    await w.get('#send').trigger('click');
    const req = await fake.nextRequest();
    expect(JSON.parse(req.body ?? '')).toMatchObject({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    req.respondStream();
    req.push(openai.role() + openai.text('Hel'));
    await vi.waitFor(() => expect(texts(w, 'assistant')).toEqual(['Hel']));
    expect(status(w)).toBe('streaming');
    req.push(openai.text('lo!') + openai.finish() + openai.usage(5, 2) + openai.done());
    req.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(texts(w, 'user')).toEqual(['Hi']);
    expect(texts(w, 'assistant')).toEqual(['Hello!']);
    w.unmount();
  });

  it('stop() keeps the partial answer; unmount mid-stream aborts the request', async () => {
    const fake = createFakeFetch();
    const w = mount(chatView(base(fake)));
    await w.get('#send').trigger('click');
    const first = await fake.nextRequest();
    first.respondStream();
    first.push(openai.role() + openai.text('Half an ans'));
    await vi.waitFor(() => expect(texts(w, 'assistant')).toEqual(['Half an ans']));
    await w.get('#stop').trigger('click');
    await vi.waitFor(() => expect(status(w)).toBe('aborted'));
    expect(texts(w, 'assistant')).toEqual(['Half an ans']);
    expect(first.signal.aborted).toBe(true);

    await w.get('#send').trigger('click');
    const second = await fake.nextRequest();
    second.respondStream();
    second.push(openai.role() + openai.text('Another'));
    await vi.waitFor(() => expect(texts(w, 'assistant').at(-1)).toBe('Another'));
    w.unmount();
    expect(second.signal.aborted).toBe(true);
    await vi.waitFor(() => expect(second.bodyClosed).toBe(true));
    expect(fake.requests).toHaveLength(2);
  });

  it('renders an HTTP error with its kind and status (401)', async () => {
    const fake = createFakeFetch();
    const w = mount(chatView({ ...base(fake), headers: { authorization: 'Bearer sk-secret-value' } }));
    await w.get('#send').trigger('click');
    const req = await fake.nextRequest();
    req.respond(401, openai.unauthorized());
    await vi.waitFor(() => expect(status(w)).toBe('error'));
    expect(w.get('[data-testid=error]').text()).toBe('http 401');
    expect(w.html()).not.toContain('sk-secret-value');
    w.unmount();
  });

  it('reads ref options at each send and each tool step: headers, model and the tool’s execute', async () => {
    const fake = createFakeFetch();
    const token = ref('first');
    const model = ref('gpt-4o-mini');
    const executeA = vi.fn(() => ({ tempC: 1 }));
    const executeB = vi.fn(() => ({ tempC: 21 }));
    const tools = ref({ weather: { description: 'Weather in a city', parameters: { type: 'object' }, execute: executeA } });
    const w = mount(
      chatView({
        url: URL_,
        fetch: fake.fetch,
        retry: false,
        model,
        headers: () => ({ authorization: `Bearer ${token.value}` }),
        tools,
      }),
    );
    token.value = 'second';
    model.value = 'gpt-4.1';
    tools.value = { weather: { ...tools.value.weather, execute: executeB } };

    await w.get('#send').trigger('click');
    const first = await fake.nextRequest();
    expect(first.headers.get('authorization')).toBe('Bearer second');
    expect(JSON.parse(first.body ?? '')).toMatchObject({ model: 'gpt-4.1' });
    first.respondStream();
    first.push(
      openai.role() +
        openai.toolCallStart('call_abc', 'weather') +
        openai.toolCallArguments('{"city":"Oslo"}') +
        openai.finish('tool_calls') +
        openai.done(),
    );
    first.end();
    const second = await fake.nextRequest();
    expect(executeB).toHaveBeenCalledWith({ city: 'Oslo' }, expect.objectContaining({ toolCallId: 'call_abc' }));
    expect(executeA).not.toHaveBeenCalled();
    const wire = (JSON.parse(second.body ?? '{}') as { messages: unknown[] }).messages;
    expect(wire.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_abc', content: '{"tempC":21}' });
    second.respondStream();
    second.push(openai.answer(['21 °C in Oslo']));
    second.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(texts(w, 'assistant').at(-1)).toBe('21 °C in Oslo');
    w.unmount();
  });
});
