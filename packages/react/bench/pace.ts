import { openai, type FakeRequest } from '@tokenstream/test-utils';

/**
 * Writes OpenAI Chat SSE deltas into `req` at `deltasPerSecond` for `durationMs` (catching up on timer drift,
 * so the average rate is exact), then ends the answer. Resolves with what was sent.
 */
export async function paceDeltas(
  req: FakeRequest,
  { deltasPerSecond, durationMs }: { deltasPerSecond: number; durationMs: number },
): Promise<{ deltas: number; elapsedMs: number; text: string }> {
  const startedAt = performance.now();
  let sent = 0;
  req.push(openai.role());
  while (performance.now() - startedAt < durationMs) {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * deltasPerSecond);
    let chunk = '';
    for (; sent < due; sent++) chunk += openai.text('x');
    if (chunk) req.push(chunk);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  req.push(openai.finish() + openai.usage() + openai.done());
  req.end();
  return { deltas: sent, elapsedMs: performance.now() - startedAt, text: 'x'.repeat(sent) };
}

export function report(rows: Array<Record<string, string | number>>): void {
  console.log(`\n${JSON.stringify(rows, null, 1)}`);
  console.table(rows);
}
