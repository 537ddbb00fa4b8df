import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryCache } from '../../src/emulator/host/historyCache.js';
import { EventType, makeEvent, type HistoryEvent } from '../../src/emulator/engine/history.js';

function events(n: number): HistoryEvent[] {
  return Array.from({ length: n }, (_, i) => makeEvent({ EventType: EventType.OrchestratorStarted }, i));
}

test('the worker history cache answers only for the exact execution key and length the engine expects', () => {
  const cache = new HistoryCache();
  const past = events(10);
  cache.set('a', 'exec1/0', past);
  assert.equal(cache.get('a', 'exec1/0', 10), past);
  assert.equal(cache.get('a', 'exec1/0', 9), undefined, 'a different length is a miss (the engine must resend)');
  assert.equal(cache.get('a', 'exec1/1', 10), undefined, 'a replaced history (new version) is a miss');
  assert.equal(cache.get('b', 'exec1/0', 10), undefined, 'an unknown instance is a miss');
  cache.delete('a');
  assert.equal(cache.get('a', 'exec1/0', 10), undefined);
});

test('the worker history cache evicts the least recently used histories beyond its budget', () => {
  const cache = new HistoryCache();
  cache.set('old', 'k', events(300_000));
  cache.set('used', 'k', events(100_000));
  assert.ok(cache.get('old', 'k', 300_000), 'touching it makes it the most recently used');
  cache.set('new', 'k', events(150_000));
  assert.equal(cache.get('used', 'k', 100_000), undefined, 'the least recently used one went first');
  assert.ok(cache.get('old', 'k', 300_000));
  assert.ok(cache.get('new', 'k', 150_000));
});
