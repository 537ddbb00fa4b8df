/**
 * --watch: editing a function file reloads the code (a new worker) without touching the store; new instances
 * run the new code and an instance waiting across the reload continues and completes.
 * Runs on a copy of js-cjs under test/fixtures/ (so the packages resolve from the repo root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  WEBHOOK,
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  copyFixture,
} from './harness.js';

const app = copyFixture('js-cjs', 'watch');

test('--watch reloads changed code; running instances continue', async (t) => {
  const emu = await startEmulator({ app, args: ['--watch'] });
  t.after(() => emu.stop());

  const first = await startOrchestration(emu, 'helloSequence');
  assert.deepEqual((await waitForStatus(emu, first)).output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const waiting = await startOrchestration(emu, 'waitForGo');
  await waitFor(async () => (await getStatus(emu, waiting))?.customStatus === 'waiting', 'waitForGo waiting');

  const reloadsBefore = (emu.output().match(/Code changed: reloaded \d+ functions/g) ?? []).length;
  const file = path.join(app, 'src/functions/hello.js');
  const source = fs.readFileSync(file, 'utf8');
  assert.ok(source.includes('`Hello ${name}!`'));
  fs.writeFileSync(file, source.replace('`Hello ${name}!`', '`Howdy ${name}!`'));
  await waitFor(
    () => (emu.output().match(/Code changed: reloaded \d+ functions/g) ?? []).length > reloadsBefore,
    'the reload log line',
  );
  assert.doesNotMatch(emu.output(), /Reload failed/);

  const second = await startOrchestration(emu, 'helloSequence');
  const status = await waitForStatus(emu, second);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, ['Howdy Tokyo!', 'Howdy Seattle!', 'Howdy London!']);

  const raised = await fetch(`${emu.url}${WEBHOOK}/instances/${waiting}/raiseEvent/Go`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '"after reload"',
  });
  assert.equal(raised.status, 202);
  const go = await waitForStatus(emu, waiting);
  assert.equal(go.runtimeStatus, 'Completed');
  assert.deepEqual(go.output, { event: 'Go', data: 'after reload' });

  // A broken edit: the reload fails and says why; calls wait for working code instead of failing.
  const reloadLines = () => (emu.output().match(/Code changed: reloaded \d+ functions|Reload failed/g) ?? []).length;
  let seen = reloadLines();
  const howdy = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, `${howdy}\nthis is not javascript(\n`);
  await waitFor(() => reloadLines() > seen, 'the failed reload log line');
  assert.match(emu.output(), /Reload failed: .*hello\.js/);
  const duringBroken = await startOrchestration(emu, 'helloSequence');
  seen = reloadLines();
  fs.writeFileSync(file, howdy.replace('`Howdy ${name}!`', '`Hi ${name}!`'));
  await waitFor(() => reloadLines() > seen, 'the reload after the fix');
  const fixed = await waitForStatus(emu, duringBroken);
  assert.equal(fixed.runtimeStatus, 'Completed', JSON.stringify(fixed.output));
  assert.deepEqual(fixed.output, ['Hi Tokyo!', 'Hi Seattle!', 'Hi London!']);

  // HTTP triggers are served by the new worker, whose appStart hook ran once.
  const echo = await fetch(`${emu.url}/api/echo/1`);
  assert.equal(((await echo.json()) as { appStartCount: number }).appStartCount, 1);
  // The earlier instance is still in the store.
  assert.equal((await getStatus(emu, first))?.runtimeStatus, 'Completed');
});
