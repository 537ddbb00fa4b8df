/**
 * Runs the engine in-process on a fixture app with the in-memory store and a manual clock: time moves only
 * when a test says so, and `settle()` waits until no work is left, so tests never sleep.
 */
import path from 'node:path';
import { ManualClock } from '../../src/emulator/clock.js';
import { loadAppConfig } from '../../src/emulator/appConfig.js';
import { Engine } from '../../src/emulator/engine/engine.js';
import { InProcessWorker } from '../../src/emulator/host/inProcessWorker.js';
import {
  createMemoryStore,
  createMemoryStoreData,
  type MemoryStoreData,
} from '../../src/emulator/store/memoryStore.js';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import type { Invocation } from '../../src/emulator/host/protocol.js';

export const JS_CJS = path.resolve(__dirname, '../fixtures/js-cjs');

export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
  data: MemoryStoreData;
  logs: string[];
  /** Waits until no orchestration, activity or entity work is queued or running. */
  settle(): Promise<void>;
  /** Starts an orchestration and waits until the engine is idle. */
  run(name: string, input?: unknown, instanceId?: string): Promise<InstanceRecord>;
}

let shared: InProcessWorker | undefined;

/** One worker per process: the app's `@azure/functions-core` can only be installed once. */
function worker(logs: string[]): InProcessWorker {
  shared ??= new InProcessWorker(loadAppConfig(JS_CJS), 'http://localhost:7071', (level, message) =>
    logs.push(`${level}: ${message}`),
  );
  return shared;
}

let started: Promise<unknown> | undefined;

export interface TestEngineOptions {
  /** Runs before each call to the worker, which waits for it: lets a test hold a call in flight. */
  beforeInvoke?: (call: Invocation) => Promise<void> | void;
}

export async function createTestEngine(
  data: MemoryStoreData = createMemoryStoreData(),
  options: TestEngineOptions = {},
): Promise<TestEngine> {
  const logs: string[] = [];
  const clock = new ManualClock();
  const runner = worker(logs);
  // The shared worker loads the app once; later engines reuse its functions.
  const functions = (started ??= runner.start()) as Promise<Awaited<ReturnType<InProcessWorker['start']>>>;
  const engine = new Engine({
    store: createMemoryStore(data),
    runner: {
      ...runner,
      start: () => functions,
      invoke: async (call) => {
        await options.beforeInvoke?.(call);
        return runner.invoke(call);
      },
      reload: () => runner.reload(),
      stop: () => runner.stop(),
    },
    clock,
    hubName: 'UnitTests',
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  await engine.start();
  const settle = () => engine.whenIdle();
  return {
    engine,
    clock,
    data,
    logs,
    settle,
    async run(name, input, instanceId) {
      const record = await engine.startNew(name, {
        ...(instanceId ? { instanceId } : {}),
        input: input === undefined ? null : JSON.stringify(input),
      });
      await settle();
      return engine.getInstance(record.instanceId)!;
    },
  };
}

export function output(record: InstanceRecord): unknown {
  return record.output === null ? null : JSON.parse(record.output);
}

/** A promise and the function that resolves it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** What a crashed engine leaves: a copy of the store's data as it is now. */
export function storedNow(data: MemoryStoreData): MemoryStoreData {
  return { instances: new Map(data.instances), entities: new Map(data.entities) };
}

/** Polls `done` (between turns of the event loop) until it holds; fails after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
