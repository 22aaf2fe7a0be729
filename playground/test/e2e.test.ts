import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { mockAnswer } from '@tokenstream/mock-server';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type RunningBrowser } from './support/chromium';
import { startPlayground, type RunningPlayground } from './support/playground-server';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHAT_ROUTE = '/mock/v1/chat/completions';
/** Every route the playground posts to (the mock server's, inside Vite). */
const MOCK_ROUTE = /^\/mock\/(v1\/|v1beta\/|api\/chat$|text$|ai-sdk\/chat$|ag-ui\/run$|json\/chat$)/;

let playground: RunningPlayground;
let browser: RunningBrowser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  [playground, browser] = await Promise.all([startPlayground(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await playground?.close();
});

interface OpenPage {
  page: Page;
  /** JSON bodies of the requests the page sent to the mock, in order (retries included). */
  bodies: unknown[];
  /** URLs of the WebSockets that sent a stream's start message, one per attempt. */
  streamSockets: string[];
  consoleErrors: string[];
}

let open: OpenPage | null = null;

afterEach(async () => {
  await open?.page.close();
  open = null;
});

/** A fresh tab on the playground, switched to `framework` with its nav link; console errors and warnings are collected. */
async function openPlayground(framework: 'React' | 'Vue'): Promise<OpenPage> {
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  const bodies: unknown[] = [];
  const streamSockets: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && MOCK_ROUTE.test(new URL(request.url()).pathname)) bodies.push(request.postDataJSON());
  });
  // The WebSocket format sends its body in the socket's start message.
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const message: unknown = typeof payload === 'string' && payload.startsWith('{') ? JSON.parse(payload) : null;
      if (message && (message as { type?: string }).type === 'start') {
        bodies.push((message as { body: unknown }).body);
        streamSockets.push(socket.url());
      }
    });
  });
  await page.goto(playground.url);
  await page.getByRole('link', { name: framework, exact: true }).click();
  await page.getByRole('heading', { name: framework, exact: true }).waitFor();
  open = { page, bodies, streamSockets, consoleErrors };
  return open;
}

async function configure(page: Page, opts: { speed: number; length?: number; reasoning?: boolean; fault?: string }): Promise<void> {
  await page.getByLabel('Speed').fill(String(opts.speed));
  if (opts.length !== undefined) await page.getByLabel('Answer length (tokens)').fill(String(opts.length));
  if (opts.reasoning !== undefined) await page.getByLabel('Reasoning').setChecked(opts.reasoning);
  await page.getByLabel(opts.fault ?? 'None', { exact: true }).check();
}

async function sendPrompt(page: Page, prompt: string): Promise<void> {
  const textarea = page.getByLabel('Prompt');
  await textarea.fill(prompt);
  await textarea.press('Enter');
}

function lastAssistantText(page: Page): Promise<string> {
  return page.getByTestId('assistant-text').last().innerText();
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector('[data-testid="status"]')?.textContent === s, status);
}

/** The answer the mock server streams for the request at `index`, from its exported answer function. */
function expectedText(bodies: unknown[], index = 0): string {
  expect(bodies.length).toBeGreaterThan(index);
  return mockAnswer(bodies[index]).text;
}

/**
 * Console errors, less Chromium's own network log line for the one failure a test asked the mock for
 * (`Failed to load resource: <reason> (<url>)`), which no page can suppress.
 */
function unexpected(errors: string[], allowedLoadFailure?: string): string[] {
  const allowed = allowedLoadFailure && `Failed to load resource: ${allowedLoadFailure}`;
  return errors.filter((e) => !(allowed && e.startsWith(allowed) && e.includes(CHAT_ROUTE)));
}

