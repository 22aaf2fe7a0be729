import { version } from 'react';
import { version as domVersion } from 'react-dom';
import { expect, it } from 'vitest';

// The same tests run on React 19 (devDependency) and React 18 (scripts/test-react18.sh): check which one ran.
it(`runs on React ${process.env.EXPECT_REACT_MAJOR ?? '19'}`, () => {
  const major = process.env.EXPECT_REACT_MAJOR ?? '19';
  expect(version.split('.')[0]).toBe(major);
  expect(domVersion.split('.')[0]).toBe(major);
});
