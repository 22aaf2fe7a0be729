export { bytes, chunkEvery, chunkRandomly, seededRandom } from './bytes';
export { createFakeFetch, type FakeFetch, type FakeRequest } from './hand-fetch';
export { replayFetch, type BodyPart } from './replay-fetch';
export { scriptedFetch, streamResponse } from './scripted-fetch';
export { anthropicStream, openAIChatStream, openAIChatTurn, openai } from './streams';
export { gate, nextTask, waitForSnapshot, waitUntil } from './waits';
export { pulledBody } from './pulled-body';
