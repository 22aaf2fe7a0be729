import { useState, type FormEvent, type KeyboardEvent } from 'react';

interface PromptFormProps {
  running: boolean;
  canRegenerate: boolean;
  onSend(text: string): void;
  onStop(): void;
  onRegenerate(): void;
}

export function PromptForm({ running, canRegenerate, onSend, onStop, onRegenerate }: PromptFormProps) {
  const [prompt, setPrompt] = useState('');

  const send = () => {
    const text = prompt.trim();
    if (text === '') return;
    onSend(text);
    setPrompt('');
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };
  // Enter sends, Shift+Enter is a new line; an IME composition's Enter only confirms the composition.
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="prompt" onSubmit={onSubmit}>
      <label htmlFor="prompt-react">Prompt</label>
      <textarea
        id="prompt-react"
        rows={3}
        value={prompt}
        placeholder='Ask anything; say "calculator" to see a tool call. Enter sends, Shift+Enter adds a line.'
        onChange={(event) => setPrompt(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="buttons">
        <button type="submit" disabled={prompt.trim() === ''}>
          Send
        </button>
        <button type="button" onClick={onStop} disabled={!running}>
          Stop
        </button>
        <button type="button" onClick={onRegenerate} disabled={!canRegenerate}>
          Regenerate
        </button>
      </div>
    </form>
  );
}
