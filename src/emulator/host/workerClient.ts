/**
 * The engine's side of the app worker: forks the worker process, batches invocations over IPC, enforces the
 * function timeout, and restarts the worker when it dies, hangs or the code is reloaded. Invocations that were
 * in flight on a worker that went away are sent again to the new one (at-least-once, as on Azure).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../appConfig.js';
import { AppConfigError } from '../appConfigError.js';
import { WORKER_OPTIONS_ENV } from './protocol.js';
import type {
  WorkerBootOptions,
  EngineToWorker,
  FunctionInfo,
  Invocation,
  InvocationResult,
  LogLevel,
  SerializedError,
  WorkerToEngine,
} from './protocol.js';

/** A user function failed (threw, or timed out). */
export class InvocationError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message);
    this.name = 'InvocationError';
  }
}

export type WorkerLogSink = (level: LogLevel, message: string, functionName?: string) => void;

/** What the engine needs from whatever runs user code. */
export interface FunctionRunner {
  start(): Promise<FunctionInfo[]>;
  invoke(call: Invocation): Promise<InvocationResult>;
  /** Reloads the user's code (for --watch); resolves with the new function list. */
  reload(): Promise<FunctionInfo[]>;
  stop(): Promise<void>;
}

export interface ChildWorkerOptions {
  config: AppConfig;
  origin: string;
  log: WorkerLogSink;
  /** `--inspect[=port]` for the worker, so a debugger attaches to user code only. */
  inspect?: string | undefined;
  workerScript?: string;
  /** How long a worker may take to answer a liveness ping after a timeout before it is killed. */
  pingTimeoutMs?: number;
}

interface InFlight {
  call: Invocation;
  resolve: (value: InvocationResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  attempts: number;
}

/** dist/worker.js next to the running bundle, or the repository's build when running from sources. */
export function defaultWorkerScript(): string {
  const candidates = [path.join(__dirname, 'worker.js'), path.resolve(__dirname, '../../../dist/worker.js')];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found)
    throw new Error(`the app worker bundle was not found (looked for ${candidates.join(', ')}): run \`npm run build\``);
  return found;
}

