import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../src/emulator/engine/api.js';
import { EventType } from '../../src/emulator/engine/history.js';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import { createTestEngine, deferred, output, storedNow, waitUntil } from './engineHarness.js';

function eventsOf(history: { EventType: number }[], type: EventType): number {
  return history.filter((e) => e.EventType === type).length;
}

test('chaining: three activities in order, sequence ids 0..2, one episode per completion', async () => {
  const { run } = await createTestEngine();
  const record = await run('helloSequence');
  assert.equal(record.status, 'Completed');
  assert.deepEqual(output(record), ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const scheduled = record.history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.EventId);
  assert.deepEqual(scheduled, [0, 1, 2]);
  assert.equal(record.episodes, 4);
  assert.ok(
    record.history.every((e) => e.IsPlayed),
    'stored events are marked played',
  );
});

test('fan-out/fan-in of 300: exact result, completions delivered in batches (far fewer episodes than tasks)', async () => {
  const { run } = await createTestEngine();
  const record = await run('fanOutFanIn', 300);
  assert.equal(record.status, 'Completed');
  const result = output(record) as { count: number; sum: number };
  assert.equal(result.count, 300);
  assert.equal(result.sum, 300 * 301);
  assert.equal(eventsOf(record.history, EventType.TaskCompleted), 300);
  assert.ok(record.episodes < 60, `expected batched delivery, got ${record.episodes} episodes for 300 completions`);
});

test('durable timers wait for the clock and fire when it reaches them', async () => {
  const { run, clock, settle, engine } = await createTestEngine();
  const started = await run('timerOrchestration', 60);
  assert.equal(started.status, 'Running');
  assert.equal(engine.pendingTimers(started.instanceId).length, 1);
  clock.advance(59_000);
  await settle();
  assert.equal(engine.getInstance(started.instanceId)!.status, 'Running');
  clock.advance(1_000);
  await settle();
  assert.equal(engine.getInstance(started.instanceId)!.status, 'Completed');
});

test('retries: ids follow the library (a timer after every failed attempt) and the activity finally succeeds', async () => {
  const { run, clock, settle, engine } = await createTestEngine();
  const record = await run('retryOrchestration', { failures: 2, maxAttempts: 3, firstRetryIntervalMs: 1000 });
  for (let i = 0; i < 10 && engine.getInstance(record.instanceId)!.status === 'Running'; i++) {
    clock.advance(1000);
    await settle();
  }
  const done = engine.getInstance(record.instanceId)!;
  assert.equal(done.status, 'Completed', JSON.stringify(done.output));
  const shape = done.history
    .filter((e) =>
      [
        EventType.TaskScheduled,
        EventType.TaskFailed,
        EventType.TaskCompleted,
        EventType.TimerCreated,
        EventType.TimerFired,
      ].includes(e.EventType),
    )
    .map((e) => {
      const id = 'TaskScheduledId' in e ? e.TaskScheduledId : 'TimerId' in e ? e.TimerId : e.EventId;
      return `${EventType[e.EventType]}#${id}`;
    });
  assert.deepEqual(shape, [
    'TaskScheduled#0',
    'TaskFailed#0',
    'TimerCreated#1',
    'TimerFired#1',
    'TaskScheduled#2',
    'TaskFailed#2',
    'TimerCreated#3',
    'TimerFired#3',
    'TaskScheduled#4',
    'TaskCompleted#4',
  ]);
});

test('an external event raised before the orchestrator waits is buffered, and the race timer is cancelled', async () => {
  const { engine, settle } = await createTestEngine();
  const record = await engine.startNew('waitForGo', { input: null });
  assert.equal(await engine.raiseEvent(record.instanceId, 'Go', JSON.stringify({ fast: true })), 'accepted');
  await settle();
  const done = engine.getInstance(record.instanceId)!;
  assert.equal(done.status, 'Completed');
  assert.deepEqual(output(done), { event: 'Go', data: { fast: true } });
  assert.equal(engine.pendingTimers(record.instanceId).length, 0);
});

test('continue-as-new restarts the history and carries the new input', async () => {
  const { run, clock, settle, engine } = await createTestEngine();
  const record = await run('eternal', { count: 0, limit: 3 });
  for (let i = 0; i < 10 && engine.getInstance(record.instanceId)!.status !== 'Completed'; i++) {
    clock.advance(1000);
    await settle();
  }
  const done = engine.getInstance(record.instanceId)!;
  assert.equal(done.status, 'Completed');
  assert.deepEqual(output(done), { count: 3, done: true });
  assert.equal(eventsOf(done.history, EventType.ExecutionStarted), 1, 'only the last execution is in the history');
  assert.ok(done.historyVersion >= 3);
});

test('entity operations are applied one at a time: 500 concurrent signals give exactly 500', async () => {
  const { engine, settle } = await createTestEngine();
  await Promise.all(Array.from({ length: 500 }, () => engine.signalEntity('counter', 'unit', 'add', '1')));
  await settle();
  const entity = engine.getEntity('counter', 'unit');
  assert.ok(entity);
  assert.equal(JSON.parse(entity.state!), 500);
});

