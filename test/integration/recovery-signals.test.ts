/**
 * SIGTERM / SIGINT stop the emulator cleanly (exit code 0), and whatever was acknowledged before the signal
 * (starts answered 202, an event raised with 202) is durable: a restart on the same store completes it all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CLI,
  FIXTURES,
  REPO,
  WEBHOOK,
  startEmulator,
  startOrchestration,
  tempDir,
  waitFor,
  waitForStatus,
  getStatus,
  copyFixture,
} from './harness.js';

const APP = path.join(FIXTURES, 'js-cjs');
const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal}: exit code 0 and every acknowledged start and event survives`, async (t) => {
    const emu = await startEmulator({ app: APP });
    t.after(() => emu.stop('SIGKILL'));
    // An instance waiting for an event, already past its first episode.
    const waiting = await startOrchestration(emu, 'waitForGo', undefined, `go-${signal}`);
    await waitFor(async () => (await getStatus(emu, waiting))?.customStatus === 'waiting', 'waitForGo waiting');

    const starts: Promise<{ id: string; expected: (output: unknown) => void }>[] = [];
    for (let i = 0; i < 10; i++) {
      // Through the app's own starter (the durable client in the worker calls back into the emulator).
      starts.push(
        fetch(`${emu.url}/api/orchestrators/helloSequence?instanceId=hello-${signal}-${i}`, { method: 'POST' }).then(
          async (res) => {
            assert.equal(res.status, 202);
            return {
              id: ((await res.json()) as { id: string }).id,
              expected: (output) => assert.deepEqual(output, HELLO),
            };
          },
        ),
      );
      // Through the management API; these wait on a 1 s durable timer, so they are surely pending at the signal.
      starts.push(
        startOrchestration(emu, 'timerOrchestration', 1, `timer-${signal}-${i}`).then((id) => ({
          id,
          expected: (output) => assert.ok((output as { firedAt?: string }).firedAt),
        })),
      );
    }
    const started = await Promise.all(starts);
    const raised = await fetch(`${emu.url}${WEBHOOK}/instances/${waiting}/raiseEvent/Go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signal }),
    });
    assert.equal(raised.status, 202);

    const stoppedAt = Date.now();
    assert.equal(await emu.stop(signal), 0);
    const stopMs = Date.now() - stoppedAt;
    assert.match(emu.output(), new RegExp(`${signal}: stopping`));
    assert.ok(stopMs < 5000, `stopping took ${stopMs} ms`);

    const again = await startEmulator({ app: APP, storeDir: emu.storeDir });
    t.after(() => again.stop('SIGKILL'));
    for (const { id, expected } of started) {
      const status = await waitForStatus(again, id, undefined, 20_000);
      assert.equal(status.runtimeStatus, 'Completed', `${id}: ${JSON.stringify(status)}`);
      expected(status.output);
    }
    const go = await waitForStatus(again, waiting);
    assert.equal(go.runtimeStatus, 'Completed');
    assert.deepEqual(go.output, { event: 'Go', data: { signal } });
    assert.equal(await again.stop(signal), 0);
  });
}

test('SIGTERM while the app is still loading: clean exit 0, store lock released', async (t) => {
  // An ES module app whose entry file takes a while (top-level await) to load.
  const app = copyFixture('js-esm', 'slowload');
  const storeDir = tempDir('ds-store-');
  t.after(() => {
    fs.rmSync(storeDir, { recursive: true, force: true });
  });
  const entry = path.join(app, 'src/index.js');
  fs.writeFileSync(
    entry,
    `await new Promise((resolve) => setTimeout(resolve, 1500));\n${fs.readFileSync(entry, 'utf8')}`,
  );
  const child = spawn(process.execPath, [CLI, 'start', '--app', app, '--port', '0', '--store', storeDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  // The worker process exists: the emulator is past its own start-up and is loading the app.
  await waitFor(
    () =>
      execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)])
        .toString()
        .trim() !== '',
    'the worker process',
  );
  assert.doesNotMatch(output, /running at/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  assert.match(output, /SIGTERM: stopping/);
  assert.ok(!fs.existsSync(path.join(storeDir, 'store.lock')), 'the store lock was released');
});
