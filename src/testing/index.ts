/**
 * `durable-studio/testing`: test a Durable Functions app's orchestrations in any test runner, on the emulator's
 * engine, with time skipping, activity mocks and fault injection. See docs/testing-library.md.
 */
export { TestHost } from './testHost.js';
export type * from './types.js';
