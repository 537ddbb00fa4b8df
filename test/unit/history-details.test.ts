/**
 * The history view's details a newcomer reads first: a timer's due date and time left (a recorded 72-hour approval
 * timer of examples/app), pending timers on the timeline's axis or past its end, cancelled timers, times printed at
 * the precision they have, the failure reason of a failed instance, why the Timeline counts fewer lanes than the
 * Events tab counts events, and the event numbers of the `#` column. Pure model and format functions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatDueTime,
  formatDurationSeconds,
  formatIsoText,
  formatTimeLeft,
  sameUtcDay,
} from '../../src/webview/history/format.js';
import {
  AXIS_STRETCH,
  buildHistoryModel,
  eventNumber,
  pendingDue,
  rowPreview,
  type HistoryModel,
  type HistoryRow,
} from '../../src/webview/history/model.js';
import type { HistoryStatus } from '../../src/webview/history/protocol.js';
import { timelineNote } from '../../src/webview/history/timelineNote.js';
import { HistoryBuilder, T0 } from './history-factory.js';

const HOUR = 3_600_000;

/** A status recorded from the emulator running examples/app (see history-fixtures). */
function recorded(name: string): HistoryStatus {
  return JSON.parse(readFileSync(join(__dirname, 'history-fixtures', `${name}.json`), 'utf8')) as HistoryStatus;
}

function row(model: HistoryModel, eventType: string, nth = 0): HistoryRow {
  const found = model.rows.filter((r) => r.eventType === eventType)[nth];
  assert.ok(found, `no ${eventType} #${nth}`);
  return found;
}

function timerSpan(model: HistoryModel) {
  const span = model.spans.find((s) => s.kind === 'timer');
  assert.ok(span, 'no timer span');
  return span;
}

test('a recorded 72-hour approval timer: its row gives the due date and the time left, not a time of day', () => {
  // approvalWorkflow (examples/app) waits for "Approval" or a deadline 72 hours after it asked.
  const status = recorded('approvallive-1');
  const now = Date.parse('2026-11-22T22:43:00Z');
  const model = buildHistoryModel(status, { now });
  const created = row(model, 'TimerCreated');
  const fireAt = Date.parse('2026-11-25T22:42:58.098Z');
  assert.equal(created.time! + 72 * HOUR, fireAt, 'the recorded FireAt is 72 hours after the row');
  assert.deepEqual(created.timer, { fireAt, state: 'pending', dueText: '2026-11-25 22:42:58' });
  assert.equal(rowPreview(created), 'fires 2026-11-25 22:42:58');
  assert.equal(pendingDue(created), fireAt);
  assert.equal(formatTimeLeft(fireAt - now), 'in 2 d 23 h');
  // The timeline: the pending timer runs up to now, and its due time (3 days on) is off the axis.
  const span = timerSpan(model);
  assert.equal(span.state, 'running');
  assert.equal(span.dueAt, fireAt);
  assert.equal(span.end, now);
  assert.equal(model.range.end, now);
  assert.ok(fireAt > model.range.end);
});

test("a timer due the same day shows the time as the Time column does; another day's shows its date", () => {
  assert.equal(formatDueTime(T0 + 30_000, T0), '10:00:30.000');
  assert.equal(formatDueTime(T0 + 30_000, T0, T0 + 5000), '10:00:30.000');
  // Same day as the row but not today (the history is old): the date.
  assert.equal(formatDueTime(T0 + 30_000, T0, T0 + 24 * HOUR), '2024-05-01 10:00:30');
  assert.equal(formatDueTime(T0 + 72 * HOUR, T0), '2024-05-04 10:00:00');
  assert.ok(sameUtcDay(Date.parse('2024-05-01T00:00:00Z'), Date.parse('2024-05-01T23:59:59.999Z')));
  assert.ok(!sameUtcDay(Date.parse('2024-05-01T23:59:59.999Z'), Date.parse('2024-05-02T00:00:00Z')));
});

test('time left: whole seconds rounded up under a minute, then the two largest units; due now once due', () => {
  assert.equal(formatTimeLeft(200), 'in 1 s');
  assert.equal(formatTimeLeft(4_001), 'in 5 s');
  assert.equal(formatTimeLeft(90_000), 'in 1 min 30 s');
  assert.equal(formatTimeLeft(72 * HOUR - 2000), 'in 2 d 23 h');
  assert.equal(formatTimeLeft(72 * HOUR), 'in 3 d');
  assert.equal(formatTimeLeft(0), 'due now');
  assert.equal(formatTimeLeft(-5000), 'due now');
});

