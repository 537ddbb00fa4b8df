/**
 * One app worker process, as the engine sees it: forked with advanced IPC serialisation, ready once it has
 * loaded the app, fed batches of calls, pinged for liveness, and killed. It knows nothing about which calls are
 * in flight or who is to blame when it dies; the supervisor (workerClient.ts) does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AppConfig } from '../appConfig.js';
import { AppConfigError } from '../appConfigError.js';
import { bundleFile } from '../bundles.js';
import type { WorkerDeath, WorkerRole } from './blame.js';
import { WORKER_OPTIONS_ENV } from './protocol.js';
import type {
  EngineToWorker,
  FunctionInfo,
  Invocation,
  LogLevel,
  Outcome,
  WorkerBootOptions,
  WorkerToEngine,
} from './protocol.js';
import { readUserCodeMarker } from './userCodeMarker.js';

export interface WorkerProcessOptions {
  role: WorkerRole;
  config: AppConfig;
  origin: string;
  /** `--inspect[=port]`: only the main worker gets it, so the debugger attaches to one process. */
  inspect?: string | undefined;
  /** Environment variables over the emulator's own (they win over local.settings.json, as real ones do). */
  env?: Record<string, string>;
  workerScript?: string;
  markerFile: string;
}

export interface WorkerProcessEvents {
  results(worker: WorkerProcess, results: { id: number; outcome: Outcome }[]): void;
  log(level: LogLevel, message: string, functionName?: string): void;
  /** The process ended by itself after loading the app (never after `kill` or `shutdown`). */
  died(worker: WorkerProcess, death: WorkerDeath): void;
}

export class WorkerProcess {
  readonly role: WorkerRole;
  /** Resolves with the app's functions once the worker has loaded it; rejects if it cannot. */
  readonly loaded: Promise<FunctionInfo[]>;
  private readonly child: ChildProcess;
  private readonly markerFile: string;
  private readonly pongs = new Map<number, () => void>();
  private nextPing = 1;
  private ready = false;
  /** Set once the engine ends it on purpose: its exit is then no death to judge. */
  private ending = false;
  private readonly exited: Promise<void>;

  constructor(options: WorkerProcessOptions, events: WorkerProcessEvents) {
    this.role = options.role;
    this.markerFile = options.markerFile;
    const { config, origin, inspect } = options;
    const boot: WorkerBootOptions = {
      config: { appDir: config.appDir, mainFiles: config.mainFiles, values: config.values, hubName: config.hubName },
      origin,
      markerFile: options.markerFile,
    };
    const script = options.workerScript ?? bundleFile('worker.js', 'the app worker bundle');
    this.child = fork(script, [`--role=${options.role}`], {
      cwd: config.appDir,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: inspect !== undefined ? [inspect ? `--inspect=${inspect}` : '--inspect'] : [],
      env: {
        ...process.env,
        ...options.env,
        [WORKER_OPTIONS_ENV]: JSON.stringify(boot),
        // durable-functions rewrites client URLs to localhost:7071 unless this names the host (§1.1 quirk).
        WEBSITE_HOSTNAME: new URL(origin).host,
        FUNCTIONS_WORKER_RUNTIME: 'node',
        AZURE_FUNCTIONS_ENVIRONMENT: process.env['AZURE_FUNCTIONS_ENVIRONMENT'] ?? 'Development',
      },
    });
    const child = this.child;
    // A send racing the worker's exit fails with EPIPE as an 'error' event: without a listener that would crash
    // the emulator. The 'exit' handler deals with the worker going away.
    child.on('error', (error) => {
      if (!this.ending) events.log('warning', `app worker: ${error.message}`);
    });
    pipeLines(child.stdout, (line) => events.log('information', line));
    pipeLines(child.stderr, (line) => events.log('warning', line));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.loaded = new Promise<FunctionInfo[]>((resolve, reject) => {
      let settled = false;
      child.on('message', (message: WorkerToEngine) => {
        switch (message.type) {
          case 'ready':
            settled = true;
            this.ready = true;
            resolve(message.functions);
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
            events.results(this, message.results);
            break;
          case 'pong':
            this.pongs.get(message.id)?.();
            break;
          case 'log':
            events.log(message.level, message.message, message.functionName);
            break;
        }
      });
      child.on('exit', (code, signal) => {
        this.ready = false;
        if (!settled) {
          settled = true;
          reject(new Error(`the app worker exited while loading (${signal ?? `exit code ${code}`})`));
          return;
        }
        // Results it sent just before it died may still be in the channel: judge only once they are read.
        const judge = () => {
          if (!this.ending) events.died(this, { kind: 'exited', code, signal });
        };
        if (child.connected) child.once('disconnect', judge);
        else judge();
      });
    });
    // Whoever awaits `loaded` sees a load failure; this keeps an unobserved one from being unhandled.
    this.loaded.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** It has loaded the app and is still there: calls may be sent. */
  get isReady(): boolean {
    return this.ready && !this.ending && this.child.connected;
  }

  /**
   * Sends a batch. Throws when a call cannot be serialised (it can never run); a worker that went away meanwhile
   * is left to its exit handler.
   */
  send(calls: { id: number; call: Invocation }[]): void {
    this.child.send({ type: 'invoke', calls } satisfies EngineToWorker, () => undefined);
  }

  /** Resolves true when the worker answers within `timeoutMs` (its event loop is free), false otherwise. */
  ping(timeoutMs: number): Promise<boolean> {
    if (!this.isReady) return Promise.resolve(false);
    const id = this.nextPing++;
    return new Promise((resolve) => {
      const deadline = setTimeout(() => {
        this.pongs.delete(id);
        resolve(false);
      }, timeoutMs);
      this.pongs.set(id, () => {
        clearTimeout(deadline);
        this.pongs.delete(id);
        resolve(true);
      });
      this.child.send({ type: 'ping', id } satisfies EngineToWorker, () => undefined);
    });
  }

  /** The call whose user code was running synchronously when the worker stopped (see userCodeMarker.ts). */
  userCodeMarker(): number | undefined {
    return readUserCodeMarker(this.markerFile);
  }

  /** Kills it at once; resolves once it is gone (a new worker may then take over its inspector port). */
  kill(): Promise<void> {
    this.ending = true;
    this.ready = false;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Asks it to exit, and kills it if it has not within two seconds. */
  shutdown(): Promise<void> {
    this.ending = true;
    this.ready = false;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.child.connected) this.child.send({ type: 'shutdown' } satisfies EngineToWorker, () => undefined);
      setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
    }
    return this.exited.finally(() => this.removeMarker());
  }

  /** Once its death has been judged (the marker is read then). */
  removeMarker(): void {
    fs.rmSync(this.markerFile, { force: true });
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
}
