import type { StreamOptions, StreamSnapshot } from '@tokenstream/core';
import { useStream } from '@tokenstream/react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Profiler, StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeFetch, nextTask, openai, type FakeFetch } from '@tokenstream/test-utils';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const URL_ = 'https://api.example.test/v1/chat/completions';

function options(fake: FakeFetch, extra: Partial<StreamOptions> = {}): StreamOptions {
  return { url: URL_, fetch: fake.fetch, body: { model: 'gpt-4o-mini', stream: true }, retry: false, ...extra };
}

function StreamView(props: { options: StreamOptions; startOnMount?: boolean }) {
  const s = useStream(props.options);
  const { start } = s;
  useEffect(() => {
    if (props.startOnMount) void start();
  }, [props.startOnMount, start]);
  return (
    <div>
      <output data-testid="status">{s.status}</output>
      <output data-testid="text">{s.text}</output>
      <output data-testid="error">{s.error ? `${s.error.kind} ${s.error.status ?? ''}`.trim() : ''}</output>
      <button onClick={() => void s.start()}>Start</button>
      <button onClick={() => s.stop()}>Stop</button>
    </div>
  );
}

const text = () => screen.getByTestId('text').textContent;
const status = () => screen.getByTestId('status').textContent;

describe('useStream (React)', () => {
  it('renders the answer progressively, then the final text and status', async () => {
    const fake = createFakeFetch();
    render(<StreamView options={options(fake)} />);
    expect(status()).toBe('idle');

    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.body ?? '')).toEqual({ model: 'gpt-4o-mini', stream: true });
    req.respondStream();
    req.push(openai.role() + openai.text('Hel'));
    await waitFor(() => expect(text()).toBe('Hel'));
    expect(status()).toBe('streaming');

    req.push(openai.text('lo, ') + openai.text('world'));
    await waitFor(() => expect(text()).toBe('Hello, world'));
    expect(status()).toBe('streaming');

    req.push(openai.finish() + openai.usage() + openai.done());
    req.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(text()).toBe('Hello, world');
    expect(fake.requests).toHaveLength(1);
  });

  it('stop() aborts the request and keeps the partial text', async () => {
    const fake = createFakeFetch();
    render(<StreamView options={options(fake)} />);
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Partial answer'));
    await waitFor(() => expect(text()).toBe('Partial answer'));

    fireEvent.click(screen.getByText('Stop'));
    await waitFor(() => expect(status()).toBe('aborted'));
    expect(text()).toBe('Partial answer');
    expect(req.signal.aborted).toBe(true);
  });

  it('unmounting mid-stream aborts the fetch, releases the body and clears every timer', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const fake = createFakeFetch();
    const view = render(<StreamView options={options(fake, { idleTimeoutMs: 30_000 })} />);
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Half'));
    await waitFor(() => expect(text()).toBe('Half'));
    expect(vi.getTimerCount()).toBeGreaterThan(0); // the idle timeout is armed while streaming

    view.unmount();
    await waitFor(() => expect(req.signal.aborted).toBe(true));
    await waitFor(() => expect(req.bodyClosed).toBe(true));
    await act(() => nextTask());
    expect(vi.getTimerCount()).toBe(0);
  });

  it('StrictMode: starting from a mount effect issues exactly one request, and unmount still stops it', async () => {
    const fake = createFakeFetch();
    let renders = 0;
    const view = render(
      <StrictMode>
        <Profiler id="s" onRender={() => renders++}>
          <StreamView options={options(fake)} startOnMount />
        </Profiler>
      </StrictMode>,
    );
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Only once'));
    await waitFor(() => expect(text()).toBe('Only once'));
    await act(() => nextTask());
    expect(fake.requests).toHaveLength(1);
    expect(req.signal.aborted).toBe(false); // the simulated unmount did not stop the surviving stream
    expect(renders).toBeGreaterThan(0);

    view.unmount();
    await waitFor(() => expect(req.signal.aborted).toBe(true));
    expect(fake.requests).toHaveLength(1);
  });

  it('StrictMode: a child starting the parent’s stream from its mount effect also makes one request', async () => {
    const fake = createFakeFetch();
    function StartOnMount(props: { start: () => Promise<unknown> }) {
      const { start } = props;
      useEffect(() => {
        void start();
      }, [start]);
      return null;
    }
    function Parent() {
      const s = useStream(options(fake));
      return (
        <>
          <output data-testid="text">{s.text}</output>
          <StartOnMount start={s.start} />
        </>
      );
    }
    render(
      <StrictMode>
        <Parent />
      </StrictMode>,
    );
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('From the child'));
    await waitFor(() => expect(text()).toBe('From the child'));
    await act(() => nextTask());
    expect(fake.requests).toHaveLength(1);
    expect(req.signal.aborted).toBe(false); // the simulated unmount of the parent did not stop it
  });

  it('StrictMode: the controller stays usable after the simulated unmount (start from a click)', async () => {
    const fake = createFakeFetch();
    render(
      <StrictMode>
        <StreamView options={options(fake)} />
      </StrictMode>,
    );
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.answer(['Still ', 'works']));
    req.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(text()).toBe('Still works');
    expect(fake.requests).toHaveLength(1);
  });

  it('renders an HTTP error with its kind and status (401)', async () => {
    const fake = createFakeFetch();
    render(<StreamView options={options(fake, { headers: { authorization: 'Bearer sk-secret-value' } })} />);
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respond(401, openai.unauthorized());
    await waitFor(() => expect(status()).toBe('error'));
    expect(screen.getByTestId('error').textContent).toBe('http 401');
    expect(document.body.innerHTML).not.toContain('sk-secret-value');
  });

  it('uses headers, body and callbacks from the latest render at the next start, on the same controller', async () => {
    const fake = createFakeFetch();
    const finishedA = vi.fn();
    const finishedB = vi.fn();
    const props = (token: string, prompt: string, onFinish: (s: StreamSnapshot) => void) =>
      options(fake, { headers: { authorization: `Bearer ${token}` }, body: { prompt }, onFinish });
    const view = render(<StreamView options={props('first', 'one', finishedA)} />);

    fireEvent.click(screen.getByText('Start'));
    const first = await fake.nextRequest();
    expect(first.headers.get('authorization')).toBe('Bearer first');
    first.respondStream();
    first.push(openai.answer(['A']));
    first.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(finishedA).toHaveBeenCalledTimes(1);

    view.rerender(<StreamView options={props('second', 'two', finishedB)} />);
    expect(fake.requests).toHaveLength(1); // changing options starts nothing by itself
    fireEvent.click(screen.getByText('Start'));
    const second = await fake.nextRequest();
    expect(second.headers.get('authorization')).toBe('Bearer second');
    expect(JSON.parse(second.body ?? '')).toEqual({ prompt: 'two' });
    second.respondStream();
    second.push(openai.answer(['B']));
    second.end();
    await waitFor(() => expect(text()).toBe('B'));
    await waitFor(() => expect(finishedB).toHaveBeenCalledTimes(1));
    expect(finishedA).toHaveBeenCalledTimes(1);
  });

  it('a status-only selector does not re-render per token', async () => {
    const fake = createFakeFetch();
    const seenTexts: string[] = [];
    let renders = 0;
    function StatusBadge(props: { options: StreamOptions }) {
      const s = useStream(props.options, (snapshot) => {
        seenTexts.push(snapshot.text);
        return { status: snapshot.status };
      });
      renders++;
      return (
        <div>
          <output data-testid="status">{s.status}</output>
          <button onClick={() => void s.start()}>Start</button>
        </div>
      );
    }
    render(<StatusBadge options={options(fake)} />);
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role());
    const tokens = ['one ', 'two ', 'three ', 'four ', 'five ', 'six'];
    let expected = '';
    for (const token of tokens) {
      req.push(openai.text(token));
      expected += token;
      await vi.waitFor(() => expect(seenTexts).toContain(expected)); // the store notified with this token
    }
    req.push(openai.finish() + openai.done());
    req.end();
    await waitFor(() => expect(status()).toBe('done'));
    // idle, connecting, streaming, done: one render per status, none per token.
    expect(renders).toBeLessThanOrEqual(4);
    expect(new Set(seenTexts).size).toBeGreaterThanOrEqual(tokens.length);
  });

  it('a 2,000-delta burst re-renders at most once per 16 ms frame, and the final text renders', async () => {
    const fake = createFakeFetch();
    let commits = 0;
    render(
      <Profiler id="burst" onRender={() => commits++}>
        <StreamView options={options(fake)} />
      </Profiler>,
    );
    fireEvent.click(screen.getByText('Start'));
    const req = await fake.nextRequest();
    req.respondStream();
    const previousActEnv = (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT;
    // Outside act(), React commits each store notification as it comes, as in a browser.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    try {
      const commitsBefore = commits;
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
      await vi.waitFor(() => expect(status()).toBe('done'));
      const elapsedMs = performance.now() - startedAt;
      const streamCommits = commits - commitsBefore;
      expect(text()).toBe('x'.repeat(2000));
      // Throttled notifications: at most one per 16 ms, plus status changes and the final one.
      expect(streamCommits).toBeLessThanOrEqual(Math.ceil(elapsedMs / 16) + 3);
      expect(streamCommits).toBeGreaterThanOrEqual(1);
    } finally {
      (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = previousActEnv;
    }
  });
});
