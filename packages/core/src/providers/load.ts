import { StreamError } from '../errors';
import type { Delta, ProviderAdapter, ProviderName, RawEvent, StreamOptions } from '../types';

export interface LoadedAdapter {
  adapter: ProviderAdapter;
  /** A plain-text body is read as text ('auto' chooses from the stream itself; 'none' has no protocol). */
  readsPlainText: boolean;
  /** `provider: 'none'`: events only go to `onEvent`, so an event (not output) is what a stream has shown. */
  rawEvents: boolean;
  /** For sniffing an unlabelled body: whether its first JSON line is an event of a protocol this stream can read. */
  recognizes(line: string): boolean;
}

/**
 * The adapter of one stream. An adapter object is used as it is; a name or 'auto' loads the registry of every
 * protocol on demand (a dynamic import), so an app that passes one adapter object ships none of the others.
 */
export async function loadAdapter(provider: StreamOptions['provider']): Promise<LoadedAdapter> {
  if (typeof provider === 'object' && provider !== null && typeof provider.parse === 'function') {
    return { adapter: provider, readsPlainText: false, rawEvents: false, recognizes: () => true };
  }
  if (provider === 'none') {
    return { adapter: rawEventsAdapter(), readsPlainText: true, rawEvents: true, recognizes: () => true };
  }
  const registry = await import('./registry');
  const auto = provider === undefined || provider === 'auto';
  if (!auto && !registry.PROVIDER_NAMES.includes(provider as ProviderName)) {
    throw new StreamError(
      'parse',
      `Unknown provider ${JSON.stringify(provider)}; expected 'auto', 'none', a ProviderAdapter or one of ${registry.PROVIDER_NAMES.join(', ')}`,
      { code: 'unknown_provider' },
    );
  }
  const create = auto ? registry.createAutoAdapter : () => registry.createAdapterByName(provider as ProviderName);
  const adapter = create();
  // A named protocol recognises only its own events; 'auto' any protocol's.
  const recognizes = (line: string) => registry.acceptsFirstLine(create, line);
  return { adapter, readsPlainText: auto, rawEvents: false, recognizes };
}

/** Plain text: every chunk is text, and the end of the body is the end of the answer (there is no other signal). */
export function createTextAdapter(): ProviderAdapter {
  return {
    name: 'text',
    parse: (event: RawEvent): Delta => ({ text: event.data }),
    end: (): Delta => ({ done: true }),
  };
}

/** `provider: 'none'`: SSE and NDJSON events go to `onEvent` only (plain text is still text); the end of the body completes the stream. */
function rawEventsAdapter(): ProviderAdapter {
  return { name: 'none', parse: () => null, end: () => ({ done: true }) };
}
