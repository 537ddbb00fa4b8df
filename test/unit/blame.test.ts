/** Who is to blame when an app worker dies: the pure judgement the supervisor applies (host/blame.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, OUTSIDE_KILLS_BEFORE_SUSPICION, type CallInFlight } from '../../src/emulator/host/blame.js';

const exitCode = (code: number) => ({ kind: 'exited', code, signal: null }) as const;
const signal = (name: NodeJS.Signals) => ({ kind: 'exited', code: null, signal: name }) as const;
const unresponsive = { kind: 'unresponsive' } as const;

function calls(...kinds: CallInFlight['kind'][]): CallInFlight[] {
  return kinds.map((kind, i) => ({ id: i + 1, kind, outsideKills: 0 }));
}

test('the call the marker names is guilty; the others run again, HTTP calls fail', () => {
  for (const death of [exitCode(1), unresponsive, signal('SIGABRT'), signal('SIGSEGV')]) {
    const verdict = judge('main', death, 2, calls('orchestration', 'activity', 'http', 'entity'));
    assert.deepEqual(verdict.guilty, [2], JSON.stringify(death));
    assert.deepEqual(verdict.retry, [1, 4]);
    assert.deepEqual(verdict.dropped, [3]);
    assert.deepEqual(verdict.cohorts, []);
  }
});

test('an HTTP call the marker names is guilty too (it fails either way)', () => {
  const verdict = judge('main', exitCode(1), 1, calls('http', 'activity'));
  assert.deepEqual(verdict.guilty, [1]);
  assert.deepEqual(verdict.dropped, []);
  assert.deepEqual(verdict.retry, [2]);
});

test('a marker that names no call in flight (or an outside kill) names no one', () => {
  const stale = judge('main', exitCode(1), 99, calls('activity', 'activity'));
  assert.deepEqual(stale.guilty, []);
  assert.deepEqual(stale.cohorts, [[1, 2]]);
  const outside = judge('main', signal('SIGKILL'), 1, calls('activity', 'activity'));
  assert.deepEqual(outside.guilty, []);
  assert.deepEqual(outside.retry, [1, 2]);
  assert.equal(outside.outside, true);
});

test('unnamed, on the main worker: the calls in flight go to isolation together; a lone one is the culprit', () => {
  const several = judge('main', unresponsive, undefined, calls('orchestration', 'activity', 'http'));
  assert.deepEqual(several.cohorts, [[1, 2]]);
  assert.deepEqual(several.dropped, [3]);
  assert.deepEqual(several.guilty, []);
  const lone = judge('main', exitCode(7), undefined, calls('activity', 'http'));
  assert.deepEqual(lone.guilty, [1]);
  assert.deepEqual(lone.dropped, [2]);
});

test('unnamed, in isolation: the unfinished cohort splits in two, until one dies alone', () => {
  const five = judge(
    'isolation',
    exitCode(1),
    undefined,
    calls('activity', 'activity', 'activity', 'entity', 'entity'),
  );
  assert.deepEqual(five.cohorts, [
    [1, 2, 3],
    [4, 5],
  ]);
  assert.deepEqual(judge('isolation', exitCode(1), undefined, calls('activity')).guilty, [1]);
});

test('outside kills are nobody’s fault until a call has lived through several', () => {
  const fresh = calls('activity', 'orchestration', 'http');
  const first = judge('main', signal('SIGKILL'), undefined, fresh);
  assert.deepEqual(first.retry, [1, 2]);
  assert.deepEqual(first.dropped, [3]);
  assert.deepEqual(first.cohorts, []);

  const worn = [
    { id: 1, kind: 'activity', outsideKills: OUTSIDE_KILLS_BEFORE_SUSPICION - 1 },
    { id: 2, kind: 'activity', outsideKills: 0 },
  ] satisfies CallInFlight[];
  const main = judge('main', signal('SIGTERM'), undefined, worn);
  assert.deepEqual(main.retry, [2]);
  assert.deepEqual(main.cohorts, [[1]], 'even alone it is only a suspect: the kill came from outside');
  assert.deepEqual(main.guilty, []);

  // In isolation the cohort runs again unchanged until all of it has lived through enough outside kills.
  const isolated = judge('isolation', signal('SIGKILL'), undefined, worn);
  assert.deepEqual(isolated.cohorts, [[1, 2]]);
  assert.deepEqual(isolated.retry, []);
  const lone = judge('isolation', signal('SIGKILL'), undefined, [worn[0]]);
  assert.deepEqual(lone.guilty, [1]);
});
