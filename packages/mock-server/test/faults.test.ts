import { describe, expect, it } from 'vitest';
import { chatBody, json, parseSse, rawRequest, useMockServer } from './helpers';

const ctx = useMockServer();
const url = () => ctx.server.url;
/** Stream ids differ per request but have a fixed length: mask them to compare bytes. */
const maskIds = (b: Buffer) => b.toString('latin1').replace(/[0-9a-f]{20}/g, 'ID');
const geminiPath = '/v1beta/models/gemini-test:streamGenerateContent?alt=sse';

describe('drops', () => {
  it('dropAfterBytes sends exactly N bytes, then kills the connection — also mid-UTF-8', async () => {
    const body = chatBody('drop me', { length: 20, ids: false });
    const full = await rawRequest(url(), '/v1/chat/completions', { body });
    const eAcute = full.body.indexOf(Buffer.from('é'));
    expect(eAcute).toBeGreaterThan(0);
    const cut = eAcute + 1; // between the two bytes of "é"
    const res = await rawRequest(url(), '/v1/chat/completions', { body, headers: { 'x-mock-fault': JSON.stringify({ dropAfterBytes: cut }) } });
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.body.length).toBe(cut);
    expect(maskIds(res.body)).toBe(maskIds(full.body.subarray(0, cut)));
    expect(res.body.at(-1)).toBe(0xc3);
  });

  it('dropAfterBytes can land inside Gemini’s CRLF framing', async () => {
    const body = { contents: [{ parts: [{ text: 'crlf' }] }], mock: { length: 5, ids: false } };
    const full = await rawRequest(url(), geminiPath, { body });
    const cut = full.body.indexOf('\r\n\r\n') + 1;
    const res = await rawRequest(url(), geminiPath, { body: { ...body, mock: { ...body.mock, dropAfterBytes: cut } } });
    expect(res.complete).toBe(false);
    expect(maskIds(res.body)).toBe(maskIds(full.body.subarray(0, cut)));
    expect(res.text.endsWith('\r')).toBe(true);
  });

  it('dropAfterEvents sends N whole events, then kills the connection', async () => {
    const res = await rawRequest(url(), '/v1/messages', { body: { messages: [{ role: 'user', content: 'x' }], mock: { dropAfterEvents: 3 } } });
    expect(res.complete).toBe(false);
    expect(parseSse(res.text).map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(res.text.endsWith('\n\n')).toBe(true);
  });
});

describe('HTTP-level faults', () => {
  it('status + retryAfter answers the provider error body with Retry-After', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { status: 429, retryAfter: 2 }) });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(json<any>(res.text).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    const anthropic = await rawRequest(url(), '/v1/messages', { body: { messages: [] }, headers: { 'x-mock-fault': '{"status":529}' } });
    expect(anthropic.status).toBe(529);
    expect(json<any>(anthropic.text)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: expect.any(String) } });
    const gemini = await rawRequest(url(), geminiPath, { body: { contents: [], mock: { fault: { status: 503 } } } });
    expect(json<any>(gemini.text).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    const ollama = await rawRequest(url(), '/api/chat?status=500', { body: { messages: [] } });
    expect(ollama.status).toBe(500);
    expect(typeof json<any>(ollama.text).error).toBe('string');
  });

  it('html200 answers an HTML error page with status 200', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { html200: true }) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
  });
});

