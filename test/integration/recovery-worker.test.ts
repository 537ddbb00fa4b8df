/**
 * The app worker dying under the emulator (kill -9 of the worker process: a native crash, an OOM kill, user code
 * calling process.exit) is not fatal: the emulator logs it, starts a new worker, sends it what was in flight
 * (at-least-once), and every instance still completes with the right result.
 * Runs on a copy of js-cjs with a slower `double` and capped activity concurrency, so that the fan-out is still
 * running when its worker is killed (under test/fixtures/ so the packages resolve from the repo root).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  copyFixture,
  tempDir,
  tuneFanOutFixture,
} from './harness.js';

/** The emulator's only child process: the app worker. */
function workerPid(emulatorPid: number): number {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(emulatorPid)])
    .toString()
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  assert.equal(pids.length, 1, `one worker process, found: ${pids.join(', ')}`);
  return Number(pids[0]);
}

const app = copyFixture('js-cjs', 'crash');
const marks = tempDir('ds-marks-');
before(() => {
  tuneFanOutFixture(app, { doubleMs: 40 });
  // While the file `slow` exists, loading the app takes until it is removed (and says so in `loading`).
  fs.writeFileSync(
    path.join(app, 'src/functions/slowLoad.js'),
    `const fs = require('node:fs');
const path = require('node:path');
const slow = process.env.DS_MARKS && path.join(process.env.DS_MARKS, 'slow');
if (slow && fs.existsSync(slow)) {
  fs.writeFileSync(path.join(process.env.DS_MARKS, 'loading'), String(process.pid));
  while (fs.existsSync(slow)) {}
}
`,
  );
});

test('a crashed worker is replaced and in-flight work completes', async (t) => {
  const emu = await startEmulator({ app });
  t.after(() => emu.stop('SIGKILL'));
  const restarts = () => (emu.output().match(/The app worker exited \(SIGKILL\)\..*Restarting it\./g) ?? []).length;

  // While idle.
  const first = workerPid(emu.process.pid!);
  process.kill(first, 'SIGKILL');
  await waitFor(() => restarts() === 1, 'the restart after the first crash');
  const hello = await startOrchestration(emu, 'helloSequence');
  assert.deepEqual((await waitForStatus(emu, hello)).output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);

  // In the middle of a fan-out.
  const fan = await startOrchestration(emu, 'fanOutFanIn', 300);
  await waitFor(async () => {
    const events = (await getStatus(emu, fan, '?showHistory=true'))?.historyEvents ?? [];
    return events.filter((e) => e['EventType'] === 'TaskCompleted').length >= 20;
  }, 'some completed activities');
  const second = workerPid(emu.process.pid!);
  assert.notEqual(second, first);
  process.kill(second, 'SIGKILL');
  await waitFor(() => restarts() === 2, 'the restart after the second crash');
  const events = (await getStatus(emu, fan, '?showHistory=true'))?.historyEvents ?? [];
  assert.ok(events.filter((e) => e['EventType'] === 'TaskCompleted').length < 300, 'the crash landed mid fan-out');
  const done = await waitForStatus(emu, fan, undefined, 30_000);
  assert.equal(done.runtimeStatus, 'Completed', JSON.stringify(done.output));
  assert.equal((done.output as { sum: number }).sum, 300 * 301);
  assert.equal(restarts(), 2);

  // HTTP triggers and the durable client still work on the third worker.
  const echo = await fetch(`${emu.url}/api/echo/after-crash`);
  assert.equal(echo.status, 200);
  const started = await fetch(`${emu.url}/api/orchestrators/helloSequence`, { method: 'POST' });
  assert.equal(started.status, 202);
  const id = ((await started.json()) as { id: string }).id;
  assert.equal((await waitForStatus(emu, id)).runtimeStatus, 'Completed');
  assert.equal(await emu.stop('SIGTERM'), 0);
});

test('a replacement worker killed while it loads the app is started again', async (t) => {
  const emu = await startEmulator({ app, env: { DS_MARKS: marks } });
  t.after(() => emu.stop('SIGKILL'));
  fs.writeFileSync(path.join(marks, 'slow'), 'x');
  process.kill(workerPid(emu.process.pid!), 'SIGKILL');
  const loading = await waitFor(() => {
    const file = path.join(marks, 'loading');
    return fs.existsSync(file) && Number(fs.readFileSync(file, 'utf8'));
  }, 'the replacement worker to start loading');
  process.kill(loading, 'SIGKILL');
  fs.rmSync(path.join(marks, 'slow'));
  const hello = await startOrchestration(emu, 'helloSequence');
  assert.deepEqual((await waitForStatus(emu, hello)).output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  assert.match(
    emu.output(),
    /The app worker could not be restarted \(attempt 1\): the app worker exited while loading/,
  );
});
