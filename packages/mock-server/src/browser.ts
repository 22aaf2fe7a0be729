// The package's entry for browsers (the `browser` export condition): everything that runs without Node, so
// createMockFetch works in browser-mode tests and in a page. The Node server, handler, WebSocket endpoint and
// Vite plugin are in the main entry only.
export { createMockCore, type MockCore, type MockServerOptions, type MockStats, type ConnectionHooks } from './core';
export { createMockFetch, type MockFetch } from './fetch';
export { mockAnswer, chooseTools, type MockAnswer, type MockAnswerOptions, type MockToolCall, type MockUsage } from './answer';
export { resolveScenario, DEFAULT_SCENARIO, SCENARIO_LIMITS, ScenarioError, type ScenarioSources, type MockScenario, type MockScenarioInput, type MockFault, type ResumeMode } from './scenario';
export { encodeEvent, MockConnectionDropped } from './web-sink';
export { ROUTES, matchRoute, type RouteMatch } from './plan';
export { parseEventId, DEFAULT_LIMITS, type StoreLimits } from './stream-store';
export type { ConnectionStat, OutgoingEvent } from './pump';
export type { FormatName, Framing } from './formats';
export type { RequestFacts, ToolDeclaration } from './request-facts';
