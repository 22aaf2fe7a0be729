export { bytes, chunkEvery, chunkRandomly, seededRandom } from './bytes';
export { createFakeFetch, type FakeFetch, type FakeRequest } from './hand-fetch';
export { replayFetch, type BodyPart, type ReplayFetch } from './replay-fetch';
export { scriptedFetch, streamBody, streamResponse, type BodyScript, type RecordedRequest, type Responder, type ScriptedFetch } from './scripted-fetch';
export { anthropicStream, openAIChatStream, openAIChatTurn, openai, sseEvent, type ScriptedCall, type ScriptedTurn } from './streams';
export { gate, nextTask, waitForSnapshot, waitUntil, type Observable } from './waits';
