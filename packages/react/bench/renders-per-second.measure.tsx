// Renders per second of a component showing a stream that delivers 2,000 deltas/s (OpenAI Chat SSE through the
// real createStream), with the default frame batching and with throttle: 0 for contrast. happy-dom runs
// requestAnimationFrame at once, so 'frame' is bounded by the core's 16 ms minimum interval here.
import type { StreamOptions } from '@tokenstream/core';
import { useStream } from '@tokenstream/react';
import { render, screen, fireEvent, cleanup } from '@testing-library/react';
import { Profiler } from 'react';
import { expect, it } from 'vitest';
import { createFakeFetch } from '@tokenstream/test-utils';
import { paceDeltas, report } from './pace';

const DELTAS_PER_SECOND = 2000;
const DURATION_MS = 3000;

function Answer(props: { options: StreamOptions }) {
  const s = useStream(props.options);
  return (
    <div>
      <p data-testid="text">{s.text}</p>
      <p data-testid="status">{s.status}</p>
      <button onClick={() => void s.start()}>Start</button>
    </div>
  );
}

async function measure(throttle: StreamOptions['throttle']): Promise<Record<string, string | number>> {
  const fake = createFakeFetch();
  let commits = 0;
  let renderMs = 0;
  render(
    <Profiler id="answer" onRender={(_id, _phase, actualMs) => ((commits++), (renderMs += actualMs))}>
      <Answer options={{ url: '/v1/chat/completions', fetch: fake.fetch, body: {}, retry: false, throttle }} />
    </Profiler>,
  );
  fireEvent.click(screen.getByText('Start'));
  const req = await fake.nextRequest();
  req.respondStream();
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false; // commit as a browser would
  const before = commits;
  const sent = await paceDeltas(req, { deltasPerSecond: DELTAS_PER_SECOND, durationMs: DURATION_MS });
  await expect.poll(() => screen.getByTestId('status').textContent).toBe('done');
  expect(screen.getByTestId('text').textContent).toBe(sent.text);
  const renders = commits - before;
  cleanup();
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  return {
    framework: 'react',
    throttle: String(throttle),
    deltas: sent.deltas,
    seconds: +(sent.elapsedMs / 1000).toFixed(2),
    renders,
    rendersPerSecond: +(renders / (sent.elapsedMs / 1000)).toFixed(1),
    renderMsTotal: +renderMs.toFixed(1),
  };
}

it('renders per second at 2,000 deltas/s', async () => {
  report([await measure('frame'), await measure(0)]);
});
