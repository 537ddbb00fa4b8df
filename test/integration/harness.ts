/**
 * Starts the real emulator (`node dist/cli.js start`) on a fixture app with a fresh store, the way a user or the
 * VS Code extension does, and offers small helpers to drive it over HTTP. Nothing here sleeps: waits poll the
 * state with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');

// Apps with storage bindings get a private Azurite on ports the OS chooses, so tests never clash with each other or
// with a developer's own Azurite on 10000-10002 (emulators spawned by the tests inherit this).
process.env['DURABLE_STUDIO_AZURITE_PORTS'] ??= '0';
export const CLI = path.join(REPO, 'dist/cli.js');
export const FIXTURES = path.join(REPO, 'test/fixtures');

export interface Emulator {
  url: string;
  port: number;
  storeDir: string;
  process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

const created: string[] = [];
// Each test file runs in its own process: its temporary folders go when it ends (restarts within a file reuse them).
process.on('exit', () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'ds-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A private copy of a fixture app under test/fixtures/.tmp-* (inside the repository, so `durable-functions` still
 * resolves from the root node_modules), for tests that change its files; removed when the test file's process ends.
 */
export function copyFixture(name: string, label: string): string {
  const dir = path.join(FIXTURES, `.tmp-${label}-${process.pid}-${Date.now()}`);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  created.push(dir);
  return dir;
}

/**
 * Tunes a private copy of js-cjs for crash tests: its `double` activity takes `doubleMs` (so a fan-out is still
 * running when a kill lands), activity concurrency is capped, and `host` may change host.json further.
 */
export function tuneFanOutFixture(
  app: string,
  options: { doubleMs: number; host?: (host: { functionTimeout?: string }) => void },
): void {
  const fanOut = path.join(app, 'src/functions/fanOut.js');
  const source = fs.readFileSync(fanOut, 'utf8');
  if (!source.includes('setTimeout(resolve, 10)')) throw new Error(`${fanOut} no longer waits 10 ms`);
  fs.writeFileSync(fanOut, source.replace('setTimeout(resolve, 10)', `setTimeout(resolve, ${options.doubleMs})`));
  const hostFile = path.join(app, 'host.json');
  const host = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as {
    functionTimeout?: string;
    extensions: { durableTask: Record<string, unknown> };
  };
  host.extensions.durableTask['maxConcurrentActivityFunctions'] = 25;
  options.host?.(host);
  fs.writeFileSync(hostFile, JSON.stringify(host, null, 2));
}

export interface StartOptions {
  app: string;
  storeDir?: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  /** Run as this user (tests running as root use it to see permissions enforced). */
  user?: RunAs;
  /** How long to wait for readiness. */
  timeoutMs?: number;
}

/** A user and group id to run a child process as (root only). */
export interface RunAs {
  uid: number;
  gid: number;
}

/** Runs the CLI to completion (for error cases) and returns its exit code and output. */
export function runCli(
  args: string[],
  timeoutMs = 30_000,
  user?: RunAs,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ?? {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startEmulator(options: StartOptions): Promise<Emulator> {
  const storeDir = options.storeDir ?? tempDir('ds-store-');
  const args = [
    CLI,
    'start',
    '--app',
    options.app,
    '--port',
    String(options.port ?? 0),
    '--store',
    storeDir,
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(options.user ?? {}),
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`emulator not ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const check = () => {
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before it was ready:\n${output}`));
    });
  });
  // The status route is the documented readiness signal.
  await waitFor(async () => {
    const res = await fetch(`${url}/admin/host/status`);
    return res.status === 200 && ((await res.json()) as { state: string }).state === 'Running';
  }, 'host status Running');
  return {
    url,
    port: Number(new URL(url).port),
    storeDir,
    process: child,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export const WEBHOOK = '/runtime/webhooks/durabletask';

/** The management links of a check-status response that point at one instance. */
export const CHECK_STATUS_LINKS = [
  'statusQueryGetUri',
  'sendEventPostUri',
  'terminatePostUri',
  'purgeHistoryDeleteUri',
  'suspendPostUri',
  'resumePostUri',
] as const;

export async function getStatus(emu: Emulator, id: string, query = ''): Promise<Status | undefined> {
  const res = await fetch(`${emu.url}${WEBHOOK}/instances/${encodeURIComponent(id)}${query}`);
  if (res.status === 404) return undefined;
  return (await res.json()) as Status;
}

/** Starts an orchestration through the management API and returns its id. */
export async function startOrchestration(
  emu: Emulator,
  name: string,
  input?: unknown,
  instanceId?: string,
): Promise<string> {
  const res = await fetch(
    `${emu.url}${WEBHOOK}/orchestrators/${name}${instanceId ? `/${encodeURIComponent(instanceId)}` : ''}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: input === undefined ? '' : JSON.stringify(input),
    },
  );
  if (res.status !== 202) throw new Error(`start ${name}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const TERMINAL = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export function waitForStatus(
  emu: Emulator,
  id: string,
  statuses: string | string[] = [...TERMINAL],
  timeoutMs = 20_000,
): Promise<Status> {
  const wanted = new Set(Array.isArray(statuses) ? statuses : [statuses]);
  return waitFor(
    async () => {
      const status = await getStatus(emu, id);
      return status && wanted.has(status.runtimeStatus) ? status : undefined;
    },
    `instance ${id} to reach ${[...wanted].join('/')}`,
    timeoutMs,
  );
}

export function emulatorApi(emu: Emulator, route: string, init?: RequestInit): Promise<Response> {
  return fetch(`${emu.url}/emulator/v1/${route}`, init);
}
