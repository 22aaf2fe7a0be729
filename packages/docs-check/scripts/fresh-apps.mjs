#!/usr/bin/env node
// "Done means" for a newcomer, checked on a machine with nothing but Node and npm: in a temp dir outside the workspace,
// create a fresh Vite React app and a fresh Vite Vue app with create-vite, install the packed tarballs of the
// packages (not the workspace), paste in the README examples, and then
//   - type-check both apps as create-vite sets them up (tsc -b / vue-tsc -b, strict),
//   - run component tests in happy-dom against createMockFetch and against MSW (@tokenstream/mock-server/msw),
//   - build both apps with vite,
//   - require() every package from CommonJS (Node 20.19+ can require ESM), and type-check that under nodenext.
// One npm install (npm workspaces) serves both apps. Needs the npm registry; run `pnpm build` first (done here
// when a package has no dist/).
//
//   node packages/docs-check/scripts/fresh-apps.mjs [--keep]     (--keep leaves the temp dir for a look)

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSnippets } from './snippets.mjs';

const CREATE_VITE = 'create-vite@9.3.0'; // pinned: a new template should be a deliberate update here
const PACKAGES = ['core', 'react', 'vue', 'mock-server', 'server'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const keep = process.argv.includes('--keep');
const started = Date.now();

function log(message) {
  console.log(`[fresh-apps ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

const COMMAND_TIMEOUT_MS = 300_000; // a hung install or test run fails instead of blocking CI

/** Runs a command; resolves with its stdout, or prints its output and exits (the temp dir is kept for a look). */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, CI: 'true' }, timeout: COMMAND_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      console.error(`[fresh-apps] FAILED (${signal ?? `exit ${code}`}) in ${cwd}: ${command} ${args.join(' ')}\n${stdout}\n${stderr}`);
      console.error(`[fresh-apps] the apps are kept in ${work}`);
      process.exit(1);
    });
  });
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
const write = (path, text) => writeFileSync(path, text.replace(/^\n/, ''));

/** The workspace's own version range of a dev tool, so the apps test with what the packages are tested with. */
function workspaceRange(name) {
  for (const dir of ['.', 'packages/mock-server', 'packages/react', 'packages/vue']) {
    const manifest = readJson(join(root, dir, 'package.json'));
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
    if (range) return range;
  }
  throw new Error(`fresh-apps: no workspace package depends on ${name}`);
}

/** The snippets of a README, unskipped, of one kind. */
function snippets(readme, ext) {
  return findSnippets(readFileSync(join(root, readme), 'utf8')).filter((s) => s.ext === ext && !s.skipped);
}

const work = mkdtempSync(join(tmpdir(), 'tokenstream-fresh-'));
log(`working in ${work}`);

// 1. The tarballs a user would install from npm.
if (PACKAGES.some((name) => !existsSync(join(root, 'packages', name, 'dist')))) {
  log('building the packages (a dist/ is missing)');
  await run('pnpm', ['build'], root);
}
const tarballs = join(work, 'tarballs');
// One pnpm for all (pnpm pack turns `workspace:*` into versions; npm pack would not).
const filters = PACKAGES.flatMap((name) => ['--filter', `@tokenstream/${name}`]);
await run('pnpm', ['-r', ...filters, 'pack', '--pack-destination', tarballs], root);
const specs = {};
for (const name of PACKAGES) {
  const file = readdirSync(tarballs).find((f) => f.startsWith(`tokenstream-${name}-`) && f.endsWith('.tgz'));
  specs[`@tokenstream/${name}`] = `file:${join(tarballs, file)}`;
}
log(`packed ${Object.keys(specs).join(', ')}`);

// 2. Two fresh apps, as `npm create vite` makes them (the linter left out: not what is tested here).
for (const [dir, template] of [['react-app', 'react-ts'], ['vue-app', 'vue-ts']]) {
  await run('npm', ['exec', '--yes', '--prefer-offline', '--', CREATE_VITE, dir, '--template', template, '--no-interactive'], work);
  const manifestPath = join(work, dir, 'package.json');
  const manifest = readJson(manifestPath);
  delete manifest.devDependencies.oxlint;
  delete manifest.devDependencies.eslint;
  delete manifest.scripts.lint;
  const own = dir === 'react-app' ? ['core', 'react'] : ['core', 'vue'];
  for (const name of own) manifest.dependencies[`@tokenstream/${name}`] = specs[`@tokenstream/${name}`];
  const tools = ['vitest', 'happy-dom', 'msw', dir === 'react-app' ? '@testing-library/react' : '@vue/test-utils'];
  for (const tool of tools) manifest.devDependencies[tool] = workspaceRange(tool);
  manifest.devDependencies['@tokenstream/mock-server'] = specs['@tokenstream/mock-server'];
  manifest.scripts.test = 'vitest run';
  writeJson(manifestPath, manifest);
  // Strict whatever the TypeScript version's default is.
  const tsconfigPath = join(work, dir, 'tsconfig.app.json');
  writeFileSync(tsconfigPath, readFileSync(tsconfigPath, 'utf8').replace('"compilerOptions": {', '"compilerOptions": {\n    "strict": true,'));
  write(
    join(work, dir, 'vitest.config.ts'),
    `
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config';

export default mergeConfig(viteConfig, defineConfig({ test: { environment: 'happy-dom' } }));
`,
  );
}
// One install for both apps; the tarballs win over any registry package of the same name.
writeJson(join(work, 'package.json'), {
  name: 'tokenstream-fresh-apps',
  private: true,
  workspaces: ['react-app', 'vue-app'],
  dependencies: { '@tokenstream/server': specs['@tokenstream/server'] },
  overrides: specs,
});
log(`created react-app and vue-app with ${CREATE_VITE}`);

// 3. The README examples, pasted in as a user would.
const react = join(work, 'react-app', 'src');
const reactExamples = [...snippets('README.md', 'tsx'), ...snippets('packages/react/README.md', 'tsx')];
reactExamples.forEach((s, i) => write(join(react, `ReadmeExample${i}.tsx`), s.code));
const reactChatBox = snippets('packages/react/README.md', 'tsx').find((s) => s.code.includes('export function ChatBox'));
write(join(react, 'ChatBox.tsx'), reactChatBox.code);
write(
  join(react, 'App.tsx'),
  `
import { ChatBox } from './ChatBox';

export default function App() {
  return <ChatBox />;
}
`,
);
const vue = join(work, 'vue-app', 'src');
const vueExamples = [...snippets('README.md', 'vue'), ...snippets('packages/vue/README.md', 'vue')];
vueExamples.forEach((s, i) => write(join(vue, `ReadmeExample${i}.vue`), s.code));
write(join(vue, 'ChatBox.vue'), snippets('packages/vue/README.md', 'vue')[0].code);
write(
  join(vue, 'App.vue'),
  `
<script setup lang="ts">
import ChatBox from './ChatBox.vue';
</script>

<template>
  <ChatBox />
</template>
`,
);

// 4. Component tests: the same conversation against createMockFetch and against MSW.
const mswAvailable = Boolean(readJson(join(root, 'packages/mock-server/package.json')).exports['./msw']);
const expected = `['Hello there', mockAnswer({ messages: [{ role: 'user', content: 'Hello there' }] }).text]`;
write(
  join(react, 'chat-once.tsx'),
  `
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { mockAnswer } from '@tokenstream/mock-server';
import { expect } from 'vitest';
import { ChatBox } from './ChatBox';

/** Sends one message from the README's chat box and waits for the whole answer, exact. */
export async function chatOnce() {
  render(<ChatBox />);
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello there' } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  const texts = () => [...document.querySelectorAll('li')].map((li) => li.textContent);
  await waitFor(() => expect(texts()).toEqual(${expected}), { timeout: 4_000 });
  await waitFor(() => screen.getByRole('button', { name: 'Send' }));
}
`,
);
write(
  join(vue, 'chat-once.ts'),
  `
import { flushPromises, mount } from '@vue/test-utils';
import { mockAnswer } from '@tokenstream/mock-server';
import { expect, onTestFinished, vi } from 'vitest';
import ChatBox from './ChatBox.vue';

/** Sends one message from the README's chat box and waits for the whole answer, exact. */
export async function chatOnce() {
  const wrapper = mount(ChatBox);
  onTestFinished(() => wrapper.unmount());
  await wrapper.get('textarea').setValue('Hello there');
  await wrapper.get('form').trigger('submit');
  const texts = () => wrapper.findAll('li').map((li) => li.text());
  const [question, answer] = ${expected};
  await vi.waitFor(async () => {
    await flushPromises();
    expect(texts()).toEqual([question, answer?.trim()]);
    expect(wrapper.find('button[type="submit"]').exists()).toBe(true);
  }, { timeout: 4_000 });
}
`,
);
for (const [dir, ext, cleanup] of [[react, 'tsx', "import { cleanup } from '@testing-library/react';\n"], [vue, 'ts', '']]) {
  const after = cleanup ? '  cleanup();\n' : '';
  write(
    join(dir, `ChatBox.test.${ext}`),
    `
${cleanup}import { createMockFetch } from '@tokenstream/mock-server';
import { afterEach, it, vi } from 'vitest';
import { chatOnce } from './chat-once';

afterEach(() => {
${after}  vi.unstubAllGlobals();
});

it('streams the whole answer from createMockFetch', async () => {
  vi.stubGlobal('fetch', createMockFetch());
  await chatOnce();
});
`,
  );
  if (!mswAvailable) continue;
  write(
    join(dir, `ChatBox.msw.test.${ext}`),
    `
${cleanup}import { mockStreamHandlers } from '@tokenstream/mock-server/msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { chatOnce } from './chat-once';

const server = setupServer(...mockStreamHandlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
${after}  server.resetHandlers();
});
afterAll(() => server.close());

it('streams the whole answer from MSW', async () => {
  await chatOnce();
});
`,
  );
}
if (!mswAvailable) log('WARNING: @tokenstream/mock-server has no ./msw export yet: the MSW tests are left out');

// 5. Install once, then check, test and build each app as its README would.
log('npm install (tarballs + registry)');
await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
log('installed');
// The two apps in parallel, each: type-check, test, build.
await Promise.all(
  [['react-app', 'tsc', reactExamples.length], ['vue-app', 'vue-tsc', vueExamples.length]].map(async ([dir, checker, examples]) => {
    await run('npx', [checker, '-b'], join(work, dir));
    log(`${dir}: type-checked (strict) with ${examples} README example(s) and the chat box`);
    const output = await run('npx', ['vitest', 'run'], join(work, dir));
    log(`${dir}: tests ${/Tests\s+(.*)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1] ?? 'passed'}`);
    await run('npx', ['vite', 'build', '--logLevel', 'error'], join(work, dir));
    log(`${dir}: built with vite`);
  }),
);

// 6. CommonJS, as an app on Node 20.19+ would: require() every entry point at run time, and type-check the same
// imports in a .cts file under `module: nodenext` (what the README tells CommonJS TypeScript projects to use).
const entries = ['core', 'core/wire', 'core/providers/openai', 'react', 'vue', 'mock-server', 'mock-server/msw', 'server'];
const cjsDir = join(work, 'react-app');
write(
  join(cjsDir, 'require-check.cjs'),
  `for (const entry of ${JSON.stringify(entries)}) {
  const exported = Object.keys(require('@tokenstream/' + entry)).filter((key) => key !== '__esModule');
  if (exported.length === 0) throw new Error('require(@tokenstream/' + entry + ') exports nothing');
}
`,
);
write(join(cjsDir, 'require-check.cts'), `${entries.map((e, i) => `import * as entry${i} from '@tokenstream/${e}';`).join('\n')}\nexport const entries = [${entries.map((_, i) => `entry${i}`).join(', ')}];\n`);
await run(process.execPath, ['require-check.cjs'], cjsDir);
await run('npx', ['tsc', '--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--types', 'node', '--skipLibCheck', 'require-check.cts'], cjsDir);
log(`require() works for ${entries.length} entry points, and type-checks from a .cts file (module nodenext)`);

if (!keep) rmSync(work, { recursive: true, force: true });
log(`done${keep ? ` (kept in ${work})` : ''}`);