describe('in-stream faults', () => {
  it('stallMs pauses after stallAfterEvents events, then the stream goes on', async () => {
    const arrivals: Array<{ at: number; lines: number }> = [];
    const start = Date.now();
    let lines = 0;
    const res = await rawRequest(url(), '/api/generate', {
      body: { prompt: 'stall', mock: { length: 4, stallMs: 300, stallAfterEvents: 2 } },
      onData: (c) => {
        lines += (c.toString().match(/\n/g) ?? []).length;
        arrivals.push({ at: Date.now() - start, lines });
      },
    });
    expect(res.complete).toBe(true);
    expect(res.text.trimEnd().split('\n')).toHaveLength(5);
    const firstTwo = arrivals.find((a) => a.lines >= 2)!;
    const third = arrivals.find((a) => a.lines >= 3)!;
    expect(third.at).toBeGreaterThanOrEqual(295); // the stall happened (timers never fire early)
    expect(third.at - firstTwo.at).toBeGreaterThanOrEqual(150); // ...after the first two events, not before them
  });

  it('malformedAfterEvents inserts one cut-off JSON event and continues', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { length: 4, malformedAfterEvents: 2 }) });
    const events = parseSse(res.text);
    expect(events).toHaveLength(4 + 3 + 1);
    expect(() => JSON.parse(events[2].data)).toThrow();
    expect(events[2].id).toBeUndefined();
    expect(events.at(-1)!.data).toBe('[DONE]');
    const ndjson = await rawRequest(url(), '/api/chat', { body: { messages: [], mock: { length: 2, malformedAfterEvents: 0 } } });
    expect(() => JSON.parse(ndjson.text.split('\n')[0])).toThrow();
  });

  it('inbandErrorAfterEvents sends each provider’s in-band error and ends the body cleanly', async () => {
    const anthropic = await rawRequest(url(), '/v1/messages', { body: { messages: [], mock: { inbandErrorAfterEvents: 4 } } });
    expect(anthropic.complete).toBe(true);
    const events = parseSse(anthropic.text);
    expect(events).toHaveLength(5);
    expect(events[4].event).toBe('error');
    expect(json(events[4].data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });

    const openai = parseSse((await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { inbandErrorAfterEvents: 1 }) })).text);
    expect(openai).toHaveLength(2);
    expect(json<any>(openai[1].data).error).toMatchObject({ type: 'server_error', message: expect.any(String) });

    const responses = parseSse((await rawRequest(url(), '/v1/responses', { body: { input: 'x', mock: { inbandErrorAfterEvents: 2 } } })).text);
    expect(responses[2].event).toBe('error');
    expect(json<any>(responses[2].data)).toMatchObject({ type: 'error', code: 'server_error' });

    const gemini = parseSse((await rawRequest(url(), geminiPath, { body: { contents: [], mock: { inbandErrorAfterEvents: 1 } } })).text, '\r\n');
    expect(json<any>(gemini[1].data).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });

    const ollama = (await rawRequest(url(), '/api/chat', { body: { messages: [], mock: { inbandErrorAfterEvents: 1 } } })).text.trimEnd().split('\n');
    expect(ollama).toHaveLength(2);
    expect(json<any>(ollama[1])).toEqual({ error: expect.any(String) });
  });

  it('slowDrip writes the same bytes one at a time', async () => {
    const body = { prompt: 'drip', mock: { length: 6 } };
    const full = await rawRequest(url(), '/text', { body });
    const chunks: Buffer[] = [];
    const res = await rawRequest(url(), '/text', { body: { ...body, mock: { ...body.mock, slowDrip: 1 } }, onData: (c) => chunks.push(c) });
    expect(res.text).toBe(full.text);
    expect(chunks.length).toBeGreaterThan(full.body.length / 2);
  });

  it('heartbeatMs sends SSE comments while idle', async () => {
    const res = await rawRequest(url(), '/v1/messages', { body: { messages: [], mock: { length: 2, heartbeatMs: 20, firstTokenDelayMs: 150 } } });
    expect(res.text).toContain(': ping\n\n');
    expect(parseSse(res.text).at(-1)!.event).toBe('message_stop');
  });

  it('sends an SSE retry field first when retryMs is set', async () => {
    const res = await rawRequest(url(), '/v1/chat/completions', { body: chatBody('x', { length: 1, retryMs: 1500 }) });
    expect(res.text.startsWith('retry: 1500\n\n')).toBe(true);
  });
});
