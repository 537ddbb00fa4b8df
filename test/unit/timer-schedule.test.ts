/**
 * Timer schedules as the Functions host reads them (src/emulator/triggers/schedule.ts): six-field NCRONTAB with
 * seconds, five-field cron, TimeSpans, UTC by default, and a clear error for anything else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorsSchedule, parseSchedule } from '../../src/emulator/triggers/schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function occurrences(expression: string, from: string, count: number, timeZone?: string): string[] {
  const schedule = parseSchedule(expression, timeZone);
  const result: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    const next = schedule.next(cursor)!;
    result.push(iso(next)!);
    cursor = next;
  }
  return result;
}

test('a six-field NCRONTAB expression has seconds first and is read in UTC', () => {
  assert.deepEqual(occurrences('0 */5 * * * *', '2026-01-01T00:00:00Z', 3), [
    '2026-01-01T00:05:00.000Z',
    '2026-01-01T00:10:00.000Z',
    '2026-01-01T00:15:00.000Z',
  ]);
  assert.deepEqual(occurrences('30 0 9 * * MON-FRI', '2026-01-02T10:00:00Z', 2), [
    '2026-01-05T09:00:30.000Z',
    '2026-01-06T09:00:30.000Z',
  ]);
});

test('the next occurrence is strictly after the time given', () => {
  assert.equal(iso(parseSchedule('0 0 * * * *').next(at('2026-01-01T01:00:00Z'))), '2026-01-01T02:00:00.000Z');
});

test('a five-field expression is a cron without seconds, as the host accepts it', () => {
  assert.deepEqual(occurrences('*/15 * * * *', '2026-01-01T00:00:01Z', 2), [
    '2026-01-01T00:15:00.000Z',
    '2026-01-01T00:30:00.000Z',
  ]);
});

test('day of month and day of week must both match (NCRONTAB), not either', () => {
  // The 1st or 15th that is also a Monday.
  assert.deepEqual(occurrences('0 0 0 1,15 * MON', '2026-01-01T00:00:01Z', 2), [
    '2026-06-01T00:00:00.000Z',
    '2026-06-15T00:00:00.000Z',
  ]);
});

test('a TimeSpan runs every so long from the time given', () => {
  assert.deepEqual(occurrences('01:30:00', '2026-01-01T00:00:00Z', 2), [
    '2026-01-01T01:30:00.000Z',
    '2026-01-01T03:00:00.000Z',
  ]);
  assert.equal(iso(parseSchedule('1.00:00:00').next(at('2026-01-01T00:00:00Z'))), '2026-01-02T00:00:00.000Z');
  assert.equal(parseSchedule('00:00:10').kind, 'interval');
});

test('a time zone moves the wall-clock fields', () => {
  // 09:00 in Berlin is 08:00 UTC in winter.
  assert.deepEqual(occurrences('0 0 9 * * *', '2026-01-01T00:00:00Z', 1, 'Europe/Berlin'), [
    '2026-01-01T08:00:00.000Z',
  ]);
});

test('malformed schedules are refused with a reason', () => {
  assert.throws(() => parseSchedule(''), /six fields.*0 field/);
  assert.throws(() => parseSchedule('every five minutes'), /six fields.*3 field/);
  assert.throws(() => parseSchedule('0 0 0 0 0 0 0'), /7 field/);
  assert.throws(() => parseSchedule('0 61 * * * *'), /./);
  assert.throws(() => parseSchedule('00:00:00'), /longer than zero/);
  assert.throws(() => parseSchedule('25:00:00'), /hours 0-23/);
});

test('useMonitor defaults to true only for schedules a minute or more apart', () => {
  const now = at('2026-01-01T00:00:00Z');
  assert.equal(monitorsSchedule(parseSchedule('0 */5 * * * *'), undefined, now), true);
  assert.equal(monitorsSchedule(parseSchedule('*/30 * * * * *'), undefined, now), false);
  assert.equal(monitorsSchedule(parseSchedule('0 */5 * * * *'), false, now), false);
  assert.equal(monitorsSchedule(parseSchedule('00:01:00'), true, now), true);
});
