import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '../../src/emulator/engine/history.js';
import { buildHistoryModel, rowDetails, rowPreview, type HistoryModel } from '../../src/webview/history/model.js';
import type { HistoryStatus } from '../../src/webview/history/protocol.js';
import { bigHistory, HistoryBuilder, statusOf, T0 } from './history-factory.js';

const FIXTURES = join(__dirname, 'history-fixtures');

/** A status recorded from the emulator running examples/app (see history-fixtures). */
function recorded(name: string): HistoryStatus {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as HistoryStatus;
}

function kinds(model: HistoryModel): string[] {
  return model.spans.map((span) => `${span.kind}:${span.label}:${span.state}`);
}

test('the reference sample: rows, names, elapsed times and pairs', () => {
  const raw = JSON.parse(readFileSync(join(FIXTURES, 'sample-history.json'), 'utf8')) as HistoryEvent[];
  const model = buildHistoryModel(statusOf(raw, 'Completed', 'helloOrch', 'inst-1'));
  assert.deepEqual(
    model.rows.map((row) => row.eventType),
    [
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TimerCreated',
      'EventRaised',
      'EventSent',
      'EventSent',
      'TimerFired',
      'EventRaised',
      'TaskCompleted',
      'TaskCompleted',
    ],
  );
  const first = model.rows[1]!;
  assert.equal(first.name, 'sayHello');
  assert.deepEqual(first.target, { kind: 'activity', name: 'sayHello' });
  assert.equal(first.elapsedMs, 4000); // started 10:00:01, completed 10:00:05
  assert.equal(first.durationMs, 2000); // scheduled 10:00:03
  assert.equal(rowPreview(first), '→ "Hello Tokyo"');
  assert.deepEqual(model.rows[0]!.target, { kind: 'orchestration', name: 'helloOrch' });
  // The entity call's response is named after the entity, and go-to-definition finds the entity.
  assert.equal(model.rows[6]!.name, 'counter@k1 get');
  assert.equal(model.rows[8]!.name, 'counter@k1 get (response)');
  assert.deepEqual(model.rows[8]!.target, { kind: 'entity', name: 'counter' });
  assert.equal(rowPreview(model.rows[5]!), 'signal (no response)');
  assert.deepEqual(kinds(model), [
    'orchestration:helloOrch:completed',
    'activity:sayHello:completed',
    'activity:sayHello:completed',
    'timer:timer:completed',
    'externalEvent:approve:instant',
    'entity:counter@k1 add:instant',
    'entity:counter@k1 get:completed',
    'activity:sayHello:completed',
    'activity:sayHello:completed',
  ]);
  const timer = model.spans[3]!;
  assert.equal(timer.start, Date.parse('2024-05-01T10:00:11Z'));
  assert.equal(timer.end, Date.parse('2024-05-01T10:00:18Z'));
  assert.equal(model.rows[timer.rowIndex]!.eventType, 'TimerFired');
  // Every span points back at a row, and that row at the span.
  model.spans.forEach((span, index) => assert.equal(model.rows[span.rowIndex]!.spanIndex, index));
});

test('recorded fan-out: parallel activities overlap, the header has the duration', () => {
  const model = buildHistoryModel(recorded('fan-1'));
  const work = model.spans.filter((span) => span.label === 'processWorkItem');
  assert.equal(work.length, 5);
  assert.ok(work.every((span) => span.start === work[0]!.start && span.state === 'completed'));
  assert.equal(model.header.runtimeStatus, 'Completed');
  assert.equal(model.header.durationMs, Date.parse('2026-11-22T22:42:34.18Z') - Date.parse('2026-11-22T22:42:34.06Z'));
  assert.equal(model.range.start, Date.parse('2026-11-22T22:42:34.06Z'));
});

test('recorded fan-out while running: scheduled activities are open spans up to now', () => {
  const status = recorded('fanlive-1');
  const now = Date.parse('2026-11-22T22:42:57Z');
  const model = buildHistoryModel(status, { now });
  const running = model.spans.filter((span) => span.state === 'running' && span.kind === 'activity');
  assert.equal(running.length, 20);
  assert.ok(running.every((span) => span.end === now));
  assert.equal(model.rows.filter((row) => row.tone === 'pending').length, 20);
  assert.equal(model.header.endedAt, undefined);
  assert.equal(model.header.durationMs, now - Date.parse('2026-11-22T22:42:56.344Z'));
  // The keys of completions are stable while the instance runs: a later snapshot keeps the earlier keys.
  assert.equal(model.rows[1]!.key, 'TaskCompleted#0');
});

test('recorded retries: failures are highlighted, retry timers are labelled', () => {
  const model = buildHistoryModel(recorded('retry-1'));
  const failed = model.rows.filter((row) => row.tone === 'failed');
  assert.equal(failed.length, 4);
  assert.match(rowPreview(failed[0]!), /^Activity function 'flakyActivity' failed: Transient failure on attempt 1$/);
  const details = rowDetails(failed[0]!);
  assert.deepEqual(
    details.map((field) => [field.label, field.failure]),
    [
      ['Input', false],
      ['Reason', true],
      ['Details', true],
      ['ScheduledTime', false],
      ['FunctionName', false],
    ],
  );
  assert.deepEqual(
    model.spans.filter((span) => span.kind === 'timer').map((span) => span.label),
    [
      'retry delay: flakyActivity',
      'retry delay: flakyActivity',
      'retry delay: alwaysFails',
      'retry delay: alwaysFails',
    ],
  );
  assert.ok(model.spans.filter((span) => span.kind === 'timer').every((span) => span.state === 'completed'));
});

