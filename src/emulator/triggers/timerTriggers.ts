/**
 * Timer triggers on the emulated clock, following the host's `TimerListener`:
 *
 * - Each timer function's schedule is armed on `clock.schedule` at its next occurrence; after a run the next one is
 *   computed from the time of that run, so a clock moved forward by 72 hours runs a five-minute schedule once, not
 *   864 times. That run is past due (`isPastDue: true`) when a later occurrence had also come and gone.
 * - A timer never overlaps itself (the host's singleton lock): its runs, hand-fired ones included, queue.
 * - With `useMonitor` (the default for schedules a minute or more apart) the status `{Last, Next, LastUpdated}` is
 *   kept in a `TimerStatusStore`; at start, a stored `Next` already in the past runs the function once, past due.
 *   `runOnStartup` runs it once at start (not past due). The function receives the status as it was before the
 *   run, as on the host (`ScheduleStatus` is null without a monitor).
 * - A failing handler is logged by the trigger host and the schedule goes on.
 */
import type { Clock } from '../clock.js';
import { AppConfigError } from '../appConfigError.js';
import type { FunctionInfo, TypedData } from '../host/protocol.js';
import { monitorsSchedule, parseSchedule, type Schedule } from './schedule.js';
import type { ScheduleStatus, TimerStatusStore } from './timerStatusStore.js';
import type { TriggerInvoker, TriggerOutcome } from './types.js';

export interface TimerTriggersOptions {
  functions: () => readonly FunctionInfo[];
  invoker: TriggerInvoker;
  clock: Clock;
  statusStore: TimerStatusStore;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** IANA time zone the schedules are read in (`WEBSITE_TIME_ZONE`); UTC when absent. */
  timeZone?: string | undefined;
}

export interface TimerSchedule {
  name: string;
  schedule: string;
  /** When it next comes due (epoch ms, emulated time). */
  nextRun: number | undefined;
}

interface TimerState {
  fn: FunctionInfo;
  schedule: Schedule;
  monitor: boolean;
  runOnStartup: boolean;
  status: ScheduleStatus;
  cancel?: (() => void) | undefined;
  /** The runs of this timer, one after the other. */
  queue: Promise<void>;
}

type RunKind = 'scheduled' | 'startup' | 'manual';

/** The host's `DateTime.MinValue`: `Last` of a schedule that never ran. */
const NEVER = '0001-01-01T00:00:00';

export class TimerTriggers {
  private timers = new Map<string, TimerState>();
  /** Statuses read by `load`, used by `begin`. */
  private stored = new Map<string, ScheduleStatus>();
  /** Bumped by stop and rebuild: callbacks and runs of an older generation do not re-arm. */
  private generation = 0;

  constructor(private readonly options: TimerTriggersOptions) {}

  /** `load` then `begin`. */
  async start(): Promise<void> {
    await this.load();
    this.begin();
  }

  /**
   * Checks every schedule (AppConfigError naming the function and expression) and reads the stored statuses;
   * nothing runs yet (the emulator begins once its server answers, so a handler can call it).
   */
  async load(): Promise<void> {
    const prepared = this.prepare();
    this.stored = await this.options.statusStore.load();
    this.generation++;
    this.timers = new Map(prepared.map((state) => [state.fn.name.toLowerCase(), state]));
  }

  /** Runs what is past due or runs on start-up, and arms every schedule. */
  begin(): void {
    const generation = this.generation;
    for (const state of this.timers.values()) this.beginOne(state, this.stored.get(state.fn.name), generation);
    this.stored = new Map();
  }

  /** After a code reload: the timers of the new function list (a bad schedule throws and keeps the old ones). */
  async rebuild(): Promise<void> {
    this.prepare();
    this.cancelAll();
    await this.start();
  }

  /** Disarms every schedule. Runs in progress go on (stopping the worker ends them); none is re-armed. */
  stop(): void {
    this.generation++;
    this.cancelAll();
  }

  /** Resolves when no timer run is in progress or queued. */
  async idle(): Promise<void> {
    await Promise.all([...this.timers.values()].map((state) => state.queue));
  }

  /**
   * Runs a timer function now (isPastDue false), after any run of it in progress; its schedule is unchanged.
   * Undefined when there is no timer function of that name.
   */
  fire(name: string): Promise<TriggerOutcome> | undefined {
    const state = this.timers.get(name.toLowerCase());
    return state ? this.enqueue(state, false, 'manual', this.generation) : undefined;
  }

  schedules(): TimerSchedule[] {
    return [...this.timers.values()].map((state) => ({
      name: state.fn.name,
      schedule: state.schedule.expression,
      nextRun: state.cancel ? state.status.next : undefined,
    }));
  }

