import * as marked from 'marked';
import { describe, expect, it } from 'vitest';
import { createSafeMarkdownRenderer, isSafeUrl } from '../../src/markdown/safe-html';

const render = createSafeMarkdownRenderer(marked);

describe('createSafeMarkdownRenderer', () => {
  it('renders ordinary markdown like marked does', () => {
    const text = '# Title\n\n**bold** [docs](https://example.com/a?b=1) `code`\n\n| a |\n|---|\n| 1 |\n';
    expect(render(text)).toBe((marked.parse(text, { async: false }) as string).trim());
  });

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    'text <b onmouseover="alert(1)">hover</b> more',
    '<div>\n<iframe src="https://evil.example"></iframe>\n</div>',
    '<!-- <script>alert(1)</script> -->',
  ])('shows raw HTML as text, never as markup: %s', (text) => {
    const html = render(text);
    expect(html).not.toMatch(/<(script|img|b|iframe|div)[\s>]/i);
    expect(html).toContain('&lt;');
  });

  it.each([
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](java\tscript:alert(1))',
    '[click](javascript&#58;alert(1))',
    '[click](&#x6A;avascript:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD4=)',
    '[click](vbscript:msgbox)',
    '<javascript:alert(1)>',
    '![pic](javascript:alert(1))',
  ])('drops the link or image of an unsafe URL: %s', (text) => {
    const html = render(text);
    expect(html).not.toMatch(/href=|src=/);
    expect(html.toLowerCase()).not.toMatch(/<a |<img /);
  });

  it('keeps http(s), mailto and relative links', () => {
    for (const url of ['https://a.example/x', 'http://a.example', 'mailto:a@b.example', '/docs', '#part', 'page.html']) {
      expect(isSafeUrl(url), url).toBe(true);
      expect(render(`[x](${url})`)).toContain('<a href=');
    }
  });
});
