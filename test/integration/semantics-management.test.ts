/**
 * Instance management end to end (fixture js-cjs) through the real host's HTTP API: terminate, suspend/resume,
 * rewind, restart, purge (one and by filter) and listing with filters and continuation tokens.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  FIXTURES,
  getStatus,
  startEmulator,
  startOrchestration,
  tempDir,
  waitForStatus,
  type Emulator,
  type Status,
} from './harness.js';
import { emulatorNow, history, ofType, raiseEvent, uid, waitForInstance, webhook } from './semantics-helpers.js';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});

after(async () => {
  await emu?.stop();
});

function operation(id: string, op: string, query = ''): Promise<Response> {
  return webhook(emu, `instances/${encodeURIComponent(id)}/${op}${query}`, { method: 'POST' });
}

function waiting(id: string): Promise<Status> {
  return waitForInstance(emu, id, (s) => s.customStatus === 'waiting', 'waiting for Go');
}

test('terminate: status Terminated, output = reason; a second terminate is 410', async () => {
  const id = uid('term');
  await startOrchestration(emu, 'waitForGo', undefined, id);
  await waiting(id);
  assert.equal((await operation(id, 'terminate', '?reason=enough%20waiting')).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Terminated');
  assert.equal(status.output, 'enough waiting');
  const events = await history(emu, id);
  assert.equal(ofType(events, 'ExecutionTerminated').length, 1);
  assert.equal(ofType(events, 'ExecutionCompleted')[0]!.OrchestrationStatus, 'Terminated');
  assert.equal((await operation(id, 'terminate')).status, 410);
  assert.equal((await raiseEvent(emu, id, 'Go', 1)).status, 410, 'events to a terminated instance are refused');
  assert.equal((await operation(uid('nobody'), 'terminate')).status, 404);
});

test('suspend/resume: a suspended instance does not progress; after resume it completes', async () => {
  const id = uid('susp');
  await startOrchestration(emu, 'waitForGo', undefined, id);
  await waiting(id);
  assert.equal((await operation(id, 'suspend', '?reason=hold')).status, 202);
  assert.equal((await getStatus(emu, id))?.runtimeStatus, 'Suspended');
  assert.equal((await raiseEvent(emu, id, 'Go', 'while suspended')).status, 202, 'events are accepted while suspended');
  // The event is durable but not delivered: the instance stays Suspended, and its history does not hold it.
  // (Polled a few times: each poll is a full round trip through the engine, which would have run the episode.)
  for (let i = 0; i < 10; i++) {
    const s = await getStatus(emu, id, '?showHistory=true');
    assert.equal(s?.runtimeStatus, 'Suspended');
    assert.equal(s?.customStatus, 'waiting');
    assert.equal(ofType((s?.historyEvents ?? []) as { EventType: string }[], 'EventRaised').length, 0);
  }
  assert.equal((await operation(id, 'resume', '?reason=go%20on')).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { event: 'Go', data: 'while suspended' });
  const events = await history(emu, id);
  assert.equal(ofType(events, 'ExecutionSuspended').length, 1);
  assert.equal(ofType(events, 'ExecutionResumed').length, 1);
  assert.equal(ofType(events, 'ExecutionSuspended')[0]!.Reason, 'hold');
});

test('rewind: a failed instance runs its failed activity again and completes', async () => {
  const dir = tempDir('ds-flag-');
  const flagFile = path.join(dir, 'flag');
  const id = uid('rewind');
  await startOrchestration(emu, 'rewindable', { flagFile }, id);
  const failed = await waitForStatus(emu, id);
  assert.equal(failed.runtimeStatus, 'Failed');
  assert.match(String(failed.output), /flag file missing/);
  // Only a Failed instance can be rewound.
  const other = uid('norewind');
  await startOrchestration(emu, 'helloSequence', undefined, other);
  await waitForStatus(emu, other);
  assert.equal((await operation(other, 'rewind')).status, 412);

  fs.writeFileSync(flagFile, 'now');
  assert.equal((await operation(id, 'rewind', '?reason=fixed')).status, 202);
  const status = await waitForStatus(emu, id, 'Completed');
  assert.deepEqual(status.output, { before: 'Hello rewind!', result: 'flag found' });
  const events = await history(emu, id);
  // The activity that had succeeded was not run again; the failed one was.
  assert.deepEqual(
    ofType(events, 'TaskCompleted').map((e) => e.FunctionName),
    ['sayHello', 'failUntilFile'],
  );
  assert.equal(ofType(events, 'TaskFailed').length, 0);
  assert.deepEqual(
    ofType(events, 'ExecutionCompleted').map((e) => e.OrchestrationStatus),
    ['Completed'],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('rewind: a parent failed by its sub-orchestration rewinds the child too', async () => {
  const dir = tempDir('ds-flag-');
  const flagFile = path.join(dir, 'flag');
  const id = uid('rewind-parent');
  await startOrchestration(emu, 'parentOfRewindable', { flagFile }, id);
  const failed = await waitForStatus(emu, id);
  assert.equal(failed.runtimeStatus, 'Failed');
  assert.match(String(failed.output), /flag file missing/);
  assert.equal((await getStatus(emu, `${id}:child`))?.runtimeStatus, 'Failed');
  fs.writeFileSync(flagFile, 'now');
  assert.equal((await operation(id, 'rewind')).status, 202);
  const status = await waitForStatus(emu, id, 'Completed');
  assert.deepEqual(status.output, { child: { before: 'Hello rewind!', result: 'flag found' } });
  const child = await getStatus(emu, `${id}:child`);
  assert.equal(child?.runtimeStatus, 'Completed');
  assert.deepEqual(child?.output, { before: 'Hello rewind!', result: 'flag found' });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('suspend/resume during a fan-out loses no completion; terminate works while suspended', async () => {
  const id = uid('susp-act');
  await startOrchestration(emu, 'fanOutFanIn', 20, id);
  assert.equal((await operation(id, 'suspend')).status, 202);
  const suspended = await getStatus(emu, id);
  assert.equal(suspended?.runtimeStatus, 'Suspended');
  assert.equal((await operation(id, 'resume')).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal((status.output as { sum: number }).sum, 20 * 21);

  const other = uid('susp-term');
  await startOrchestration(emu, 'waitForGo', undefined, other);
  await waiting(other);
  assert.equal((await operation(other, 'suspend')).status, 202);
  assert.equal((await operation(other, 'terminate', '?reason=stop')).status, 202);
  const terminated = await waitForStatus(emu, other);
  assert.equal(terminated.runtimeStatus, 'Terminated');
  assert.equal(terminated.output, 'stop');
});

test('restart: with the same id and with a new id, from the original input', async () => {
  const id = uid('restart');
  await startOrchestration(emu, 'fanOutFanIn', 3, id);
  const first = await waitForStatus(emu, id);
  assert.deepEqual(first.output, { count: 3, results: [2, 4, 6], sum: 12 });

  const same = await operation(id, 'restart', '?restartWithNewInstanceId=false');
  assert.equal(same.status, 202);
  assert.equal(((await same.json()) as { id: string }).id, id);
  const again = await waitForStatus(emu, id);
  assert.equal(again.runtimeStatus, 'Completed');
  assert.deepEqual(again.input, 3);
  assert.deepEqual(again.output, first.output);

  const fresh = await operation(id, 'restart', '?restartWithNewInstanceId=true');
  assert.equal(fresh.status, 202);
  const newId = ((await fresh.json()) as { id: string }).id;
  assert.notEqual(newId, id);
  const restarted = await waitForStatus(emu, newId);
  assert.equal(restarted.name, 'fanOutFanIn');
  assert.deepEqual(restarted.input, 3);
  assert.deepEqual(restarted.output, first.output);
  assert.equal((await getStatus(emu, id))?.runtimeStatus, 'Completed', 'the original stays');

  // Restarting a running instance with the same id is a conflict.
  const running = uid('running');
  await startOrchestration(emu, 'waitForGo', undefined, running);
  await waiting(running);
  assert.equal((await operation(running, 'restart', '?restartWithNewInstanceId=false')).status, 409);
  assert.equal((await operation(running, 'terminate')).status, 202);
});

test('purge one instance: then 404; a running one cannot be purged', async () => {
  const id = uid('purge');
  await startOrchestration(emu, 'helloSequence', undefined, id);
  await waitForStatus(emu, id);
  const res = await webhook(emu, `instances/${id}`, { method: 'DELETE' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { instancesDeleted: 1 });
  assert.equal(await getStatus(emu, id), undefined);
  assert.equal((await webhook(emu, `instances/${id}`, { method: 'DELETE' })).status, 404);

  const running = uid('purge-run');
  await startOrchestration(emu, 'waitForGo', undefined, running);
  await waiting(running);
  const refused = await webhook(emu, `instances/${running}`, { method: 'DELETE' });
  assert.equal(refused.status, 412);
  assert.match(
    String(await refused.json()),
    /Only orchestrations in a terminal state can be purged.* has status Running/,
  );
  assert.equal((await getStatus(emu, running))?.runtimeStatus, 'Running');
  assert.equal((await operation(running, 'terminate')).status, 202);
  // Entities are never purged: an entity id is not an instance here.
  assert.equal(
    (await webhook(emu, `instances/${encodeURIComponent('@counter@purge')}`, { method: 'DELETE' })).status,
    404,
  );
});

test('purge by filter: only terminal instances in the time window and with the status asked for; never running ones', async () => {
  const from = new Date(await emulatorNow(emu)).toISOString();
  const prefix = uid('pbf');
  const done = [`${prefix}-a`, `${prefix}-b`];
  for (const id of done) await startOrchestration(emu, 'helloSequence', undefined, id);
  const failed = `${prefix}-failed`;
  await startOrchestration(emu, 'failingOrchestrator', undefined, failed);
  const running = `${prefix}-running`;
  await startOrchestration(emu, 'waitForGo', undefined, running);
  for (const id of [...done, failed]) await waitForStatus(emu, id);
  await waiting(running);
  const res = await webhook(emu, `instances?createdTimeFrom=${encodeURIComponent(from)}&runtimeStatus=Completed`, {
    method: 'DELETE',
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { instancesDeleted: 2 });
  for (const id of done) assert.equal(await getStatus(emu, id), undefined);
  assert.equal((await getStatus(emu, failed))?.runtimeStatus, 'Failed');
  assert.equal((await getStatus(emu, running))?.runtimeStatus, 'Running');
  // Nothing left to match: 404.
  const none = await webhook(emu, `instances?createdTimeFrom=${encodeURIComponent(from)}&runtimeStatus=Completed`, {
    method: 'DELETE',
  });
  assert.equal(none.status, 404);
  // Non-terminal statuses select nothing, alone (404, the running instance stays) or next to a terminal one.
  const purgeBy = (statuses: string) =>
    webhook(emu, `instances?createdTimeFrom=${encodeURIComponent(from)}&runtimeStatus=${statuses}`, {
      method: 'DELETE',
    });
  assert.equal((await purgeBy('Running')).status, 404);
  assert.equal((await purgeBy('Running,Pending,Suspended')).status, 404);
  assert.equal((await getStatus(emu, running))?.runtimeStatus, 'Running');
  const mixed = await purgeBy('Running,Failed');
  assert.deepEqual([mixed.status, await mixed.json()], [200, { instancesDeleted: 1 }]);
  assert.equal(await getStatus(emu, failed), undefined);
  assert.equal((await getStatus(emu, running))?.runtimeStatus, 'Running');
  assert.equal((await operation(running, 'terminate')).status, 202);
});

test('list instances with filters and continuation tokens', async () => {
  const t0 = await emulatorNow(emu);
  const prefix = uid('list');
  const ids = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`);
  for (const id of ids) await startOrchestration(emu, 'helloSequence', undefined, id);
  const waiter = `${prefix}-w`;
  await startOrchestration(emu, 'waitForGo', undefined, waiter);
  for (const id of ids) await waitForStatus(emu, id);
  await waiting(waiter);
  const t1 = await emulatorNow(emu);

  const list = async (query: string): Promise<Status[]> => {
    const res = await webhook(emu, `instances?${query}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Status[];
  };
  const byPrefix = await list(`instanceIdPrefix=${prefix}`);
  assert.deepEqual(byPrefix.map((s) => s.instanceId).sort(), [...ids, waiter].sort());
  const completed = await list(`instanceIdPrefix=${prefix}&runtimeStatus=Completed`);
  assert.deepEqual(completed.map((s) => s.instanceId).sort(), [...ids].sort());
  const runningOrFailed = await list(`instanceIdPrefix=${prefix}&runtimeStatus=Running,Failed`);
  assert.deepEqual(
    runningOrFailed.map((s) => s.instanceId),
    [waiter],
  );
  const window = `createdTimeFrom=${encodeURIComponent(new Date(t0).toISOString())}&createdTimeTo=${encodeURIComponent(new Date(t1).toISOString())}`;
  const inWindow = await list(`instanceIdPrefix=${prefix}&${window}`);
  assert.equal(inWindow.length, 6);
  const beforeWindow = await list(
    `instanceIdPrefix=${prefix}&createdTimeTo=${encodeURIComponent(new Date(t0 - 1000).toISOString())}`,
  );
  assert.equal(beforeWindow.length, 0);
  const afterWindow = await list(
    `instanceIdPrefix=${prefix}&createdTimeFrom=${encodeURIComponent(new Date(t1 + 1000).toISOString())}`,
  );
  assert.equal(afterWindow.length, 0);

  // Pages of two: follow x-ms-continuation-token until it is absent.
  const seen: string[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res: Response = await webhook(
      emu,
      `instances?instanceIdPrefix=${prefix}&top=2`,
      token ? { headers: { 'x-ms-continuation-token': token } } : undefined,
    );
    assert.equal(res.status, 200);
    const page = (await res.json()) as Status[];
    assert.ok(page.length <= 2 && page.length > 0, `page of ${page.length}`);
    seen.push(...page.map((s) => s.instanceId));
    token = res.headers.get('x-ms-continuation-token');
    pages++;
  } while (token && pages < 20);
  assert.equal(token, null);
  assert.equal(pages, 3);
  assert.deepEqual([...seen].sort(), [...ids, waiter].sort());
  assert.equal(new Set(seen).size, seen.length, 'no instance on two pages');
  assert.equal((await operation(waiter, 'terminate')).status, 202);
});
