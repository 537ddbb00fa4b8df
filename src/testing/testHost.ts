/**
 * `TestHost`: the emulator's engine over a memory store and a clock that can skip ahead, running the user's
 * unmodified app in an app worker process, with activity mocks and fault injection in the test's process and a
 * management API on 127.0.0.1 for the app's own DurableClient (`host.client`).
 */
import fs from 'node:fs';
import path from 'node:path';
import ms from 'ms';
import type { DurableClient } from 'durable-functions';
import { loadAppConfig, type AppConfig } from '../emulator/appConfig.js';
import { SystemClock } from '../emulator/clock.js';
import { EngineError } from '../emulator/engine/api.js';
import { Engine } from '../emulator/engine/engine.js';
import { executeHttpRequest } from '../emulator/engine/httpActivity.js';
import { isTerminal, type InstanceRecord } from '../emulator/engine/model.js';
import { createHttpServer, type EmulatorHttpServer } from '../emulator/http/server.js';
import { toStatusPayload } from '../emulator/http/statusPayload.js';
import { ChildProcessWorker } from '../emulator/host/workerClient.js';
import { createMemoryStore, type MemoryStore } from '../emulator/store/memoryStore.js';
import { emulatorLevel, httpTriggers } from '../emulator/wiring.js';
import { matchBlobPattern } from '../emulator/storage/bindingExpressions.js';
import type { StorageHost } from '../emulator/storage/host.js';
import type { StorageService } from '../emulator/storage/types.js';
import { withStorage } from '../emulator/storage/wiring.js';
import { memoryTimerStatusStore } from '../emulator/triggers/timerStatusStore.js';
import { createTriggers, type Triggers } from '../emulator/triggers/triggers.js';
import type { TriggerOutcome, TriggerRequest } from '../emulator/triggers/types.js';
import { clientBindingJson } from '../protocol/clientBinding.js';
import { ClientCalls, createDurableClient } from './client.js';
import { Idleness } from './idleness.js';
import { MockRunner } from './mockRunner.js';
import { replayCheckInstances } from './replayCheck.js';
import { instanceResult, pendingOf } from './report.js';
import { metadataText, TriggerRuns } from './triggerRuns.js';
import type {
  ActivityCall,
  ActivityMock,
  CallHttpMock,
  FailActivityOptions,
  HistoryEventJson,
  InstanceResult,
  ReplayProblem,
  RunOptions,
  TestClockApi,
  TestHostOptions,
  TestStorage,
  TriggerRunResult,
  WaitOptions,
} from './types.js';

/** Below the 5 s default test timeout of Jest and Vitest, so this host's message says what is pending, not theirs. */
const DEFAULT_TIMEOUT_MS = 4500;
/** How often the blob trigger tries a function on one blob before it gives up (as the host). */
const BLOB_ATTEMPTS = 5;
/** How long `reset` waits for work still running before it refuses. */
const RESET_TIMEOUT_MS = 10_000;

interface Parts {
  config: AppConfig;
  env: Record<string, string>;
  engine: Engine;
  store: MemoryStore;
  runner: MockRunner;
  clock: SystemClock;
  server: EmulatorHttpServer;
  calls: ClientCalls;
  client: DurableClient;
  url: string;
  timeSkipping: boolean;
  triggers: Triggers;
  storage: StorageHost;
  runs: TriggerRuns;
}

export class TestHost {
  /** A DurableClient of the app's own durable-functions package, bound to this host. */
  readonly client: DurableClient;
  /** The emulated clock. */
  readonly clock: TestClockApi;
  /** The host's origin (`http://127.0.0.1:<port>`): the app's HTTP triggers answer under it. */
  readonly url: string;
  private readonly idleness: Idleness;
  private stopping: Promise<void> | undefined;

  private constructor(private readonly parts: Parts) {
    this.client = parts.client;
    this.url = parts.url;
    this.idleness = new Idleness(parts.engine, parts.calls, parts.runs);
    this.clock = {
      now: () => new Date(parts.clock.now()),
      advance: async (by) => {
        await this.parts.engine.advanceClock(durationMs(by));
        await this.waitForIdle();
      },
    };
  }

