/**
 * A tree's reads from the host: the read in flight (the view says "Loading…", callers can wait for it), the last
 * failure (the view's message), and one rule for both trees: a read made stale by a newer one, or cut short by the
 * emulator stopping, is not an error worth showing.
 */
import type { Ctx } from '../ctx.js';
import { describeError } from '../log.js';

export class LoadTracker {
  private current: Promise<void> | undefined;
  private failure: string | undefined;

  /** `what` names the read in the log ("Listing entities"); `settled` runs after every read, failed or not. */
  constructor(
    private readonly ctx: Ctx,
    private readonly what: string,
    private readonly settled: () => void,
  ) {}

  /** The read in flight, if any. */
  get inFlight(): Promise<void> | undefined {
    return this.current;
  }

  /** The last read's failure, in plain words. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Resolves once no read is in flight (reads started meanwhile included). */
  async whenLoaded(): Promise<void> {
    while (this.current) await this.current;
  }

  /** Before a fresh read: no failure, and (when nothing will be read) nothing in flight. */
  reset(options: { dropInFlight: boolean }): void {
    this.failure = undefined;
    if (options.dropInFlight) this.current = undefined;
  }

  /** A failure found before any request (e.g. a filter that does not parse). */
  fail(message: string): void {
    this.failure = message;
  }

  track(load: Promise<void>, stale: () => boolean = () => false): Promise<void> {
    const tracked = load
      .catch((error: unknown) => {
        if (stale() || this.interrupted()) return;
        this.failure = describeError(error);
        this.ctx.log.error(`${this.what} failed`, error);
      })
      .finally(() => {
        if (this.current === tracked) this.current = undefined;
        this.settled();
      });
    this.current = tracked;
    return tracked;
  }

  /** The emulator is stopping or gone while the explorer still looks at it. */
  private interrupted(): boolean {
    return this.ctx.emulator.state.kind !== 'running' && this.ctx.connections.current?.isEmulator !== false;
  }
}
