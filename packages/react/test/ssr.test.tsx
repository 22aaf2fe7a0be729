// @vitest-environment node
import { useChat, useStream } from '@tokenstream/react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

function Answer() {
  const s = useStream({ url: '/api/answer', body: { prompt: 'hi' } });
  return (
    <p data-status={s.status}>
      {s.text}
      {s.error?.kind}
    </p>
  );
}

function Chat() {
  const chat = useChat({ url: '/api/chat' });
  return <ul data-status={chat.status}>{chat.messages.length}</ul>;
}

describe('server rendering', () => {
  it('renders the idle snapshot without a DOM and without fetching', () => {
    expect(typeof window).toBe('undefined');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    expect(renderToString(<Answer />)).toBe('<p data-status="idle"></p>');
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('renders an idle chat', () => {
    expect(renderToString(<Chat />)).toBe('<ul data-status="idle">0</ul>');
  });
});