  /** Loads the app in a worker process and serves it; resolves once its functions are registered. */
  static async start(options: TestHostOptions = {}): Promise<TestHost> {
    const config = loadAppConfig(functionAppDir(path.resolve(options.app ?? process.cwd())));
    const env = { ...options.env };
    const log = options.log ?? defaultLog;
    const clock = new SystemClock();
    const worker = new ChildProcessWorker({
      config,
      origin: '',
      env,
      log: (level, message, functionName) =>
        log(emulatorLevel(level), functionName ? `[${functionName}] ${message}` : message, 'app'),
    });
    const hostLog = (level: 'info' | 'warn' | 'error', message: string): void => log(level, message, 'host');
    // Storage bindings get a private in-memory Azurite on ports the OS chooses, started only for apps that use them.
    const bound = withStorage(worker, {
      config,
      storeDir: undefined,
      azurite: 'ephemeral',
      inMemory: true,
      workerEnv: env,
      log: hostLog,
    });
    const runner = new MockRunner(bound.runner);
    const store = createMemoryStore();
    const engine = new Engine({
      store,
      runner,
      clock,
      hubName: config.hubName,
      maxConcurrentActivities: config.maxConcurrentActivityFunctions,
      maxConcurrentOrchestrations: config.maxConcurrentOrchestratorFunctions,
      log: (level, message) => log(level, message, 'host'),
      httpClient: (request) => runner.callHttp(request, executeHttpRequest),
    });
    const triggers = createTriggers({ engine, runner, statusStore: memoryTimerStatusStore() });
    const server = createHttpServer({
      engine,
      triggers: httpTriggers(engine, runner),
      functionTriggers: triggers,
      storage: () => bound.storage.service,
      routePrefix: config.routePrefix,
      log: (level, message) => log(level, message, 'host'),
      hostStatus: () => ({ state: 'Running', version: 'test' }),
    });
    const port = await server.listen(0);
    const url = `http://127.0.0.1:${port}`;
    worker.setOrigin(url);
    // The worker process boots while this one loads the app's durable-functions for the client (each ~0.3 s).
    const starting = engine.start();
    const calls = new ClientCalls();
    let client: DurableClient | undefined;
    let clientError: unknown;
    try {
      client = createDurableClient(config.appDir, clientBindingJson(url, config.hubName), calls) as DurableClient;
    } catch (error) {
      clientError = error;
    }
    const runs = new TriggerRuns(triggers.host);
    try {
      await starting;
      await triggers.load();
    } catch (error) {
      await Promise.allSettled([server.close(), worker.stop(), bound.storage.stop()]);
      throw error;
    }
    bound.storage.startTriggers(runs);
    if (options.timerTriggers === 'schedule') triggers.begin();
    if (!client) {
      await Promise.allSettled([server.close(), engine.stop()]);
      throw clientError;
    }
    server.reloadRoutes();
    const timeSkipping = options.timeSkipping ?? true;
    const storage = bound.storage;
    return new TestHost({
      ...{ config, env, engine, store, runner, clock, server, calls, client, url, timeSkipping },
      ...{ triggers, storage, runs },
    });
  }

  /** Starts an orchestration and waits for its end: resolves to its final status (Completed, Failed, Terminated). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async run<TOutput = any>(name: string, options: RunOptions = {}): Promise<InstanceResult<TOutput>> {
    let record: InstanceRecord;
    try {
      record = await this.parts.engine.startNew(name, {
        ...(options.instanceId !== undefined ? { instanceId: options.instanceId } : {}),
        input: options.input === undefined ? null : JSON.stringify(options.input),
      });
    } catch (error) {
      throw error instanceof EngineError ? new Error(`run('${name}'): ${error.message}`) : error;
    }
    return this.waitForCompletion<TOutput>(record.instanceId, options);
  }

  /** Waits for an instance's end, skipping time to its timers (and everyone's) when nothing else is in flight. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async waitForCompletion<TOutput = any>(
    instanceId: string,
    options: WaitOptions = {},
  ): Promise<InstanceResult<TOutput>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const { engine } = this.parts;
    for (;;) {
      const record = this.record(instanceId, 'waitForCompletion');
      if (isTerminal(record.status)) return instanceResult(record);
      const idle = await this.idleness.quiet(deadline);
      if (isTerminal(this.record(instanceId, 'waitForCompletion').status)) continue;
      const next = idle && this.parts.timeSkipping ? engine.pendingTimers()[0] : undefined;
      if (next) {
        // A timer already due fires now (its wall-clock callback may not have run yet); a later one, by a jump.
        const ahead = next.fireAt - this.parts.clock.now();
        if (ahead > 0) await engine.advanceClock(ahead);
        else await engine.fireTimer(next.instanceId, next.timerId);
        continue;
      }
      if (!(await this.idleness.nextChange(deadline))) {
        const current = this.record(instanceId, 'waitForCompletion');
        if (isTerminal(current.status)) return instanceResult(current);
        throw new Error(
          `waitForCompletion: ${current.name} '${instanceId}' is still ${current.status} after ${timeoutMs} ms; ` +
            `it waits for: ${pendingOf(current, this.parts.clock.now())}`,
        );
      }
    }
  }

  /** Resolves when nothing is in flight or queued (timers may be pending). Never moves the clock. */
  async waitForIdle(): Promise<void> {
    await this.idleness.quiet(Number.POSITIVE_INFINITY);
  }

