import { describe, expect, it } from 'vitest';
import { createShapeTracker, describeHttpError, inBandError, redactSecrets, shapeFromUrl } from '../src/provider-shape';

function track(events: { event?: string; data: string }[]) {
  const tracker = createShapeTracker();
  for (const e of events) tracker.observe({ event: e.event ?? '', data: e.data });
  return { shape: tracker.shape, terminal: tracker.terminal };
}

describe('provider shape and terminal signal', () => {
  it('OpenAI Chat: chunks, then [DONE]', () => {
    const chunk = { data: '{"object":"chat.completion.chunk","choices":[{"delta":{"content":"a"}}]}' };
    expect(track([chunk])).toEqual({ shape: 'openai', terminal: false });
    expect(track([chunk, { data: '[DONE]' }])).toEqual({ shape: 'openai', terminal: true });
  });

  it('Anthropic: by event names, ends at message_stop', () => {
    expect(track([{ event: 'message_start', data: '{"type":"message_start"}' }])).toEqual({ shape: 'anthropic', terminal: false });
    expect(track([{ event: 'message_start', data: '{}' }, { event: 'message_stop', data: '{}' }]))
      .toEqual({ shape: 'anthropic', terminal: true });
  });

  it('OpenAI Responses: by event name or data type, ends at response.completed/failed/incomplete', () => {
    expect(track([{ event: 'response.output_text.delta', data: '{}' }])).toEqual({ shape: 'openai-responses', terminal: false });
    expect(track([{ data: '{"type":"response.created"}' }, { data: '{"type":"response.incomplete"}' }]))
      .toEqual({ shape: 'openai-responses', terminal: true });
  });

  it('Gemini: ends with the chunk that carries a finishReason', () => {
    expect(track([{ data: '{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}' }])).toEqual({ shape: 'gemini', terminal: false });
    expect(track([{ data: '{"candidates":[{"finishReason":"STOP"}]}' }])).toEqual({ shape: 'gemini', terminal: true });
  });

  it('Ollama: ends at done:true', () => {
    expect(track([{ data: '{"message":{"content":"a"},"done":false}' }])).toEqual({ shape: 'ollama', terminal: false });
    expect(track([{ data: '{"done":true}' }])).toEqual({ shape: 'ollama', terminal: true });
  });

  it('an in-band error is terminal; unknown data leaves the shape open', () => {
    expect(track([{ data: 'plain words' }, { data: '{"x":1}' }])).toEqual({ shape: null, terminal: false });
    expect(track([{ data: '{"error":{"message":"boom"}}' }])).toEqual({ shape: null, terminal: true });
    expect(track([{ event: 'error', data: '{}' }]).terminal).toBe(true);
  });
});

describe('in-band error events per provider', () => {
  const failure = { message: 'boom', type: 'api_error', code: 'upstream_dropped', status: 503 };
  it('each provider gets its own error shape; unknown gets OpenAI\'s', () => {
    expect(inBandError(null, failure)).toEqual({ event: '',
      data: '{"error":{"message":"boom","type":"api_error","param":null,"code":"upstream_dropped"}}' });
    expect(inBandError('anthropic', failure)).toEqual({ event: 'error',
      data: '{"type":"error","error":{"type":"api_error","message":"boom"}}' });
    expect(inBandError('openai-responses', failure)).toEqual({ event: 'error',
      data: '{"type":"error","code":"upstream_dropped","message":"boom","param":null}' });
    expect(JSON.parse(inBandError('gemini', failure).data)).toEqual({ error: { code: 503, message: 'boom', status: 'UNAVAILABLE' } });
    expect(inBandError('ollama', failure)).toEqual({ event: '', data: '{"error":"boom"}' });
  });
});

describe('HTTP error bodies', () => {
  it('reads Gemini and Ollama error bodies and picks their shape', () => {
    expect(describeHttpError(429, 'Too Many Requests',
      '{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}', null)).toEqual({
      shape: 'gemini', failure: { message: 'Upstream HTTP 429: Quota exceeded', type: 'rate_limit_error', code: 'http_429', status: 429 } });
    expect(describeHttpError(404, 'Not Found', '{"error":"model \\"x\\" not found"}', null).shape).toBe('ollama');
  });

  it('an empty body falls back to the status text', () => {
    expect(describeHttpError(502, 'Bad Gateway', '', null).failure.message).toBe('Upstream HTTP 502: Bad Gateway');
  });
});

describe('provider from the endpoint URL', () => {
  it('knows each provider\'s documented streaming paths, and nothing else', () => {
    expect(shapeFromUrl('https://api.anthropic.com/v1/messages')).toBe('anthropic');
    expect(shapeFromUrl('https://api.openai.com/v1/responses')).toBe('openai-responses');
    expect(shapeFromUrl('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'))
      .toBe('gemini');
    expect(shapeFromUrl('http://localhost:11434/api/chat')).toBe('ollama');
    expect(shapeFromUrl('https://api.deepseek.com/chat/completions')).toBe('openai');
    expect(shapeFromUrl('http://127.0.0.1:3000/my/proxy')).toBeNull();
    expect(shapeFromUrl('')).toBeNull();
  });
});

describe('secrets never reach a client', () => {
  it('redacts API keys, bearer tokens and key query parameters', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abcdef123456. Bearer abc.def-ghi and ?key=AIzaSyA12345678901234567890&x=1'))
      .toBe('Incorrect API key provided: [redacted]. [redacted] and ?key=[redacted]&x=1');
  });
});
