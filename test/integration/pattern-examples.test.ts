/**
 * docs/patterns.md promises curl commands that work verbatim against `npm start`. This runs every one of them, in
 * order, against the emulator on examples/app (only the port is swapped, so the test does not need 7071 free),
 * and checks that the orchestrations they start finish as the page says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO, emulatorApi, getStatus, startEmulator, waitFor } from './harness.js';

const exec = promisify(execFile);

function patternCurlCommands(): string[] {
  const page = fs.readFileSync(path.join(REPO, 'docs/patterns.md'), 'utf8');
  return page
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));
}

test('every curl command of docs/patterns.md works against the example app', async (t) => {
  const emu = await startEmulator({ app: path.join(REPO, 'examples/app') });
  t.after(() => emu.stop());
  const commands = patternCurlCommands();
  assert.ok(commands.length >= 25, `found ${commands.length} curl commands`);
  for (const command of commands) {
    const runnable = command.replaceAll('localhost:7071', `localhost:${emu.port}`) + ` -o /dev/null -w '%{http_code}'`;
    const { stdout } = await exec('sh', ['-c', runnable]);
    const status = Number(stdout.trim().slice(-3));
    const expected404 = command.includes('does-not-exist');
    assert.ok(expected404 ? status === 404 : status >= 200 && status < 300, `${command}\n  answered HTTP ${status}`);
  }

  // The orchestrations the commands started finish as documented; emulated time moves forward for the ones that
  // wait on durable timers (monitor, eternal counter, retries), so the test takes seconds, not minutes.
  const expectations: Record<string, (output: unknown) => void> = {
    'fan-1': (o) => assert.deepEqual(o, { itemCount: 5, total: 30 }),
    'http-1': (o) => assert.deepEqual(o, { statusCode: 200, content: '{"message":"pong"}' }),
    'approval-1': (o) => assert.equal((o as { outcome: string }).outcome, 'approved'),
    'counter-orch-1': (o) => assert.deepEqual(o, { id: 'orch-counter', afterAdd: 5, afterDouble: 10 }),
    'parent-1': (o) => assert.ok((o as { child: unknown[] }).child.length === 3),
    'retry-1': (o) => assert.match(JSON.stringify(o), /succeeded on attempt 3/),
    'monitor-1': (o) => assert.equal((o as { status: string }).status, 'done'),
    'eternal-1': (o) => assert.equal((o as { count: number }).count, 3),
  };
  for (const [id, check] of Object.entries(expectations)) {
    const status = await waitFor(
      async () => {
        const s = await getStatus(emu, id);
        if (s && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus)) return s;
        await emulatorApi(emu, 'clock/advance', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"ms":5000}',
        });
        return undefined;
      },
      `${id} to finish`,
      30_000,
    );
    assert.equal(status.runtimeStatus, 'Completed', `${id}: ${JSON.stringify(status.output)}`);
    check(status.output);
  }
  const terminated = await getStatus(emu, 'approval-2');
  assert.equal(terminated?.runtimeStatus, 'Terminated');
  assert.equal(terminated?.output, 'demo');
  assert.equal(await getStatus(emu, 'hello-1'), undefined, 'hello-1 was purged');
  const counter = await fetch(`${emu.url}/api/counter/my-counter`);
  assert.equal(counter.status, 404, 'my-counter was deleted by the last entity command');
});
