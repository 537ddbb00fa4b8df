/**
 * The reliability benchmark (bench/reliability.ts) in small: a few randomized kill -9 trials, of the emulator
 * with its worker and of the worker alone, under load. Nothing acknowledged is lost, nothing runs twice, nothing
 * is stuck or fails. `npm run bench` runs the same trials a hundred times and reports the figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runReliabilityTrials } from '../../bench/reliability.js';

test('kill -9 under load loses, duplicates, strands and fails nothing', async () => {
  const results = await runReliabilityTrials({ trials: 4, seed: 7 });
  let trials = 0;
  for (const [target, counts] of results) {
    trials += counts.trials;
    assert.deepEqual(counts.problems, [], target);
    assert.ok(counts.instances + counts.httpRequests + counts.signals > 0, `${target}: work was checked`);
  }
  assert.equal(trials, 4);
});
