/**
 * The one source of time for the emulator. Nothing else in src/emulator reads the wall clock. The system clock
 * carries an offset so a user can move emulated time forward (monitors, 72-hour approval timeouts); the manual
 * clock is for tests, where time only moves when the test says so.
 */

export interface Clock {
  now(): number;
  /** Calls `callback` once `now() >= at`; returns a cancel function. */
  schedule(at: number, callback: () => void): () => void;
  /** Moves time forward by `ms`; callbacks that become due run. */
  advance(ms: number): void;
  offsetMs(): number;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class SystemClock implements Clock {
  private offset = 0;
  private readonly waiting = new Set<{ at: number; callback: () => void; handle: NodeJS.Timeout | undefined }>();

  now(): number {
    return Date.now() + this.offset;
  }

  offsetMs(): number {
    return this.offset;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry = { at, callback, handle: undefined as NodeJS.Timeout | undefined };
    this.waiting.add(entry);
    this.arm(entry);
    return () => {
      clearTimeout(entry.handle);
      this.waiting.delete(entry);
    };
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('time can only move forward');
    this.offset += ms;
    for (const entry of this.waiting) {
      clearTimeout(entry.handle);
      this.arm(entry);
    }
  }

  private arm(entry: { at: number; callback: () => void; handle: NodeJS.Timeout | undefined }): void {
    const delay = Math.max(0, entry.at - this.now());
    entry.handle = setTimeout(
      () => {
        if (this.now() >= entry.at) {
          this.waiting.delete(entry);
          entry.callback();
        } else {
          this.arm(entry);
        }
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
    if (!(ms >= 0)) throw new RangeError('time can only move forward');
    this.current += ms;
    const due = [...this.waiting].filter((entry) => entry.at <= this.current).sort((a, b) => a.at - b.at);
    for (const entry of due) {
      if (this.waiting.delete(entry)) entry.callback();
    }
  }
}
