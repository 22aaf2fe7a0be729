import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/retry-after';

describe('parseRetryAfter', () => {
  it('parses delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(' 3 ')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0); // past
  });

  it('is undefined when absent or unreadable', () => {
    for (const value of [null, '', 'soon', 'in a while']) expect(parseRetryAfter(value), String(value)).toBeUndefined();
  });
});
