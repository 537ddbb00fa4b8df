/** The system clock: wall time plus jumps that run what they make due at once, earliest first (time skipping). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from '../../src/emulator/clock.js';

test('a jump runs the callbacks it makes due synchronously, earliest first, and keeps later ones', () => {
  const clock = new SystemClock();
  const start = clock.now();
  const fired: string[] = [];
  clock.schedule(start + 3_600_000, () => fired.push('1h'));
  clock.schedule(start + 60_000, () => fired.push('1m'));
  const cancel = clock.schedule(start + 120_000, () => fired.push('cancelled'));
  clock.schedule(start + 72 * 3_600_000, () => fired.push('72h'));
  cancel();
  clock.advance(2 * 3_600_000);
  assert.deepEqual(fired, ['1m', '1h']);
  assert.ok(clock.now() - start >= 2 * 3_600_000);
  clock.advance(70 * 3_600_000);
  assert.deepEqual(fired, ['1m', '1h', '72h']);
  clock.reset();
  assert.ok(Math.abs(clock.now() - Date.now()) < 1000);
});

test('wall time still runs: a callback due now fires by itself', async () => {
  const clock = new SystemClock();
  // The clock's own timers are unref'd (they never keep a process alive), so the test keeps the loop alive itself,
  // with a deadline: otherwise the runner may see an empty loop before the 5 ms are up and cancel the test.
  let deadline: NodeJS.Timeout | undefined;
  const fired = new Promise<void>((resolve) => clock.schedule(clock.now() + 5, resolve));
  const expired = new Promise<never>((_, reject) => {
    deadline = setTimeout(() => reject(new Error('the callback did not fire within 5 s')), 5000);
  });
  await Promise.race([fired, expired]).finally(() => clearTimeout(deadline));
});

test('a jump past the latest representable time is refused and does not move the clock', () => {
  const clock = new SystemClock();
  const before = clock.offsetMs();
  assert.throws(() => clock.advance(Number.MAX_SAFE_INTEGER), RangeError);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.equal(clock.offsetMs(), before);
});
