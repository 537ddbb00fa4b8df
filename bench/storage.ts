/**
 * The whole app's figures (bench/storage.ts): the real CLI's time to ready without storage bindings (bench/app) and
 * with them (test/fixtures/storage: the emulator starts a private Azurite), with an Azurite already running, and
 * the latency from a queue message (POST to the storage API) to its orchestration's completion.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fmt, median } from './stats.js';

export const STORAGE_HEADING = '## Timers, queues and blobs (bench/storage.ts)';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist/cli.js');
const PLAIN_APP = path.join(__dirname, 'app');
const STORAGE_APP = path.join(REPO, 'test/fixtures/storage');
const RUNS = 5;

type Say = (line?: string) => void;

interface Started {
  child: ChildProcess;
  url: string;
  ms: number;
}

/** Starts the CLI on `app` (a fresh store unless given) and resolves once `/admin/host/status` says Running. */
export async function startToReady(app: string, env: NodeJS.ProcessEnv, storeDir?: string): Promise<Started> {
  const store = storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ds-bench-storage-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'start', '--app', app, '--store', store, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${output}`)));
  });
  for (;;) {
    const res = await fetch(`${url}/admin/host/status`);
    if (res.status === 200 && ((await res.json()) as { state: string }).state === 'Running') break;
  }
  return { child, url, ms: performance.now() - t0 };
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function readyMedian(app: string, env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = await startToReady(app, env);
    times.push(started.ms);
    await stop(started.child);
  }
  return median(times);
}

/** POST a message, then poll the instance it starts until Completed: ms per message (median of `count`). */
async function queueToCompletion(url: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const orderId = `bench-${i}-${Date.now()}`;
    const t0 = performance.now();
    const posted = await fetch(`${url}/emulator/v1/storage/queues/orders/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: JSON.stringify({ orderId }) }),
    });
    if (posted.status !== 201) throw new Error(`enqueue answered ${posted.status}`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${url}/runtime/webhooks/durabletask/instances/order-${orderId}`);
      if (res.status === 200 && ((await res.json()) as { runtimeStatus: string }).runtimeStatus === 'Completed') break;
      if (Date.now() > deadline) throw new Error(`order-${orderId} did not complete`);
    }
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchStorage(say: Say): Promise<void> {
  say(STORAGE_HEADING);
  say();
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`BENCH_ONLY=storage npm run bench\`: the real CLI, process start until \`/admin/host/status\` is Running, medians of ${RUNS} starts on a fresh store.`,
  );
  say();
  say('| app | ms to ready |');
  say('|---|---|');
  const plain = await readyMedian(PLAIN_APP, {});
  say(`| no storage bindings (bench/app; Azurite and the SDKs are not loaded) | ${fmt(plain, 0)} |`);
  const ephemeral = await readyMedian(STORAGE_APP, { DURABLE_STUDIO_AZURITE_PORTS: '0' });
  say(
    `| storage bindings, the emulator starts its own Azurite | ${fmt(ephemeral, 0)} (${fmt(ephemeral / plain, 1)}×) |`,
  );
  // One emulator keeps its Azurite on 10000-10002 running; a second start attaches to it.
  const owner = await startToReady(STORAGE_APP, {});
  try {
    const attached = await readyMedian(STORAGE_APP, { DURABLE_STUDIO_AZURITE_PORTS: '' });
    say(`| storage bindings, an Azurite already running | ${fmt(attached, 0)} (${fmt(attached / plain, 1)}×) |`);
    say();
    const latency = await queueToCompletion(owner.url, 20);
    say(
      `A queue message to a completed orchestration (POST to the storage API, queue trigger, startNew, one activity writing a blob): median ${fmt(latency, 0)} ms over 20 messages.`,
    );
  } finally {
    await stop(owner.child);
  }
}
