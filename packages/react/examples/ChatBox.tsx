import { useState } from 'react';
import { useChat } from '@tokenstream/react';

// '/api/chat' is your server route that calls the provider with the API key (never ship the key to the browser).
export function ChatBox() {
  const [draft, setDraft] = useState('');
  const chat = useChat({ url: '/api/chat', model: 'gpt-4o-mini' });
  const busy = ['queued', 'connecting', 'streaming', 'reconnecting'].includes(chat.status);
  const visible = chat.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  const waitingForFirstToken = busy && visible.at(-1)?.role !== 'assistant';

  function submit() {
    const text = draft.trim();
    if (!text || busy) return;
    setDraft('');
    void chat.send(text);
  }

  return (
    <div className="chat">
      <ol>
        {visible.map((m, i) => (
          <li key={m.id} className={m.role}>
            {m.text}
            {busy && i === visible.length - 1 && m.role === 'assistant' && <span className="cursor" aria-hidden="true" />}
          </li>
        ))}
        {waitingForFirstToken && (
          <li className="assistant">
            <span className="cursor" aria-hidden="true" />
          </li>
        )}
      </ol>
      {chat.error && <p role="alert">{chat.error.status ? `HTTP ${chat.error.status}` : chat.error.message}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <textarea
          aria-label="Message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {busy ? (
          <button type="button" onClick={chat.stop}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </div>
  );
}
