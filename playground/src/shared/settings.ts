// The side panel's choices, kept in one small store that both pages read, so switching between the React
// and the Vue page keeps them.

export type ProviderId = 'openai' | 'responses' | 'anthropic' | 'gemini' | 'ollama' | 'text' | 'ai-sdk' | 'ag-ui' | 'json' | 'websocket';

export type FaultId = 'none' | 'drop' | 'stall' | 'http429' | 'http500' | 'html200' | 'malformed' | 'inband' | 'http401';

export interface PlaygroundSettings {
  provider: ProviderId;
  /** The mock server's pace. */
  tokensPerSecond: number;
  /** Text tokens of each answer. */
  answerLength: number;
  /** Ask the mock for reasoning before the answer. */
  reasoning: boolean;
  /** Injected on the first attempt of every request. */
  fault: FaultId;
  /** Release the answer at an even pace (`smooth` on the chat); a new chat picks it up. */
  smooth: boolean;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = {
  provider: 'openai',
  tokensPerSecond: 30,
  answerLength: 60,
  // Off: with reasoning first, a fault fired while the answer area was still empty (the hint promises partial text).
  reasoning: false,
  fault: 'none',
  smooth: false,
};

export interface SettingsStore {
  get(): PlaygroundSettings;
  set(patch: Partial<PlaygroundSettings>): void;
  subscribe(listener: () => void): () => void;
}

export function createSettingsStore(initial: PlaygroundSettings = DEFAULT_SETTINGS): SettingsStore {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(patch) {
      const next = { ...current, ...patch };
      if ((Object.keys(next) as Array<keyof PlaygroundSettings>).every((key) => next[key] === current[key])) return;
      current = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The one store of this page. */
export const settingsStore = createSettingsStore();
