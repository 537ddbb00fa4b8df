/**
 * How an instance row reads in a 300-px side bar, and the explorer's one time format: GUID ids shortened in the
 * label (never in the accessible name), the description most important first and short, one time format for rows
 * and another (the same, in full) for tooltips, durations that claim no precision the host did not give, precise
 * times from the change stream kept across re-reads, and a running instance phrased so it does not go stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceStatus } from '../../src/extension/api/types.js';
import {
  instanceAccessibleLabel,
  instanceDescription,
  instanceDuration,
  instanceTooltip,
  shortInstanceId,
} from '../../src/extension/views/instancePresentation.js';
import { InstancesModel, type InstanceEntry } from '../../src/extension/views/instancesModel.js';
import { PreciseTimes } from '../../src/extension/views/preciseTimes.js';
import { runningStatusText } from '../../src/extension/local/statusBarText.js';
import {
  formatClockOffset,
  formatDuration,
  formatDurationBetween,
  formatFullTime,
  formatTime,
} from '../../src/extension/views/timeFormat.js';

/** Local times, so the tests read the same in any time zone. */
const at = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number =>
  new Date(y, mo - 1, d, h, mi, s, ms).getTime();
const NOW = at(2026, 12, 5, 14, 16, 0);

function entry(partial: Partial<InstanceEntry>): InstanceEntry {
  return {
    instanceId: 'approval-2',
    name: 'approvalWorkflow',
    runtimeStatus: 'Completed',
    createdTime: at(2026, 12, 5, 14, 12, 44),
    lastUpdatedTime: at(2026, 12, 5, 14, 12, 44),
    createdTimeEstimated: false,
    parentInstanceId: null,
    hasPendingTimer: false,
    ...partial,
  };
}

test('one time format: YYYY-MM-DD HH:MM:SS[.mmm] in full; short, without what now already says', () => {
  assert.equal(formatTime(at(2026, 12, 5, 9, 5, 7), NOW), '09:05:07');
  assert.equal(formatTime(at(2026, 12, 2, 14, 13, 59), NOW), '12-02 14:13');
  assert.equal(formatTime(at(2025, 12, 5, 14, 13, 0), NOW), '2025-12-05', 'same day of another year');
  assert.equal(formatFullTime(at(2026, 12, 5, 14, 12, 44, 117)), '2026-12-05 14:12:44');
  assert.equal(formatFullTime(at(2026, 12, 5, 14, 12, 44, 117), 'ms'), '2026-12-05 14:12:44.117');
  assert.equal(formatFullTime(at(2026, 12, 5, 14, 12, 44), 'ms'), '2026-12-05 14:12:44.000', 'known to be .000');
});

test('durations say no more than their ends know', () => {
  const start = at(2026, 12, 5, 14, 12, 44, 900);
  const second = at(2026, 12, 5, 14, 12, 44);
  // Second-precision ends (the management API): whole seconds of each end, no milliseconds.
  assert.equal(formatDurationBetween(second, second, 's'), '< 1 s');
  assert.equal(formatDurationBetween(second, second + 117, 's'), '< 1 s', 'same second');
  assert.equal(formatDurationBetween(start, start + 117, 's'), '< 2 s', 'across a second: 14:12:44 to 14:12:45');
  assert.equal(formatDurationBetween(start, start + 3_000, 's'), '3 s');
  assert.equal(formatDurationBetween(start, start + 192_000, 's'), '3 min 12 s');
  // Millisecond ends (the emulator's change stream).
  assert.equal(formatDurationBetween(start, start + 117, 'ms'), '117 ms');
  assert.equal(formatDurationBetween(start, start + 4_200, 'ms'), '4.2 s');
  assert.equal(formatDuration(273_600_000), '3 d 4 h');
  // The instance's own: ms only when both of its times are precise.
  const fan = entry({ createdTime: start, lastUpdatedTime: start + 117 });
  assert.equal(instanceDuration(fan), '< 2 s');
  assert.equal(instanceDuration({ ...fan, createdTimePrecise: true }), '< 2 s');
  assert.equal(instanceDuration({ ...fan, createdTimePrecise: true, lastUpdatedTimePrecise: true }), '117 ms');
  assert.match(instanceTooltip(fan, undefined), /Duration: < 2 s \(the host reports whole seconds\)/);
  assert.match(
    instanceTooltip({ ...fan, createdTimePrecise: true, lastUpdatedTimePrecise: true }, undefined),
    /Created: 2026-12-05 14:12:44\.900\n\nLast updated: 2026-12-05 14:12:45\.017\n\nDuration: 117 ms$/m,
  );
});

