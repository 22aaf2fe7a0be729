// @vitest-environment node
import { useChat, useStream } from '@tokenstream/vue';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it, vi } from 'vitest';

describe('server rendering', () => {
  it('renders the idle snapshot without a DOM and without fetching', async () => {
    expect(typeof window).toBe('undefined');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const App = defineComponent({
      setup() {
        const s = useStream({ url: '/api/answer', body: { prompt: 'hi' } });
        const chat = useChat({ url: '/api/chat' });
        return () => h('p', { 'data-status': s.status.value }, `${s.text.value}${chat.messages.value.length}`);
      },
    });
    expect(await renderToString(createSSRApp(App))).toBe('<p data-status="idle">0</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
