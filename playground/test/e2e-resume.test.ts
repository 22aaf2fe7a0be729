import { mockAnswer } from '@tokenstream/mock-server';
import type { Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningBrowser } from './support/chromium';
import { startPlayground, type RunningPlayground } from './support/playground-server';

// Resume in real Chromium (issue 14): a reload mid-answer continues the same answer, a second tab follows it, Stop
// stops the server's generation, leaving does not. The mock server (inside Vite) names a generation by the
// `x-mock-stream-id` of its responses: a join answered with the POST's stream id follows that same generation.

const CHAT_ROUTE = '/mock/v1/chat/completions';

let playground: RunningPlayground;
let browser: RunningBrowser;
const pages: Page[] = [];

beforeAll(async () => {
  [playground, browser] = await Promise.all([startPlayground(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await playground?.close();
});

afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
});

/** What the mock was asked, across reloads of one tab: POST bodies, joins, stops, and the streams answering them. */
interface Traffic {
  posts: unknown[];
  postStreams: string[];
  joins: Array<{ status: number; stream: string | null }>;
  deletes: string[];
  consoleErrors: string[];
}

async function newTab(url: string): Promise<{ page: Page; traffic: Traffic }> {
  const page = await browser.context.newPage();
  pages.push(page);
  const traffic: Traffic = { posts: [], postStreams: [], joins: [], deletes: [], consoleErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') traffic.consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'POST' && path === CHAT_ROUTE) traffic.posts.push(request.postDataJSON());
    if (request.method() === 'DELETE' && path.startsWith(`${CHAT_ROUTE}/`)) traffic.deletes.push(path);
  });
  page.on('response', (response: Response) => {
    const request = response.request();
    const path = new URL(response.url()).pathname;
    const stream = response.headers()['x-mock-stream-id'] ?? null;
    if (request.method() === 'POST' && path === CHAT_ROUTE && stream) traffic.postStreams.push(stream);
    if (request.method() === 'GET' && path.startsWith(`${CHAT_ROUTE}/`) && path.endsWith('/stream')) {
      traffic.joins.push({ status: response.status(), stream });
    }
  });
  await page.goto(url);
  return { page, traffic };
}

async function openChat(framework: 'React' | 'Vue', speed = 30): Promise<{ page: Page; traffic: Traffic }> {
  const tab = await newTab(playground.url);
  await tab.page.getByRole('link', { name: framework, exact: true }).click();
  await tab.page.getByRole('heading', { name: framework, exact: true }).waitFor();
  await tab.page.getByLabel('Speed').fill(String(speed));
  await tab.page.getByLabel('Answer length (tokens)').fill('60');
  await tab.page.getByLabel('Reasoning').setChecked(false);
  return tab;
}

async function sendPrompt(page: Page, prompt: string): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt);
  await page.getByLabel('Prompt').press('Enter');
}

/** The answer's raw text as the page saved it (the DOM may show a rendered or healed tail). */
function savedAnswer(page: Page): Promise<string> {
  return page.evaluate(() => {
    // The playground's key: the session id from the URL, the page from the hash, the provider row (openai here).
    const session = new URL(location.href).searchParams.get('chat');
    const key = `tokenstream-playground:chat:${session}-${location.hash.replace(/^#\/?/, '')}-openai`;
    const messages = JSON.parse(localStorage.getItem(key) ?? '[]') as Array<{ role: string; text: string }>;
    return messages.filter((m) => m.role === 'assistant').at(-1)?.text ?? '';
  });
}

const assistantTexts = (page: Page) => page.getByTestId('assistant-text').allInnerTexts();
const lastAssistantText = (page: Page) => page.getByTestId('assistant-text').last().innerText();

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector('[data-testid="status"]')?.textContent === s, status);
}

/** Waits until the answer shows more than `min` characters, still short of its end; returns that text. */
async function waitForPartial(page: Page, min: number, finalLength: number): Promise<string> {
  const handle = await page.waitForFunction(
    ([least, full]) => {
      const all = document.querySelectorAll('[data-testid="assistant-text"]');
      const text = all[all.length - 1]?.textContent ?? '';
      return text.length > least && text.length < full ? text : false;
    },
    [min, finalLength] as const,
  );
  return (await handle.jsonValue()) as string;
}

