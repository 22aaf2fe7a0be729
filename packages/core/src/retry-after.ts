/**
 * `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. Read from every error
 * response, so it stays in the start-up bundle; the retry decisions (retry.ts) load on the first failure.
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
