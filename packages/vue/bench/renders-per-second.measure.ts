// Renders per second of a component showing a stream that delivers 2,000 deltas/s (OpenAI Chat SSE through the
// real createStream), with the default frame batching and with throttle: 0 for contrast. happy-dom runs
// requestAnimationFrame at once, so 'frame' is bounded by the core's 16 ms minimum interval here.
import type { StreamOptions } from '@tokenstream/core';
import { useStream } from '@tokenstream/vue';
import { mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { expect, it } from 'vitest';
import { paceDeltas, report } from '../../react/bench/pace';
import { createFakeFetch } from '@tokenstream/test-utils';

const DELTAS_PER_SECOND = 2000;
const DURATION_MS = 3000;

async function measure(throttle: StreamOptions['throttle']): Promise<Record<string, string | number>> {
  const fake = createFakeFetch();
  let renders = 0;
  let renderMs = 0;
  let stream!: ReturnType<typeof useStream>;
  const Answer = defineComponent({
    setup() {
      stream = useStream({ url: '/v1/chat/completions', fetch: fake.fetch, body: {}, retry: false, throttle });
      return () => {
        const startedAt = performance.now();
        const vnode = h('div', [h('p', stream.text.value), h('p', stream.status.value)]);
        renders++;
        renderMs += performance.now() - startedAt;
        return vnode;
      };
    },
  });
  const wrapper = mount(Answer);
  void stream.start();
  const req = await fake.nextRequest();
  req.respondStream();
  const before = renders;
  const sent = await paceDeltas(req, { deltasPerSecond: DELTAS_PER_SECOND, durationMs: DURATION_MS });
  await expect.poll(() => stream.status.value).toBe('done');
  await expect.poll(() => wrapper.get('p').text()).toBe(sent.text);
  const count = renders - before;
  wrapper.unmount();
  return {
    framework: 'vue',
    throttle: String(throttle),
    deltas: sent.deltas,
    seconds: +(sent.elapsedMs / 1000).toFixed(2),
    renders: count,
    rendersPerSecond: +(count / (sent.elapsedMs / 1000)).toFixed(1),
    renderFnMsTotal: +renderMs.toFixed(1),
  };
}

it('renders per second at 2,000 deltas/s', async () => {
  report([await measure('frame'), await measure(0)]);
});