  /** Replaces the app's activity with `mock` (may be async; a throw fails the call). */
  mockActivity(name: string, mock: ActivityMock): void {
    this.parts.runner.mockActivity(name, mock);
  }

  /** The next `times` calls of the activity fail with `error`; then the real (or mocked) activity runs. */
  failActivity(name: string, options: FailActivityOptions = {}): void {
    this.parts.runner.failActivity(name, options);
  }

  /** Answers `context.df.callHttp` requests (without a mock they go to the network). */
  mockCallHttp(mock: CallHttpMock): void {
    this.parts.runner.mockCallHttp(mock);
  }

  /** Every call of that activity so far, in call order. */
  calls(name: string): ActivityCall[] {
    return this.parts.runner.calls(name);
  }

  /** The history as the management API returns it with showHistory (and showHistoryOutput). */
  async history(instanceId: string): Promise<HistoryEventJson[]> {
    const record = this.record(instanceId, 'history');
    return (toStatusPayload(record, { showHistory: true, showHistoryOutput: true }).historyEvents ??
      []) as HistoryEventJson[];
  }

  /** Replays every stored instance against the app's code as it is on disk now; [] when all still replay. */
  async replayCheck(): Promise<ReplayProblem[]> {
    await this.waitForIdle();
    return replayCheckInstances(this.parts.config.appDir, this.parts.env, [
      ...this.parts.engine.core.instances.values(),
    ]);
  }

  /** Drops instances, entities, mocks, faults and recorded calls and sets the clock back; the app stays loaded. */
  async reset(): Promise<void> {
    const idle = await this.idleness.quiet(Date.now() + RESET_TIMEOUT_MS);
    if (!idle)
      throw new Error(`reset: work was still running after ${RESET_TIMEOUT_MS} ms (a mock that never settles?)`);
    const { engine, store, runner, clock } = this.parts;
    engine.core.clear();
    store.data.instances.clear();
    store.data.entities.clear();
    runner.clear();
    clock.reset();
  }

  /** The app's storage account (a private in-memory Azurite); throws when the app has no storage bindings. */
  get storage(): TestStorage {
    return this.storageService('storage');
  }

  /**
   * Puts a message on a storage queue and waits until the queue function it triggers has run on it (succeeded, or
   * failed `maxDequeueCount` times and went to the poison queue). Undefined when no function listens to the queue.
   */
  async enqueue(queue: string, message: unknown, options: WaitOptions = {}): Promise<TriggerRunResult | undefined> {
    const listens = this.parts.engine.core.functions.some(
      (fn) => fn.kind === 'queue' && triggerProperty(fn, 'queueName').toLowerCase() === queue.toLowerCase(),
    );
    const { maxDequeueCount } = this.parts.config.queues;
    const seen: { request: TriggerRequest; outcome: TriggerOutcome }[] = [];
    const off = this.parts.runs.onRun((request, outcome) => seen.push({ request, outcome }));
    try {
      const body = typeof message === 'string' || message instanceof Uint8Array ? message : (message as object);
      const { id } = await this.storageService('enqueue').enqueue(queue, body);
      if (!listens) return undefined;
      return await this.until(`enqueue('${queue}')`, options, () => {
        const mine = seen.filter((run) => run.request.reason === 'queue' && metadataText(run.request, 'Id') === id);
        const last = mine.at(-1);
        if (!last) return undefined;
        const dequeues = Number(metadataText(last.request, 'DequeueCount') ?? mine.length);
        if (!last.outcome.ok && dequeues < maxDequeueCount) return undefined;
        return runResult(last.outcome, mine.length);
      });
    } finally {
      off();
    }
  }

