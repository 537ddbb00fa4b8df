/**
 * The checks the real host makes on an orchestrator's actions (src/emulator/engine/hostChecks.ts): a call or signal
 * to a function the app does not have, and a custom status over 16 KB, fail the orchestration, not the task.
 * Fixtures in js-cjs hostChecks.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../src/emulator/engine/api.js';
import { EventType } from '../../src/emulator/engine/history.js';
import {
  customStatusProblem,
  hostRefusal,
  missingFunctionMessage,
  type RefusalContext,
} from '../../src/emulator/engine/hostChecks.js';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import type { Engine } from '../../src/emulator/engine/engine.js';
import type { EpisodeResult, FunctionInfo } from '../../src/emulator/host/protocol.js';
import { createTestEngine, deferred, output, waitUntil } from './engineHarness.js';

const fn = (name: string, kind: FunctionInfo['kind']): FunctionInfo => ({
  name,
  kind,
  triggerType: kind,
  bindings: [],
});

function types(record: InstanceRecord): string[] {
  return record.history.map((e) => EventType[e.EventType]);
}

/** The host's message for a missing function, with the fixture app's known functions of that kind. */
function missing(engine: Engine, name: string, kind: 'activity' | 'orchestration' | 'entity'): string {
  const word = { activity: 'activity', orchestration: 'orchestrator', entity: 'entity' }[kind];
  const known = engine.functions().filter((f) => f.kind === kind);
  assert.ok(known.length > 0);
  return (
    `The function '${name}' doesn't exist, is disabled, or is not an ${word} function. Additional info: ` +
    `The following are the known ${word} functions: '${known.map((f) => f.name).join("', '")}'.`
  );
}

test("the missing-function text is the host's, including the entity variant's test of the orchestrator count", () => {
  const app = [fn('hello', 'activity'), fn('Bye', 'activity'), fn('orch', 'orchestration'), fn('ctr', 'entity')];
  assert.equal(
    missingFunctionMessage('helo', 'activity', app),
    "The function 'helo' doesn't exist, is disabled, or is not an activity function. Additional info: " +
      "The following are the known activity functions: 'hello', 'Bye'.",
  );
  assert.equal(
    missingFunctionMessage('x', 'orchestration', [fn('a', 'activity')]),
    "The function 'x' doesn't exist, is disabled, or is not an orchestrator function. Additional info: " +
      'No orchestrator functions are currently registered!',
  );
  // GetInvalidEntityFunctionMessage tests knownOrchestrators.Count: an app with entities but no orchestrator says
  // none is registered, and one with orchestrators but no entity lists an empty name.
  assert.match(missingFunctionMessage('x', 'entity', [fn('ctr', 'entity')]), /No entity functions are currently/);
  assert.match(
    missingFunctionMessage('x', 'entity', [fn('orch', 'orchestration')]),
    /is not an entity function\. Additional info: The following are the known entity functions: ''\.$/,
  );
});

test('custom status: the UTF-16 size of its JSON, in truncated KB, may be 16 and no more', () => {
  const ofJsonLength = (n: number) => 'x'.repeat(n - 2); // a string's JSON adds two quotes
  assert.equal(customStatusProblem(ofJsonLength(8192)), undefined, 'exactly 16 KB');
  assert.equal(customStatusProblem(ofJsonLength(8703)), undefined, '17,406 bytes: still 16 KB once truncated');
  assert.equal(
    customStatusProblem(ofJsonLength(8704)),
    'The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 17 KB.',
  );
  assert.match(customStatusProblem({ big: 'é'.repeat(600_000) }) ?? '', /size is 1,171 KB\.$/);
  assert.equal(customStatusProblem(undefined), undefined);
});

