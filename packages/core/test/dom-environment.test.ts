// @vitest-environment happy-dom
// The same suites in a DOM, where requests go through @microsoft/fetch-event-source (see transport/http-attempt.ts).
import { expect, it, vi } from 'vitest';
import * as fetchEventSourceModule from '@microsoft/fetch-event-source';
import './sse-spec.test';
import './stream.test';
import './resume.test';

vi.mock('@microsoft/fetch-event-source', { spy: true });

it('runs requests through fetch-event-source here', () => {
  expect(typeof window).toBe('object');
  expect(vi.mocked(fetchEventSourceModule.fetchEventSource)).toHaveBeenCalled();
});