test('GUID ids are cut to 8 characters in the label; other ids stay whole', () => {
  assert.equal(shortInstanceId('3f2a9c1e-7b4d-4e2f-9a1b-0c5d6e7f8a9b'), '3f2a9c1e…');
  assert.equal(shortInstanceId('3f2a9c1e7b4d4e2f9a1b0c5d6e7f8a9b'), '3f2a9c1e…');
  assert.equal(shortInstanceId('3F2A9C1E-7B4D-4E2F-9A1B-0C5D6E7F8A9B:0'), '3F2A9C1E…:0', 'a sub-orchestration');
  assert.equal(shortInstanceId('approval-2'), 'approval-2');
  assert.equal(shortInstanceId('order-2026-12-05'), 'order-2026-12-05');
  const guid = entry({ instanceId: '3f2a9c1e-7b4d-4e2f-9a1b-0c5d6e7f8a9b' });
  assert.match(
    instanceAccessibleLabel(guid, NOW),
    /^approvalWorkflow 3f2a9c1e-7b4d-4e2f-9a1b-0c5d6e7f8a9b, Completed, /,
  );
  assert.match(instanceTooltip(guid, undefined), /`3f2a9c1e-7b4d-4e2f-9a1b-0c5d6e7f8a9b`/);
});

test('a row at 300 px: what matters first, short, one time format', () => {
  const cases: [InstanceEntry, 'name' | 'status', string][] = [
    [entry({}), 'name', '14:12:44 · < 1 s'],
    [entry({ lastUpdatedTime: at(2026, 12, 5, 14, 12, 47) }), 'status', 'approvalWorkflow · 14:12:44 · 3 s'],
    [entry({ runtimeStatus: 'Running' }), 'name', 'since 14:12:44'],
    [entry({ runtimeStatus: 'Running' }), 'status', 'approvalWorkflow · since 14:12:44'],
    [
      entry({
        runtimeStatus: 'Completed',
        createdTime: at(2026, 12, 2, 14, 13, 0),
        lastUpdatedTime: at(2026, 12, 5, 14, 13, 6),
      }),
      'name',
      '12-02 14:13 · 3 d 0 h',
    ],
    [entry({ runtimeStatus: 'Running', createdTime: at(2026, 12, 2, 14, 13, 0) }), 'name', 'since 12-02 14:13'],
  ];
  for (const [e, groupBy, expected] of cases) {
    const description = instanceDescription(e, groupBy, false, NOW);
    assert.equal(description, expected);
  }
});

test('a running instance reads "since", never a duration that goes stale', () => {
  const running = entry({ runtimeStatus: 'Running', lastUpdatedTime: at(2026, 12, 5, 14, 13, 0) });
  assert.doesNotMatch(instanceDescription(running, 'name', false, NOW), /\d+ (ms|s|min)\b/);
  assert.equal(instanceAccessibleLabel(running, NOW), 'approvalWorkflow approval-2, Running, since 14:12:44');
  const tooltip = instanceTooltip(running, undefined);
  assert.match(tooltip, /Running since 2026-12-05 14:12:44/);
  assert.doesNotMatch(tooltip, /Duration/);
  const suspended = { ...running, runtimeStatus: 'Suspended' as const };
  assert.match(instanceTooltip(suspended, undefined), /Suspended since 2026-12-05 14:13:00/);
});

