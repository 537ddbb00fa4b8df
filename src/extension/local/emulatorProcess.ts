/**
 * The emulator as a child process of the extension host: `node dist/cli.js start ...`, its output, its state. No
 * `vscode` import (tested in plain Node against the real CLI). The extension talks to the running emulator over
 * HTTP only; this class just owns the process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EXIT_STORE_DAMAGED } from '../../protocol/cliExit.js';

export type EmulatorState =
  | { kind: 'stopped' }
  | { kind: 'starting'; appDir: string }
  | { kind: 'running'; appDir: string; url: string; port: number; inspectPort?: number }
  | { kind: 'stopping'; appDir: string }
  | {
      kind: 'failed';
      appDir: string;
      reason: string;
      /** The start was refused because the store is damaged (the CLI's exit code 3): a repair can fix it. */
      storeDamaged?: boolean;
    };

export type RunningState = Extract<EmulatorState, { kind: 'running' }>;

export interface EmulatorLaunch {
  /** `dist/cli.js` of the extension. */
  cliPath: string;
  /** The Node executable; the extension host's own runtime runs it with ELECTRON_RUN_AS_NODE. */
  nodePath: string;
  appDir: string;
  /** 0 lets the system pick. */
  port: number;
  storeDir?: string;
  watch: boolean;
  /** Starts the app worker with the Node inspector on this port. */
  inspectPort?: number;
  /** Repairs a damaged store before starting (`--repair`). */
  repair?: boolean;
  /** How long the app may take to load before the start counts as failed (default 60 s). */
  startTimeoutMs?: number;
}

export type OutputLevel = 'info' | 'warn' | 'error';

/** The CLI's readiness line: "Durable Studio emulator <version> running at http://localhost:<port>". */
const READY_LINE = /running at http:\/\/(?:localhost|127\.0\.0\.1):(\d+)\s*$/;
/** The CLI's one-line failure: "durable-studio: <reason>". */
const FAILURE_LINE = /^durable-studio: (.+)$/;

export class EmulatorStartError extends Error {
  override readonly name = 'EmulatorStartError';
}

/** What `--repair --dry-run` said about the store a launch would use. */
export interface StoreRepairPreview {
  damaged: boolean;
  /** Several lines: what is damaged, what a repair keeps and drops, the ids it affects. */
  report: string;
}

/** The CLI's arguments for `launch` (the CLI path first), with `extra` options. */
function cliArgs(launch: EmulatorLaunch, extra: string[]): string[] {
  const args = [launch.cliPath, 'start', '--app', launch.appDir, ...extra];
  if (launch.storeDir) args.push('--store', launch.storeDir);
  return args;
}

/**
 * Asks the CLI what a repair of the store `launch` uses would keep and drop (`start --repair --dry-run`: it reads
 * the store only, and exits 3 when it is damaged, 0 when not). Rejects with the CLI's one-line reason otherwise.
 */
export function previewStoreRepair(launch: EmulatorLaunch): Promise<StoreRepairPreview> {
  return new Promise((resolve, reject) => {
    execFile(
      launch.nodePath,
      cliArgs(launch, ['--repair', '--dry-run']),
      { cwd: launch.appDir, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0' }, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code === 0 || code === EXIT_STORE_DAMAGED) {
          resolve({ damaged: code === EXIT_STORE_DAMAGED, report: stdout.trimEnd() });
          return;
        }
        const line = stderr.split('\n').find((l) => FAILURE_LINE.test(l));
        reject(new Error(line ? FAILURE_LINE.exec(line)![1] : (error?.message ?? 'the store check failed')));
      },
    );
  });
}

export class EmulatorProcess {
  private current: EmulatorState = { kind: 'stopped' };
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(state: EmulatorState) => void>();

  /** `output` receives every line the emulator prints, with the level it printed it at. */
  constructor(private readonly output: (level: OutputLevel, line: string) => void) {}

  get state(): EmulatorState {
    return this.current;
  }