test('a refusal in an episode where the orchestrator also threw keeps the bare message (it escapes the shim)', () => {
  const ctx: RefusalContext = {
    orchestratorName: 'O',
    instanceId: 'i',
    parentInstanceId: undefined,
    functions: [fn('O', 'orchestration')],
  };
  const result: EpisodeResult = {
    isDone: false,
    leaves: [],
    leafOffset: 0,
    leafCount: 1,
    canceledTimers: [],
    waitNames: [],
  };
  const signal = { actionType: 9, instanceId: '@ghost@k', operation: 'op' };
  const normal = hostRefusal(ctx, [signal], result);
  assert.equal(normal?.reason.startsWith("Orchestrator function 'O' failed: The function 'ghost' doesn't"), true);
  assert.equal(normal?.onAzure, undefined, 'a signal fails on Azure too');
  const threw = hostRefusal(ctx, [signal], { ...result, error: 'boom' });
  assert.equal(threw?.reason.startsWith("The function 'ghost' doesn't exist"), true);
  assert.equal(threw?.errorType, 'ArgumentException');
});

test('a call to a missing activity fails the orchestration at that call; what comes before it is scheduled first', async () => {
  const release = deferred();
  const { engine, logs } = await createTestEngine(undefined, {
    beforeInvoke: (call) => (call.kind === 'activity' && call.input === '"before"' ? release.promise : undefined),
  });
  const { instanceId } = await engine.startNew('missingTarget', { input: JSON.stringify({ kind: 'activity' }) });
  await waitUntil(() => engine.getInstance(instanceId)!.returned !== undefined);
  const waiting = engine.getInstance(instanceId)!;
  // sayHello took id 0 and runs; the missing activity was never scheduled, and the failure waits for sayHello.
  assert.equal(waiting.status, 'Running');
  assert.deepEqual(
    waiting.history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => 'Name' in e && e.Name),
    ['sayHello'],
  );
  assert.equal(waiting.returned?.status, 'Failed');
  assert.equal(waiting.returned?.error, missing(engine, 'noSuchActivity', 'activity'));
  assert.equal(waiting.nextSequenceId, 1);
  assert.equal(waiting.actionCount, 1, 'the refused leaf stays new: the next replay meets it again');
  release.resolve();
  await waitUntil(() => engine.getInstance(instanceId)!.status === 'Failed');
  const failed = engine.getInstance(instanceId)!;
  const reason = `Orchestrator function 'missingTarget' failed: ${missing(engine, 'noSuchActivity', 'activity')}`;
  assert.equal(output(failed), reason, 'not { caught }: the try/catch around the call never ran');
  assert.deepEqual(types(failed).slice(-4), [
    'OrchestratorStarted',
    'TaskCompleted',
    'OrchestratorCompleted',
    'ExecutionCompleted',
  ]);
  assert.equal(failed.failureDetails?.ErrorMessage, reason);
  assert.ok(logs.some((l) => l.includes('here, but on Azure the Durable extension swallows this error for a call')));
});

test('every kind of call or signal to a missing function fails the orchestration, uncatchable', async () => {
  const { run, engine, logs } = await createTestEngine();
  const cases = [
    ['activityWithRetry', missing(engine, 'noSuchActivity', 'activity'), true],
    ['subOrchestrator', missing(engine, 'noSuchOrchestrator', 'orchestration'), true],
    ['entityCall', missing(engine, 'nosuchentity', 'entity'), true],
    ['entitySignal', missing(engine, 'nosuchentity', 'entity'), false],
    ['lock', missing(engine, 'nosuchentity', 'entity'), true],
    [
      'selfAsChild',
      'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.',
      true,
    ],
  ] as const;
  for (const [kind, message, azureHangs] of cases) {
    const record = await run('missingTarget', { kind }, `missing-${kind}`);
    assert.equal(record.status, 'Failed', kind);
    assert.equal(output(record), `Orchestrator function 'missingTarget' failed: ${message}`, kind);
    const warned = logs.some((l) => l.includes(`(missing-${kind}) here, but on Azure`));
    assert.equal(warned, azureHangs, `${kind}: the warning that Azure would hang instead`);
  }
  // Nothing reached the missing entity, nor the lock's other entity, nor a child.
  assert.equal(engine.core.entities.has('@nosuchentity@k'), false);
  assert.equal(engine.core.entities.get('@counter@k')?.lockedBy ?? null, null);
  assert.equal(engine.getInstance('missing-selfAsChild')!.parent, null);
  assert.equal(
    engine.listInstances({}).items.some((r) => r.name === 'noSuchOrchestrator'),
    false,
  );
});

