import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeFetch, openai } from '@tokenstream/test-utils';
// @ts-expect-error -- a .vue file, compiled by the plugin in vitest.config.ts (no .vue type shim in this package)
import ChatBox from '../examples/ChatBox.vue';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('README chat box example', () => {
  it('is in the README verbatim', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
    const example = readFileSync(resolve(import.meta.dirname, '../examples/ChatBox.vue'), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('sends on Enter, shows a typing cursor while streaming, and Stop keeps the partial answer', async () => {
    const fake = createFakeFetch();
    vi.stubGlobal('fetch', fake.fetch);
    const w = mount(ChatBox as never);
    const box = w.get('textarea');
    await box.setValue('Tell me a story');
    await box.trigger('keydown', { key: 'Enter' });

    const req = await fake.nextRequest();
    expect(req.url).toBe('/api/chat');
    await vi.waitFor(() => expect(w.find('li.assistant .cursor').exists()).toBe(true)); // waiting for the first token
    expect((box.element as HTMLTextAreaElement).value).toBe('');
    req.respondStream();
    req.push(openai.role() + openai.text('Once upon'));
    await vi.waitFor(() => expect(w.find('li.assistant').text()).toBe('Once upon'));
    expect(w.find('li.assistant .cursor').exists()).toBe(true);

    await w.get('button[type=button]').trigger('click');
    await vi.waitFor(() => expect(w.get('button').text()).toBe('Send'));
    expect(w.find('.cursor').exists()).toBe(false);
    expect(w.find('li.assistant').text()).toBe('Once upon');
    expect(req.signal.aborted).toBe(true);
    w.unmount();
  });
});