describe.each([['React' as const], ['Vue' as const]])('%s page in Chromium', (framework) => {
  it('streams the exact mock answer progressively', async () => {
    const { page, bodies, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 40, length: 40, reasoning: false });
    const textarea = page.getByLabel('Prompt');
    await textarea.fill('Explain streaming');
    await textarea.press('Shift+Enter');
    await textarea.pressSequentially('in one paragraph');
    expect(await textarea.inputValue()).toBe('Explain streaming\nin one paragraph');
    expect(bodies).toEqual([]);
    await textarea.press('Enter');
    expect(await textarea.inputValue()).toBe('');

    await page.getByTestId('assistant-text').first().waitFor();
    const final = expectedText(bodies);
    // An intermediate frame: some text, not all of it yet.
    const partial = await page.waitForFunction(
      (finalLength) => {
        const all = document.querySelectorAll('[data-testid="assistant-text"]');
        const last = all[all.length - 1];
        const text = last?.textContent ?? '';
        const typing = last?.parentElement?.querySelector('.cursor') !== null;
        return text.length > 0 && text.length < finalLength && typing ? text : false;
      },
      final.length,
      { polling: 'raf' },
    );
    const partialText = (await partial.jsonValue()) as string;
    expect(final.startsWith(partialText)).toBe(true);

    await waitForStatus(page, 'done');
    expect(await lastAssistantText(page)).toBe(final);
    expect(await page.locator('.cursor').count()).toBe(0);
    expect(await page.getByTestId('reconnects').innerText()).toBe('0');
    expect(unexpected(consoleErrors)).toEqual([]);
  });

  it('runs the calculator tool and streams the answer to its result', async () => {
    const { page, bodies, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 200, length: 30, reasoning: true });
    await page.getByLabel('Prompt').fill('Please multiply two numbers with the calculator');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForStatus(page, 'done');

    const call = mockAnswer(bodies[0]).toolCalls[0];
    expect(call?.name).toBe('calculator');
    const { a, b } = call.input as { a: number; b: number };
    await expect.poll(() => page.getByLabel('calculator result').innerText()).toBe(JSON.stringify({ result: a * b }));
    expect(await lastAssistantText(page)).toBe(expectedText(bodies, 1));
    await page.locator('details.reasoning').last().locator('summary').click();
    await page.screenshot({ path: `${ARTIFACTS}${framework.toLowerCase()}.png`, fullPage: true });
    expect(unexpected(consoleErrors)).toEqual([]);
  });

  it('survives a mid-stream drop with the exact text and a reconnect', async () => {
    const { page, bodies, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 200, length: 40, reasoning: false, fault: 'Drop mid-stream' });
    await sendPrompt(page, 'Tell me about resumable streams');
    await waitForStatus(page, 'done');

    expect(await lastAssistantText(page)).toBe(expectedText(bodies));
    expect(Number(await page.getByTestId('reconnects').innerText())).toBeGreaterThanOrEqual(1);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('svg.chart line.reconnect').count()).toBeGreaterThanOrEqual(1);
    expect(unexpected(consoleErrors, 'net::ERR_INCOMPLETE_CHUNKED_ENCODING')).toEqual([]);
  });

  it('stops: the text stops growing and stays partial; Regenerate streams the answer again', async () => {
    const { page, bodies, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 20, length: 60, reasoning: false });
    await sendPrompt(page, 'Write a long story');
    await page.waitForFunction(() => (document.querySelector('[data-testid="assistant-text"]')?.textContent ?? '').length > 10);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForStatus(page, 'aborted');

    const atStop = await lastAssistantText(page);
    await page.waitForTimeout(600); // a few tokens' worth at 20 tokens/s
    expect(await lastAssistantText(page)).toBe(atStop);
    const final = expectedText(bodies);
    expect(atStop.length).toBeLessThan(final.length);
    expect(final.startsWith(atStop)).toBe(true);

    await configure(page, { speed: 300 });
    await page.getByRole('button', { name: 'Regenerate', exact: true }).click();
    await waitForStatus(page, 'done');
    expect(await page.getByTestId('assistant-text').count()).toBe(1); // the stopped answer was replaced
    expect(await lastAssistantText(page)).toBe(expectedText(bodies, 1));
    expect(unexpected(consoleErrors)).toEqual([]);
  });

  it('leaving the page mid-stream unmounts it and aborts its request', async () => {
    const { page, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 20, length: 60, reasoning: false });
    const failed = page.waitForEvent('requestfailed', (request) => new URL(request.url()).pathname === CHAT_ROUTE);
    await sendPrompt(page, 'A long answer please');
    await page.getByTestId('assistant-text').first().waitFor();
    const other = framework === 'React' ? 'Vue' : 'React';
    await page.getByRole('link', { name: other, exact: true }).click();
    await page.getByRole('heading', { name: other, exact: true }).waitFor();

    expect((await failed).failure()?.errorText).toBe('net::ERR_ABORTED');
    expect(await page.getByRole('heading', { name: framework, exact: true }).count()).toBe(0);
    expect(await page.getByTestId('status').innerText()).toBe('idle');
    expect(unexpected(consoleErrors)).toEqual([]);
  });

  it('shows a 401 as a sentence a person reads', async () => {
    const { page, consoleErrors } = await openPlayground(framework);
    await configure(page, { speed: 200, fault: '401 Unauthorized' });
    await sendPrompt(page, 'Hello');
    await waitForStatus(page, 'error');

    expect(await page.getByTestId('error').innerText()).toBe('401 Unauthorized — check the API key');
    expect(await page.getByTestId('reconnects').innerText()).toBe('0');
    expect(unexpected(consoleErrors, 'the server responded with a status of 401')).toEqual([]);
  });
});

