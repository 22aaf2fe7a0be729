import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatBox } from '../examples/ChatBox';
import { createFakeFetch, openai } from '@tokenstream/test-utils';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('README chat box example', () => {
  it('is in the README verbatim', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
    const example = readFileSync(resolve(import.meta.dirname, '../examples/ChatBox.tsx'), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('sends on Enter, shows a typing cursor while streaming, and Stop keeps the partial answer', async () => {
    const fake = createFakeFetch();
    vi.stubGlobal('fetch', fake.fetch);
    const { container } = render(<ChatBox />);
    const box = screen.getByLabelText('Message');
    fireEvent.change(box, { target: { value: 'Tell me a story' } });
    fireEvent.keyDown(box, { key: 'Enter' });

    const req = await fake.nextRequest();
    expect(req.url).toBe('/api/chat');
    await waitFor(() => expect(container.querySelector('li.assistant .cursor')).not.toBeNull()); // waiting for the first token
    expect((box as HTMLTextAreaElement).value).toBe('');
    req.respondStream();
    req.push(openai.role() + openai.text('Once upon'));
    await waitFor(() => expect(container.querySelector('li.assistant')?.textContent).toBe('Once upon'));
    expect(container.querySelector('li.assistant .cursor')).not.toBeNull();

    fireEvent.click(screen.getByText('Stop'));
    await waitFor(() => expect(screen.getByText('Send')).toBeTruthy());
    expect(container.querySelector('.cursor')).toBeNull();
    expect(container.querySelector('li.assistant')?.textContent).toBe('Once upon');
    expect(req.signal.aborted).toBe(true);
  });
});
