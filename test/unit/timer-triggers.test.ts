/**
 * Timer triggers on a manual clock (src/emulator/triggers/timerTriggers.ts): when a schedule runs, what the handler
 * is told (the host's timer object), past-due runs after a jump or a downtime, runOnStartup, persistence of the
 * status, failures that do not stop the schedule, and a timer that never overlaps itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppConfigError } from '../../src/emulator/appConfigError.js';
import { ManualClock } from '../../src/emulator/clock.js';
import type { FunctionInfo } from '../../src/emulator/host/protocol.js';
import { TimerTriggers } from '../../src/emulator/triggers/timerTriggers.js';
import { memoryTimerStatusStore, type TimerStatusStore } from '../../src/emulator/triggers/timerStatusStore.js';
import type { TriggerOutcome, TriggerRequest } from '../../src/emulator/triggers/types.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function timerFunction(name: string, properties: Record<string, unknown>): FunctionInfo {
  return {
    name,
    kind: 'timer',
    triggerType: 'timerTrigger',
    bindings: [{ name: 'timer', type: 'timerTrigger', direction: 'in', properties }],
  };
}

interface TimerObject {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: { Last: string; Next: string; LastUpdated: string } | null;
  IsPastDue: boolean;
}

function setup(
  functions: FunctionInfo[],
  options: { store?: TimerStatusStore; clock?: ManualClock; outcome?: () => Promise<TriggerOutcome> } = {},
) {
  const clock = options.clock ?? new ManualClock(START);
  const runs: { request: TriggerRequest; timer: TimerObject; at: number }[] = [];
  const logs: string[] = [];
  const timers = new TimerTriggers({
    functions: () => functions,
    clock,
    statusStore: options.store ?? memoryTimerStatusStore(),
    log: (_level, message) => logs.push(message),
    invoker: {
      run(request) {
        const value = request.trigger as { json: string };
        runs.push({ request, timer: JSON.parse(value.json) as TimerObject, at: clock.now() });
        return options.outcome ? options.outcome() : Promise.resolve({ ok: true, durationMs: 1 });
      },
    },
  });
  return { clock, runs, logs, timers };
}

const every5 = timerFunction('report', { schedule: '0 */5 * * * *' });

test('a schedule runs at each occurrence, with the status as it was before the run', async () => {
  const { clock, runs, timers } = setup([every5]);
  await timers.start();
  assert.equal(timers.schedules()[0]!.nextRun, START + 5 * MINUTE);
  clock.advance(5 * MINUTE - 1);
  await timers.idle();
  assert.equal(runs.length, 0, 'not before it is due');
  clock.advance(1);
  await timers.idle();
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0]!.timer, {
    Schedule: { AdjustForDST: true },
    ScheduleStatus: {
      Last: '0001-01-01T00:00:00',
      Next: '2026-01-01T00:05:00.000Z',
      LastUpdated: '2026-01-01T00:00:00.000Z',
    },
    IsPastDue: false,
  });
  assert.equal(runs[0]!.request.reason, 'timer');
  clock.advance(5 * MINUTE);
  await timers.idle();
  assert.equal(runs.length, 2);
  assert.equal(runs[1]!.timer.ScheduleStatus?.Last, '2026-01-01T00:05:00.000Z');
  assert.equal(runs[1]!.timer.ScheduleStatus?.Next, '2026-01-01T00:10:00.000Z');
  assert.equal(timers.schedules()[0]!.nextRun, START + 15 * MINUTE);
});

test('moving the clock 72 hours runs a due schedule once, past due, then it goes on from the new time', async () => {
  const { clock, runs, timers } = setup([every5]);
  await timers.start();
  clock.advance(72 * HOUR);
  await timers.idle();
  assert.equal(runs.length, 1, 'once, not 864 times');
  assert.equal(runs[0]!.timer.IsPastDue, true);
  assert.equal(timers.schedules()[0]!.nextRun, START + 72 * HOUR + 5 * MINUTE);
  clock.advance(5 * MINUTE);
  await timers.idle();
  assert.equal(runs.length, 2);
  assert.equal(runs[1]!.timer.IsPastDue, false);
});

