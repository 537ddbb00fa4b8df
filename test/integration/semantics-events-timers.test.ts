/**
 * External events and durable timers end to end (fixture js-cjs): Task.any with a cancelled timer, events
 * buffered before the orchestrator waits, 410 for a finished instance, timers firing on their own, an uncancelled
 * timer that keeps a returned orchestrator Running, and the emulator-only virtual clock (advance, fire a timer now,
 * list timers). The clock tests move emulated time forward for the whole emulator, so they come last.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  FIXTURES,
  WEBHOOK,
  emulatorApi,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
  type Status,
} from './harness.js';
import { emulatorNow, history, ofType, raiseEvent, timers, uid, waitForInstance } from './semantics-helpers.js';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});

after(async () => {
  await emu?.stop();
});

const HOUR = 60 * 60 * 1000;

/** `GET /emulator/v1/instances/{id}`, the fields these tests read. */
interface InstanceDetails {
  runtimeStatus: string;
  pendingTimers: { timerId: number; fireAt: string }[];
  returned: { status: string; at: string; openTasks: unknown[] } | null;
}

test('Task.any: the event wins and the one-hour timer is cancelled', async () => {
  const id = uid('go');
  await startOrchestration(emu, 'waitForGo', undefined, id);
  await waitForInstance(emu, id, (s) => s.customStatus === 'waiting', 'waiting');
  const pending = await timers(emu, id);
  assert.equal(pending.length, 1);
  assert.equal(pending[0]!.purpose, 'user');
  assert.ok(Date.parse(pending[0]!.fireAt) - (await emulatorNow(emu)) > HOUR - 60_000);
  assert.equal((await raiseEvent(emu, id, 'Go', { answer: 42 })).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { event: 'Go', data: { answer: 42 } });
  assert.equal(status.customStatus, 'received');
  const events = await history(emu, id);
  assert.equal(ofType(events, 'TimerCreated').length, 1);
  assert.equal(ofType(events, 'TimerFired').length, 0);
  const raised = ofType(events, 'EventRaised');
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.Name, 'Go');
  assert.deepEqual(await timers(emu, id), [], 'no timer is left pending');
});

test('events raised before the orchestrator waits are buffered', async () => {
  // Raised right after the start: before the first episode or at least before the wait is reached.
  const id = uid('early');
  await startOrchestration(emu, 'waitForGo', undefined, id);
  assert.equal((await raiseEvent(emu, id, 'Go', 'early')).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { event: 'Go', data: 'early' });

  // customStatus waits for "Continue" only after an activity: the event arrives while it is not waiting yet.
  const id2 = uid('early2');
  await startOrchestration(emu, 'customStatus', undefined, id2);
  assert.equal((await raiseEvent(emu, id2, 'Continue', { early: true })).status, 202);
  const status2 = await waitForStatus(emu, id2);
  assert.equal(status2.runtimeStatus, 'Completed');
  assert.deepEqual(status2.output, { greeting: 'Hello status!', continuedWith: { early: true } });
});

test('raising an event to a finished instance answers 410, to an unknown one 404', async () => {
  const id = uid('done');
  await startOrchestration(emu, 'helloSequence', undefined, id);
  await waitForStatus(emu, id);
  assert.equal((await raiseEvent(emu, id, 'Go', 1)).status, 410);
  assert.equal((await raiseEvent(emu, uid('nobody'), 'Go', 1)).status, 404);
});

test('a durable timer fires by itself', async () => {
  const id = uid('timer');
  await startOrchestration(emu, 'timerOrchestration', 1, id);
  const status = await waitForStatus(emu, id, undefined, 15_000);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as { startedAt: string; firedAt: string };
  assert.ok(Date.parse(out.firedAt) - Date.parse(out.startedAt) >= 1000, JSON.stringify(out));
  const events = await history(emu, id);
  assert.deepEqual(
    events.map((e) => e.EventType),
    ['ExecutionStarted', 'TimerCreated', 'TimerFired', 'ExecutionCompleted'],
  );
  assert.equal(Date.parse(String(ofType(events, 'TimerFired')[0]!.FireAt)), Date.parse(out.startedAt) + 1000);
});

