import { prepareOpenAIChatBody } from '@tokenstream/core';
import type { ChatOptions, ChatTool } from '@tokenstream/core';

/**
 * The function-valued chat options as stable wrappers that call the values from `read()` at each use.
 * createChat copies its options when it is created (the stream options, tools, prepareBody), so without these
 * a chat created on the first render would keep the first render's headers, tool closures and body builder.
 * Plain values it copies (url, method, retry, maxSteps, the set of tool names) stay as they were at creation.
 * (Same as @tokenstream/react's; it can go once createChat reads its options at each step.)
 */
export function liveChatCallbacks(read: () => ChatOptions): Partial<ChatOptions> {
  const initial = read();
  const live: Partial<ChatOptions> = {
    headers: async () => {
      const headers = read().headers;
      return (typeof headers === 'function' ? await headers() : headers) ?? {};
    },
    fetch: (input, init) => (read().fetch ?? globalThis.fetch)(input, init),
    prepareBody: (messages, ctx) => (read().prepareBody ?? prepareOpenAIChatBody)(messages, ctx),
    onFinish: (message) => read().onFinish?.(message),
    onError: (error) => read().onError?.(error),
  };
  if (initial.tools) {
    const tools: Record<string, ChatTool> = {};
    for (const [name, tool] of Object.entries(initial.tools)) {
      const execute = tool.execute;
      tools[name] = {
        ...tool,
        ...(execute && {
          execute: (input: unknown, ctx: { signal: AbortSignal; toolCallId: string }) => {
            const current = read().tools?.[name];
            return current?.execute ? current.execute(input, ctx) : execute.call(tool, input, ctx);
          },
        }),
      };
    }
    live.tools = tools;
  }
  return live;
}
