import { useState } from 'react';
import { isActive, useChat, type UseChatOptions } from '@tokenstream/react';

/**
 * The chat component the recipes test: what an app's own chat box looks like, reduced to what a test reads
 * (the answer, the status, the error, the reconnects of the last answer).
 */
export function Chat(options: UseChatOptions) {
  const [draft, setDraft] = useState('');
  const chat = useChat(options);
  const answer = chat.messages.filter((m) => m.role === 'assistant').at(-1);
  return (
    <div>
      <p data-testid="answer">{answer?.text}</p>
      <p data-testid="status">{chat.status}</p>
      <p data-testid="reconnects">{answer?.metrics?.reconnects ?? 0}</p>
      {chat.error && <p role="alert">{chat.error.status === 401 ? 'Please sign in again' : chat.error.message}</p>}
      <textarea aria-label="Message" value={draft} onChange={(e) => setDraft(e.target.value)} />
      {isActive(chat.status) ? (
        <button onClick={chat.stop}>Stop</button>
      ) : (
        <button onClick={() => void chat.send(draft)}>Send</button>
      )}
    </div>
  );
}