test('emulator API: list pending timers and fire one now', async () => {
  const id = uid('fire');
  await startOrchestration(emu, 'timerOrchestration', 3600, id);
  const [timer] = await waitForTimers(id, 1);
  assert.equal(timer!.instanceId, id);
  assert.equal(timer!.purpose, 'user');
  const all = (await (await emulatorApi(emu, 'timers')).json()) as { instanceId: string }[];
  assert.ok(
    all.some((t) => t.instanceId === id),
    'the global list has it too',
  );
  const fired = await emulatorApi(emu, `instances/${encodeURIComponent(id)}/timers/fire?timerId=${timer!.timerId}`, {
    method: 'POST',
  });
  assert.equal(fired.status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(await timers(emu, id), []);
  // A finished instance: 410; an unknown one: 404.
  const again = await emulatorApi(emu, `instances/${encodeURIComponent(id)}/timers/fire`, { method: 'POST' });
  assert.equal(again.status, 410);
  const unknown = await emulatorApi(emu, `instances/${uid('nobody')}/timers/fire`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  // A running instance without such a pending timer: 404, and it keeps running.
  const noTimer = uid('notimer');
  await startOrchestration(emu, 'customStatus', undefined, noTimer);
  await waitForInstance(
    emu,
    noTimer,
    (s) => (s.customStatus as { stage?: string } | null)?.stage === 'waiting',
    'waiting',
  );
  const none = await emulatorApi(emu, `instances/${encodeURIComponent(noTimer)}/timers/fire`, { method: 'POST' });
  assert.equal(none.status, 404);
  const wrongId = uid('wrongid');
  await startOrchestration(emu, 'waitForGo', undefined, wrongId);
  const [only] = await waitForTimers(wrongId, 1);
  const wrong = await emulatorApi(
    emu,
    `instances/${encodeURIComponent(wrongId)}/timers/fire?timerId=${only!.timerId + 100}`,
    { method: 'POST' },
  );
  assert.equal(wrong.status, 404);
  assert.equal((await raiseEvent(emu, wrongId, 'Go', null)).status, 202);
  assert.equal((await raiseEvent(emu, noTimer, 'Continue', null)).status, 202);
  assert.equal((await waitForStatus(emu, wrongId)).runtimeStatus, 'Completed');
  assert.equal((await waitForStatus(emu, noTimer)).runtimeStatus, 'Completed');
});

test('Task.any: an uncancelled timer keeps the instance Running (202, no output) until it fires, as on Azure', async () => {
  const id = uid('race');
  await startOrchestration(emu, 'raceTimer', undefined, id);
  const details = await waitFor(async () => {
    const body = (await (await emulatorApi(emu, `instances/${encodeURIComponent(id)}`)).json()) as InstanceDetails;
    return body.returned ? body : undefined;
  }, `${id} returned`);
  const statusUrl = `${emu.url}${WEBHOOK}/instances/${encodeURIComponent(id)}`;
  const running = await fetch(statusUrl);
  assert.equal(running.status, 202);
  assert.equal(running.headers.get('location'), statusUrl);
  assert.equal(running.headers.get('retry-after'), '5');
  const status = (await running.json()) as Status;
  assert.equal(status.runtimeStatus, 'Running');
  assert.equal(status.output, null);
  assert.equal(status.customStatus, 'decided');
  assert.equal(ofType(await history(emu, id), 'ExecutionCompleted').length, 0);
  assert.equal(details.runtimeStatus, 'Running');
  const [timer] = details.pendingTimers;
  assert.deepEqual(details.returned, {
    status: 'Completed',
    at: details.returned!.at,
    openTasks: [{ kind: 'timer', taskId: 1, fireAt: timer!.fireAt, purpose: 'user' }],
  });
  assert.ok(Date.parse(timer!.fireAt) - Date.parse(details.returned!.at) >= HOUR - 60_000);
  const listed = (await (await emulatorApi(emu, 'returned')).json()) as { instanceId: string }[];
  assert.ok(listed.some((r) => r.instanceId === id));

  const fire = await emulatorApi(emu, `instances/${encodeURIComponent(id)}/timers/fire`, { method: 'POST' });
  assert.equal(fire.status, 202);
  const done = await waitForStatus(emu, id);
  assert.equal(done.runtimeStatus, 'Completed');
  assert.deepEqual(done.output, { winner: 'activity', greeting: 'Hello race!' });
  assert.equal((await fetch(statusUrl)).status, 200);
  assert.equal(ofType(await history(emu, id), 'ExecutionCompleted').length, 1);
  const after = (await (await emulatorApi(emu, `instances/${encodeURIComponent(id)}`)).json()) as InstanceDetails;
  assert.equal(after.returned, null);
  const listedAfter = (await (await emulatorApi(emu, 'returned')).json()) as { instanceId: string }[];
  assert.ok(!listedAfter.some((r) => r.instanceId === id));

  // With timer.cancel() it completes as soon as the activity wins.
  const cancelled = uid('race-cancel');
  await startOrchestration(emu, 'raceTimer', { cancel: true }, cancelled);
  assert.equal((await waitForStatus(emu, cancelled)).runtimeStatus, 'Completed');
  assert.deepEqual(await timers(emu, cancelled), []);
});

test('virtual clock: advancing one hour makes waitForGo time out at once', async () => {
  const id = uid('clock');
  await startOrchestration(emu, 'waitForGo', undefined, id);
  await waitForInstance(emu, id, (s) => s.customStatus === 'waiting', 'waiting');
  await waitForTimers(id, 1);
  const before = await emulatorNow(emu);
  const res = await emulatorApi(emu, 'clock/advance', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: HOUR }),
  });
  assert.equal(res.status, 200);
  const clock = (await res.json()) as { now: string; offsetMs: number };
  assert.ok(clock.offsetMs >= HOUR);
  assert.ok(Date.parse(clock.now) >= before + HOUR);
  const status = await waitForStatus(emu, id, undefined, 10_000);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { timedOut: true });
  assert.equal(status.customStatus, 'timedOut');
  const events = await history(emu, id);
  assert.equal(ofType(events, 'TimerFired').length, 1);
  // Emulated time flows on from the advanced clock: a new instance is created "an hour later".
  const later = uid('later');
  await startOrchestration(emu, 'helloSequence', undefined, later);
  const laterStatus = await waitForStatus(emu, later);
  assert.ok(Date.parse(laterStatus.createdTime) >= before + HOUR - 1000);
  // Going backwards is refused.
  const back = await emulatorApi(emu, 'clock/advance', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: -1 }),
  });
  assert.equal(back.status, 400);
  // So is a move past the last date the host can represent; the clock and new instances keep working.
  const tooFar = await emulatorApi(emu, 'clock/advance', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: 8.64e15 }),
  });
  assert.equal(tooFar.status, 400);
  assert.match(((await tooFar.json()) as { Message: string }).Message, /up to 9999-12-31T23:59:59\.999Z/);
  const nowAfter = await emulatorNow(emu);
  assert.ok(Number.isFinite(nowAfter) && nowAfter < Date.UTC(9999, 0, 1), 'the clock did not move');
  const afterRefusal = uid('after-refusal');
  await startOrchestration(emu, 'helloSequence', undefined, afterRefusal);
  assert.equal((await waitForStatus(emu, afterRefusal)).runtimeStatus, 'Completed');
});

async function waitForTimers(id: string, count: number) {
  return waitFor(async () => {
    const list = await timers(emu, id);
    return list.length === count ? list : undefined;
  }, `${count} pending timer(s) for ${id}`);
}
