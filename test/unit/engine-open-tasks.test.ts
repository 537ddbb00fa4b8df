/**
 * An orchestrator that finishes while a task it started is still open (the loser of a `Task.any`): as on Azure
 * (DTFx `HasOpenTasks`), the execution stays Running without output until the task is done, then ends with what
 * the replayed function answers. Fixtures `raceTimer` and `raceEventOrActivity` (js-cjs timer.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType } from '../../src/emulator/engine/history.js';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import { createTestEngine, deferred, output, waitUntil } from './engineHarness.js';

const HOUR = 60 * 60 * 1000;

function types(record: InstanceRecord): string[] {
  return record.history.map((e) => EventType[e.EventType]);
}

function warnings(logs: string[]): string[] {
  return logs.filter((line) => line.startsWith('warn: ') && line.includes('like Azure, it stays Running'));
}

test('an uncancelled race timer keeps the instance Running, without output, until it fires; then it completes', async () => {
  const { run, clock, settle, engine, logs } = await createTestEngine();
  const startedAt = clock.now();
  const record = await run('raceTimer');
  assert.equal(record.status, 'Running');
  assert.equal(record.output, null);
  assert.equal(record.customStatus, '"decided"', 'custom status is updated as usual');
  assert.deepEqual(types(record), [
    'OrchestratorStarted',
    'ExecutionStarted',
    'TaskScheduled',
    'TimerCreated',
    'OrchestratorCompleted',
    'OrchestratorStarted',
    'TaskCompleted',
    'OrchestratorCompleted',
  ]);
  assert.deepEqual(record.returned, { status: 'Completed', at: startedAt });
  assert.deepEqual(
    engine.pendingTimers(record.instanceId).map((t) => t.timerId),
    [1],
  );
  const fireAt = new Date(startedAt + HOUR).toISOString();
  assert.deepEqual(warnings(logs), [
    `warn: Orchestration 'raceTimer' (${record.instanceId}) returned with output but its timer 1 (fires at ${fireAt}) ` +
      'is neither fired nor cancelled: like Azure, it stays Running until then; call timer.cancel() when the race is decided',
  ]);

  // An event raised meanwhile replays the orchestrator: same answer, still Running, no second warning.
  assert.equal(await engine.raiseEvent(record.instanceId, 'Poke', null), 'accepted');
  await settle();
  clock.advance(HOUR - 1);
  await settle();
  const waiting = engine.getInstance(record.instanceId)!;
  assert.equal(waiting.status, 'Running');
  assert.equal(waiting.episodes, 3);
  assert.equal(waiting.returned?.at, startedAt);
  assert.equal(warnings(logs).length, 1);

  clock.advance(1);
  await settle();
  const done = engine.getInstance(record.instanceId)!;
  assert.equal(done.status, 'Completed');
  assert.deepEqual(output(done), { winner: 'activity', greeting: 'Hello race!' });
  assert.equal(done.lastUpdatedTime, startedAt + HOUR, 'it completes exactly when the timer fires');
  assert.deepEqual(types(done).slice(-4), [
    'OrchestratorStarted',
    'TimerFired',
    'OrchestratorCompleted',
    'ExecutionCompleted',
  ]);
  assert.equal(done.returned, undefined);
});

test('with timer.cancel() the race completes in the episode that decides it', async () => {
  const { run, engine, logs } = await createTestEngine();
  const record = await run('raceTimer', { cancel: true });
  assert.equal(record.status, 'Completed');
  assert.deepEqual(output(record), { winner: 'activity', greeting: 'Hello race!' });
  assert.equal(record.episodes, 2);
  assert.equal(engine.pendingTimers(record.instanceId).length, 0);
  assert.equal(warnings(logs).length, 0);
});

test('a failure also waits for the open timer (DTFx checks open tasks first), then fails when it fires', async () => {
  const { run, engine, settle } = await createTestEngine();
  const record = await run('raceTimer', { then: 'throw' });
  assert.equal(record.status, 'Running');
  assert.equal(record.returned?.status, 'Failed');
  assert.match(record.returned?.error ?? '', /The race is over/);
  assert.equal(await engine.fireTimer(record.instanceId), 'accepted');
  await settle();
  const failed = engine.getInstance(record.instanceId)!;
  assert.equal(failed.status, 'Failed');
  assert.match(String(output(failed)), /Orchestrator function 'raceTimer' failed: .*The race is over/);
});

test('continue-as-new also waits for the open timer; the next generation starts when it fires', async () => {
  const { run, engine, settle } = await createTestEngine();
  const record = await run('raceTimer', { then: 'continue' });
  assert.equal(record.status, 'Running');
  assert.equal(record.returned?.status, 'ContinuedAsNew');
  assert.equal(record.historyVersion, 0, 'still the first execution');
  assert.equal(await engine.fireTimer(record.instanceId), 'accepted');
  await settle();
  const done = engine.getInstance(record.instanceId)!;
  // The second generation cancels its timer, so it completes at once.
  assert.equal(done.status, 'Completed');
  assert.deepEqual(output(done), { winner: 'activity', greeting: 'Hello race!' });
  assert.deepEqual(JSON.parse(done.input!), { cancel: true });
  assert.equal(done.historyVersion, 1);
});

test('a losing activity is an open task too; the event wait an activity beats is not', async () => {
  const release = deferred();
  const { engine, logs } = await createTestEngine(undefined, {
    beforeInvoke: (call) => (call.kind === 'activity' && call.input === '"slow"' ? release.promise : undefined),
  });
  const { instanceId } = await engine.startNew('raceEventOrActivity', { input: null });
  await waitUntil(() => engine.getInstance(instanceId)!.waitingFor.includes('Go'));
  assert.equal(await engine.raiseEvent(instanceId, 'Go', null), 'accepted');
  await waitUntil(() => engine.getInstance(instanceId)!.returned !== undefined);
  const held = engine.getInstance(instanceId)!;
  assert.equal(held.status, 'Running');
  assert.equal(held.output, null);
  assert.match(
    warnings(logs).at(-1) ?? '',
    /returned with output but its activity 'sayHello' \(task 0\) has not completed/,
  );
  release.resolve();
  await waitUntil(() => engine.getInstance(instanceId)!.status === 'Completed');
  assert.equal(output(engine.getInstance(instanceId)!), 'event');

  // When the activity wins, the event wait left behind keeps nothing open.
  const other = await engine.startNew('raceEventOrActivity', { input: null });
  await engine.whenIdle();
  assert.equal(engine.getInstance(other.instanceId)!.status, 'Completed');
  assert.equal(output(engine.getInstance(other.instanceId)!), 'activity');
});

test('terminate, suspend and resume work on an instance that waits for its open timer', async () => {
  const { run, engine, settle } = await createTestEngine();
  const record = await run('raceTimer');
  assert.equal(await engine.suspend(record.instanceId, 'pause'), 'accepted');
  assert.equal(await engine.fireTimer(record.instanceId), 'accepted');
  await settle();
  assert.equal(engine.getInstance(record.instanceId)!.status, 'Suspended');
  assert.equal(await engine.resume(record.instanceId, 'go on'), 'accepted');
  await settle();
  assert.equal(engine.getInstance(record.instanceId)!.status, 'Completed');

  const other = await run('raceTimer');
  assert.equal(await engine.terminate(other.instanceId, 'enough'), 'accepted');
  const terminated = engine.getInstance(other.instanceId)!;
  assert.equal(terminated.status, 'Terminated');
  assert.equal(output(terminated), 'enough');
  assert.equal(terminated.returned, undefined);
  assert.equal(engine.pendingTimers(other.instanceId).length, 0);
});

test('a record stored without the field (older versions) loads, and one stored while waiting resumes waiting', async () => {
  const first = await createTestEngine();
  const waiting = await first.run('raceTimer');
  const legacy = await first.run('timerOrchestration', 30);
  first.engine.core.stop();
  const stored = JSON.parse(first.data.instances.get(legacy.instanceId)!) as Record<string, unknown>;
  assert.equal('returned' in stored, false, 'absent unless set');
  const second = await createTestEngine(first.data);
  assert.equal(second.engine.getInstance(waiting.instanceId)!.returned?.status, 'Completed');
  second.clock.advance(HOUR + (first.clock.now() - second.clock.now()));
  await second.settle();
  assert.equal(second.engine.getInstance(legacy.instanceId)!.status, 'Completed');
  assert.equal(second.engine.getInstance(waiting.instanceId)!.status, 'Completed');
});
