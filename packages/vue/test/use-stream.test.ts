import type { StreamOptions } from '@tokenstream/core';
import { useStream, type UseStreamOptions } from '@tokenstream/vue';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, effectScope, h, onMounted, ref } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeFetch, nextTask, openai, type FakeFetch } from '@tokenstream/test-utils';

afterEach(() => {
  vi.useRealTimers();
});

const URL_ = 'https://api.example.test/v1/chat/completions';

function options(fake: FakeFetch, extra: Partial<StreamOptions> = {}): StreamOptions {
  return { url: URL_, fetch: fake.fetch, body: { model: 'gpt-4o-mini', stream: true }, retry: false, ...extra };
}

/** A component showing the stream; `renders` counts its render function calls. */
function streamView(opts: UseStreamOptions, counter = { renders: 0 }, startOnMount = false) {
  return defineComponent({
    setup() {
      const s = useStream(opts);
      if (startOnMount) onMounted(() => void s.start());
      return () => {
        counter.renders++;
        return h('div', [
          h('output', { 'data-testid': 'status' }, s.status.value),
          h('output', { 'data-testid': 'text' }, s.text.value),
          h('output', { 'data-testid': 'error' }, s.error.value ? `${s.error.value.kind} ${s.error.value.status ?? ''}`.trim() : ''),
          h('button', { id: 'start', onClick: () => void s.start() }, 'Start'),
          h('button', { id: 'stop', onClick: () => s.stop() }, 'Stop'),
        ]);
      };
    },
  });
}

type Wrapper = ReturnType<typeof mount>;
const text = (w: Wrapper) => w.get('[data-testid=text]').text();
const status = (w: Wrapper) => w.get('[data-testid=status]').text();