test('runOnStartup runs once at start, not past due', async () => {
  const { runs, timers } = setup([timerFunction('warmUp', { schedule: '0 0 0 1 1 *', runOnStartup: true })]);
  await timers.start();
  await timers.idle();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.timer.IsPastDue, false);
  assert.equal(timers.schedules()[0]!.nextRun, Date.parse('2027-01-01T00:00:00Z'));
});

test('a stored Next in the past runs once, past due, at start (downtime)', async () => {
  const store = memoryTimerStatusStore();
  const first = setup([every5], { store });
  await first.timers.start();
  first.clock.advance(5 * MINUTE);
  await first.timers.idle();
  first.timers.stop();
  assert.equal(first.runs.length, 1);

  // The emulator comes back three hours later.
  const later = setup([every5], { store, clock: new ManualClock(START + 3 * HOUR) });
  await later.timers.start();
  await later.timers.idle();
  assert.equal(later.runs.length, 1);
  assert.equal(later.runs[0]!.timer.IsPastDue, true);
  assert.equal(later.runs[0]!.timer.ScheduleStatus?.Next, '2026-01-01T00:10:00.000Z', 'the status as stored');
  assert.match(later.logs.join('\n'), /'report' is past due/);
  assert.equal(later.timers.schedules()[0]!.nextRun, START + 3 * HOUR + 5 * MINUTE);
});

test('without useMonitor nothing is stored and the timer object has no status', async () => {
  const store = memoryTimerStatusStore();
  const fn = timerFunction('quick', { schedule: '0 */5 * * * *', useMonitor: false });
  const { clock, runs, timers } = setup([fn], { store });
  await timers.start();
  clock.advance(5 * MINUTE);
  await timers.idle();
  assert.equal(runs[0]!.timer.ScheduleStatus, null);
  assert.equal((await store.load()).size, 0);
});

test('a failing run is followed by the next occurrence', async () => {
  const { clock, runs, timers } = setup([every5], {
    outcome: () => Promise.resolve({ ok: false, durationMs: 1, error: 'boom' }),
  });
  await timers.start();
  clock.advance(5 * MINUTE);
  await timers.idle();
  clock.advance(5 * MINUTE);
  await timers.idle();
  assert.equal(runs.length, 2);
});

test('a timer never overlaps itself: a run by hand waits for the scheduled one', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { clock, runs, timers } = setup([every5], {
    outcome: async () => {
      await gate;
      return { ok: true, durationMs: 1 };
    },
  });
  await timers.start();
  clock.advance(5 * MINUTE);
  const byHand = timers.fire('REPORT');
  assert.ok(byHand, 'found case-insensitively');
  await Promise.resolve();
  assert.equal(runs.length, 1, 'the second run waits');
  release();
  await byHand;
  assert.equal(runs.length, 2);
  assert.equal(runs[1]!.request.reason, 'manual');
  assert.equal(runs[1]!.timer.IsPastDue, false);
  assert.equal(timers.schedules()[0]!.nextRun, START + 10 * MINUTE, 'a run by hand leaves the schedule alone');
  assert.equal(timers.fire('nope'), undefined);
});

test('an invalid schedule fails start-up naming the function and the expression', async () => {
  const { timers } = setup([timerFunction('broken', { schedule: '0 0 25 * * *' })]);
  await assert.rejects(
    () => timers.start(),
    (error: unknown) =>
      error instanceof AppConfigError &&
      /function 'broken': invalid timer schedule '0 0 25 \* \* \*'/.test(error.message),
  );
});

test('stop disarms every schedule', async () => {
  const { clock, runs, timers } = setup([every5]);
  await timers.start();
  timers.stop();
  clock.advance(HOUR);
  await timers.idle();
  assert.equal(runs.length, 0);
});

test('a rebuild takes the new function list, and a bad schedule keeps the old timers', async () => {
  const functions = [every5];
  const { clock, runs, timers } = setup(functions);
  await timers.start();
  functions.push(timerFunction('hourly', { schedule: '0 0 * * * *' }));
  await timers.rebuild();
  assert.deepEqual(
    timers.schedules().map((s) => s.name),
    ['report', 'hourly'],
  );
  functions.push(timerFunction('broken', { schedule: 'nope' }));
  await assert.rejects(() => timers.rebuild(), AppConfigError);
  clock.advance(HOUR);
  await timers.idle();
  assert.deepEqual(runs.map((r) => r.request.functionName).sort(), ['hourly', 'report']);
});