test('recorded failed orchestration: the completion row is a failure with the message', () => {
  const model = buildHistoryModel(recorded('retryfail-1'));
  const last = model.rows[model.rows.length - 1]!;
  assert.equal(last.tone, 'failed');
  assert.match(rowPreview(last), /^Failed: Orchestrator function 'retryOrchestration' failed/);
  assert.equal(model.spans[0]!.state, 'failed');
  assert.ok(rowDetails(last).some((field) => field.label === 'FailureDetails' && field.failure));
});

test('recorded sub-orchestrations, completed and running', () => {
  const done = buildHistoryModel(recorded('parent-1'));
  assert.deepEqual(kinds(done).slice(1), [
    'subOrchestration:helloSequence:completed',
    'subOrchestration:helloSequence:completed',
  ]);
  assert.deepEqual(done.rows[1]!.target, { kind: 'orchestration', name: 'helloSequence' });
  const live = buildHistoryModel(recorded('parentlive-1'), { now: Date.parse('2026-11-22T22:42:57Z') });
  const created = live.rows[1]!;
  assert.equal(created.instanceId, 'parentlive-1:child');
  assert.equal(created.tone, 'pending');
  assert.equal(live.spans[1]!.state, 'running');
});

test('recorded external event and a cancelled timer; terminate, suspend and resume', () => {
  const approval = buildHistoryModel(recorded('approval-1'));
  assert.deepEqual(kinds(approval).slice(1), [
    'activity:requestApproval:completed',
    'timer:timer:cancelled',
    'externalEvent:Approval:instant',
    'activity:processApproval:completed',
  ]);
  // The never-fired timer (deadline in 3 days) ends with the execution, not 3 days later.
  assert.equal(approval.range.end, Date.parse('2026-11-22T22:42:35.373Z'));
  const terminated = buildHistoryModel(recorded('approval-2'));
  assert.equal(terminated.spans[0]!.state, 'terminated');
  assert.ok(kinds(terminated).includes('suspended:suspended:completed'));
  const terminate = terminated.rows.find((row) => row.eventType === 'ExecutionTerminated')!;
  assert.equal(terminate.tone, 'warning');
  assert.equal(rowPreview(terminate), 'reason: "demo"');
});

test('recorded entity calls and locks pair requests with responses', () => {
  const model = buildHistoryModel(recorded('counter-orch-1'));
  const entity = model.spans.filter((span) => span.kind === 'entity');
  assert.deepEqual(
    entity.map((span) => `${span.label}:${span.state}`),
    [
      'counter@orch-counter add:instant',
      'counter@orch-counter get:completed',
      'counter@orch-counter lock:completed',
      'counter@orch-counter get:completed',
      'counter@orch-counter add:completed',
      'counter@orch-counter get:completed',
      'counter@orch-counter release:instant',
    ],
  );
});

test('recorded callHttp: the built-in activity has no definition to go to', () => {
  const model = buildHistoryModel(recorded('http-1'));
  assert.equal(model.rows[1]!.name, 'BuiltIn::HttpActivity');
  assert.equal(model.rows[1]!.target, undefined);
});

test('continue-as-new and a failed sub-orchestration', () => {
  const b = new HistoryBuilder().start('parent', { n: 1 });
  const sub = b.createSub('child', 'inst-1:c1', { x: 1 });
  b.wait(200).failSub(sub, "Orchestrator function 'child' failed: boom");
  b.wait(10).continueAsNew({ n: 2 }).finish('ContinuedAsNew', null);
  const model = buildHistoryModel(b.status('ContinuedAsNew', 'parent'));
  assert.deepEqual(kinds(model), [
    'orchestration:parent:completed',
    'subOrchestration:child:failed',
    'continueAsNew:continue as new:instant',
  ]);
  assert.equal(model.rows[1]!.durationMs, 200);
  assert.equal(rowPreview(model.rows[1]!), "Orchestrator function 'child' failed: boom");
});

test('a running suspended instance: the suspension is an open span', () => {
  const b = new HistoryBuilder().start('orch');
  b.wait(100).suspend('maintenance');
  const model = buildHistoryModel(b.status('Suspended'), { now: T0 + 5000 });
  const suspended = model.spans.find((span) => span.kind === 'suspended')!;
  assert.equal(suspended.state, 'running');
  assert.equal(suspended.end, T0 + 5000);
  assert.equal(model.header.durationMs, 5000);
});

test('no history yet (Pending): an empty model, no crash', () => {
  const model = buildHistoryModel({
    name: 'orch',
    instanceId: 'x',
    runtimeStatus: 'Pending',
    input: null,
    output: null,
    customStatus: null,
    createdTime: '2024-05-01T10:00:00Z',
    lastUpdatedTime: '2024-05-01T10:00:00Z',
  });
  assert.equal(model.rows.length, 0);
  assert.equal(model.spans.length, 0);
  assert.equal(model.header.startedAt, T0);
});

test('a 10,000-event history builds one row per event (its time is a benchmark figure)', (t) => {
  const status = bigHistory(7700);
  const events = status.historyEvents!.length;
  assert.ok(events >= 10_000, `${events} events`);
  buildHistoryModel(status); // warm-up (JIT)
  const started = performance.now();
  const model = buildHistoryModel(status);
  const elapsed = performance.now() - started;
  t.diagnostic(`model of ${events} events, ${model.spans.length} spans: ${elapsed.toFixed(1)} ms`);
  assert.equal(model.rows.length, events);
});
