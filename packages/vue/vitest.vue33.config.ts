import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

// The Vue tests once more, against Vue 3.3 installed by scripts/test-vue33.sh (VUE33_DIR). The README example test
// is left out: its SFC is compiled by the workspace's Vue 3.5 compiler.
const dir = process.env.VUE33_DIR;
if (!dir) throw new Error('VUE33_DIR is not set: run packages/vue/scripts/test-vue33.sh');
const installed = (name: string) => `${dir}/node_modules/${name}`;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^vue(\/.*)?$/, replacement: `${installed('vue')}$1` },
      { find: /^@vue\/test-utils$/, replacement: installed('@vue/test-utils') },
      ...workspaceAliases,
    ],
  },
  test: {
    name: 'vue33',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    exclude: ['test/readme-example.test.ts'],
    env: { EXPECT_VUE_MINOR: '3.3' },
  },
});