test('precise times from the change stream survive a re-read of the list (which has whole seconds)', () => {
  const t0 = at(2026, 12, 5, 14, 12, 44, 900);
  const model = new InstancesModel({ groupBy: 'name', filter: {}, now: () => NOW });
  model.applyChange({
    instanceId: 'fan-1',
    name: 'fanOut',
    runtimeStatus: 'Pending',
    lastUpdatedTime: t0,
    createdTime: t0,
  });
  model.applyChange({
    instanceId: 'fan-1',
    name: 'fanOut',
    runtimeStatus: 'Completed',
    lastUpdatedTime: t0 + 117,
    createdTime: t0,
  });
  assert.equal(instanceDuration(model.entry('fan-1')!), '117 ms');
  // The Refresh button: everything is read again, at the API's second precision.
  model.reset();
  const listed: InstanceStatus = {
    instanceId: 'fan-1',
    name: 'fanOut',
    runtimeStatus: 'Completed',
    input: null,
    customStatus: null,
    output: null,
    // What the host lists: the same instants, cut to the second.
    createdTime: `${new Date(t0).toISOString().slice(0, 19)}Z`,
    lastUpdatedTime: `${new Date(t0 + 117).toISOString().slice(0, 19)}Z`,
  };
  model.addPage(model.generation, [listed], undefined);
  assert.equal(instanceDuration(model.entry('fan-1')!), '117 ms');
  // Another instance the stream never told about: whole seconds.
  model.addPage(model.generation, [{ ...listed, instanceId: 'fan-2' }], undefined);
  assert.equal(instanceDuration(model.entry('fan-2')!), '< 2 s');
});

test('a remembered time is used only for the same second, and the memory is bounded', () => {
  const times = new PreciseTimes(2);
  times.remember('a', 10_500, 9_250);
  assert.deepEqual(times.lastUpdated('a', 10_000), { time: 10_500, precise: true });
  assert.deepEqual(times.created('a', 9_000), { time: 9_250, precise: true });
  assert.deepEqual(times.lastUpdated('a', 12_000), { time: 12_000, precise: false }, 'it changed since');
  times.remember('b', 1_000);
  times.remember('c', 1_000);
  assert.deepEqual(times.lastUpdated('a', 10_000), { time: 10_000, precise: false }, 'the oldest was dropped');
});

test('the status bar writes the clock offset in the same words', () => {
  assert.equal(formatClockOffset(30_000), '+30 s');
  assert.equal(formatClockOffset(3 * 86_400_000 + 2 * 3_600_000), '+3 d 2 h');
  assert.equal(formatClockOffset(45 * 60_000), '+45 min 0 s');
});

test('the status bar after a clock fast-forward: the offset and the emulated time, in the explorer format', () => {
  const base = { port: 7071, url: 'http://localhost:7071', appDir: '/app', debugging: false, now: NOW };
  const plain = runningStatusText({ ...base, counts: { running: 1, failed: 0 }, clockOffsetMs: 0 });
  assert.equal(plain.text, '$(pulse) Durable: :7071 · 1 running · 0 failed');
  assert.doesNotMatch(plain.tooltip, /clock/);
  const moved = runningStatusText({ ...base, counts: undefined, clockOffsetMs: 3 * 86_400_000, debugging: true });
  assert.equal(moved.text, '$(pulse) Durable: :7071 · clock +3 d 0 h (2026-12-08 14:16) $(debug-alt)');
  assert.doesNotMatch(moved.text, /\dT\d|Z\b/, 'no ISO string');
  assert.match(moved.tooltip, /3 d 0 h ahead of this computer's clock \(2026-12-08 14:16:00 there/);
  assert.match(moved.tooltip, /kept in the store across restarts/);
});
