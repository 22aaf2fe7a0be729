import { useChat } from '@tokenstream/react';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { resumableChatOptions, saveMessages } from '../shared/chat-session';
import { chatOptionsFor } from '../shared/providers';
import { describeError, isRunning } from '../shared/run-metrics';
import { settingsStore, type ProviderId } from '../shared/settings';
import { MessageView } from './MessageView';
import { MetricsPanel } from './MetricsPanel';
import { PromptForm } from './PromptForm';

export function ReactPage() {
  const { provider, smooth } = useSyncExternalStore(settingsStore.subscribe, settingsStore.get);
  // A new chat per provider: the route and adapter are fixed for a chat's lifetime.
  // Smooth pacing is a chat option too: toggling it re-creates the chat (its messages are restored).
  return <ReactChat key={`${provider}:${smooth}`} provider={provider} />;
}

function ReactChat({ provider }: { provider: ProviderId }) {
  const options = useMemo(() => resumableChatOptions(chatOptionsFor(provider, settingsStore), 'react', provider), [provider]);
  const chat = useChat(options);
  useEffect(() => {
    if (options.id !== undefined) saveMessages(options.id, chat.messages);
  }, [options.id, chat.messages]);
  const running = isRunning(chat.status);
  const visible = chat.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  const canRegenerate = !running && chat.messages.some((m) => m.role === 'user');

  return (
    <div className="page">
      <section className="chat" aria-label="Chat (React)">
        <h2>React</h2>
        <ol className="messages" aria-label="Messages" aria-busy={running}>
          {visible.map((message) => (
            <MessageView key={message.id} message={message} messages={chat.messages} />
          ))}
        </ol>
        {chat.error && (
          <p className="error" role="alert" data-testid="error">
            {describeError(chat.error)}
          </p>
        )}
        <PromptForm
          running={running}
          canRegenerate={canRegenerate}
          onSend={(text) => void chat.send(text)}
          onStop={chat.stop}
          onRegenerate={() => void chat.regenerate()}
        />
      </section>
      <MetricsPanel status={chat.status} messages={chat.messages} usage={chat.usage} model={options.model ?? null} />
    </div>
  );
}
