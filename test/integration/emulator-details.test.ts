import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  FIXTURES,
  emulatorApi,
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
} from './harness.js';

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});
after(() => emu.stop());

interface Details {
  instanceId: string;
  runtimeStatus: string;
  parentInstanceId: string | null;
  subOrchestrations: string[];
  waitingFor: string[];
  pendingTimers: { timerId: number; fireAt: string; purpose: string }[];
  historyLength: number;
  episodes: number;
}

async function details(id: string): Promise<Details | undefined> {
  const res = await emulatorApi(emu, `instances/${encodeURIComponent(id)}`);
  return res.status === 200 ? ((await res.json()) as Details) : undefined;
}

test('instance details name the events and timers an orchestration waits for', async () => {
  const id = await startOrchestration(emu, 'waitForGo', undefined, 'details-wait');
  await waitFor(async () => (await getStatus(emu, id))?.customStatus === 'waiting', 'the orchestration to wait');
  const waiting = await details(id);
  assert.ok(waiting);
  assert.deepEqual(waiting.waitingFor, ['Go']);
  assert.equal(waiting.pendingTimers.length, 1);
  assert.equal(waiting.pendingTimers[0]!.purpose, 'user');
  assert.equal(waiting.parentInstanceId, null);
  await fetch(`${emu.url}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/Go`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '1',
  });
  await waitForStatus(emu, id);
  const done = await details(id);
  assert.deepEqual(done?.waitingFor, []);
  assert.deepEqual(done?.pendingTimers, []);
  assert.ok(done!.episodes >= 2 && done!.historyLength > 0);
});

test('instance details link a parent and its sub-orchestrations', async () => {
  const id = await startOrchestration(emu, 'parentOrchestration', {}, 'details-parent');
  await waitForStatus(emu, id);
  const parent = await details(id);
  assert.deepEqual(parent?.subOrchestrations, [`${id}:child`]);
  const child = await details(`${id}:child`);
  assert.equal(child?.parentInstanceId, id);
  assert.equal((await emulatorApi(emu, 'instances/no-such-instance')).status, 404);
  assert.equal((await emulatorApi(emu, 'instances/a%2Fb')).status, 400);
});
