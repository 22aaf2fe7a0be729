/** What a test reads from the relay: events (id/event/data) and comments, in order. */
export type SseItem = { kind: 'event'; id: string; event: string; data: string } | { kind: 'comment'; text: string };

/**
 * A deliberately small SSE reader for the relay's own output (LF line ends only), independent of src/parse.ts
 * so that the two check each other.
 */
export async function openSse(url: string, init: RequestInit = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { method: 'POST', body: '{}', ...init, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const items: SseItem[] = [];

  const parseBlock = (block: string): SseItem[] => {
    const out: SseItem[] = [];
    let id = '';
    let event = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) out.push({ kind: 'comment', text: line.slice(1).trim() });
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line !== '') throw new Error(`unexpected SSE line from the relay: ${JSON.stringify(line)}`);
    }
    if (data.length > 0) out.push({ kind: 'event', id, event, data: data.join('\n') });
    return out;
  };

  /** The next item, or null at the end of the body. */
  const next = async (): Promise<SseItem | null> => {
    for (;;) {
      if (items.length > 0) return items.shift()!;
      const boundary = buffer.indexOf('\n\n');
      if (boundary !== -1) {
        items.push(...parseBlock(buffer.slice(0, boundary)));
        buffer = buffer.slice(boundary + 2);
        continue;
      }
      if (ended) return null;
      const { done, value } = await reader.read();
      if (done) ended = true;
      else buffer += decoder.decode(value, { stream: true });
    }
  };

  /** The next n events (comments skipped). */
  const events = async (n: number) => {
    const out: Extract<SseItem, { kind: 'event' }>[] = [];
    while (out.length < n) {
      const item = await next();
      if (!item) throw new Error(`body ended after ${out.length} of ${n} events`);
      if (item.kind === 'event') out.push(item);
    }
    return out;
  };

  /** Every remaining event until the body ends. */
  const rest = async () => {
    const out: Extract<SseItem, { kind: 'event' }>[] = [];
    for (let item = await next(); item; item = await next()) if (item.kind === 'event') out.push(item);
    return out;
  };

  return {
    response,
    next,
    events,
    rest,
    /** Drops the connection from the client side. */
    cut: () => abort.abort(),
  };
}

/** The text an OpenAI Chat stream carries. */
export function openAiText(events: { data: string }[]): string {
  let text = '';
  for (const { data } of events) {
    if (data === '[DONE]') continue;
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

/** Every event of a finished SSE body (comments skipped), parsed like `openSse` does. */
export async function eventsOf(response: Response): Promise<{ id: string; event: string; data: string }[]> {
  const text = await response.text();
  const out: { id: string; event: string; data: string }[] = [];
  for (const block of text.split('\n\n')) {
    let id = '';
    let event = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) out.push({ id, event, data: data.join('\n') });
  }
  return out;
}