  onStateChange(listener: (state: EmulatorState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the emulator and resolves once it serves requests. Rejects with EmulatorStartError, whose message is
   * the emulator's own one-line reason (port in use, no app, a package missing, ...), and the state becomes
   * `failed`. Throws when a process is already running or starting.
   */
  async start(launch: EmulatorLaunch): Promise<RunningState> {
    if (this.child) throw new EmulatorStartError('The emulator is already running; stop it first.');
    const args = cliArgs(launch, ['--port', String(launch.port), '--stop-with-stdin']);
    if (launch.watch) args.push('--watch');
    if (launch.repair) args.push('--repair');
    if (launch.inspectPort !== undefined) args.push(`--inspect=${launch.inspectPort}`);
    this.setState({ kind: 'starting', appDir: launch.appDir });
    if (!existsSync(launch.appDir)) {
      const reason = `The app folder ${launch.appDir} does not exist.`;
      this.setState({ kind: 'failed', appDir: launch.appDir, reason });
      throw new EmulatorStartError(reason);
    }
    const child = spawn(launch.nodePath, args, {
      cwd: launch.appDir,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', FORCE_COLOR: '0' },
      // stdin stays open: the emulator stops when it closes, so it never outlives a crashed editor.
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    return new Promise<RunningState>((resolve, reject) => {
      let reason: string | undefined;
      let lastError = '';
      let settled = false;
      const settle = (outcome: RunningState | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const timeoutMs = launch.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        reason = `The app did not load within ${Math.round(timeoutMs / 1000)} s.`;
        child.kill('SIGKILL');
      }, timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.output('info', line);
        const ready = READY_LINE.exec(line);
        if (ready && this.child === child && this.current.kind === 'starting') {
          const running: RunningState = {
            kind: 'running',
            appDir: launch.appDir,
            // The address it listens on, whatever name it printed: no IPv6-first lookup of "localhost".
            url: `http://127.0.0.1:${ready[1]}`,
            port: Number(ready[1]),
            ...(launch.inspectPort !== undefined ? { inspectPort: launch.inspectPort } : {}),
          };
          this.setState(running);
          settle(running);
        }
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        const failure = FAILURE_LINE.exec(line);
        if (failure) reason = failure[1];
        if (line.trim() !== '') lastError = line.trim();
        this.output(/\bWARN: /.test(line) ? 'warn' : 'error', line);
      });
      child.stdin!.on('error', () => undefined);
      this.exited = new Promise<void>((done) => {
        child.on('error', (error) => {
          reason ??= `Could not run ${launch.nodePath}: ${error.message}`;
        });
        child.on('close', (code, signal) => {
          if (this.child === child) this.child = undefined;
          const wasStopping = this.current.kind === 'stopping';
          const why = reason ?? describeExit(code, signal, lastError);
          if (wasStopping || (code === 0 && this.current.kind === 'running')) this.setState({ kind: 'stopped' });
          else
            this.setState({
              kind: 'failed',
              appDir: launch.appDir,
              reason: why,
              ...(code === EXIT_STORE_DAMAGED ? { storeDamaged: true } : {}),
            });
          settle(new EmulatorStartError(wasStopping ? 'The emulator was stopped while it started.' : why));
          done();
        });
      });
    });
  }

  /** Stops the emulator (SIGTERM: it finishes its durable writes) and resolves when the process has exited;
   * after `graceMs` it is killed. Resolves at once when nothing runs. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) {
      if (this.current.kind === 'failed') this.setState({ kind: 'stopped' });
      return;
    }
    const appDir = 'appDir' in this.current ? this.current.appDir : '';
    this.setState({ kind: 'stopping', appDir });
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private setState(state: EmulatorState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, lastError: string): string {
  const how = signal ? `was killed (${signal})` : `exited with code ${code ?? 'unknown'}`;
  return lastError ? `The emulator ${how}: ${lastError}` : `The emulator ${how}.`;
}