test('a pending timer due within the axis stretches it to its due time; one due much later does not', () => {
  const b = new HistoryBuilder().start('orch');
  b.wait(10);
  b.createTimer(30_000);
  const status = b.status('Running');
  // 5 s in: the axis may grow to 3 × 5 s, the timer is due at 30 s: off the axis.
  const early = buildHistoryModel(status, { now: T0 + 5000 });
  assert.equal(early.range.end, T0 + 5000);
  // 15 s in: 3 × 15 s covers 30 s: the axis ends at the due time.
  const later = buildHistoryModel(status, { now: T0 + 15_000 });
  assert.equal(AXIS_STRETCH, 3);
  assert.equal(later.range.end, T0 + 10 + 30_000);
  const span = timerSpan(later);
  assert.equal(span.end, T0 + 15_000, 'the bar itself ends now; the rest is still to come');
  assert.equal(rowPreview(row(later, 'TimerCreated')), 'fires 10:00:30.010');
});

test("a fired timer's TimerFired row gives its due time, with the date when it fired on another day", () => {
  const b = new HistoryBuilder().start('orch');
  const timer = b.createTimer(72 * HOUR);
  b.wait(72 * HOUR).fireTimer(timer);
  b.finish('Completed', null);
  const model = buildHistoryModel(b.status('Completed'));
  assert.equal(rowPreview(row(model, 'TimerFired')), 'due at 10:00:00.000');
  assert.equal(rowPreview(row(model, 'TimerCreated')), 'fires 2024-05-04 10:00:00');
  assert.equal(row(model, 'TimerCreated').timer!.state, 'fired');
  assert.equal(pendingDue(row(model, 'TimerCreated')), undefined);
  // The emulator was stopped over the due time: the timer fires a day late, the row says when it was due.
  const late = new HistoryBuilder().start('orch');
  const t = late.createTimer(HOUR);
  late.wait(25 * HOUR).fireTimer(t);
  assert.equal(rowPreview(row(buildHistoryModel(late.status('Running')), 'TimerFired')), 'due at 2024-05-01 11:00:00');
});

test('cancelled timers: once the instance ended, or when the host no longer lists them as pending', () => {
  // approval-1: the Approval event won the race, the orchestrator called timeoutTask.cancel() and completed.
  const approval = buildHistoryModel(recorded('approval-1'));
  const created = row(approval, 'TimerCreated');
  assert.equal(created.timer!.state, 'cancelled');
  assert.equal(rowPreview(created), 'cancelled · was due 2026-11-25 22:42:34');
  assert.equal(pendingDue(created), undefined);
  assert.equal(timerSpan(approval).state, 'cancelled');

  // Running: the event arrived, the timer was cancelled, the orchestrator waits for processApproval.
  const b = new HistoryBuilder().start('approvalWorkflow');
  const timer = b.wait(10).createTimer(72 * HOUR);
  b.wait(1000).raise('Approval', true);
  b.schedule('processApproval');
  const status = b.status('Running');
  const now = T0 + 2000;
  // The emulator lists no pending timer: cancelled, its lane ends with the latest event.
  const cancelled = buildHistoryModel(status, { now, pendingTimers: [] });
  assert.equal(row(cancelled, 'TimerCreated').timer!.state, 'cancelled');
  assert.equal(timerSpan(cancelled).state, 'cancelled');
  assert.equal(timerSpan(cancelled).end, T0 + 1010);
  // The emulator lists it: pending. A host that does not tell (func start, Azure): pending too.
  const listed = buildHistoryModel(status, { now, pendingTimers: [timer.fireAt] });
  assert.equal(row(listed, 'TimerCreated').timer!.state, 'pending');
  assert.equal(timerSpan(listed).end, now);
  assert.equal(row(buildHistoryModel(status, { now }), 'TimerCreated').timer!.state, 'pending');
  // Past its due time and not listed: it fired and its TimerFired is on the way (or it was cancelled): not known.
  const due = buildHistoryModel(status, { now: timer.fireAt + 10, pendingTimers: [] });
  assert.equal(row(due, 'TimerCreated').timer!.state, 'pending');
});

test('two timers due at the same time: the host listing one leaves the other cancelled', () => {
  const b = new HistoryBuilder().start('orch');
  const first = b.createTimer(HOUR);
  b.createTimer(HOUR);
  const model = buildHistoryModel(b.status('Running'), { now: T0 + 10, pendingTimers: [first.fireAt] });
  assert.deepEqual(
    model.rows.filter((r) => r.timer).map((r) => r.timer!.state),
    ['pending', 'cancelled'],
  );
});

