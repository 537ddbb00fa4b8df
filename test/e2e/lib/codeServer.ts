/**
 * code-server (the real VS Code workbench and Node extension host) for one sandbox: started on a free port in its
 * own process group, so that stopping it also ends the extension host and every emulator it started. Its output
 * goes to a log file in the sandbox, whose tail is printed when something fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY } from './paths.js';
import { CODE_SERVER_LOG, type Sandbox } from './sandbox.js';

const LISTENING = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+))\//;

/**
 * Process groups of the code-servers still running. They are detached (their own group, so one signal reaches the
 * extension host and the emulators), hence not ended with the runner: an interrupted or crashing run kills them here.
 */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** The workbench URL for `folder`, with an optional `payload` (extension development and tests paths). */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** A `vscode-remote://` URI for a path on this machine, as the payload wants. */
  remoteUri(absolutePath: string): string;
  /** The last `lines` lines of the log. */
  logTail(lines?: number): string;
  /** Ends code-server and its process group (SIGTERM, SIGKILL after 5 s); resolves once it exited. */
  stop(): Promise<void>;
}

export async function startCodeServer(
  sandbox: Sandbox,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CodeServer> {
  const logFile = path.join(sandbox.root, CODE_SERVER_LOG);
  const log = fs.createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      sandbox.userDataDir,
      '--extensions-dir',
      sandbox.extensionsDir,
    ],
    {
      cwd: sandbox.root,
      env: { ...process.env, ...sandbox.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });

  let url: string;
  try {
    url = await waitForListening(child, options.timeoutMs ?? 30_000);
    await waitForHealth(url, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stopGroup(child, exited);
    log.end();
    throw new Error(`code-server did not start: ${(error as Error).message}\n${tail(logFile, 30)}`);
  }
  const port = Number(new URL(url).port);
  const remoteUri = (absolutePath: string) => `vscode-remote://127.0.0.1:${port}${absolutePath}`;
  return {
    url,
    port,
    logFile,
    remoteUri,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query.toString()}`;
    },
    logTail: (lines = 40) => tail(logFile, lines),
    async stop() {
      await stopGroup(child, exited);
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => finish(new Error(`no "listening" line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      const match = LISTENING.exec(seen);
      if (match) finish(match[1]!);
    };
    const onExit = (code: number | null) => finish(new Error(`it exited with code ${code}`));
    const finish = (outcome: string | Error) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not accepting connections yet.
    }
    if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const signal = (name: NodeJS.Signals) => killGroup(pid, name);
  signal('SIGTERM');
  const killed = new Promise<void>((resolve) =>
    setTimeout(() => {
      signal('SIGKILL');
      resolve();
    }, 5_000).unref(),
  );
  await Promise.race([exited, killed]);
  await exited;
  // The extension host and emulators are in the same group; make sure none outlives code-server.
  signal('SIGKILL');
  liveGroups.delete(pid);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
