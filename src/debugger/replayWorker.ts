/**
 * The replay host in its own process: `ChildProcessReplayHost` forks the replay bundle (dist/replay.js) as a
 * worker that runs an `InProcessReplayHost`, and forwards `run` calls over IPC. This is what a UI host (the
 * extension, a debug adapter started inline) uses, so the user's code never runs in the UI's process. Everything
 * crossing the boundary is plain JSON (`ReplayInstance`, `RunResult`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import inspector from 'node:inspector';
import type { FunctionInfo } from '../emulator/host/protocol.js';
import {
  InProcessReplayHost,
  type ReplayHost,
  type ReplayInstance,
  type RunOptions,
  type RunResult,
} from './replayHost.js';

/** How long `stop` waits for the worker to exit by itself. */
const STOP_GRACE_MS = 2000;

/** Set in the worker's environment: the bundle then serves replay calls over IPC. */
export const REPLAY_WORKER_ENV = 'DURABLE_STUDIO_REPLAY_WORKER';

type ToWorker =
  | { type: 'start'; appDir: string }
  | { type: 'run'; id: number; instance: ReplayInstance; length: number; options: RunOptions }
  | { type: 'openInspector'; port: number }
  | { type: 'stop' };
type FromWorker =
  | { type: 'started'; functions: FunctionInfo[] }
  | { type: 'startFailed'; message: string }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'inspector'; error?: string }
  | { type: 'log'; message: string };

/** The worker side: call from the bundle's entry when `REPLAY_WORKER_ENV` is set and an IPC channel exists. */
export function serveReplayWorker(): void {
  let host: InProcessReplayHost | undefined;
  const send = (message: FromWorker): void => {
    process.send?.(message);
  };
  process.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start':
        try {
          host = new InProcessReplayHost(message.appDir, (text) => send({ type: 'log', message: text }));
        } catch (error) {
          send({ type: 'startFailed', message: error instanceof Error ? error.message : String(error) });
          return;
        }
        host.start().then(
          (functions) => send({ type: 'started', functions }),
          (error: unknown) =>
            send({ type: 'startFailed', message: error instanceof Error ? error.message : String(error) }),
        );
        return;
      case 'openInspector':
        // Blocks until a debugger has attached and let the process run on: the next run can stop in it.
        try {
          inspector.open(message.port, '127.0.0.1', true);
          send({ type: 'inspector' });
        } catch (error) {
          send({ type: 'inspector', error: error instanceof Error ? error.message : String(error) });
        }
        return;
      case 'run':
        if (!host) return;
        host.run(message.instance, message.length, message.options).then(
          (result) => send({ type: 'result', id: message.id, result }),
          (error: unknown) =>
            send({
              type: 'result',
              id: message.id,
              result: {
                observation: { tasks: [], allocatedIds: [] },
                failure: error instanceof Error ? error.message : String(error),
              },
            }),
        );
        return;
      case 'stop':
        // The app may hold handles (timers, sockets) that would keep the process alive.
        process.exit(0);
    }
  });
}

/**
 * What Node's inspector prints on stderr when "Inspect Local Variables" opens it and a debugger attaches
 * ("Debugger listening on ws://...", "For help, see: ...", "Debugger attached.", "Waiting for the debugger to
 * disconnect..."): notices about the replay's own machinery, not the app's output, so they stay out of the Debug
 * Console.
 */
const INSPECTOR_NOTICE =
  /^(Debugger listening on ws:\/\/\S+|For help, see: https:\/\/nodejs\.org\/\S*inspector\S*|Debugger attached\.|Debugger ending on ws:\/\/\S+|Waiting for the debugger to disconnect\.\.\.)\s*$/;

/** `text` without the lines that are inspector notices. */
export function withoutInspectorNotices(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !INSPECTOR_NOTICE.test(line.trim()))
    .join('');
}

export class ChildProcessReplayHost implements ReplayHost {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, (result: RunResult) => void>();
  private inspectorWaiter: { resolve(): void; reject(error: Error): void } | undefined;

  /**
   * `bundle` is dist/replay.js (the replay entry); `log` receives the app's warnings and errors; `env` is added to
   * the worker's environment (it wins over local.settings.json, as real environment variables do).
   */
  constructor(
    private readonly appDir: string,
    private readonly bundle: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly env: Record<string, string> = {},
  ) {}

  start(): Promise<FunctionInfo[]> {
    const child = fork(this.bundle, [], {
      env: { ...process.env, ...this.env, [REPLAY_WORKER_ENV]: '1' },
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    child.stdout?.on('data', (data: Buffer) => this.log(String(data).trimEnd()));
    child.stderr?.on('data', (data: Buffer) => {
      const text = withoutInspectorNotices(String(data)).trimEnd();
      if (text) this.log(text);
    });
    return new Promise((resolve, reject) => {
      child.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'started':
            resolve(message.functions);
            return;
          case 'startFailed':
            reject(new Error(message.message));
            return;
          case 'log':
            this.log(message.message);
            return;
          case 'result':
            this.waiting.get(message.id)?.(message.result);
            this.waiting.delete(message.id);
            return;
          case 'inspector':
            if (message.error !== undefined) this.inspectorWaiter?.reject(new Error(message.error));
            else this.inspectorWaiter?.resolve();
            this.inspectorWaiter = undefined;
            return;
        }
      });
      child.on('exit', (code, signal) => {
        const failure = `the replay worker exited (${signal ?? `code ${code}`})`;
        reject(new Error(failure));
        for (const resolveRun of this.waiting.values())
          resolveRun({ observation: { tasks: [], allocatedIds: [] }, failure });
        this.waiting.clear();
        this.inspectorWaiter?.reject(new Error(failure));
        this.inspectorWaiter = undefined;
        this.child = undefined;
      });
      child.send({ type: 'start', appDir: this.appDir } satisfies ToWorker);
    });
  }

  run(instance: ReplayInstance, length: number, options: RunOptions = {}): Promise<RunResult> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the replay worker is not running'));
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      child.send({ type: 'run', id, instance, length, options } satisfies ToWorker);
    });
  }

  /**
   * Opens the worker's inspector on 127.0.0.1:`port` for a JavaScript debugger (VS Code's, attached by the
   * extension). Resolves once a debugger has attached and let the worker run on; the worker serves nothing until
   * then, so call it only when a debugger is about to attach.
   */
  openInspector(port: number): Promise<void> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the replay worker is not running'));
    if (this.inspectorWaiter) return Promise.reject(new Error('the inspector is being opened already'));
    return new Promise((resolve, reject) => {
      this.inspectorWaiter = { resolve, reject };
      child.send({ type: 'openInspector', port } satisfies ToWorker);
    });
  }

  /**
   * Asks the worker to exit, and kills it if it has not within `STOP_GRACE_MS`: it may be busy for good (an
   * orchestrator that loops forever, an inspector still waiting for its debugger).
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.send({ type: 'stop' } satisfies ToWorker);
    });
  }
}