describe.each([['React' as const], ['Vue' as const]])('resume on the %s page in Chromium', (framework) => {
  it('a reload mid-answer continues the same answer to its exact final text: one generation in total', async () => {
    const { page, traffic } = await openChat(framework);
    expect(page.url()).toMatch(/[?&]chat=[\w-]+/);
    const joinsBeforeSend = traffic.joins.length; // on mount, before anything was sent: 204s
    await sendPrompt(page, 'Tell me a long story');
    await page.getByTestId('assistant-text').first().waitFor();
    const final = mockAnswer(traffic.posts[0]).text;
    await waitForPartial(page, 10, final.length);
    const before = await savedAnswer(page);

    await page.getByRole('button', { name: 'Reload mid-answer' }).click();
    await page.getByRole('heading', { name: framework, exact: true }).waitFor();
    await waitForStatus(page, 'done');

    expect(await assistantTexts(page)).toEqual([final]); // rebuilt in place, never appended twice
    expect(await savedAnswer(page)).toBe(final);
    expect(before.length).toBeGreaterThan(0);
    expect(final.startsWith(before)).toBe(true);
    expect(await page.getByTestId('rejoins').innerText()).toBe('Rejoined ×1');
    expect(traffic.posts).toHaveLength(1);
    // The page joined on mount and found nothing; after the reload it joined the POST's generation, once.
    expect(traffic.joins.slice(0, joinsBeforeSend).map((join) => join.status)).toEqual(Array(joinsBeforeSend).fill(204));
    expect(traffic.joins.slice(joinsBeforeSend)).toEqual([{ status: 200, stream: traffic.postStreams[0] }]);
    expect(traffic.deletes).toEqual([]);
    expect(traffic.consoleErrors).toEqual([]);
  });
});

describe('resume across tabs and pages in Chromium (React page)', () => {
  it('a second tab shows the same answer live', async () => {
    const first = await openChat('React', 10); // slow: the answer must outlast the second tab's page load
    await sendPrompt(first.page, 'Two tabs, one answer');
    await first.page.getByTestId('assistant-text').first().waitFor();
    const final = mockAnswer(first.traffic.posts[0]).text;
    await waitForPartial(first.page, 5, final.length);

    const second = await newTab(first.page.url());
    await second.page.getByRole('heading', { name: 'React', exact: true }).waitFor();
    // Live, not a finished replay: the second tab streams while the first one still does.
    await waitForStatus(second.page, 'streaming');
    expect(await first.page.getByTestId('status').innerText()).toBe('streaming');
    await Promise.all([waitForStatus(first.page, 'done'), waitForStatus(second.page, 'done')]);
    expect(await assistantTexts(first.page)).toEqual([final]);
    expect(await assistantTexts(second.page)).toEqual([final]);
    expect(second.traffic.posts).toHaveLength(0);
    expect(second.traffic.joins.map((join) => join.stream)).toEqual([first.traffic.postStreams[0]]);
  });

  it('Stop asks the server to stop generating: the partial text stays, and a later join finds no more', async () => {
    const { page, traffic } = await openChat('React');
    await sendPrompt(page, 'Stop me halfway');
    await page.getByTestId('assistant-text').first().waitFor();
    const final = mockAnswer(traffic.posts[0]).text;
    await waitForPartial(page, 10, final.length);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForStatus(page, 'aborted');
    await expect.poll(() => traffic.deletes.length).toBe(1);
    const atStop = await savedAnswer(page); // read once the page saved its final (aborted) state
    const streamPath = traffic.deletes[0];
    expect(streamPath).toMatch(new RegExp(`^${CHAT_ROUTE}/[\\w-]+-react-openai/stream$`));

    // The server's stream ends where it was stopped: two reads of it, apart in time, hold the same events
    // (read from here, raw: the stream's own bytes, which end with the protocol's in-band `cancelled` event).
    await page.waitForTimeout(300);
    const read = async () => (await fetch(new URL(streamPath, playground.url))).text();
    const once = await read();
    await page.waitForTimeout(500); // 15 tokens' worth at 30 tokens/s
    expect(await read()).toBe(once);
    const generated = [...once.matchAll(/"content":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join('');
    expect(generated.startsWith(atStop)).toBe(true);
    expect(generated.length).toBeLessThan(final.length);
    expect(await savedAnswer(page)).toBe(atStop);
    expect(traffic.posts).toHaveLength(1);
  });

  it('leaving the page mid-answer does not stop it: it finishes and can be joined', async () => {
    const { page, traffic } = await openChat('React');
    await sendPrompt(page, 'Keep going without me');
    await page.getByTestId('assistant-text').first().waitFor();
    const final = mockAnswer(traffic.posts[0]).text;
    await waitForPartial(page, 5, final.length);
    const chatUrl = page.url();
    await page.goto('about:blank');
    await page.waitForTimeout(2500); // longer than the rest of the answer takes at 30 tokens/s
    await page.goto(chatUrl);
    await waitForStatus(page, 'done');
    expect(await assistantTexts(page)).toEqual([final]);
    expect(traffic.posts).toHaveLength(1);
    expect(traffic.deletes).toEqual([]);
  });
});