test('an orchestrator that throws fails the instance with its message; activity errors are catchable', async () => {
  const { run } = await createTestEngine();
  const failed = await run('failingOrchestrator');
  assert.equal(failed.status, 'Failed');
  assert.match(
    String(output(failed)),
    /Orchestrator function 'failingOrchestrator' failed: .*Orchestrator failed on purpose/,
  );
  const caught = await run('catchActivityError');
  assert.equal(caught.status, 'Completed');
  const result = output(caught) as { caught: boolean; message: string };
  assert.equal(result.caught, true);
  assert.match(result.message, /Activity function 'alwaysThrows' failed: Activity failed on purpose/);
  assert.match(result.message, /at /, 'the stack reaches the orchestrator');
});

test('recovery: a new engine on the same store finishes what the first one left pending', async () => {
  const first = await createTestEngine();
  const record = await first.run('timerOrchestration', 30);
  assert.equal(record.status, 'Running');
  first.engine.core.stop();
  // The first engine is gone (as after kill -9); the second one loads the same data.
  const second = await createTestEngine(first.data);
  assert.equal(second.engine.pendingTimers(record.instanceId).length, 1, 'the timer re-arms');
  second.clock.advance(31_000 + (first.clock.now() - second.clock.now()));
  await second.settle();
  assert.equal(second.engine.getInstance(record.instanceId)!.status, 'Completed');
  assert.equal(eventsOf(second.engine.getInstance(record.instanceId)!.history, EventType.TimerFired), 1);
});

test('recovery: completions that arrive while an episode runs survive a crash before its commit', async () => {
  // Activity 1 completes; the episode that delivers it is held in flight while activities 2 and 3 complete (each
  // completion commits the record). A crash at that moment must lose none of the three completions.
  let episodes = 0;
  let activities = 0;
  const held = deferred();
  const gate = deferred();
  const first = await createTestEngine(undefined, {
    beforeInvoke: async (call) => {
      if (call.kind === 'activity' && ++activities > 1) await held.promise;
      if (call.kind === 'orchestration' && ++episodes === 2) {
        held.resolve();
        await gate.promise;
      }
    },
  });
  const { instanceId } = await first.engine.startNew('fanOutFanIn', { input: '3' });
  await held.promise;
  const stored = () => JSON.parse(first.data.instances.get(instanceId)!) as InstanceRecord;
  await waitUntil(() => Object.values(stored().pending).every((task) => task.kind === 'activity' && task.done));
  // The crash: what is stored now is all a restarted engine gets.
  const snapshot = storedNow(first.data);
  first.engine.core.stop();
  gate.resolve();
  const second = await createTestEngine(snapshot);
  await second.settle();
  const record = second.engine.getInstance(instanceId)!;
  assert.equal(record.status, 'Completed');
  assert.deepEqual(output(record), { count: 3, sum: 12, results: [2, 4, 6] });
  assert.equal(eventsOf(record.history, EventType.TaskCompleted), 3);
});

test('recovery: signals queued while an entity batch runs survive a crash before its commit', async () => {
  let batches = 0;
  const held = deferred();
  const gate = deferred();
  const first = await createTestEngine(undefined, {
    beforeInvoke: async (call) => {
      if (call.kind === 'entity' && ++batches === 1) {
        held.resolve();
        await gate.promise;
      }
    },
  });
  await first.engine.signalEntity('counter', 'crash', 'add', '1');
  await held.promise;
  // Queued (and committed) while the first batch is in flight.
  await first.engine.signalEntity('counter', 'crash', 'add', '2');
  const snapshot = storedNow(first.data);
  first.engine.core.stop();
  gate.resolve();
  const second = await createTestEngine(snapshot);
  await second.settle();
  assert.equal(second.engine.getEntity('counter', 'crash')?.state, '3');
});

test('terminate, suspend and resume report the outcomes of the real host', async () => {
  const { engine, settle } = await createTestEngine();
  const waiting = await engine.startNew('waitForGo', { input: null });
  await settle();
  assert.equal(await engine.suspend(waiting.instanceId, 'pause'), 'accepted');
  await engine.raiseEvent(waiting.instanceId, 'Go', '1');
  await settle();
  assert.equal(engine.getInstance(waiting.instanceId)!.status, 'Suspended', 'a suspended instance does not progress');
  assert.equal(await engine.resume(waiting.instanceId, 'go on'), 'accepted');
  await settle();
  assert.equal(engine.getInstance(waiting.instanceId)!.status, 'Completed');
  assert.equal(await engine.terminate(waiting.instanceId, 'late'), 'gone');
  assert.equal(await engine.terminate('no-such-instance', 'x'), 'notFound');
  const other = await engine.startNew('waitForGo', { input: null });
  await settle();
  assert.equal(await engine.terminate(other.instanceId, 'stop it'), 'accepted');
  const terminated = engine.getInstance(other.instanceId)!;
  assert.equal(terminated.status, 'Terminated');
  assert.equal(output(terminated), 'stop it');
  assert.equal(engine.pendingTimers(other.instanceId).length, 0);
});

