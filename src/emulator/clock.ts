/**
 * The one source of time for the emulator. Nothing else in src/emulator reads the wall clock. The system clock
 * carries an offset so a user can move emulated time forward (monitors, 72-hour approval timeouts); the manual
 * clock is for tests, where time only moves when the test says so.
 */

export interface Clock {
  now(): number;
  /** Calls `callback` once `now() >= at`; returns a cancel function. */
  schedule(at: number, callback: () => void): () => void;
  /**
   * Moves time forward by `ms`; callbacks that become due run. Throws a RangeError (and does not move) unless `ms`
   * is finite, non-negative and keeps `now()` at or before `MAX_EMULATED_TIME`.
   */
  advance(ms: number): void;
  offsetMs(): number;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The latest instant the emulated clock may be moved to: 9999-12-31T23:59:59.999Z, .NET's `DateTime.MaxValue` at
 * millisecond precision. The real host keeps every timestamp in a `DateTime`, so no later time exists on Azure.
 *
 * Invariant: every date the emulator derives from its clock stays a valid JavaScript date (which ends at
 * +275760-09-13, 8.64e15 ms). From this ceiling, a delay of up to `MAX_DELAY_MS` still lands near year 39,000.
 */
export const MAX_EMULATED_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * The longest delay the emulator schedules from now (retry back-off, HTTP 202 polling): .NET's
 * `TimeSpan.MaxValue` (about 29,227 years), the longest the real host can represent. Longer delays are cut to it.
 */
export const MAX_DELAY_MS = 922_337_203_685_477;

/** Milliseconds the clock may still move forward from `now` (0 once it has reached `MAX_EMULATED_TIME`). */
export function maxAdvanceMs(now: number): number {
  return Math.max(0, MAX_EMULATED_TIME - now);
}

/**
 * Why the clock cannot move forward by `ms` from `now`, or undefined when it can: `ms` must be a finite,
 * non-negative number that keeps the clock at or before `MAX_EMULATED_TIME`. The message names the allowed range.
 */
export function clockAdvanceProblem(ms: number, now: number): string | undefined {
  if (typeof ms === 'number' && ms >= 0 && Number.isFinite(ms) && ms <= maxAdvanceMs(now)) return undefined;
  return (
    `The clock can move forward by 0 to ${maxAdvanceMs(now)} ms: from now (${new Date(now).toISOString()}) ` +
    `up to ${new Date(MAX_EMULATED_TIME).toISOString()}, the latest time the Durable host can represent.`
  );
}

function checkAdvance(now: number, ms: number): void {
  const problem = clockAdvanceProblem(ms, now);
  if (problem !== undefined) throw new RangeError(problem);
}

interface Waiting {
  at: number;
  callback: () => void;
  handle: NodeJS.Timeout | undefined;
}

/**
 * Wall time plus an offset. A move forward runs the callbacks it makes due at once, earliest first, before it
 * returns (so whoever moved the clock sees the work they start); the others wait for their time.
 */
export class SystemClock implements Clock {
  private offset: number;
  private readonly waiting = new Set<Waiting>();

  /** `offsetMs`: where a previous run left the clock (see clockStore.ts); 0 is wall time. */
  constructor(offsetMs = 0) {
    this.offset = offsetMs;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  offsetMs(): number {
    return this.offset;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry: Waiting = { at, callback, handle: undefined };
    this.waiting.add(entry);
    this.arm(entry);
    return () => {
      clearTimeout(entry.handle);
      this.waiting.delete(entry);
    };
  }

  advance(ms: number): void {
    checkAdvance(this.now(), ms);
    this.offset += ms;
    const now = this.now();
    const due = [...this.waiting].filter((entry) => entry.at <= now).sort((a, b) => a.at - b.at);
    for (const entry of due) this.fire(entry);
    for (const entry of this.waiting) {
      clearTimeout(entry.handle);
      this.arm(entry);
    }
  }

  /** Back to wall time with nothing scheduled. */
  reset(): void {
    for (const entry of this.waiting) clearTimeout(entry.handle);
    this.waiting.clear();
    this.offset = 0;
  }

  private fire(entry: Waiting): void {
    if (!this.waiting.delete(entry)) return;
    clearTimeout(entry.handle);
    entry.callback();
  }

  private arm(entry: Waiting): void {
    const delay = Math.max(0, entry.at - this.now());
    entry.handle = setTimeout(
      () => {
        if (this.now() >= entry.at) this.fire(entry);
        else this.arm(entry);
      },
      Math.min(delay, MAX_TIMEOUT_MS),
    );
    entry.handle.unref?.();
  }
}

/** Time stands still until `advance` is called; due callbacks then run synchronously, earliest first. */
export class ManualClock implements Clock {
  private readonly waiting = new Set<{ at: number; callback: () => void }>();

  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  offsetMs(): number {
    return 0;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry = { at, callback };
    if (at <= this.current) {
      queueMicrotask(() => {
        if (this.waiting.delete(entry)) callback();
      });
    }
    this.waiting.add(entry);
    return () => void this.waiting.delete(entry);
  }

  advance(ms: number): void {
    checkAdvance(this.current, ms);
    this.current += ms;
    const due = [...this.waiting].filter((entry) => entry.at <= this.current).sort((a, b) => a.at - b.at);
    for (const entry of due) {
      if (this.waiting.delete(entry)) entry.callback();
    }
  }
}
