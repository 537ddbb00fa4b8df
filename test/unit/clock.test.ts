/**
 * The emulated clock's ceiling: time moves forward at most to 9999-12-31T23:59:59.999Z, and every delay the engine
 * derives from it (retry back-off, HTTP 202 polling) stays short enough that the resulting date is valid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clockAdvanceProblem,
  ManualClock,
  MAX_DELAY_MS,
  MAX_EMULATED_TIME,
  maxAdvanceMs,
  SystemClock,
  type Clock,
} from '../../src/emulator/clock.js';
import { EngineError } from '../../src/emulator/engine/api.js';
import { isAsync202 } from '../../src/emulator/engine/episodeInput.js';
import { retryDelayMs } from '../../src/emulator/engine/retry.js';
import { createTestEngine } from './engineHarness.js';

const RANGE = /can move forward by 0 to \d+ ms: from now \(.*\) up to 9999-12-31T23:59:59\.999Z/;

test('the clock refuses to move past 9999-12-31T23:59:59.999Z and stays readable', () => {
  for (const clock of [new ManualClock(), new SystemClock()] as Clock[]) {
    const before = clock.now();
    for (const ms of [8.64e15, 1e308, Infinity, NaN, -1, maxAdvanceMs(before) + 1e6]) {
      assert.throws(() => clock.advance(ms), RangeError, String(ms));
      assert.ok(clock.now() - before < 1000, 'a refused move does not move the clock');
    }
    assert.doesNotThrow(() => new Date(clock.now()).toISOString());
  }
  const manual = new ManualClock();
  manual.advance(maxAdvanceMs(manual.now()));
  assert.equal(new Date(manual.now()).toISOString(), '9999-12-31T23:59:59.999Z');
  assert.throws(() => manual.advance(1), RANGE);
  manual.advance(0);
  assert.equal(manual.now(), MAX_EMULATED_TIME);
});

test('the refusal names the allowed range', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(clockAdvanceProblem(60_000, now), undefined);
  assert.equal(clockAdvanceProblem(MAX_EMULATED_TIME - now, now), undefined);
  const message = clockAdvanceProblem(8.64e15, now);
  assert.match(message ?? '', RANGE);
  assert.match(
    message ?? '',
    new RegExp(`by 0 to ${MAX_EMULATED_TIME - now} ms: from now \\(2026-01-01T00:00:00.000Z\\)`),
  );
});

test('the engine answers an out-of-range advance with a bad request and keeps its clock', async () => {
  const { engine } = await createTestEngine();
  const before = engine.clockNow().now;
  await assert.rejects(
    engine.advanceClock(8.64e15),
    (error: unknown) => error instanceof EngineError && error.code === 'badRequest' && RANGE.test(error.message),
  );
  assert.equal(engine.clockNow().now, before);
  await engine.advanceClock(maxAdvanceMs(before));
  assert.equal(new Date(engine.clockNow().now).toISOString(), '9999-12-31T23:59:59.999Z');
  await engine.stop();
});

test('retry and polling delays stay within TimeSpan.MaxValue, so their timers are valid dates', () => {
  const options = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5 };
  assert.equal(retryDelayMs({ ...options, backoffCoefficient: 2 }, 3), 4000);
  assert.equal(retryDelayMs({ ...options, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 3000 }, 3), 3000);
  assert.equal(retryDelayMs({ ...options, backoffCoefficient: 1e308 }, 3), MAX_DELAY_MS);
  assert.equal(retryDelayMs({ ...options, firstRetryIntervalInMilliseconds: 0, backoffCoefficient: Infinity }, 2), 0);
  const poll = isAsync202(
    JSON.stringify({ statusCode: 202, headers: { Location: 'http://x/', 'Retry-After': '1e308' } }),
  );
  assert.equal(poll?.retryAfterMs, MAX_DELAY_MS);
  assert.doesNotThrow(() => new Date(MAX_EMULATED_TIME + MAX_DELAY_MS).toISOString());
});