test("a failing episode's fire-and-forget signal still reaches the entity", async () => {
  const { run, engine } = await createTestEngine();
  const failed = await run('signalThenFail', { key: 'fail-signal' });
  assert.equal(failed.status, 'Failed');
  assert.match(String(output(failed)), /failed after signalling/);
  assert.equal(engine.getEntity('counter', 'fail-signal')?.state, '1');
});

test('an orchestration that fails inside a critical section gives its lock back', async () => {
  const { run, engine, settle } = await createTestEngine();
  const failed = await run('failInCriticalSection', { key: 'locked' });
  assert.equal(failed.status, 'Failed');
  assert.equal(engine.getEntity('counter', 'locked')?.state, '1', 'the operation inside the section ran');
  await engine.signalEntity('counter', 'locked', 'add', '10');
  await settle();
  assert.equal(engine.getEntity('counter', 'locked')?.state, '11', 'a later signal is not blocked by a dead lock');
  assert.equal(engine.core.entities.get('@counter@locked')?.lockedBy, null);
});

test('starting an instance again under the id of a finished one replaces its history under a new version', async () => {
  // The memory store checks the file store's contract: a history only grows within one historyVersion.
  const { run, engine, data } = await createTestEngine();
  const first = await run('helloSequence', undefined, 'reused-id');
  assert.equal(first.status, 'Completed');
  const version = first.historyVersion;
  const second = await run('helloSequence', undefined, 'reused-id');
  assert.equal(second.status, 'Completed');
  assert.ok(second.historyVersion > version);
  const stored = JSON.parse(data.instances.get('reused-id') ?? '{}') as { historyVersion?: number };
  assert.equal(stored.historyVersion, second.historyVersion);
  assert.equal(engine.getInstance('reused-id'), second);
});

test('purge deletes only finished instances, one or by filter, whatever statuses the filter names', async () => {
  const { run, engine } = await createTestEngine();
  const from = engine.clockNow().now;
  const done = await run('helloSequence', undefined, 'purge-done');
  const failed = await run('failingOrchestrator', undefined, 'purge-failed');
  const running = await run('waitForGo', undefined, 'purge-running');
  assert.deepEqual([done.status, failed.status, running.status], ['Completed', 'Failed', 'Running']);
  await assert.rejects(
    engine.purge('purge-running'),
    (error: unknown) =>
      error instanceof EngineError && error.code === 'preconditionFailed' && /has status Running/.test(error.message),
  );
  // A filter naming only non-terminal statuses selects nothing (Azure Storage would take it as no filter).
  assert.equal(await engine.purgeBy({ createdTimeFrom: from, runtimeStatus: ['Running', 'Pending', 'Suspended'] }), 0);
  assert.equal(await engine.purgeBy({ createdTimeFrom: from, runtimeStatus: ['Running', 'Failed'] }), 1);
  assert.equal(engine.getInstance('purge-failed'), undefined);
  assert.equal(await engine.purgeBy({ createdTimeFrom: from }), 1, 'no status filter: every finished one');
  assert.equal(engine.getInstance('purge-done'), undefined);
  assert.equal(engine.getInstance('purge-running')?.status, 'Running');
  assert.equal(await engine.purge('@counter@k'), 0, 'an entity id purges nothing');
  await engine.terminate('purge-running', 'done with it');
  assert.equal(await engine.purge('purge-running'), 1);
});

test('an orchestrator that throws a value without a message fails with the value and a warning', async () => {
  const { run, logs } = await createTestEngine();
  const expected: Record<string, [string, unknown]> = {
    string: ['boom', 'boom'],
    number: ['7', 7],
    object: ['{"code":42}', { code: 42 }],
    null: ['null', null],
    undefined: ['undefined', undefined],
    emptyError: ['Error (empty message)', undefined],
  };
  for (const [kind, [text, value]] of Object.entries(expected)) {
    for (const afterActivity of [false, true]) {
      const record = await run('throwValue', { kind, afterActivity });
      assert.equal(record.status, 'Failed', kind);
      assert.equal(output(record), `Orchestrator function 'throwValue' failed: ${text}`);
      assert.deepEqual(record.failureDetails?.Properties?.['thrownValue'], value);
      assert.ok(
        logs.some(
          (l) => l.startsWith('warn:') && l.includes(record.instanceId) && /on Azure it would stay Running/.test(l),
        ),
        `${kind}: the warning names the difference`,
      );
    }
  }
  const withMessage = await run('throwValue', { kind: 'messageObject' });
  assert.equal(output(withMessage), "Orchestrator function 'throwValue' failed: not an Error, but with a message");
  assert.ok(!logs.some((l) => l.includes(withMessage.instanceId) && l.includes('stay Running')), 'as on Azure');
  const parent = await run('parentOfThrowValue', { kind: 'string' });
  assert.match(
    String((output(parent) as { message: string }).message),
    /^Orchestrator function 'throwValue' failed: boom/,
  );
});