  private prepare(): TimerState[] {
    const now = this.options.clock.now();
    return this.options
      .functions()
      .filter((fn) => fn.kind === 'timer')
      .map((fn) => {
        const props = fn.bindings.find((b) => b.type.toLowerCase() === 'timertrigger')?.properties ?? {};
        const expression = typeof props['schedule'] === 'string' ? props['schedule'] : '';
        let schedule: Schedule;
        try {
          schedule = parseSchedule(expression, this.options.timeZone);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          throw new AppConfigError(`function '${fn.name}': invalid timer schedule '${expression}': ${why}`);
        }
        const next = schedule.next(now);
        if (next === undefined) {
          throw new AppConfigError(`function '${fn.name}': timer schedule '${expression}' never comes due`);
        }
        const useMonitor = typeof props['useMonitor'] === 'boolean' ? props['useMonitor'] : undefined;
        return {
          fn,
          schedule,
          monitor: monitorsSchedule(schedule, useMonitor, now),
          runOnStartup: props['runOnStartup'] === true,
          status: { next, lastUpdated: now },
          queue: Promise.resolve(),
        };
      });
  }

  private beginOne(state: TimerState, stored: ScheduleStatus | undefined, generation: number): void {
    const now = this.options.clock.now();
    let pastDue = false;
    if (state.monitor && stored) {
      // A schedule changed since the status was written is checked against when the new one would have come due.
      const expected = state.schedule.next(stored.lastUpdated);
      const recorded = expected === undefined ? stored.next : Math.min(stored.next, expected);
      pastDue = now > recorded;
      state.status = stored;
    } else if (state.monitor) {
      void this.options.statusStore.save(state.fn.name, state.status);
    }
    if (pastDue) {
      this.options.log(
        'info',
        `Function '${state.fn.name}' is past due (it was due at ${new Date(state.status.next).toISOString()}): running it now.`,
      );
      void this.enqueue(state, true, 'startup', generation);
    } else if (state.runOnStartup) {
      void this.enqueue(state, false, 'startup', generation);
    } else {
      this.arm(state, generation);
    }
  }

  private arm(state: TimerState, generation: number): void {
    if (generation !== this.generation) return;
    state.cancel?.();
    state.cancel = this.options.clock.schedule(state.status.next, () => {
      state.cancel = undefined;
      if (generation !== this.generation) return;
      const now = this.options.clock.now();
      const following = state.schedule.next(state.status.next);
      void this.enqueue(state, following !== undefined && following <= now, 'scheduled', generation);
    });
  }

  private enqueue(state: TimerState, isPastDue: boolean, kind: RunKind, generation: number): Promise<TriggerOutcome> {
    const run = state.queue.then(() => this.runOnce(state, isPastDue, kind, generation));
    state.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async runOnce(state: TimerState, isPastDue: boolean, kind: RunKind, generation: number) {
    const { clock, invoker, statusStore } = this.options;
    const invokedAt = clock.now();
    const outcome = await invoker.run({
      functionName: state.fn.name,
      trigger: timerValue(state.monitor ? state.status : undefined, isPastDue),
      reason: kind === 'manual' ? 'manual' : 'timer',
      ...(kind === 'manual' ? {} : { reasonText: `Timer fired at ${new Date(invokedAt).toISOString()}` }),
    });
    if (kind === 'manual' || generation !== this.generation) return outcome;
    // As the host: a run that starts a little before its occurrence counts as that occurrence.
    const last = kind === 'scheduled' && !isPastDue && state.status.next > invokedAt ? state.status.next : invokedAt;
    const next = state.schedule.next(last);
    if (next === undefined) {
      state.cancel = undefined;
      return outcome;
    }
    state.status = { last, next, lastUpdated: last };
    // Armed before anything else can run, so whoever saw the run end (the change stream) sees the next run too.
    this.arm(state, generation);
    if (state.monitor) await statusStore.save(state.fn.name, state.status);
    return outcome;
  }

  private cancelAll(): void {
    for (const state of this.timers.values()) {
      state.cancel?.();
      state.cancel = undefined;
    }
  }
}

/**
 * The trigger value the host sends for a timer (WebJobs `TimerInfo` as JSON); `@azure/functions` camel-cases it
 * into `{ schedule: { adjustForDST }, scheduleStatus: { last, next, lastUpdated } | null, isPastDue }`.
 */
export function timerValue(status: ScheduleStatus | undefined, isPastDue: boolean): TypedData {
  const scheduleStatus = status
    ? {
        Last: status.last === undefined ? NEVER : new Date(status.last).toISOString(),
        Next: new Date(status.next).toISOString(),
        LastUpdated: new Date(status.lastUpdated).toISOString(),
      }
    : null;
  return {
    json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: scheduleStatus, IsPastDue: isPastDue }),
  };
}
