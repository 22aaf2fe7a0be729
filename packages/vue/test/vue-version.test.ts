import { version } from 'vue';
import { expect, it } from 'vitest';

// The same tests run on Vue 3.5 (devDependency) and Vue 3.3 (scripts/test-vue33.sh): check which one ran.
it(`runs on Vue ${process.env.EXPECT_VUE_MINOR ?? '3.5'}`, () => {
  expect(version.split('.').slice(0, 2).join('.')).toBe(process.env.EXPECT_VUE_MINOR ?? '3.5');
});
