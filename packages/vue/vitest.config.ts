import { compileScript, parse } from 'vue/compiler-sfc';
import { transformWithOxc, type Plugin } from 'vite';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';

/** Compiles the README's single-file component example for its test (script setup + inline template). */
function compileExampleSfc(): Plugin {
  return {
    name: 'tokenstream:example-sfc',
    async transform(code, id) {
      if (!id.endsWith('.vue')) return null;
      const { descriptor, errors } = parse(code, { filename: id });
      if (errors.length > 0) throw errors[0];
      const script = compileScript(descriptor, { id, inlineTemplate: true });
      return transformWithOxc(script.content, `${id}.ts`, { lang: 'ts' });
    },
  };
}

export default defineProject({
  plugins: [compileExampleSfc()],
  resolve: { alias: workspaceAliases },
  test: { name: 'vue', environment: 'happy-dom', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
});
