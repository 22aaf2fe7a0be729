import type { ChatMessage, ChatOptions } from '@tokenstream/core';
import { useChat, useStream } from '@tokenstream/react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeFetch, nextTask, openai, type FakeFetch } from '@tokenstream/test-utils';

afterEach(cleanup);

const URL_BASE = 'https://api.example.test/api/chat';

function options(fake: FakeFetch, extra: Partial<ChatOptions> = {}): ChatOptions {
  return { url: URL_BASE, fetch: fake.fetch, retry: false, id: 'chat-1', resume: true, ...extra };
}

/** Every status the component rendered, in order (a busy flash would show up here). */
let rendered: string[] = [];

function ChatView(props: { options: ChatOptions }) {
  const chat = useChat(props.options);
  if (rendered.at(-1) !== chat.status) rendered.push(chat.status);
  return (
    <div>
      <output data-testid="status">{chat.status}</output>
      <ol>
        {chat.messages.map((m) => (
          <li key={m.id} data-testid={m.role}>
            {m.text}
          </li>
        ))}
      </ol>
      <button onClick={() => chat.stop()}>Stop</button>
    </div>
  );
}

const status = () => screen.getByTestId('status').textContent;
const texts = (role: string) => screen.queryAllByTestId(role).map((el) => el.textContent);

function renderStrict(fake: FakeFetch, extra: Partial<ChatOptions> = {}) {
  rendered = [];
  return render(
    <StrictMode>
      <ChatView options={options(fake, extra)} />
    </StrictMode>,
  );
}

describe('useChat with resume (React)', () => {
  it('StrictMode: joins once after mount; a 204 keeps the chat idle with no busy render', async () => {
    const fake = createFakeFetch();
    renderStrict(fake);
    const join = await fake.nextRequest();
    expect(join).toMatchObject({ method: 'GET', url: `${URL_BASE}/chat-1/stream` });
    join.respond(204, '');
    await nextTask();
    await nextTask();
    expect(fake.requests).toHaveLength(1);
    expect(rendered).toEqual(['idle']);
    expect(status()).toBe('idle');
  });

  it('replays the running answer into the saved partial message and follows it to the end', async () => {
    const fake = createFakeFetch();
    const saved: ChatMessage[] = [
      { id: 'u1', role: 'user', text: 'Hi' },
      { id: 'a1', role: 'assistant', text: 'Hel', status: 'streaming' },
    ];
    renderStrict(fake, { messages: saved });
    const join = await fake.nextRequest();
    join.respondStream();
    join.push(openai.role() + openai.text('Hel') + openai.text('lo'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Hello']));
    join.push(openai.text(' there') + openai.finish() + openai.done());
    join.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(texts('assistant')).toEqual(['Hello there']); // rebuilt, never appended twice
    expect(texts('user')).toEqual(['Hi']);
    expect(fake.requests).toHaveLength(1);
  });

  it('unmount leaves: the join is aborted and no DELETE is sent', async () => {
    const fake = createFakeFetch();
    const view = renderStrict(fake);
    const join = await fake.nextRequest();
    join.respondStream();
    join.push(openai.role() + openai.text('Part'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Part']));
    view.unmount();
    await waitFor(() => expect(join.signal.aborted).toBe(true));
    await nextTask();
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('Stop sends DELETE to the resume url and keeps the partial answer', async () => {
    const fake = createFakeFetch();
    renderStrict(fake);
    const join = await fake.nextRequest();
    join.respondStream();
    join.push(openai.role() + openai.text('Part'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Part']));
    fireEvent.click(screen.getByText('Stop'));
    const stop = await fake.nextRequest();
    expect(stop).toMatchObject({ method: 'DELETE', url: `${URL_BASE}/chat-1/stream` });
    stop.respond(204, '');
    await waitFor(() => expect(status()).toBe('aborted'));
    expect(texts('assistant')).toEqual(['Part']);
    expect(join.signal.aborted).toBe(true);
  });

  it('server rendering never joins', async () => {
    const fake = createFakeFetch();
    expect(renderToString(<ChatView options={options(fake)} />)).toContain('idle');
    await nextTask();
    expect(fake.requests).toHaveLength(0);
  });

  it('without resume nothing is joined on mount', async () => {
    const fake = createFakeFetch();
    renderStrict(fake, { resume: false });
    await nextTask();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('useStream join (React)', () => {
  it('join(url) follows a running stream; StrictMode effects calling it twice make one request', async () => {
    const fake = createFakeFetch();
    let joinOnce!: () => void;
    function Follower() {
      const s = useStream({ url: 'unused', fetch: fake.fetch, retry: false });
      joinOnce = () => void s.join(`${URL_BASE}/x/stream`);
      return <output data-testid="text">{`${s.status}:${s.text}`}</output>;
    }
    render(
      <StrictMode>
        <Follower />
      </StrictMode>,
    );
    joinOnce();
    joinOnce();
    const join = await fake.nextRequest();
    expect(join.method).toBe('GET');
    join.respondStream();
    join.push(openai.answer(['a', 'b']));
    join.end();
    await waitFor(() => expect(screen.getByTestId('text').textContent).toBe('done:ab'));
    expect(fake.requests).toHaveLength(1);
  });
});
