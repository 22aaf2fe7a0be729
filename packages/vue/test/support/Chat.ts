import type { ChatOptions } from '@tokenstream/core';
import { isActive, useChat } from '@tokenstream/vue';
import { computed, defineComponent, h, ref, type PropType } from 'vue';

/**
 * The chat component the recipes test: what an app's own chat box looks like, reduced to what a test reads
 * (the answer, the status, the error, the reconnects of the last answer). A render function, not an SFC, so
 * that `tsc` checks it like the tests.
 */
export const Chat = defineComponent({
  props: { options: { type: Object as PropType<ChatOptions>, required: true } },
  setup(props) {
    const draft = ref('');
    const chat = useChat(props.options);
    const answer = computed(() => chat.messages.value.filter((m) => m.role === 'assistant').at(-1));
    return () =>
      h('div', [
        h('p', { 'data-testid': 'answer' }, answer.value?.text ?? ''),
        h('p', { 'data-testid': 'status' }, chat.status.value),
        h('p', { 'data-testid': 'reconnects' }, String(answer.value?.metrics?.reconnects ?? 0)),
        chat.error.value &&
          h('p', { role: 'alert' }, chat.error.value.status === 401 ? 'Please sign in again' : chat.error.value.message),
        h('textarea', {
          'aria-label': 'Message',
          value: draft.value,
          onInput: (e: Event) => (draft.value = (e.target as HTMLTextAreaElement).value),
        }),
        isActive(chat.status.value)
          ? h('button', { onClick: chat.stop }, 'Stop')
          : h('button', { onClick: () => void chat.send(draft.value) }, 'Send'),
      ]);
  },
});
