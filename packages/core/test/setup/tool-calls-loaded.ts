import { createAccumulator } from '../../src/accumulate/accumulator';

// Tool calls and their JSON parser are a chunk the accumulator loads on demand, once per page. Tests that read an
// accumulator right after applying deltas (the provider tests) start with it loaded, as a page that already showed
// a tool call; accumulate/accumulator-lazy.test.ts resets the modules to test the wait itself.
const accumulator = createAccumulator();
accumulator.apply({ toolCall: { index: 0 } });
await accumulator.ready;
