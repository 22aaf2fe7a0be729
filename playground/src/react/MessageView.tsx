import type { ChatMessage, ToolCall } from '@tokenstream/core';
import { StreamingMarkdown } from '@tokenstream/react';
import { isRunning } from '../shared/run-metrics';
import { toolResultOf } from '../shared/messages';

export function MessageView({ message, messages }: { message: ChatMessage; messages: ChatMessage[] }) {
  if (message.role === 'user') {
    return (
      <li className="message user">
        <span className="who">You</span>
        <p>{message.text}</p>
      </li>
    );
  }
  const streaming = message.status !== undefined && isRunning(message.status);
  return (
    <li className="message assistant" data-status={message.status}>
      <span className="who">Assistant</span>
      {message.reasoning ? (
        <details className="reasoning">
          <summary>Reasoning{streaming && message.text === '' ? '…' : ''}</summary>
          <p>{message.reasoning}</p>
        </details>
      ) : null}
      {(message.toolCalls ?? []).map((call) => (
        <ToolCallView key={call.id} call={call} result={toolResultOf(messages, call.id)} />
      ))}
      {message.text !== '' || streaming || (message.toolCalls ?? []).length === 0 ? (
        <div className="text">
          <StreamingMarkdown className="markdown" text={message.text} data-testid="assistant-text" />
          {streaming && <span className="cursor" aria-hidden="true" />}
        </div>
      ) : null}
    </li>
  );
}

function ToolCallView({ call, result }: { call: ToolCall; result: ChatMessage | undefined }) {
  return (
    <div className="tool-call">
      <div>
        <strong>{call.name}</strong> <span className="tool-state">{call.complete ? (result ? 'done' : 'running') : 'receiving input…'}</span>
      </div>
      <pre aria-label={`${call.name} input`}>{JSON.stringify(call.input ?? null)}</pre>
      {result && <pre aria-label={`${call.name} result`}>{result.text}</pre>}
    </div>
  );
}
