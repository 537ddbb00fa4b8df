/**
 * The test host's clock: it runs with wall time (a timer due in 50 ms fires by itself) and can jump forward.
 * Unlike the emulator's `SystemClock`, a jump runs the callbacks it makes due synchronously, earliest first, so
 * the engine counts the timers they fire as work in flight before the jump returns: time skipping then waits
 * for what they start instead of skipping past it.
 */
import { type Clock, clockAdvanceProblem } from '../emulator/clock.js';

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Entry {
  at: number;
  callback: () => void;
  handle: NodeJS.Timeout | undefined;
}

export class TestClock implements Clock {
  private offset = 0;
  private readonly waiting = new Set<Entry>();

  now(): number {
    return Date.now() + this.offset;
  }

  offsetMs(): number {
    return this.offset;
  }

  schedule(at: number, callback: () => void): () => void {
    const entry: Entry = { at, callback, handle: undefined };
    this.waiting.add(entry);
    this.arm(entry);
    return () => {
      clearTimeout(entry.handle);
      this.waiting.delete(entry);
    };
  }

  advance(ms: number): void {
    const problem = clockAdvanceProblem(ms, this.now());
    if (problem !== undefined) throw new RangeError(problem);
    this.offset += ms;
    const now = this.now();
    const due = [...this.waiting].filter((entry) => entry.at <= now).sort((a, b) => a.at - b.at);
    for (const entry of due) this.fire(entry);
    for (const entry of this.waiting) {
      clearTimeout(entry.handle);
      this.arm(entry);
    }
  }

  /** Back to wall time, nothing scheduled (the host's `reset`). */
  reset(): void {
    for (const entry of this.waiting) clearTimeout(entry.handle);
    this.waiting.clear();
    this.offset = 0;
  }

  private fire(entry: Entry): void {
    if (!this.waiting.delete(entry)) return;
    clearTimeout(entry.handle);
    entry.callback();
  }

  private arm(entry: Entry): void {
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
