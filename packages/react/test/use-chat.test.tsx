import type { ChatOptions } from '@tokenstream/core';
import { useChat } from '@tokenstream/react';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeFetch, openai, type FakeFetch } from '@tokenstream/test-utils';

afterEach(cleanup);

function options(fake: FakeFetch, extra: Partial<ChatOptions> = {}): ChatOptions {
  return { url: 'https://api.example.test/v1/chat/completions', fetch: fake.fetch, model: 'gpt-4o-mini', retry: false, ...extra };
}

function ChatView(props: { options: ChatOptions; sendOnMount?: string }) {
  const chat = useChat(props.options);
  const { send } = chat;
  useEffect(() => {
    if (props.sendOnMount) void send(props.sendOnMount);
  }, [props.sendOnMount, send]);
  return (
    <div>
      <output data-testid="status">{chat.status}</output>
      <output data-testid="error">{chat.error ? `${chat.error.kind} ${chat.error.status ?? ''}`.trim() : ''}</output>
      <ol>
        {chat.messages.map((m) => (
          <li key={m.id} data-testid={m.role}>
            {m.text}
          </li>
        ))}
      </ol>
      <button onClick={() => void send('Hi')}>Send</button>
      <button onClick={() => chat.stop()}>Stop</button>
    </div>
  );
}

const status = () => screen.getByTestId('status').textContent;
const texts = (role: string) => screen.queryAllByTestId(role).map((el) => el.textContent);
const wireMessages = (body: string | null) => (JSON.parse(body ?? '{}') as { messages: Array<Record<string, unknown>> }).messages;

describe('useChat (React)', () => {
  it('sends the user message and renders the answer progressively', async () => {
    const fake = createFakeFetch();
    render(<ChatView options={options(fake)} />);
    fireEvent.click(screen.getByText('Send'));
    const req = await fake.nextRequest();
    expect(JSON.parse(req.body ?? '')).toMatchObject({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    await waitFor(() => expect(texts('user')).toEqual(['Hi']));

    req.respondStream();
    req.push(openai.role() + openai.text('Hel'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Hel']));
    expect(status()).toBe('streaming');
    req.push(openai.text('lo!') + openai.finish() + openai.usage(5, 2) + openai.done());
    req.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(texts('assistant')).toEqual(['Hello!']);
  });

  it('stop() keeps the partial assistant message and aborts the request', async () => {
    const fake = createFakeFetch();
    render(<ChatView options={options(fake)} />);
    fireEvent.click(screen.getByText('Send'));
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Half an ans'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Half an ans']));
    fireEvent.click(screen.getByText('Stop'));
    await waitFor(() => expect(status()).toBe('aborted'));
    expect(texts('assistant')).toEqual(['Half an ans']);
    expect(req.signal.aborted).toBe(true);
  });

  it('StrictMode: a send from a mount effect makes one request and one user message; unmount aborts it', async () => {
    const fake = createFakeFetch();
    const view = render(
      <StrictMode>
        <ChatView options={options(fake)} sendOnMount="Summarise" />
      </StrictMode>,
    );
    const req = await fake.nextRequest();
    req.respondStream();
    req.push(openai.role() + openai.text('Summary'));
    await waitFor(() => expect(texts('assistant')).toEqual(['Summary']));
    expect(fake.requests).toHaveLength(1);
    expect(texts('user')).toEqual(['Summarise']);
    expect(wireMessages(req.body)).toEqual([{ role: 'user', content: 'Summarise' }]);

    view.unmount();
    await waitFor(() => expect(req.signal.aborted).toBe(true));
    await waitFor(() => expect(req.bodyClosed).toBe(true));
  });

  it('passes a rejected send() through to the caller (editing a message that is not there)', async () => {
    const fake = createFakeFetch();
    let chat!: ReturnType<typeof useChat>;
    function Probe() {
      chat = useChat(options(fake));
      return null;
    }
    render(<Probe />);
    await expect(chat.send('Hi', { editMessageId: 'missing' })).rejects.toThrow(/editMessageId/);
    expect(fake.requests).toHaveLength(0);
  });

  it('renders an HTTP error with its kind and status (401)', async () => {
    const fake = createFakeFetch();
    render(<ChatView options={options(fake, { headers: { authorization: 'Bearer sk-secret-value' } })} />);
    fireEvent.click(screen.getByText('Send'));
    const req = await fake.nextRequest();
    req.respond(401, openai.unauthorized());
    await waitFor(() => expect(status()).toBe('error'));
    expect(screen.getByTestId('error').textContent).toBe('http 401');
    expect(document.body.innerHTML).not.toContain('sk-secret-value');
  });

  it('uses the latest render’s headers, model and tool closures in the next request and tool step', async () => {
    const fake = createFakeFetch();
    const executeA = vi.fn(() => ({ tempC: 1 }));
    const executeB = vi.fn(() => ({ tempC: 21 }));
    const props = (token: string, model: string, execute: () => unknown) =>
      options(fake, {
        model,
        headers: { authorization: `Bearer ${token}` },
        tools: { weather: { description: 'Weather in a city', parameters: { type: 'object' }, execute } },
      });
    const view = render(<ChatView options={props('first', 'gpt-4o-mini', executeA)} />);
    view.rerender(<ChatView options={props('second', 'gpt-4.1', executeB)} />);

    fireEvent.click(screen.getByText('Send'));
    const first = await fake.nextRequest();
    expect(first.headers.get('authorization')).toBe('Bearer second');
    expect(JSON.parse(first.body ?? '')).toMatchObject({ model: 'gpt-4.1' });
    first.respondStream();
    first.push(
      openai.role() +
        openai.toolCallStart('call_abc', 'weather') +
        openai.toolCallArguments('{"city":') +
        openai.toolCallArguments('"Oslo"}') +
        openai.finish('tool_calls') +
        openai.done(),
    );
    first.end();

    const second = await fake.nextRequest();
    expect(executeB).toHaveBeenCalledWith({ city: 'Oslo' }, expect.objectContaining({ toolCallId: 'call_abc' }));
    expect(executeA).not.toHaveBeenCalled();
    expect(second.headers.get('authorization')).toBe('Bearer second');
    expect(wireMessages(second.body).at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_abc', content: '{"tempC":21}' });
    second.respondStream();
    second.push(openai.answer(['21 °C in Oslo']));
    second.end();
    await waitFor(() => expect(status()).toBe('done'));
    expect(texts('assistant').at(-1)).toBe('21 °C in Oslo');
  });
});