function describeTimeout(ms: number): string {
  const total = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

const MAX_ATTEMPTS_AFTER_CRASH = 3;

export class ChildProcessWorker implements FunctionRunner {
  private child: ChildProcess | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private outbox: { id: number; call: Invocation }[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private stopping = false;
  private generation = 0;
  private readonly pongs = new Map<number, () => void>();
  /** The current worker has sent 'ready' (its app is loaded): only then are calls sent to it. */
  private childReady = false;
  /** A liveness ping after a timeout, pending: the worker it concerns and the calls that timed out meanwhile. */
  private check: { child: ChildProcess; deferred: Set<number> } | undefined;

  constructor(private readonly options: ChildWorkerOptions) {}

  /** The emulator's origin is known only once its server listens (port 0); set it before `start`. */
  setOrigin(origin: string): void {
    this.options.origin = origin;
  }

  start(): Promise<FunctionInfo[]> {
    return this.spawn();
  }

  async reload(): Promise<FunctionInfo[]> {
    await this.kill();
    return this.start();
  }

  invoke(call: Invocation): Promise<InvocationResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.inFlight.set(id, { call, resolve, reject, timer: undefined, attempts: 0 });
      this.outbox.push({ id, call });
      this.scheduleFlush();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = undefined;
    for (const entry of this.inFlight.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error('the emulator is shutting down'));
    }
    this.inFlight.clear();
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      if (child.connected) child.send({ type: 'shutdown' } satisfies EngineToWorker, () => undefined);
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
  }

  private spawn(): Promise<FunctionInfo[]> {
    const generation = ++this.generation;
    const { config, origin, inspect } = this.options;
    const boot: WorkerBootOptions = {
      config: { appDir: config.appDir, mainFiles: config.mainFiles, values: config.values, hubName: config.hubName },
      origin,
    };
    const host = new URL(origin).host;
    const child = fork(this.options.workerScript ?? defaultWorkerScript(), [], {
      cwd: config.appDir,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: inspect !== undefined ? [inspect ? `--inspect=${inspect}` : '--inspect'] : [],
      env: {
        ...process.env,
        [WORKER_OPTIONS_ENV]: JSON.stringify(boot),
        // durable-functions rewrites client URLs to localhost:7071 unless this names the host (§1.1 quirk).
        WEBSITE_HOSTNAME: host,
        FUNCTIONS_WORKER_RUNTIME: 'node',
        AZURE_FUNCTIONS_ENVIRONMENT: process.env['AZURE_FUNCTIONS_ENVIRONMENT'] ?? 'Development',
      },
    });
    this.child = child;
    this.childReady = false;
    // A send racing the worker's exit fails with EPIPE as an 'error' event: without a listener that would crash
    // the emulator. The 'exit' handler below deals with the worker going away.
    child.on('error', (error) => {
      if (generation === this.generation && !this.stopping) this.options.log('warning', `app worker: ${error.message}`);
    });
    const pipeLines = (stream: NodeJS.ReadableStream | null, level: LogLevel) => {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          this.options.log(level, buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
        }
      });
    };
    pipeLines(child.stdout, 'information');
    pipeLines(child.stderr, 'warning');

    return new Promise<FunctionInfo[]>((resolve, reject) => {
      let settled = false;
      child.on('message', (message: WorkerToEngine) => {
        switch (message.type) {
          case 'ready':
            settled = true;
            if (generation === this.generation) this.childReady = true;
            resolve(message.functions);
            this.flush();
            break;
          case 'loadError':
            settled = true;
            reject(
              message.config
                ? new AppConfigError(message.message)
                : new Error(`the app failed to load: ${message.message}`),
            );
            break;
          case 'results':
            for (const { id, outcome } of message.results) {
              const entry = this.inFlight.get(id);
              if (!entry) continue;
              this.inFlight.delete(id);
              clearTimeout(entry.timer);
              if (outcome.ok) entry.resolve(outcome.value);
              else entry.reject(new InvocationError(outcome.error));
            }
            break;
          case 'pong':
            this.pongs.get(message.id)?.();
            break;
          case 'log':
            this.options.log(message.level, message.message, message.functionName);
            break;
        }
      });
      child.on('exit', (code, signal) => {
        if (!settled) {
          settled = true;
          reject(new Error(`the app worker exited while loading (${signal ?? `exit code ${code}`})`));
          return;
        }
        if (generation !== this.generation || this.stopping) return;
        this.options.log(
          'error',
          `The app worker exited unexpectedly (${signal ?? `exit code ${code}`}); restarting it.`,
        );
        this.restartAndRedispatch();
      });
    });
  }

  /**
   * The worker died or was killed: start a new one and give it everything in flight, each with a fresh timeout
   * (time spent on a dead or blocked worker is not the function's). A call in flight through
   * MAX_ATTEMPTS_AFTER_CRASH worker deaths fails, so a function that kills its worker cannot loop forever.
   */
  private restartAndRedispatch(): void {
    this.child = undefined;
    if (this.stopping) return;
    for (const [id, entry] of this.inFlight) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.attempts++;
      if (entry.attempts >= MAX_ATTEMPTS_AFTER_CRASH) {
        this.inFlight.delete(id);
        entry.reject(
          new InvocationError({
            name: 'WorkerExitedError',
            message: `The app worker exited ${entry.attempts} times while running '${entry.call.functionName}'.`,
          }),
        );
      }
    }
    this.requeueInFlight();
    this.spawn().catch((error: Error) => {
      this.options.log('error', `The app worker could not be restarted: ${error.message}`);
      for (const entry of this.inFlight.values()) entry.reject(error);
      this.inFlight.clear();
      this.outbox = [];
    });
  }

  /** Resolves once the old worker is gone, so a new one can take over its inspector port. */
  private kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.childReady = false;
    this.check = undefined;
    this.generation++;
    child?.kill('SIGKILL');
    for (const entry of this.inFlight.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    this.requeueInFlight();
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** The outbox becomes exactly what is in flight, once each, in call order (never a call twice). */
  private requeueInFlight(): void {
    this.outbox = [...this.inFlight].map(([id, entry]) => ({ id, call: entry.call }));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Sends the outbox to the worker once it has loaded the app (a call sent earlier could reach an ES module app
   * before its functions are registered). The timeout clock of a call starts when it is sent.
   */
  private flush(): void {
    const child = this.child;
    if (!child || !this.childReady || !child.connected || this.outbox.length === 0) return;
    const calls = this.outbox;
    this.outbox = [];
    for (const { id } of calls) {
      const entry = this.inFlight.get(id);
      if (entry && entry.timer === undefined) this.arm(id, entry);
    }
    try {
      child.send({ type: 'invoke', calls } satisfies EngineToWorker, (error) => {
        // The worker went away between the check and the send: its exit (or the kill) re-queues what is in
        // flight. Only a worker that is still there gets the calls back here.
        if (error && this.child === child && child.connected) {
          this.outbox.push(...calls.filter((c) => this.inFlight.has(c.id)));
          this.scheduleFlush();
        }
      });
    } catch (error) {
      // Not serialisable: those calls can never run.
      for (const { id } of calls) this.settleWithError(id, error instanceof Error ? error.message : String(error));
    }
  }

  private arm(id: number, entry: InFlight): void {
    const timeoutMs = this.options.config.functionTimeoutMs;
    if (Number.isFinite(timeoutMs)) entry.timer = setTimeout(() => this.onTimeout(id), timeoutMs);
  }

  private settleWithError(id: number, message: string, name = 'Error'): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    this.inFlight.delete(id);
    clearTimeout(entry.timer);
    entry.reject(new InvocationError({ name, message }));
  }

  private failWithTimeout(id: number): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    const limit = describeTimeout(this.options.config.functionTimeoutMs);
    this.settleWithError(
      id,
      `Timeout value of ${limit} was exceeded by function: Functions.${entry.call.functionName}`,
      'FunctionTimeoutException',
    );
  }

  /**
   * A call ran past functionTimeout. Which function is to blame depends on whether the worker still answers, so
   * nothing is failed before a liveness ping:
   * - it answers: the first call that timed out is hung (an awaited promise that never settles) and fails; calls
   *   that timed out while the ping was pending get a fresh timeout (they may only have waited behind a long
   *   synchronous stretch that has ended);
   * - it does not (a blocked event loop): the worker is replaced. The timed-out activity, entity and HTTP calls
   *   fail (user work, where a CPU loop lives); orchestrator episodes, which may just have been queued behind
   *   the loop, go to the new worker with everything else in flight.
   */
  private onTimeout(id: number): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    entry.timer = undefined;
    const child = this.child;
    if (this.check && this.check.child === child) {
      this.check.deferred.add(id);
      return;
    }
    if (!child) return this.failWithTimeout(id);
    const check = { child, deferred: new Set<number>([id]) };
    this.check = check;
    const pingId = this.nextId++;
    const deadline = setTimeout(() => {
      this.pongs.delete(pingId);
      if (this.check === check) this.check = undefined;
      if (this.child !== child) return;
      const stuck = [...check.deferred]
        .map((deferredId) => this.inFlight.get(deferredId)?.call.functionName)
        .filter(Boolean);
      this.options.log(
        'warning',
        `The app worker is unresponsive (blocked event loop) with ${stuck.join(', ')} past the timeout; restarting it.`,
      );
      for (const deferredId of check.deferred) {
        if (this.inFlight.get(deferredId)?.call.kind !== 'orchestration') this.failWithTimeout(deferredId);
      }
      void this.kill().then(() => this.restartAndRedispatch());
    }, this.options.pingTimeoutMs ?? 2000);
    this.pongs.set(pingId, () => {
      clearTimeout(deadline);
      this.pongs.delete(pingId);
      if (this.check === check) this.check = undefined;
      this.failWithTimeout(id);
      for (const deferredId of check.deferred) {
        const deferred = this.inFlight.get(deferredId);
        if (deferred && deferred.timer === undefined) this.arm(deferredId, deferred);
      }
    });
    if (child.connected) child.send({ type: 'ping', id: pingId } satisfies EngineToWorker, () => undefined);
  }
}