test('a refused signal waits for the open timer like any failure, then fails when it fires', async () => {
  const { run, engine, settle } = await createTestEngine();
  const record = await run('signalMissingWhileTimerOpen');
  assert.equal(await engine.raiseEvent(record.instanceId, 'go', null), 'accepted');
  await settle();
  const waiting = engine.getInstance(record.instanceId)!;
  assert.equal(waiting.status, 'Running');
  assert.equal(waiting.returned?.status, 'Failed');
  assert.equal(
    waiting.history.some((e) => e.EventType === EventType.EventSent),
    false,
    'the signal never left',
  );
  assert.equal(await engine.fireTimer(record.instanceId), 'accepted');
  await settle();
  const failed = engine.getInstance(record.instanceId)!;
  assert.equal(failed.status, 'Failed');
  assert.equal(
    output(failed),
    `Orchestrator function 'signalMissingWhileTimerOpen' failed: ${missing(engine, 'nosuchentity', 'entity')}`,
  );
});

test('a custom status over 16 KB fails the orchestration at once, with nothing of that episode scheduled', async () => {
  const { run, engine, settle } = await createTestEngine();
  const atLimit = await run('bigCustomStatus', { length: 8703 });
  assert.equal(atLimit.status, 'Completed');
  assert.equal(atLimit.customStatus?.length, 8703);

  const over = await run('bigCustomStatus', { length: 8704 });
  assert.equal(over.status, 'Failed');
  assert.equal(
    output(over),
    "Orchestrator function 'bigCustomStatus' failed: The UTF-16 size of the JSON-serialized payload must not " +
      'exceed 16 KB. The current payload size is 17 KB.',
  );
  assert.deepEqual(types(over), [
    'OrchestratorStarted',
    'ExecutionStarted',
    'OrchestratorCompleted',
    'ExecutionCompleted',
  ]);
  assert.equal(over.customStatus, null, 'the refused status was never set');

  // Unlike a thrown error, it does not wait for a task left open: nothing of that replay reached the framework.
  const racing = await run('bigCustomStatus', { length: 9000, waitFirst: true });
  assert.equal(engine.pendingTimers(racing.instanceId).length, 1);
  assert.equal(await engine.raiseEvent(racing.instanceId, 'go', null), 'accepted');
  await settle();
  const failed = engine.getInstance(racing.instanceId)!;
  assert.equal(failed.status, 'Failed');
  assert.equal(engine.pendingTimers(racing.instanceId).length, 0);
});

test("the client API refuses what the host's client refuses: unknown functions, ids starting with @", async () => {
  const { engine } = await createTestEngine();
  await assert.rejects(engine.startNew('noSuchOrchestrator', { input: null }), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'badRequest');
    assert.equal(error.message, missing(engine, 'noSuchOrchestrator', 'orchestration'));
    return true;
  });
  await assert.rejects(
    engine.startNew('helloSequence', { instanceId: '@counter@k', input: null }),
    (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.message, 'Orchestration instance ids must not start with @.');
      return true;
    },
  );
  await assert.rejects(engine.signalEntity('NoSuchEntity', 'k', 'add', '1'), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'badRequest');
    assert.equal(error.message, missing(engine, 'nosuchentity', 'entity'));
    return true;
  });
  assert.equal(engine.core.entities.has('@nosuchentity@k'), false);
  await engine.signalEntity('Counter', 'k', 'add', '1'); // names are case-insensitive
});
