/**
 * The Instances view's filter: time specs (relative and ISO), validation messages, storage round trip, the
 * query parameters sent to the server, matching single instances, and the description shown in the view.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeFilter,
  isEmptyFilter,
  matchesFilter,
  parseTimeSpec,
  resolveFilter,
  sanitizeFilter,
  timeSpecProblem,
  toInstanceQuery,
} from '../../src/extension/views/instanceFilter.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

test('time specs: spans before now, ISO dates and date-times, now', () => {
  assert.deepEqual(parseTimeSpec('1h', NOW), { ok: true, time: NOW - 3_600_000 });
  assert.deepEqual(parseTimeSpec(' 24H ', NOW), { ok: true, time: NOW - 86_400_000 });
  assert.deepEqual(parseTimeSpec('30m', NOW), { ok: true, time: NOW - 1_800_000 });
  assert.deepEqual(parseTimeSpec('90s', NOW), { ok: true, time: NOW - 90_000 });
  assert.deepEqual(parseTimeSpec('1.5d', NOW), { ok: true, time: NOW - 129_600_000 });
  assert.deepEqual(parseTimeSpec('2w', NOW), { ok: true, time: NOW - 1_209_600_000 });
  assert.deepEqual(parseTimeSpec('now', NOW), { ok: true, time: NOW });
  assert.deepEqual(parseTimeSpec('2024-05-01T10:00:00Z', NOW), { ok: true, time: Date.parse('2024-05-01T10:00:00Z') });
  assert.deepEqual(parseTimeSpec('2024-05-01T10:00:00.250+02:00', NOW), {
    ok: true,
    time: Date.parse('2024-05-01T08:00:00.250Z'),
  });
  assert.equal(parseTimeSpec('2024-05-01', NOW).ok, true);
  assert.equal(parseTimeSpec('2024-05-01 10:00', NOW).ok, true);
  for (const bad of ['yesterday', '1 hour', '10', '-1h', '2024-13-45', 'h']) {
    assert.equal(parseTimeSpec(bad, NOW).ok, false, bad);
  }
  assert.equal(timeSpecProblem('', NOW), undefined);
  assert.equal(timeSpecProblem('1h', NOW), undefined);
  assert.match(timeSpecProblem('soon', NOW) ?? '', /30m, 1h, 24h, 7d/);
});

test('stored filters are cleaned: unknown statuses, blanks and junk dropped', () => {
  assert.deepEqual(sanitizeFilter(undefined), {});
  assert.deepEqual(sanitizeFilter('x'), {});
  assert.deepEqual(
    sanitizeFilter({
      statuses: ['Failed', 'Nope', 'Running'],
      name: ' hello ',
      idPrefix: '',
      createdFrom: 3,
      extra: 1,
    }),
    { statuses: ['Running', 'Failed'], name: 'hello' },
  );
  assert.equal(isEmptyFilter({}), true);
  assert.equal(isEmptyFilter({ statuses: [] }), true);
  assert.equal(isEmptyFilter({ idPrefix: 'a' }), false);
});

test('the query carries statuses, id prefix and created times; the name stays client-side', () => {
  const resolved = resolveFilter(
    {
      statuses: ['Failed'],
      name: 'HelloSequence',
      idPrefix: 'job-',
      createdFrom: '1h',
      createdTo: '2024-05-01T11:30:00Z',
    },
    NOW,
  );
  assert.deepEqual(toInstanceQuery(resolved), {
    runtimeStatus: ['Failed'],
    instanceIdPrefix: 'job-',
    createdTimeFrom: new Date(NOW - 3_600_000),
    createdTimeTo: new Date('2024-05-01T11:30:00Z'),
  });
  assert.equal(resolved.name, 'hellosequence');
  assert.throws(() => resolveFilter({ createdFrom: 'soon' }, NOW), /created from time 'soon' is not valid/);
});

test("matching one instance, at the server's second precision on created times", () => {
  const filter = resolveFilter({ statuses: ['Running'], name: 'x', idPrefix: 'a', createdFrom: '1h' }, NOW);
  const base = { instanceId: 'a1', name: 'X', runtimeStatus: 'Running' as const, createdTime: NOW - 1000 };
  assert.equal(matchesFilter(filter, base), true);
  assert.equal(matchesFilter(filter, { ...base, runtimeStatus: 'Completed' }), false);
  assert.equal(matchesFilter(filter, { ...base, name: 'y' }), false);
  assert.equal(matchesFilter(filter, { ...base, instanceId: 'b1' }), false);
  assert.equal(matchesFilter(filter, { ...base, createdTime: NOW - 7_200_000 }), false);
  // Created 12:00:00.400 is listed by the server for from = 12:00:00.300; the page says 12:00:00.
  const edge = resolveFilter({ createdFrom: '2024-05-01T12:00:00.300Z' }, NOW);
  assert.equal(matchesFilter(edge, { ...base, createdTime: Date.parse('2024-05-01T12:00:00Z') }), true);
});

test('the description names each part of the filter', () => {
  assert.equal(describeFilter({}), '');
  assert.equal(
    describeFilter({ statuses: ['Failed', 'Terminated'], name: 'helloSequence', idPrefix: 'job-', createdFrom: '24h' }),
    'Failed, Terminated · name helloSequence · id job-… · created since 24h ago',
  );
  assert.equal(describeFilter({ createdFrom: '7d', createdTo: '1d' }), 'created 7d ago to 1d ago');
  assert.equal(describeFilter({ createdTo: '2024-05-01' }), 'created until 2024-05-01');
});
