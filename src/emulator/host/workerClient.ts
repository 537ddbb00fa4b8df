/**
 * The engine's side of the app worker: a supervisor that batches invocations over IPC to the main worker,
 * enforces the function timeout, replaces a worker that dies, blocks or is reloaded, and decides what happens
 * to the calls that were in flight on it (blame.ts): the call that killed or blocked the worker fails, HTTP
 * calls fail rather than run twice, everything else runs again. When the culprit cannot be named, the suspects
 * run again in a second, isolation worker, away from everyone else, until it is found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../appConfig.js';
import { judge, type Judgement, type WorkerDeath, type WorkerRole } from './blame.js';
import { culpritError, describeVerdict, droppedHttpError, timeoutError } from './failureText.js';
import type { FunctionInfo, Invocation, InvocationResult, Outcome, SerializedError } from './protocol.js';
import { InvocationError, type FunctionRunner, type WorkerLogSink } from './runner.js';
import { WorkerProcess } from './workerProcess.js';

export interface ChildWorkerOptions {
  config: AppConfig;
  origin: string;
  log: WorkerLogSink;
  /** `--inspect[=port]` for the main worker, so a debugger attaches to user code only. */
  inspect?: string | undefined;
  /** Environment variables the worker gets over the emulator's own (the testing library's `env`). */
  env?: Record<string, string>;
  workerScript?: string;
  /** How long a worker may take to answer a liveness ping after a timeout before it is killed. */
  pingTimeoutMs?: number;
}

interface InFlight {
  id: number;
  call: Invocation;
  standalone: (() => Invocation) | undefined;
  resolve: (value: InvocationResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** The worker it was sent to; undefined while it waits in a queue. */
  worker: WorkerProcess | undefined;
  /** It ran on a worker that is gone: the next one gets the standalone form. */
  resent: boolean;
  outsideKills: number;
}

/** Attempts at starting a main worker after one died, 0.25 s, 0.5 s, 1 s and 2 s apart. */
const MAX_RESTART_ATTEMPTS = 5;
const RESTART_PAUSE_MS = 250;

export class ChildProcessWorker implements FunctionRunner {
  private main: WorkerProcess | undefined;
  private isolation: WorkerProcess | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  /** Calls waiting for the main worker, in call order. */
  private mainQueue: number[] = [];
  /** Suspects waiting for the isolation worker, one cohort after the other (see blame.ts). */
  private cohorts: number[][] = [];
  private flushScheduled = false;
  private nextId = 1;
  private stopping = false;
  private markerCount = 0;
  private markerDir: string | undefined;
  /** Workers with a liveness ping pending after a timeout, and the calls that timed out on them meanwhile. */
  private readonly checks = new Map<WorkerProcess, Set<number>>();

  constructor(private readonly options: ChildWorkerOptions) {}

  /** The emulator's origin is known only once its server listens (port 0); set it before `start`. */
  setOrigin(origin: string): void {
    this.options.origin = origin;
  }

  /** Starts the main worker (again, after `stop`). */
  start(): Promise<FunctionInfo[]> {
    this.stopping = false;
    return this.spawnMain();
  }

  async reload(): Promise<FunctionInfo[]> {
    await this.killAll();
    return this.spawnMain();
  }

