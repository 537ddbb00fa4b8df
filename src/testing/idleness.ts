/**
 * When the test host is quiet: the engine has nothing queued or running, no call of `host.client` is on its way
 * and no timer, queue or blob function is running. Time skipping moves the clock only then, so work already started (an activity, an event just raised)
 * always happens before a timer it could race.
 */
import type { Engine } from '../emulator/engine/engine.js';
import type { ClientCalls } from './client.js';
import type { TriggerRuns } from './triggerRuns.js';

export class Idleness {
  constructor(
    private readonly engine: Engine,
    private readonly calls: ClientCalls,
    private readonly runs: Pick<TriggerRuns, 'inFlight' | 'settled'>,
  ) {}

  /** Resolves true once quiet, false if `deadline` (epoch ms) comes first. */
  async quiet(deadline: number): Promise<boolean> {
    for (;;) {
      const waited =
        this.calls.inFlight > 0
          ? await beforeDeadline(this.calls.settled(), deadline)
          : this.runs.inFlight > 0
            ? await beforeDeadline(this.runs.settled(), deadline)
            : await beforeDeadline(this.engine.whenIdle(), deadline);
      if (!waited) return false;
      if (this.calls.inFlight === 0 && this.runs.inFlight === 0 && this.engine.core.isIdle()) return true;
    }
  }

  /** Resolves true on the engine's next change (or a client call ending), false if `deadline` comes first. */
  nextChange(deadline: number): Promise<boolean> {
    let off: (() => void) | undefined;
    const changed = new Promise<void>((resolve) => {
      off = this.engine.onChange(() => resolve());
    });
    return beforeDeadline(
      Promise.race([changed, this.calls.inFlight > 0 ? this.calls.settled() : changed]),
      deadline,
    ).finally(() => off?.());
  }
}

/** True when `work` settles before `deadline` (epoch ms; Infinity waits forever), false otherwise. */
function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  if (deadline === Number.POSITIVE_INFINITY) return work.then(() => true);
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(false);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), left);
  });
  return Promise.race([work.then(() => true), expired]).finally(() => clearTimeout(timer));
}
