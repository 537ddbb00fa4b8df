/**
 * Orchestration semantics end to end on the real `durable-functions` package (fixture js-cjs): chaining,
 * fan-out/fan-in, sub-orchestrations, retries, error propagation, continue-as-new, custom status and the
 * replay-safe APIs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  FIXTURES,
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
} from './harness.js';
import { history, ofType, raiseEvent, storedEpisodes, timers, uid, waitForInstance } from './semantics-helpers.js';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});

after(async () => {
  await emu?.stop();
});

test('chaining: activities run in order and each result feeds the output', async () => {
  const id = await startOrchestration(emu, 'helloSequence', undefined, uid('chain'));
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const events = await history(emu, id);
  assert.deepEqual(
    events.map((e) => e.EventType),
    ['ExecutionStarted', 'TaskCompleted', 'TaskCompleted', 'TaskCompleted', 'ExecutionCompleted'],
  );
  assert.deepEqual(
    ofType(events, 'TaskCompleted').map((e) => [e.FunctionName, e.Input, e.Result]),
    [
      ['sayHello', '"Tokyo"', 'Hello Tokyo!'],
      ['sayHello', '"Seattle"', 'Hello Seattle!'],
      ['sayHello', '"London"', 'Hello London!'],
    ],
  );
  // A task is scheduled only after the previous one completed.
  const completed = ofType(events, 'TaskCompleted');
  for (let i = 1; i < completed.length; i++) {
    assert.ok(Date.parse(String(completed[i]!.ScheduledTime)) >= Date.parse(String(completed[i - 1]!.Timestamp)));
  }
});

test('fan-out/fan-in of 200 activities: exact output, completions delivered in batches', async () => {
  const id = await startOrchestration(emu, 'fanOutFanIn', 200, uid('fan'));
  const status = await waitForStatus(emu, id, undefined, 30_000);
  assert.equal(status.runtimeStatus, 'Completed');
  const output = status.output as { count: number; results: number[]; sum: number };
  assert.equal(output.count, 200);
  assert.deepEqual(
    output.results,
    Array.from({ length: 200 }, (_, i) => 2 * (i + 1)),
  );
  assert.equal(output.sum, 200 * 201);
  const events = await history(emu, id);
  const completed = ofType(events, 'TaskCompleted');
  assert.equal(completed.length, 200);
  assert.equal(ofType(events, 'TaskScheduled').length, 0, 'every scheduled task has its completion');
  assert.deepEqual(new Set(completed.map((e) => e.Result)).size, 200);
  // The HTTP history drops OrchestratorStarted; the store keeps it (and the episode count).
  await emu.stop();
  const stored = storedEpisodes(emu.storeDir, id);
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs'), storeDir: emu.storeDir });
  assert.ok(stored.orchestratorStarted >= 2, `stored history has ${stored.orchestratorStarted} episodes`);
  assert.ok(
    stored.orchestratorStarted < 50,
    `200 completions took ${stored.orchestratorStarted} episodes (expected batches)`,
  );
  assert.equal(stored.episodes, stored.orchestratorStarted);
  // After a restart of the emulator the completed instance is still there, unchanged.
  const again = await getStatus(emu, id);
  assert.equal(again?.runtimeStatus, 'Completed');
  assert.equal((again?.output as { sum: number }).sum, 200 * 201);
});

test('sub-orchestration with a given id: child visible, parent gets its output', async () => {
  const id = uid('parent');
  await startOrchestration(emu, 'parentOrchestration', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, {
    childInstanceId: `${id}:child`,
    childOutput: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'],
  });
  const child = await getStatus(emu, `${id}:child`);
  assert.equal(child?.runtimeStatus, 'Completed');
  assert.equal(child?.name, 'helloSequence');
  assert.deepEqual(child?.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const events = await history(emu, id);
  const done = ofType(events, 'SubOrchestrationInstanceCompleted');
  assert.equal(done.length, 1);
  assert.equal(done[0]!.FunctionName, 'helloSequence');
  assert.deepEqual(done[0]!.Result, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
});

test('a failing sub-orchestration fails the child and surfaces as a catchable error in the parent', async () => {
  const id = uid('pof');
  await startOrchestration(emu, 'parentOfFailing', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const output = status.output as { caught: boolean; message: string };
  assert.equal(output.caught, true);
  assert.match(output.message, /Orchestrator failed on purpose/);
  const child = await getStatus(emu, `${id}:failing`);
  assert.equal(child?.runtimeStatus, 'Failed');
  assert.match(String(child?.output), /Orchestrator failed on purpose/);
  assert.equal(ofType(await history(emu, id), 'SubOrchestrationInstanceFailed').length, 1);
});

test('retry: succeeds after K failures, with a retry timer after each failure', async () => {
  const id = uid('retry-ok');
  await startOrchestration(emu, 'retryOrchestration', { failures: 2, maxAttempts: 3, firstRetryIntervalMs: 50 }, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { result: 'succeeded on attempt 3', attempts: 3 });
  const events = await history(emu, id);
  assert.deepEqual(
    events.map((e) => e.EventType),
    [
      'ExecutionStarted',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskFailed',
      'TimerCreated',
      'TimerFired',
      'TaskCompleted',
      'ExecutionCompleted',
    ],
  );
  assert.match(String(ofType(events, 'TaskFailed')[0]!.Reason), /flaky failure 1/);
});

test('retry: parallel retryable tasks each retry on their own; ids stay consistent', async () => {
  const id = uid('retry-par');
  await startOrchestration(emu, 'parallelRetries', 9, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status.output));
  assert.deepEqual(status.output, { attempts: [1, 2, 3, 1, 2, 3, 1, 2, 3], after: 'Hello after!' });
  const events = await history(emu, id);
  assert.equal(ofType(events, 'TaskFailed').length, 9, '0 + 1 + 2 failures, three times');
  assert.equal(ofType(events, 'TimerFired').length, 9, 'a retry timer after each failure');
  assert.equal(ofType(events, 'TaskCompleted').length, 10);
});

test('retry: exhausted attempts fail the orchestration, uncaught', async () => {
  const id = uid('retry-fail');
  await startOrchestration(emu, 'retryOrchestration', { failures: 5, maxAttempts: 2, firstRetryIntervalMs: 50 }, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(String(status.output), /flaky failure 2/);
  const events = await history(emu, id);
  assert.equal(ofType(events, 'TaskFailed').length, 2, 'exactly maxAttempts attempts');
  assert.equal(ofType(events, 'TaskCompleted').length, 0);
});

test('retry: exhausted attempts are a catchable error', async () => {
  const id = uid('retry-catch');
  await startOrchestration(emu, 'catchRetryExhausted', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const output = status.output as { caught: boolean; message: string; name: string };
  assert.equal(output.caught, true);
  // The host sends Reason and Details (no FailureDetails, as the real host without an exception-properties
  // provider), so the library throws Error("<Reason> \n <Details>").
  assert.equal(output.name, 'Error');
  assert.match(output.message, /Activity function 'flakyActivity' failed: flaky failure 2/);
  assert.equal(ofType(await history(emu, id), 'TaskFailed').length, 2);
});

test('an activity failure is caught with its message, and the stack is recorded', async () => {
  const id = uid('catch');
  await startOrchestration(emu, 'catchActivityError', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const output = status.output as { caught: boolean; message: string; name: string };
  assert.equal(output.caught, true);
  assert.equal(output.name, 'Error');
  assert.match(output.message, /^Activity function 'alwaysThrows' failed: Activity failed on purpose/);
  assert.match(output.message, /errors\.js/, "the caught error carries the activity's stack trace");
  const failed = ofType(await history(emu, id), 'TaskFailed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.FunctionName, 'alwaysThrows');
  assert.match(String(failed[0]!.Reason), /Activity failed on purpose/);
  assert.match(String(failed[0]!.Details), /errors\.js/, 'the details carry the stack trace of the activity');
});

test('an uncaught orchestrator error: Failed, with the message in the output', async () => {
  const id = uid('fail');
  await startOrchestration(emu, 'failingOrchestrator', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(String(status.output), /Orchestrator failed on purpose/);
  const events = await history(emu, id);
  assert.equal(ofType(events, 'TaskCompleted').length, 1, 'the activity before the throw completed');
  const completed = ofType(events, 'ExecutionCompleted');
  assert.equal(completed.length, 1);
  assert.equal(completed[0]!.OrchestrationStatus, 'Failed');
});

test('an orchestrator that throws a string, number, object, null or undefined fails with that value', async () => {
  // On Azure these stay Running (durable-functions reports only a message); the emulator fails them and warns.
  const cases: [string, string, unknown][] = [
    ['string', 'boom', 'boom'],
    ['number', '7', 7],
    ['object', '{"code":42}', { code: 42 }],
    ['null', 'null', null],
    ['undefined', 'undefined', undefined],
  ];
  const ids = await Promise.all(
    cases.map(([kind]) => startOrchestration(emu, 'throwValue', { kind, afterActivity: true }, uid(`throw-${kind}`))),
  );
  for (const [i, [kind, text, value]] of cases.entries()) {
    const status = await waitForStatus(emu, ids[i]!);
    assert.equal(status.runtimeStatus, 'Failed', kind);
    assert.equal(status.output, `Orchestrator function 'throwValue' failed: ${text}`);
    const completed = ofType(await history(emu, ids[i]!), 'ExecutionCompleted')[0];
    const details = completed?.['FailureDetails'] as { ErrorMessage: string; Properties: Record<string, unknown> };
    assert.equal(details.ErrorMessage, status.output);
    assert.deepEqual(
      details.Properties,
      value === undefined ? { thrownType: kind } : { thrownType: kind, thrownValue: value },
    );
    await waitFor(() => emu.output().includes(`(${ids[i]!}) threw`) || undefined, `the warning for ${kind}`);
  }
  assert.match(emu.output(), /threw the string "boom"\. .*on Azure it would stay Running for ever/);
});

test('an unknown activity fails the orchestration with the host message naming it and the known ones', async () => {
  const id = uid('unknown');
  await startOrchestration(emu, 'unknownActivity', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(
    String(status.output),
    new RegExp(
      "^Orchestrator function 'unknownActivity' failed: The function 'noSuchActivity' doesn't exist, is disabled, " +
        "or is not an activity function\\. Additional info: The following are the known activity functions: '.*'sayHello'",
    ),
  );
  assert.equal(ofType(await history(emu, id), 'TaskFailed').length, 0, 'no task was scheduled to fail');
});

test('a call or signal to a missing function cannot be caught; a signal to one fails the orchestration too', async () => {
  const ids = await Promise.all(
    ['subOrchestrator', 'entitySignal'].map((kind) => startOrchestration(emu, 'missingTarget', { kind }, uid(kind))),
  );
  const [child, signal] = await Promise.all(ids.map((id) => waitForStatus(emu, id)));
  assert.equal(child?.runtimeStatus, 'Failed');
  assert.match(
    String(child?.output),
    /failed: The function 'noSuchOrchestrator' doesn't exist.* orchestrator function/,
  );
  assert.equal(signal?.runtimeStatus, 'Failed');
  assert.match(String(signal?.output), /failed: The function 'nosuchentity' doesn't exist.* entity function/);
  // The activity before the signal ran; the one after it never did.
  const names = ofType(await history(emu, ids[1]!), 'TaskCompleted').map((e) => e['FunctionName']);
  assert.deepEqual(names, ['sayHello']);
});

test('a custom status over 16 KB of UTF-16 JSON fails the orchestration; one at the limit is kept', async () => {
  const [kept, refused] = await Promise.all(
    [8703, 8704].map((length) => startOrchestration(emu, 'bigCustomStatus', { length }, uid(`status-${length}`))),
  );
  const atLimit = await waitForStatus(emu, kept!);
  assert.equal(atLimit.runtimeStatus, 'Completed');
  assert.equal(String(atLimit.customStatus).length, 8701);
  const over = await waitForStatus(emu, refused!);
  assert.equal(over.runtimeStatus, 'Failed');
  assert.equal(
    over.output,
    "Orchestrator function 'bigCustomStatus' failed: The UTF-16 size of the JSON-serialized payload must not " +
      'exceed 16 KB. The current payload size is 17 KB.',
  );
  assert.equal(over.customStatus, null);
});

test('continueAsNew: eternal reaches its limit with a fresh history per generation', async () => {
  const id = uid('eternal');
  await startOrchestration(emu, 'eternal', { count: 0, limit: 2 }, id);
  const status = await waitForStatus(emu, id, undefined, 20_000);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { count: 2, done: true });
  assert.deepEqual(status.input, { count: 2, limit: 2 });
  assert.deepEqual(status.customStatus, { count: 2 });
  const events = await history(emu, id);
  assert.deepEqual(
    events.map((e) => e.EventType),
    ['ExecutionStarted', 'ExecutionCompleted'],
    'only the last generation',
  );
});

test('continueAsNew waits for the timer it leaves open, as on Azure; that timer never reaches the next generation', async () => {
  const id = uid('stale');
  await startOrchestration(emu, 'staleTimer', { count: 0 }, id);
  await waitForInstance(
    emu,
    id,
    (s) => (s.customStatus as { count?: number } | null)?.count === 0,
    'generation 0 waiting',
  );
  assert.equal((await timers(emu, id)).length, 1);
  assert.equal((await raiseEvent(emu, id, 'Next')).status, 202);
  // Generation 0 continues as new once its uncancelled 1.5 s timer has fired (DTFx waits for open tasks).
  await waitForInstance(
    emu,
    id,
    (s) => (s.customStatus as { count?: number } | null)?.count === 1,
    'generation 1 waiting',
  );
  const pending = await timers(emu, id);
  assert.equal(pending.length, 1, "only generation 1's one-hour timer is pending");
  assert.ok(
    Date.parse(pending[0]!.fireAt) - Date.now() > 30 * 60 * 1000,
    `pending timer fires at ${pending[0]!.fireAt}`,
  );
  const history1 = await history(emu, id);
  assert.deepEqual(
    history1.map((e) => e.EventType),
    ['ExecutionStarted', 'TimerCreated'],
  );
  // Generation 1 continues as new too, but its timer fires only in an hour: it stays Running until then.
  assert.equal((await raiseEvent(emu, id, 'Next')).status, 202);
  const waiting = await waitFor(async () => {
    const events = await history(emu, id);
    return ofType(events, 'EventRaised').length === 1 ? getStatus(emu, id) : undefined;
  }, `${id}: generation 1 got Next`);
  assert.equal(waiting?.runtimeStatus, 'Running');
  assert.equal(waiting?.output, null);
  assert.deepEqual(waiting?.customStatus, { count: 1 });
  assert.equal(ofType(await history(emu, id), 'ExecutionCompleted').length, 0);
  const fire = await fetch(`${emu.url}/emulator/v1/instances/${encodeURIComponent(id)}/timers/fire`, {
    method: 'POST',
  });
  assert.equal(fire.status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { count: 2, done: true });
});

test('custom status is visible at each stage', async () => {
  const id = uid('custom');
  await startOrchestration(emu, 'customStatus', undefined, id);
  const waiting = await waitForInstance(
    emu,
    id,
    (s) => (s.customStatus as { stage?: string } | null)?.stage === 'waiting',
    'stage waiting',
  );
  assert.equal(waiting.runtimeStatus, 'Running');
  assert.deepEqual(waiting.customStatus, { stage: 'waiting', greeting: 'Hello status!' });
  assert.equal((await raiseEvent(emu, id, 'Continue', { ok: 1 })).status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.equal(status.customStatus, 'done');
  assert.deepEqual(status.output, { greeting: 'Hello status!', continuedWith: { ok: 1 } });
});

test('newGuid and currentUtcDateTime are deterministic across replays and match the history', async () => {
  const id = uid('det');
  await startOrchestration(emu, 'deterministicApis', undefined, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as {
    instanceId: string;
    guids: string[];
    guidAfterActivity: string;
    startTime: string;
    timeAfterActivity: string;
    activityResult: string;
  };
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  assert.equal(out.instanceId, id);
  assert.equal(out.activityResult, 'Hello deterministic!');
  for (const g of [...out.guids, out.guidAfterActivity]) assert.match(g, uuid);
  assert.equal(new Set([...out.guids, out.guidAfterActivity]).size, 3);
  const events = await history(emu, id);
  const task = ofType(events, 'TaskCompleted')[0]!;
  const completed = ofType(events, 'ExecutionCompleted')[0]!;
  // currentUtcDateTime is the time of the episode: the first one scheduled the activity; the last one,
  // which received its result, completed the execution.
  assert.equal(Date.parse(out.startTime), Date.parse(String(task.ScheduledTime)));
  assert.equal(Date.parse(out.timeAfterActivity), Date.parse(String(completed.Timestamp)));
  assert.ok(Date.parse(out.timeAfterActivity) >= Date.parse(String(task.Timestamp)));
  assert.ok(Date.parse(out.timeAfterActivity) >= Date.parse(out.startTime));

  // Values computed in the first episode are the same when the last episode replays it.
  const id2 = uid('guid');
  await startOrchestration(emu, 'guidReplay', undefined, id2);
  const first = await waitForInstance(emu, id2, (s) => s.customStatus !== null, 'first episode');
  const seen = first.customStatus as { guid: string; time: string };
  assert.equal((await raiseEvent(emu, id2, 'Go')).status, 202);
  const done = await waitForStatus(emu, id2);
  const replayed = done.output as { guid: string; time: string; after: string };
  assert.equal(replayed.guid, seen.guid);
  assert.equal(replayed.time, seen.time);
  assert.notEqual(replayed.after, seen.guid);
});

test('a crash (SIGKILL) loses nothing acknowledged: work in flight resumes after a restart', async () => {
  const fan = uid('crash-fan');
  const timer = uid('crash-timer');
  const waiter = uid('crash-go');
  await startOrchestration(emu, 'fanOutFanIn', 100, fan);
  await startOrchestration(emu, 'timerOrchestration', 1, timer);
  await startOrchestration(emu, 'waitForGo', undefined, waiter);
  await waitForInstance(emu, waiter, (s) => s.customStatus === 'waiting', 'waiting');
  // Acknowledged (202) before the crash: must be delivered after the restart.
  assert.equal((await raiseEvent(emu, waiter, 'Go', 'before crash')).status, 202);
  await emu.stop('SIGKILL');
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs'), storeDir: emu.storeDir });
  const fanStatus = await waitForStatus(emu, fan, undefined, 30_000);
  assert.equal(fanStatus.runtimeStatus, 'Completed');
  assert.equal((fanStatus.output as { sum: number }).sum, 100 * 101);
  const events = await history(emu, fan);
  assert.equal(ofType(events, 'TaskCompleted').length, 100, 'exactly once in history');
  const timerStatus = await waitForStatus(emu, timer);
  assert.equal(timerStatus.runtimeStatus, 'Completed');
  const waiterStatus = await waitForStatus(emu, waiter);
  assert.deepEqual(waiterStatus.output, { event: 'Go', data: 'before crash' });
});
