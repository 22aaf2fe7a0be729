import react from '@vitejs/plugin-react';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
// Relative imports, not package names: the packages' `exports` point at dist/, which a fresh clone has not built.
import { mockStreamPlugin } from '../packages/mock-server/src/index.ts';
import { workspaceAliases } from '../vitest.shared.ts';

// The playground runs the workspace packages from source and serves the mock provider routes itself,
// so `pnpm dev` needs no build step and no second server.
export default defineConfig({
  plugins: [react(), vue(), mockStreamPlugin()],
  resolve: { alias: workspaceAliases },
  // Listed so a first visit does not discover them late and reload the page mid-stream.
  optimizeDeps: { include: ['react', 'react/jsx-dev-runtime', 'react-dom/client', 'vue'] },
  server: { host: '127.0.0.1' },
});