describe('page loading', () => {
  // Vite dev serves each module by its own URL: a framework's code shows as its pre-bundled dependency
  // (…/deps/react-dom_client.js, …/deps/vue.js) or as the playground's page folder (/src/react/, /src/vue/).
  const FRAMEWORK_URL = { React: /\/deps\/(react|react-dom|scheduler)[._]|\/src\/react\//, Vue: /\/deps\/vue[._]|\/src\/vue\// };

  it.each([['Vue' as const, 'React' as const], ['React' as const, 'Vue' as const]])(
    'the %s page, opened directly, loads no %s code',
    async (shown, other) => {
      const page = await browser.context.newPage();
      open = { page, bodies: [], streamSockets: [], consoleErrors: [] };
      const urls: string[] = [];
      page.on('request', (request: Request) => urls.push(new URL(request.url()).pathname));
      await page.goto(`${playground.url}#/${shown.toLowerCase()}`);
      await page.getByRole('heading', { name: shown, exact: true }).waitFor();
      expect(urls.filter((url) => FRAMEWORK_URL[shown].test(url)).length).toBeGreaterThan(0); // the check sees modules
      expect(urls.filter((url) => FRAMEWORK_URL[other].test(url))).toEqual([]);
    },
  );
});

describe('every provider format', () => {
  it('streams the exact mock answer through each wire format (Vue page)', async () => {
    const { page, bodies, consoleErrors } = await openPlayground('Vue');
    await configure(page, { speed: 300, length: 20, reasoning: true });
    const formats = ['openai', 'responses', 'anthropic', 'gemini', 'ollama', 'text', 'ai-sdk', 'ag-ui', 'json', 'websocket'];
    for (const [i, format] of formats.entries()) {
      await page.getByLabel('Provider format').selectOption(format);
      await waitForStatus(page, 'idle'); // a new chat for the new format
      await sendPrompt(page, `Say hello in the ${format} format`);
      await waitForStatus(page, 'done');
      expect({ format, text: await lastAssistantText(page) }).toEqual({ format, text: expectedText(bodies, i) });
      expect(bodies.length).toBe(i + 1);
    }
    expect(unexpected(consoleErrors)).toEqual([]);
  });

  it('resumes a stream dropped over the WebSocket with the exact text (React page)', async () => {
    const { page, bodies, streamSockets, consoleErrors } = await openPlayground('React');
    await page.getByLabel('Provider format').selectOption('websocket');
    await configure(page, { speed: 200, length: 40, reasoning: false, fault: 'Drop mid-stream' });
    await sendPrompt(page, 'Tell me about sockets');
    await waitForStatus(page, 'done');

    expect(await lastAssistantText(page)).toBe(expectedText(bodies));
    expect(Number(await page.getByTestId('reconnects').innerText())).toBeGreaterThanOrEqual(1);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    // Core's transport opens each attempt on the route's own path of the page's host.
    const route = new URL(CHAT_ROUTE, playground.url);
    route.protocol = 'ws:';
    expect(streamSockets).toEqual(bodies.map(() => route.href));
    expect(unexpected(consoleErrors)).toEqual([]);
  });
});
