/**
 * host.json functionTimeout: an activity that never settles, or that blocks the worker's event loop for good,
 * fails with the host's timeout error (the `hangs` orchestrator does not catch it, so it Fails), and nothing else
 * stalls: other instances complete, during the hang and after the spinning worker has been replaced.
 * Runs on a copy of js-cjs with a 2 s timeout (under test/fixtures/ so the packages resolve from the repo root).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
  copyFixture,
} from './harness.js';

const TIMEOUT = '00:00:02';
const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

describe('function timeout', () => {
  const app = copyFixture('js-cjs', 'timeout');
  let emu: Emulator;

  // The private copy's spinForever leaves a marker just before it blocks, so the test knows the worker is stuck.
  const spinning = path.join(app, 'spinning.marker');

  before(async () => {
    const hangsFile = path.join(app, 'src/functions/hangs.js');
    const source = fs.readFileSync(hangsFile, 'utf8');
    assert.match(source, /for \(;;\)/);
    fs.writeFileSync(
      hangsFile,
      source.replace(
        'for (;;)',
        `require('node:fs').writeFileSync(${JSON.stringify(spinning)}, 'x');\n        for (;;)`,
      ),
    );
    const hostFile = path.join(app, 'host.json');
    const host = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(hostFile, JSON.stringify({ ...host, functionTimeout: TIMEOUT }, null, 2));
    emu = await startEmulator({ app });
  });
  after(async () => {
    await emu?.stop();
  });

  test('a hanging activity times out while other instances run normally', async () => {
    const hangs = await startOrchestration(emu, 'hangs', 'hang');
    await waitFor(async () => (await getStatus(emu, hangs))?.runtimeStatus === 'Running', 'hangs running');
    const others = await Promise.all([
      startOrchestration(emu, 'helloSequence'),
      startOrchestration(emu, 'fanOutFanIn', 20),
    ]);
    const [hello, fan] = await Promise.all(others.map((id) => waitForStatus(emu, id)));
    assert.equal(hello!.runtimeStatus, 'Completed');
    assert.deepEqual(hello!.output, HELLO);
    assert.equal(fan!.runtimeStatus, 'Completed');
    assert.equal((fan!.output as { sum: number }).sum, 20 * 21);
    // They finished while the hanging activity was still running: it did not hold anything up.
    assert.equal((await getStatus(emu, hangs))?.runtimeStatus, 'Running');

    const failed = await waitForStatus(emu, hangs, ['Completed', 'Failed'], 15_000);
    assert.equal(failed.runtimeStatus, 'Failed');
    assert.match(String(failed.output), /Timeout value of 00:00:02 was exceeded by function: Functions\.hangForever/);
    assert.deepEqual(failed.customStatus, { mode: 'hang' });
    // The worker was not replaced for a function that merely awaits forever.
    assert.doesNotMatch(emu.output(), /unresponsive/);
  });

  test('a spinning activity gets the worker restarted; other instances complete afterwards', async () => {
    const spin = await startOrchestration(emu, 'hangs', 'spin');
    await waitFor(() => fs.existsSync(spinning), 'spinForever to block the worker');
    // Started while the worker is blocked: its first episode waits behind the loop and must not be blamed for it;
    // it completes on the replacement worker. (An activity already running beside the loop would fail with the
    // timeout, as on Azure, where a worker restart fails the executions in flight.)
    const during = await startOrchestration(emu, 'helloSequence');
    const failed = await waitForStatus(emu, spin, ['Completed', 'Failed'], 20_000);
    assert.equal(failed.runtimeStatus, 'Failed');
    assert.match(String(failed.output), /Timeout value of 00:00:02 was exceeded by function: Functions\.spinForever/);
    assert.match(emu.output(), /unresponsive \(blocked event loop\) with .*spinForever.* past the timeout; killing it/);
    const duringStatus = await waitForStatus(emu, during, undefined, 15_000);
    assert.equal(duringStatus.runtimeStatus, 'Completed', `${JSON.stringify(duringStatus.output)}\n${emu.output()}`);
    assert.deepEqual(duringStatus.output, HELLO);

    const afterwards = await startOrchestration(emu, 'fanOutFanIn', 10);
    const done = await waitForStatus(emu, afterwards);
    assert.equal(done.runtimeStatus, 'Completed');
    assert.equal((done.output as { sum: number }).sum, 110);
    // HTTP triggers are served by the new worker too.
    const echo = await fetch(`${emu.url}/api/echo/again`);
    assert.equal(echo.status, 200);
    assert.equal(((await echo.json()) as { appStartCount: number }).appStartCount, 1);
  });
});
