/**
 * Markdown to HTML that is safe to put into the page from model output: raw HTML is shown as text, and links or images
 * whose URL is not http(s), mailto or relative show as plain text. Built on the app's copy of `marked` (passed in, so
 * core does not depend on it and an app with its own renderer never loads it).
 */

/** The part of the `marked` module this uses (any marked >= 12). */
export interface MarkedModule {
  Marked: new (options: { gfm?: boolean; async?: false; walkTokens?: (token: MarkedTokenLike) => void }) => {
    parse(markdown: string): unknown;
  };
}

/** A marked token, as far as sanitizing needs it. */
export interface MarkedTokenLike {
  type: string;
  raw: string;
  text?: string;
  href?: string;
  block?: boolean;
  tokens?: MarkedTokenLike[];
}

export function createSafeMarkdownRenderer(marked: MarkedModule): (markdown: string) => string {
  const instance = new marked.Marked({ gfm: true, async: false, walkTokens: neutralize });
  return (markdown) => {
    const html = instance.parse(markdown);
    if (typeof html !== 'string') throw new TypeError('createSafeMarkdownRenderer: marked returned a promise (an async extension is installed)');
    // marked ends every block with a newline: trimmed, a block's text is exactly what it shows (no stray whitespace).
    return html.trim();
  };
}

/** Rewrites dangerous tokens in place, before marked renders them. */
function neutralize(token: MarkedTokenLike): void {
  if (token.type === 'html') {
    const shown: MarkedTokenLike = { type: 'text', raw: token.raw, text: token.raw };
    Object.assign(shown, { escaped: false });
    if (token.block) {
      Object.assign(token, { type: 'paragraph', text: token.raw, tokens: [shown] });
    } else {
      Object.assign(token, shown);
    }
    return;
  }
  if ((token.type === 'link' || token.type === 'image') && !isSafeUrl(token.href ?? '')) {
    if (token.type === 'image') Object.assign(token, { type: 'text', text: token.text ?? '', tokens: undefined, escaped: false });
    else Object.assign(token, { type: 'text' }); // its child tokens render as the link text
  }
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/** http(s), mailto and relative URLs; everything else (javascript:, data:, vbscript:, file:...) is refused. */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme, and entities are decoded before use.
  const decoded = url
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => codePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => codePoint(Number(dec)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;|&newline;/gi, '');
  // eslint-disable-next-line no-control-regex
  const compact = decoded.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  return scheme === null || SAFE_SCHEMES.has(scheme[1]!.toLowerCase());
}

function codePoint(value: number): string {
  return value <= 0x10ffff ? String.fromCodePoint(value) : '';
}
