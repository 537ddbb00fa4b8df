/**
 * Millisecond times of instances, as the emulator's change stream reported them, kept across the Instances view's
 * re-reads: the management API lists `createdTime` and `lastUpdatedTime` to the second only, so a re-read would
 * otherwise turn a `117 ms` instance into a `< 1 s` one. A listed time takes the remembered one only when that one
 * falls in the same second (it is the same instant, told more precisely); otherwise the listed time wins and is
 * second-precise. Bounded: the oldest entries are forgotten first. No VS Code here.
 */

export interface RefinedTime {
  time: number;
  precise: boolean;
}

/** Remembered instances, at most; beyond it the least recently told are dropped. */
const DEFAULT_CAPACITY = 50_000;

export class PreciseTimes {
  private readonly times = new Map<string, { created?: number; lastUpdated?: number }>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Remembers what a change told (epoch ms); `created` undefined keeps the one remembered. */
  remember(instanceId: string, lastUpdated: number, created?: number): void {
    const known = this.times.get(instanceId);
    this.times.delete(instanceId);
    this.times.set(instanceId, { created: created ?? known?.created, lastUpdated });
    if (this.times.size > this.capacity) {
      const oldest = this.times.keys().next().value;
      if (oldest !== undefined) this.times.delete(oldest);
    }
  }

  forget(instanceId: string): void {
    this.times.delete(instanceId);
  }

  /** A listed (second-precision) creation time, made precise when a change told it. */
  created(instanceId: string, listed: number): RefinedTime {
    return refine(this.times.get(instanceId)?.created, listed);
  }

  /** A listed (second-precision) last-update time, made precise when a change told it. */
  lastUpdated(instanceId: string, listed: number): RefinedTime {
    return refine(this.times.get(instanceId)?.lastUpdated, listed);
  }
}

function refine(known: number | undefined, listed: number): RefinedTime {
  if (known !== undefined && Math.floor(known / 1000) === Math.floor(listed / 1000))
    return { time: known, precise: true };
  return { time: listed, precise: false };
}
