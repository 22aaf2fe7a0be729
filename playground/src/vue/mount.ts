import { createApp } from 'vue';
import VuePage from './VuePage.vue';

export function mountVuePage(el: HTMLElement): () => void {
  const app = createApp(VuePage);
  app.mount(el);
  return () => app.unmount();
}
