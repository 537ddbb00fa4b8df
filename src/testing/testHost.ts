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
import { clientBindingJson } from '../protocol/clientBinding.js';
import { ClientCalls, createDurableClient } from './client.js';
import { Idleness } from './idleness.js';
import { MockRunner } from './mockRunner.js';
import { replayCheckInstances } from './replayCheck.js';
import { instanceResult, pendingOf } from './report.js';
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
  WaitOptions,
} from './types.js';

/** Below the 5 s default test timeout of Jest and Vitest, so this host's message says what is pending, not theirs. */
const DEFAULT_TIMEOUT_MS = 4500;
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
    this.idleness = new Idleness(parts.engine, parts.calls);
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
    const runner = new MockRunner(worker);
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
    const server = createHttpServer({
      engine,
      triggers: httpTriggers(engine, worker),
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
    try {
      await starting;
    } catch (error) {
      await Promise.allSettled([server.close(), worker.stop()]);
      throw error;
    }
    if (!client) {
      await Promise.allSettled([server.close(), engine.stop()]);
      throw clientError;
    }
    server.reloadRoutes();
    const timeSkipping = options.timeSkipping ?? true;
    return new TestHost({ config, env, engine, store, runner, clock, server, calls, client, url, timeSkipping });
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

  /** Stops the app worker and the management API. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.parts.server.close();
      await this.parts.engine.stop();
    })();
    return this.stopping;
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