test('times at the precision they have: the status to the second, history events to the millisecond', () => {
  assert.equal(formatIsoText('2026-11-22T22:42:34Z'), '2026-11-22 22:42:34 UTC');
  assert.equal(formatIsoText('2026-11-22T22:42:34.3441234Z'), '2026-11-22 22:42:34.344 UTC');
  assert.equal(formatIsoText('2026-11-22T22:42:34.37Z'), '2026-11-22 22:42:34.370 UTC');
  assert.equal(formatIsoText('not a time'), 'not a time');
  const model = buildHistoryModel(recorded('approval-1'));
  assert.equal(model.header.startPrecise, true);
  assert.equal(model.header.startedAt, Date.parse('2026-11-22T22:42:34.196Z'));
  assert.equal(model.header.endedAt, Date.parse('2026-11-22T22:42:35.373Z'));
  assert.equal(model.header.durationMs, 1177);
  // No history yet: only createdTime, known to the second; a duration from it is in whole seconds.
  const pending = buildHistoryModel({ ...recorded('approval-1'), runtimeStatus: 'Pending', historyEvents: [] });
  assert.equal(pending.header.startPrecise, false);
  assert.equal(formatDurationSeconds(850), '< 1 s');
  assert.equal(formatDurationSeconds(12_345), '12 s');
  assert.equal(formatDurationSeconds(125_900), '2 min 5 s');
});

test('a failed instance: the whole failure message for the header, the stack trace apart', () => {
  const model = buildHistoryModel(recorded('retryfail-1'));
  const failure = model.header.failure!;
  assert.equal(
    failure.reason,
    "Orchestrator function 'retryOrchestration' failed: Activity function 'flakyActivity' failed: Transient " +
      'failure on attempt 3 \n Error: Transient failure on attempt 3',
  );
  assert.match(failure.stack!, /^ {4}at flakyActivity \(/);
  assert.equal(buildHistoryModel(recorded('approval-1')).header.failure, undefined);
  // A message without a stack, from an ExecutionCompleted's FailureDetails.
  const b = new HistoryBuilder().start('orch');
  b.wait(5).finish('Failed', "Orchestrator function 'orch' failed: the order 42 has no lines;\nnothing to ship");
  assert.deepEqual(buildHistoryModel(b.status('Failed')).header.failure, {
    reason: "Orchestrator function 'orch' failed: the order 42 has no lines;\nnothing to ship",
    stack: undefined,
  });
});

test('Events (6) and Timeline (5): the note says which events share a lane and which draw none', () => {
  const approval = buildHistoryModel(recorded('approval-1'));
  assert.equal(approval.rows.length, 6);
  assert.equal(approval.spans.length, 5);
  assert.equal(
    timelineNote(approval.rows, approval.spans),
    '6 events in 5 lanes; one lane from start to end for ExecutionStarted → ExecutionCompleted.',
  );
  const terminated = buildHistoryModel(recorded('approval-2'));
  assert.equal(
    timelineNote(terminated.rows, terminated.spans),
    '7 events in 4 lanes; one lane from start to end for ExecutionStarted → ExecutionTerminated, ' +
      'ExecutionSuspended → ExecutionResumed; no lane for ExecutionCompleted.',
  );
  const b = new HistoryBuilder().start('orch');
  const one = b.createTimer(1000);
  const two = b.createTimer(2000);
  b.wait(1000).fireTimer(one).wait(1000).fireTimer(two);
  const timers = buildHistoryModel(b.status('Running'), { now: T0 + 2000 });
  assert.equal(
    timelineNote(timers.rows, timers.spans),
    '5 events in 3 lanes; one lane from start to end for TimerCreated → TimerFired (×2).',
  );
  // Every event a lane of its own: no note.
  const running = buildHistoryModel(new HistoryBuilder().start('orch').status('Running'), { now: T0 });
  assert.equal(timelineNote(running.rows, running.spans), undefined);
});

test("the # column is the event's 1-based position in the exported historyEvents", () => {
  for (const name of ['approval-1', 'retry-1', 'counter-orch-1']) {
    const status = recorded(name);
    const model = buildHistoryModel(status);
    assert.equal(model.rows.length, status.historyEvents!.length);
    for (const r of model.rows) assert.equal(status.historyEvents![eventNumber(r) - 1], r.event, `${name} #${r.index}`);
  }
});