  /**
   * Writes a blob (`container/name`) and waits until every blob function whose path matches it has run on it (or
   * failed 5 times). Undefined when no blob function watches that path.
   */
  async putBlob(
    blobPath: string,
    content: string | Uint8Array | object,
    options: WaitOptions = {},
  ): Promise<TriggerRunResult | undefined> {
    const watchers = this.parts.engine.core.functions
      .filter((fn) => fn.kind === 'blob')
      .filter((fn) => matchBlobPattern(triggerProperty(fn, 'path'), blobPath) !== undefined)
      .map((fn) => fn.name);
    const seen: { request: TriggerRequest; outcome: TriggerOutcome }[] = [];
    const off = this.parts.runs.onRun((request, outcome) => seen.push({ request, outcome }));
    try {
      await this.storageService('putBlob').putBlob(blobPath, content);
      if (watchers.length === 0) return undefined;
      return await this.until(`putBlob('${blobPath}')`, options, () => {
        const results = watchers.map((name) => {
          const mine = seen.filter(
            (run) => run.request.functionName === name && metadataText(run.request, 'BlobTrigger') === blobPath,
          );
          const last = mine.at(-1);
          return last && (last.outcome.ok || mine.length >= BLOB_ATTEMPTS)
            ? runResult(last.outcome, mine.length)
            : undefined;
        });
        if (results.some((r) => r === undefined)) return undefined;
        const failed = results.find((r) => !r!.ok);
        return failed ?? { ok: true, attempts: Math.max(...results.map((r) => r!.attempts)) };
      });
    } finally {
      off();
    }
  }

  /** Runs a timer function now (not past due), whatever its schedule; resolves when it has run. */
  async fireTimer(name: string): Promise<TriggerRunResult> {
    return runResult(await this.parts.triggers.fireTimer(name), 1);
  }

  /**
   * Runs any timer, queue, blob or other non-HTTP, non-durable function by hand with `input` as its trigger value,
   * as `POST /admin/functions/{name}` does; resolves when it has run.
   */
  async invoke(name: string, input = ''): Promise<TriggerRunResult> {
    const fn = this.parts.triggers.host.find(name);
    if (!fn || !['timer', 'queue', 'blob', 'other'].includes(fn.kind)) {
      throw new Error(`invoke: the app has no timer, queue, blob or other non-HTTP, non-durable function '${name}'`);
    }
    if (fn.kind === 'timer') return this.fireTimer(fn.name);
    return runResult(
      await this.parts.runs.run({ functionName: fn.name, trigger: { string: input }, reason: 'manual' }),
      1,
    );
  }

  /** Stops the app worker, the management API and storage (the private Azurite). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.parts.server.close();
      this.parts.triggers.stop();
      await this.parts.storage.stop();
      await this.parts.engine.stop();
    })();
    return this.stopping;
  }

  /** Polls `check` on every change and run until it answers, failing after the wait's timeout. */
  private async until<T>(what: string, options: WaitOptions, check: () => T | undefined): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const wake = new Promise<void>((resolve) => {
        const off = this.parts.runs.onRun(() => {
          off();
          resolve();
        });
        setTimeout(resolve, Math.max(0, Math.min(100, deadline - Date.now()))).unref();
      });
      await wake;
      if (Date.now() >= deadline && check() === undefined)
        throw new Error(`${what}: the function it triggers had not finished after ${timeoutMs} ms`);
    }
  }

  private storageService(method: string): StorageService {
    const service = this.parts.storage.service;
    if (!service) throw new Error(`${method}: the app has no storage triggers or bindings`);
    return service;
  }

  private record(instanceId: string, method: string): InstanceRecord {
    const record = this.parts.engine.getInstance(instanceId);
    if (!record) throw new Error(`${method}: no instance with ID '${instanceId}'`);
    return record;
  }
}

/**
 * The function app `from` is in: the nearest folder with a host.json, `from` itself or above (so a test may pass its
 * own folder, compiled or not); `from` when there is none (loading it then says what is missing).
 */
function functionAppDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'host.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

function triggerProperty(
  fn: { bindings: { type: string; properties: Record<string, unknown> }[] },
  key: string,
): string {
  const trigger = fn.bindings.find((binding) => /trigger$/i.test(binding.type));
  const value = trigger?.properties[key];
  return typeof value === 'string' ? value : '';
}

function runResult(outcome: TriggerOutcome, attempts: number): TriggerRunResult {
  return outcome.ok ? { ok: true, attempts } : { ok: false, error: outcome.error, attempts };
}

function durationMs(by: number | string): number {
  const value = typeof by === 'number' ? by : ms(by as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(
      `clock.advance: expected milliseconds or a duration such as '72h', '30m', '10s'; got ${JSON.stringify(by)}`,
    );
  return value;
}

function defaultLog(_level: 'info' | 'warn' | 'error', message: string, source: 'app' | 'host'): void {
  if (source === 'app') process.stderr.write(`[app] ${message}\n`);
}
