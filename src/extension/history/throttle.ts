/**
 * Coalesces refresh requests: the task runs at most once per interval and never twice at once; any number of
 * requests while it runs or waits become one trailing run, so the last change is always fetched. No VS Code; the
 * timers are injected so the unit test needs no waiting.
 */
export interface ThrottleTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Throttle {
  private running: Promise<void> | undefined;
  private queued = false;
  private timer: unknown;
  private lastStart = Number.NEGATIVE_INFINITY;
  private disposed = false;

  /** `task` must not throw (it reports its own errors); a rejection is passed to `onError`. */
  constructor(
    private readonly task: () => Promise<void>,
    /** Read at each request, so it can grow with the cost of the task. */
    private readonly intervalMs: () => number,
    private readonly onError: (error: unknown) => void,
    private readonly timers: ThrottleTimers = realTimers,
  ) {}

  /** Asks for a run: now if the interval has passed, else at its end; never more than one pending. */
  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.queued = true;
      return;
    }
    if (this.timer !== undefined) return;
    const wait = this.lastStart + this.intervalMs() - this.timers.now();
    if (wait <= 0) {
      void this.start();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.start();
    }, wait);
  }

  /** Runs now (after the run in progress, if any), ignoring the interval; resolves when that run has finished. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.disposed) return;
    this.cancelTimer();
    this.queued = false;
    await this.start();
  }

  dispose(): void {
    this.disposed = true;
    this.queued = false;
    this.cancelTimer();
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.lastStart = this.timers.now();
    const run = this.task()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        if (this.running === run) this.running = undefined;
        if (this.queued) {
          this.queued = false;
          this.request();
        }
      });
    this.running = run;
    return run;
  }
}
