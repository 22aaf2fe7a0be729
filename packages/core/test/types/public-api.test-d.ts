// Type tests of the public contract (shared/API.md), checked by `tsc` in `pnpm typecheck` (part of `pnpm lint`): a
// renamed, removed or changed public type fails the build. Subpath imports resolve like an app's (tsconfig paths).
import { describe, expectTypeOf, it } from 'vitest';
import {
  createChat,
  createStream,
  isActive,
  prepareAGUIBody,
  prepareAISDKBody,
  splitMarkdownBlocks,
  StreamError,
  type ChatController,
  type Delta,
  type MarkdownBlocks,
  type ProviderAdapter,
  type ProviderName,
  type StreamController,
  type StreamOptions,
  type StreamSnapshot,
  type StreamStatus,
  type Store,
  type ChatSnapshot,
} from '@tokenstream/core';
import aiSdk from '@tokenstream/core/providers/ai-sdk';
import openai from '@tokenstream/core/providers/openai';
import { createFramer, createSseParser, type Framing } from '@tokenstream/core/wire';

describe('public types', () => {
  it('createStream takes a provider name, auto, none or an adapter object, and returns a controller with join', () => {
    expectTypeOf(createStream).parameter(0).toEqualTypeOf<StreamOptions>();
    expectTypeOf(createStream).returns.toEqualTypeOf<StreamController>();
    expectTypeOf<'ai-sdk' | 'ag-ui' | 'langgraph' | 'langchain' | 'json' | 'openai'>().toMatchTypeOf<ProviderName>();
    expectTypeOf<StreamOptions['provider']>().toMatchTypeOf<'auto' | 'none' | ProviderName | ProviderAdapter | undefined>();
    expectTypeOf<StreamController['join']>().returns.toEqualTypeOf<Promise<StreamSnapshot>>();
    expectTypeOf<StreamOptions['smooth']>().toEqualTypeOf<boolean | { maxLagMs?: number } | undefined>();
  });

  it('an adapter may end a protocol on a clean close and read announcing headers', () => {
    expectTypeOf<ProviderAdapter['end']>().toEqualTypeOf<(() => Delta | Delta[] | null) | undefined>();
    expectTypeOf(openai).returns.toEqualTypeOf<ProviderAdapter>();
    expectTypeOf(aiSdk).returns.toEqualTypeOf<ProviderAdapter>();
  });

  it('snapshots carry errors as values with a kind and a code', () => {
    expectTypeOf<StreamSnapshot['error']>().toEqualTypeOf<StreamError | null>();
    expectTypeOf<StreamError['kind']>().toEqualTypeOf<'http' | 'network' | 'timeout' | 'parse' | 'provider' | 'overflow' | 'aborted'>();
    expectTypeOf<StreamError['code']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(isActive).toEqualTypeOf<(status: StreamStatus) => boolean>();
  });

  it('stream and chat controllers are Stores a view subscribes to, with setOptions', () => {
    expectTypeOf<StreamController>().toMatchTypeOf<Store<StreamSnapshot>>();
    expectTypeOf<ChatController>().toMatchTypeOf<Store<ChatSnapshot>>();
    expectTypeOf<StreamController['setOptions']>().parameter(0).toEqualTypeOf<StreamOptions>();
  });

  it('chats resume, join and stop', () => {
    expectTypeOf(createChat).returns.toEqualTypeOf<ChatController>();
    expectTypeOf<Parameters<typeof createChat>[0]['resume']>().toEqualTypeOf<boolean | { url?: string | URL } | undefined>();
    expectTypeOf<ChatController['join']>().toBeFunction();
    expectTypeOf(prepareAISDKBody).toBeFunction();
    expectTypeOf(prepareAGUIBody).toBeFunction();
  });

  it('markdown blocks and the wire layer', () => {
    expectTypeOf(splitMarkdownBlocks).returns.toEqualTypeOf<MarkdownBlocks>();
    expectTypeOf<MarkdownBlocks>().toEqualTypeOf<{ blocks: string[]; tail: string }>();
    expectTypeOf<Framing>().toEqualTypeOf<'sse' | 'ndjson' | 'text' | 'json-array'>();
    expectTypeOf(createFramer).toBeFunction();
    expectTypeOf(createSseParser).toBeFunction();
  });
});
