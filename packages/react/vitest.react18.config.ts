import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

// The React tests once more, against React 18 installed by scripts/test-react18.sh (REACT18_DIR).
const dir = process.env.REACT18_DIR;
if (!dir) throw new Error('REACT18_DIR is not set: run packages/react/scripts/test-react18.sh');
const installed = (name: string) => `${dir}/node_modules/${name}`;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: [
      { find: /^react-dom(\/.*)?$/, replacement: `${installed('react-dom')}$1` },
      { find: /^react(\/.*)?$/, replacement: `${installed('react')}$1` },
      { find: /^@testing-library\/react$/, replacement: installed('@testing-library/react') },
      ...workspaceAliases,
    ],
  },
  test: { name: 'react18', environment: 'happy-dom', include: ['test/**/*.test.tsx'], env: { EXPECT_REACT_MAJOR: '18' } },
});
