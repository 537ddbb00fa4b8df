/**
 * The app worker's supervisor (host/workerClient.ts) on its own, with real worker processes. Calls are sent to the
 * worker together, so the innocent ones are surely in flight when the culprit takes the worker down in code that
 * runs after an `await` (where the user-code marker cannot name it): the suspects run again in an isolated worker,
 * split until the culprit is alone; the innocent complete and the culprit fails.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadAppConfig } from '../../src/emulator/appConfig.js';
import type { Invocation, InvocationResult } from '../../src/emulator/host/protocol.js';
import { InvocationError } from '../../src/emulator/host/runner.js';
import { ChildProcessWorker } from '../../src/emulator/host/workerClient.js';
import { copyFixture } from './harness.js';

const app = copyFixture('js-cjs', 'supervisor');
fs.writeFileSync(
  path.join(app, 'src/functions/afterAwait.js'),
  `const df = require('durable-functions');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
df.app.activity('sleepy', { handler: async (ms) => { await pause(ms); return ms; } });
df.app.activity('exitLater', { handler: async (code) => { await pause(30); process.exit(code); } });
df.app.activity('spinLater', { handler: async () => { await pause(30); for (;;) {} } });
`,
);

const logs: string[] = [];
const config = { ...loadAppConfig(app), functionTimeoutMs: 1000 };
const worker = new ChildProcessWorker({
  config,
  origin: 'http://localhost:1',
  log: (level, message) => logs.push(`${level}: ${message}`),
  pingTimeoutMs: 200,
});
after(() => worker.stop());

const activity = (functionName: string, input: unknown): Invocation => ({
  kind: 'activity',
  functionName,
  instanceId: 'i',
  input: JSON.stringify(input),
});

/** Settles every call; the culprit's rejection is returned, not thrown. */
function settle(calls: Promise<InvocationResult>[]): Promise<(InvocationResult | InvocationError)[]> {
  return Promise.all(calls.map((call) => call.catch((error: unknown) => error as InvocationError)));
}

test('a worker ended after an await: the suspects run in isolation until the culprit dies alone', async () => {
  await worker.start();
  const innocent = [200, 210, 220, 230, 240, 250].map((ms) => worker.invoke(activity('sleepy', ms)));
  const culprit = worker.invoke(activity('exitLater', 4));
  const [failure, ...results] = await settle([culprit, ...innocent]);
  assert.ok(failure instanceof InvocationError, JSON.stringify(failure));
  assert.equal(failure.error.name, 'WorkerExitedError');
  assert.match(failure.error.message, /exited with code 4 \(0x4\) while running Functions\.exitLater/);
  assert.deepEqual(
    results.map((r) => (r as Extract<InvocationResult, { kind: 'activity' }>).resultJson),
    ['200', '210', '220', '230', '240', '250'],
  );
  const log = logs.join('\n');
  assert.match(log, /The app worker exited with code 4 \(0x4\)\. Suspects to run again in isolation: .*exitLater/);
  assert.match(log, /The isolated app worker exited with code 4 \(0x4\)\. It was running exitLater, which fails\./);
});

test('a worker blocked after an await: the suspects run in isolation; only the spinning call times out', async () => {
  logs.length = 0;
  const innocent = [100, 110, 120].map((ms) => worker.invoke(activity('sleepy', ms)));
  const culprit = worker.invoke(activity('spinLater', null));
  const [failure, ...results] = await settle([culprit, ...innocent]);
  assert.ok(failure instanceof InvocationError, JSON.stringify(failure));
  assert.equal(failure.error.name, 'FunctionTimeoutException');
  assert.match(failure.error.message, /Timeout value of 00:00:01 was exceeded by function: Functions\.spinLater/);
  assert.deepEqual(
    results.map((r) => (r as Extract<InvocationResult, { kind: 'activity' }>).resultJson),
    ['100', '110', '120'],
  );
  assert.match(logs.join('\n'), /isolated app worker was unresponsive .* It was running spinLater, which fails\./);
});

test('a stopped supervisor starts again (as the benchmarks reuse one)', async () => {
  await worker.stop();
  await worker.start();
  const result = await worker.invoke(activity('sleepy', 5));
  assert.deepEqual(result, { kind: 'activity', resultJson: '5' });
});