describe('useStream (Vue)', () => {
  it('renders the answer progressively, then the final text and status', async () => {
    const fake = createFakeFetch();
    const w = mount(streamView(options(fake)));
    expect(status(w)).toBe('idle');
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    expect(req.method).toBe('POST');
    req.respondStream();
    req.push(openai.role() + openai.text('Hel'));
    await vi.waitFor(() => expect(text(w)).toBe('Hel'));
    expect(status(w)).toBe('streaming');
    req.push(openai.text('lo, ') + openai.text('world'));
    await vi.waitFor(() => expect(text(w)).toBe('Hello, world'));
    req.push(openai.finish() + openai.usage() + openai.done());
    req.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(text(w)).toBe('Hello, world');
    w.unmount();
  });

  it('stop() aborts the request and keeps the partial text', async () => {
    const fake = createFakeFetch();
    const w = mount(streamView(options(fake)));
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Partial answer'));
    await vi.waitFor(() => expect(text(w)).toBe('Partial answer'));
    await w.get('#stop').trigger('click');
    await vi.waitFor(() => expect(status(w)).toBe('aborted'));
    expect(text(w)).toBe('Partial answer');
    expect(req.signal.aborted).toBe(true);
    w.unmount();
  });

  it('unmounting mid-stream aborts the fetch, releases the body and clears every timer', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fake = createFakeFetch();
    const w = mount(streamView(options(fake, { idleTimeoutMs: 30_000 })));
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Half'));
    await vi.waitFor(() => expect(text(w)).toBe('Half'));
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    w.unmount();
    expect(req.signal.aborted).toBe(true);
    await vi.waitFor(() => expect(req.bodyClosed).toBe(true));
    await nextTask();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stopping an effect scope (composable outside a component) stops the stream and unsubscribes', async () => {
    const fake = createFakeFetch();
    const scope = effectScope();
    const s = scope.run(() => useStream(options(fake)))!;
    void s.start();
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Kept'));
    await vi.waitFor(() => expect(s.text.value).toBe('Kept'));
    scope.stop();
    expect(req.signal.aborted).toBe(true);
    await flushPromises();
    expect(s.controller.getSnapshot().status).toBe('aborted');
    expect(s.status.value).toBe('streaming'); // unsubscribed: the refs no longer follow the controller
  });

  it('starting from onMounted issues exactly one request', async () => {
    const fake = createFakeFetch();
    const w = mount(streamView(options(fake), { renders: 0 }, true));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.answer(['Once']));
    req.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    expect(text(w)).toBe('Once');
    expect(fake.requests).toHaveLength(1);
    w.unmount();
  });

  it('renders an HTTP error with its kind and status (401)', async () => {
    const fake = createFakeFetch();
    const w = mount(streamView(options(fake, { headers: { authorization: 'Bearer sk-secret-value' } })));
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    req.respond(401, openai.unauthorized());
    await vi.waitFor(() => expect(status(w)).toBe('error'));
    expect(w.get('[data-testid=error]').text()).toBe('http 401');
    expect(w.html()).not.toContain('sk-secret-value');
    w.unmount();
  });

  it('reads ref/getter options at each start: a changed header and body are used by the next start', async () => {
    const fake = createFakeFetch();
    const token = ref('first');
    const prompt = ref('one');
    const finished: string[] = [];
    const onFinish = ref((s: { text: string }) => finished.push(`A:${s.text}`));
    const w = mount(
      streamView({
        url: URL_,
        fetch: fake.fetch,
        retry: false,
        headers: () => ({ authorization: `Bearer ${token.value}` }),
        body: () => ({ prompt: prompt.value }),
        onFinish,
      }),
    );
    await w.get('#start').trigger('click');
    const first = await fake.nextRequest();
    expect(first.headers.get('authorization')).toBe('Bearer first');
    expect(JSON.parse(first.body ?? '')).toEqual({ prompt: 'one' });
    first.respondStream();
    first.push(openai.answer(['A']));
    first.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));

    token.value = 'second';
    prompt.value = 'two';
    onFinish.value = (s) => finished.push(`B:${s.text}`);
    await w.get('#start').trigger('click');
    const second = await fake.nextRequest();
    expect(second.headers.get('authorization')).toBe('Bearer second');
    expect(JSON.parse(second.body ?? '')).toEqual({ prompt: 'two' });
    second.respondStream();
    second.push(openai.answer(['B']));
    second.end();
    await vi.waitFor(() => expect(finished).toEqual(['A:A', 'B:B']));
    w.unmount();
  });

  it('accepts the whole options object as a getter', async () => {
    const fake = createFakeFetch();
    const model = ref('gpt-4o-mini');
    const w = mount(streamView(() => ({ url: URL_, fetch: fake.fetch, retry: false, body: { model: model.value } })));
    model.value = 'gpt-4.1';
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    expect(JSON.parse(req.body ?? '')).toEqual({ model: 'gpt-4.1' });
    req.respond(401, openai.unauthorized());
    await vi.waitFor(() => expect(status(w)).toBe('error'));
    w.unmount();
  });

  it('a component reading only `status` does not re-render per token', async () => {
    const fake = createFakeFetch();
    let renders = 0;
    let s!: ReturnType<typeof useStream>;
    const Badge = defineComponent({
      setup() {
        s = useStream(options(fake));
        return () => {
          renders++;
          return h('output', s.status.value);
        };
      },
    });
    const w = mount(Badge);
    void s.start();
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role());
    let expected = '';
    for (const token of ['one ', 'two ', 'three ', 'four ', 'five ', 'six']) {
      req.push(openai.text(token));
      expected += token;
      await vi.waitFor(() => expect(s.snapshot.value.text).toBe(expected)); // one notification per token
    }
    req.push(openai.finish() + openai.done());
    req.end();
    await vi.waitFor(() => expect(w.text()).toBe('done'));
    // idle, connecting, streaming, done: one render per status, none per token.
    expect(renders).toBeLessThanOrEqual(4);
    w.unmount();
  });

  it('a 2,000-delta burst re-renders at most once per 16 ms frame, and the final text renders', async () => {
    const fake = createFakeFetch();
    const counter = { renders: 0 };
    const w = mount(streamView(options(fake), counter));
    await w.get('#start').trigger('click');
    const req = await fake.nextRequest();
    req.respondStream();
    await flushPromises();
    const rendersBefore = counter.renders;
    const startedAt = performance.now();
    req.push(openai.role());
    for (let chunk = 0; chunk < 100; chunk++) {
      let bytes = '';
      for (let i = 0; i < 20; i++) bytes += openai.text('x');
      req.push(bytes);
      await nextTask();
    }
    req.push(openai.finish() + openai.usage() + openai.done());
    req.end();
    await vi.waitFor(() => expect(status(w)).toBe('done'));
    const elapsedMs = performance.now() - startedAt;
    const renders = counter.renders - rendersBefore;
    expect(text(w)).toBe('x'.repeat(2000));
    expect(renders).toBeLessThanOrEqual(Math.ceil(elapsedMs / 16) + 3);
    expect(renders).toBeGreaterThanOrEqual(1);
    w.unmount();
  });
});