  invoke(call: Invocation, standalone?: () => Invocation): Promise<InvocationResult> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.inFlight.set(id, {
        id,
        call,
        standalone,
        resolve,
        reject,
        timer: undefined,
        worker: undefined,
        resent: false,
        outsideKills: 0,
      });
      this.mainQueue.push(id);
      this.scheduleFlush();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of this.inFlight.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error('the emulator is shutting down'));
    }
    this.inFlight.clear();
    this.mainQueue = [];
    this.cohorts = [];
    const workers = [this.main, this.isolation].filter((w): w is WorkerProcess => w !== undefined);
    this.main = this.isolation = undefined;
    await Promise.all(workers.map((worker) => worker.shutdown()));
    if (this.markerDir) fs.rmSync(this.markerDir, { recursive: true, force: true });
    this.markerDir = undefined;
  }

  private spawn(role: WorkerRole): WorkerProcess {
    this.markerDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'durable-studio-worker-'));
    return new WorkerProcess(
      {
        role,
        config: this.options.config,
        origin: this.options.origin,
        inspect: role === 'main' ? this.options.inspect : undefined,
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(this.options.workerScript ? { workerScript: this.options.workerScript } : {}),
        markerFile: path.join(this.markerDir, `${role}-${++this.markerCount}.marker`),
      },
      {
        results: (worker, results) => this.onResults(worker, results),
        log: this.options.log,
        died: (worker, death) => this.onDeath(worker, death),
      },
    );
  }

  private async spawnMain(): Promise<FunctionInfo[]> {
    const worker = this.spawn('main');
    this.main = worker;
    const functions = await worker.loaded;
    this.scheduleFlush();
    return functions;
  }

  /**
   * Replaces a main worker that died. A new worker that cannot load the app (killed while loading, a transient
   * error) is tried again with a growing pause, the calls still queued; after `MAX_RESTART_ATTEMPTS` failures they
   * fail with the load error, and later calls wait for a reload (--watch) or a restart of the emulator.
   */
  private restartMain(attempt: number): void {
    if (this.stopping) return;
    this.spawnMain().catch((error: Error) => {
      if (this.stopping) return;
      this.main = undefined;
      this.options.log('error', `The app worker could not be restarted (attempt ${attempt}): ${error.message}`);
      if (attempt < MAX_RESTART_ATTEMPTS) {
        setTimeout(() => this.restartMain(attempt + 1), RESTART_PAUSE_MS * 2 ** (attempt - 1));
        return;
      }
      for (const entry of this.inFlight.values()) {
        clearTimeout(entry.timer);
        entry.reject(error);
      }
      this.inFlight.clear();
      this.mainQueue = [];
      this.cohorts = [];
    });
  }

  /** Kills both workers (new code, or a reload); what ran on them waits for the next ones, blamed on no one. */
  private async killAll(): Promise<void> {
    const workers = [this.main, this.isolation].filter((w): w is WorkerProcess => w !== undefined);
    this.main = this.isolation = undefined;
    for (const worker of workers) this.requeue(worker);
    await Promise.all(workers.map((worker) => worker.kill().then(() => worker.removeMarker())));
  }

  /** Calls of a worker that is going away go back in their queues (isolated ones as the next cohort). */
  private requeue(worker: WorkerProcess): void {
    const ids = this.detach(worker).map((entry) => entry.id);
    if (ids.length === 0) return;
    if (worker.role === 'main') this.mainQueue.unshift(...ids);
    else this.cohorts.unshift(ids);
  }

  /**
   * The calls a worker that is going away had in flight, no longer tied to it: no timeout, no pending liveness
   * check, and sent again in their standalone form to whichever worker runs them next.
   */
  private detach(worker: WorkerProcess): InFlight[] {
    this.checks.delete(worker);
    const calls = this.callsOn(worker);
    for (const entry of calls) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.worker = undefined;
      entry.resent = true;
    }
    return calls;
  }

  private callsOn(worker: WorkerProcess): InFlight[] {
    return [...this.inFlight.values()].filter((entry) => entry.worker === worker);
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
   * Sends the main queue to the main worker once it has loaded the app (a call sent earlier could reach an ES
   * module app before its functions are registered), and the next cohort of suspects to the isolation worker
   * when it has nothing in flight. The timeout clock of a call starts when it is sent.
   */
  private flush(): void {
    if (this.stopping) return;
    if (this.main?.isReady && this.mainQueue.length > 0) {
      const ids = this.mainQueue;
      this.mainQueue = [];
      this.sendTo(this.main, ids);
    }
    this.flushIsolation();
  }

  private flushIsolation(): void {
    const isolation = this.isolation;
    if (isolation && this.callsOn(isolation).length > 0) return;
    while (this.cohorts.length > 0 && !this.cohorts[0]!.some((id) => this.inFlight.has(id))) this.cohorts.shift();
    if (this.cohorts.length === 0) {
      if (isolation) {
        this.isolation = undefined;
        void isolation.shutdown();
      }
      return;
    }
    if (!isolation) {
      this.isolation = this.spawnIsolation();
      return;
    }
    if (!isolation.isReady) return;
    const cohort = this.cohorts.shift()!.filter((id) => this.inFlight.has(id));
    const names = cohort.map((id) => this.inFlight.get(id)!.call.functionName);
    this.options.log('warning', `Running ${names.join(', ')} again in an isolated app worker to find the culprit.`);
    this.sendTo(isolation, cohort);
  }

  private spawnIsolation(): WorkerProcess {
    const worker = this.spawn('isolation');
    worker.loaded.then(
      () => this.scheduleFlush(),
      (error: Error) => {
        // Without a second worker the suspects go back to the main one, as before the isolation existed.
        this.options.log('error', `The isolated app worker could not start (${error.message}).`);
        if (this.isolation === worker) this.isolation = undefined;
        this.mainQueue.push(...this.cohorts.flat());
        this.cohorts = [];
        this.scheduleFlush();
      },
    );
    return worker;
  }

  private sendTo(worker: WorkerProcess, ids: number[]): void {
    const calls: { id: number; call: Invocation }[] = [];
    for (const id of ids) {
      const entry = this.inFlight.get(id);
      if (!entry) continue;
      entry.worker = worker;
      this.arm(entry);
      calls.push({ id, call: entry.resent && entry.standalone ? entry.standalone() : entry.call });
    }
    try {
      worker.send(calls);
    } catch (error) {
      // Not serialisable: those calls can never run.
      const message = error instanceof Error ? error.message : String(error);
      for (const { id } of calls) this.settleWithError(id, { name: 'Error', message });
    }
  }

  private onResults(worker: WorkerProcess, results: { id: number; outcome: Outcome }[]): void {
    for (const { id, outcome } of results) {
      const entry = this.inFlight.get(id);
      if (!entry || entry.worker !== worker) continue;
      this.inFlight.delete(id);
      clearTimeout(entry.timer);
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(new InvocationError(outcome.error));
    }
    if (worker.role === 'isolation') this.flushIsolation();
  }

  /** A worker died by itself, or was killed as unresponsive: judge the calls it had, then replace it. */
  private onDeath(worker: WorkerProcess, death: WorkerDeath): void {
    // Replaced meanwhile (a reload): its calls were requeued, and its check dropped, then.
    if (worker !== this.main && worker !== this.isolation) return worker.removeMarker();
    const calls = this.detach(worker);
    const marker = worker.userCodeMarker();
    worker.removeMarker();
    const verdict = judge(
      worker.role,
      death,
      marker,
      calls.map((entry) => ({ id: entry.id, kind: entry.call.kind, outsideKills: entry.outsideKills })),
    );
    const name = (id: number) => this.inFlight.get(id)?.call.functionName ?? `#${id}`;
    this.options.log('error', describeVerdict(worker.role, death, verdict, name, !this.stopping));
    this.apply(death, verdict);
    if (this.stopping) return;
    if (worker === this.main) {
      this.main = undefined;
      this.restartMain(1);
    } else if (worker === this.isolation) {
      this.isolation = undefined;
    }
    this.scheduleFlush();
  }

  private apply(death: WorkerDeath, verdict: Judgement): void {
    for (const id of verdict.guilty) {
      const entry = this.inFlight.get(id);
      if (entry) this.settleWithError(id, culpritError(death, entry.call.functionName, this.timeoutMs));
    }
    for (const id of verdict.dropped) this.settleWithError(id, droppedHttpError());
    for (const id of [...verdict.retry, ...verdict.cohorts.flat()]) {
      const entry = this.inFlight.get(id);
      if (entry && verdict.outside) entry.outsideKills++;
    }
    this.mainQueue.unshift(...verdict.retry.filter((id) => this.inFlight.has(id)));
    this.cohorts.unshift(...verdict.cohorts);
  }

  private arm(entry: InFlight): void {
    clearTimeout(entry.timer);
    entry.timer = Number.isFinite(this.timeoutMs)
      ? setTimeout(() => this.onTimeout(entry.id), this.timeoutMs)
      : undefined;
  }

  private settleWithError(id: number, error: SerializedError): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    this.inFlight.delete(id);
    clearTimeout(entry.timer);
    entry.reject(new InvocationError(error));
  }

  private failWithTimeout(id: number): void {
    const entry = this.inFlight.get(id);
    if (entry) this.settleWithError(id, timeoutError(entry.call.functionName, this.timeoutMs));
  }

  private get timeoutMs(): number {
    return this.options.config.functionTimeoutMs;
  }

  /**
   * A call ran past functionTimeout. Whether it is to blame depends on whether its worker still answers, so
   * nothing is failed before a liveness ping:
   * - it answers: the call is hung (an awaited promise that never settles) and fails with the host's timeout
   *   error; calls that timed out while the ping was pending get a fresh timeout (they may only have waited
   *   behind a long synchronous stretch that has ended);
   * - it does not: its event loop is blocked, and the worker is killed and judged (blame.ts) like a worker that
   *   died, with every call it had in flight.
   */
  private onTimeout(id: number): void {
    const entry = this.inFlight.get(id);
    const worker = entry?.worker;
    if (!entry || !worker) return;
    entry.timer = undefined;
    const pending = this.checks.get(worker);
    if (pending) {
      pending.add(id);
      return;
    }
    const deferred = new Set<number>([id]);
    this.checks.set(worker, deferred);
    void worker.ping(this.options.pingTimeoutMs ?? 2000).then((alive) => {
      if (this.checks.get(worker) !== deferred) return;
      this.checks.delete(worker);
      if (alive) {
        if (this.inFlight.get(id)?.worker === worker) this.failWithTimeout(id);
        for (const other of deferred) {
          const late = this.inFlight.get(other);
          if (other !== id && late?.worker === worker && late.timer === undefined) this.arm(late);
        }
        return;
      }
      const stuck = [...deferred].map((d) => this.inFlight.get(d)?.call.functionName).filter(Boolean);
      this.options.log(
        'warning',
        `The app worker is unresponsive (blocked event loop) with ${stuck.join(', ')} past the timeout; killing it.`,
      );
      void worker.kill().then(() => this.onDeath(worker, { kind: 'unresponsive' }));
    });
  }
}
