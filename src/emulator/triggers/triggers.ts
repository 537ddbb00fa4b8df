/**
 * The triggers the emulator runs besides HTTP and durable ones, wired once for both composition roots
 * (`durable-studio start` in emulator.ts and the testing library's host): the `TriggerHost` that runs them, the
 * timer schedules, manual invocation (the admin API's `POST /admin/functions/{name}`) and the function summaries
 * of `GET /emulator/v1/functions`.
 *
 * The `runner` given is what runs the invocations: the app worker, or a decorator around it that resolves storage
 * input bindings and writes outputs (src/emulator/storage).
 */
import type { FunctionSummary } from '../../protocol/functions.js';
import { AppConfigError } from '../appConfigError.js';
import type { SettingLookup } from '../appSettings.js';
import type { Engine } from '../engine/engine.js';
import type { FunctionInfo } from '../host/protocol.js';
import type { FunctionRunner } from '../host/runner.js';
import { isKnownTimeZone } from './schedule.js';
import { TimerTriggers, type TimerSchedule } from './timerTriggers.js';
import type { TimerStatusStore } from './timerStatusStore.js';
import { TriggerHost, type FunctionRun } from './triggerHost.js';
import type { ManualInvokeOutcome, TriggerOutcome, TriggersApi } from './types.js';

export interface TriggersOptions {
  engine: Engine;
  runner: FunctionRunner;
  statusStore: TimerStatusStore;
  /** IANA time zone of the schedules (see `timerTimeZone`); UTC when absent. */
  timeZone?: string | undefined;
}

/** Builds the triggers of an engine; `start()` them after `engine.start()`. */
export function createTriggers(options: TriggersOptions): Triggers {
  return new Triggers(options);
}

export class Triggers implements TriggersApi {
  readonly host: TriggerHost;
  readonly timers: TimerTriggers;

  constructor(private readonly options: TriggersOptions) {
    const { core } = options.engine;
    this.host = new TriggerHost(core, options.runner);
    this.timers = new TimerTriggers({
      functions: () => core.functions,
      invoker: this.host,
      clock: core.clock,
      statusStore: options.statusStore,
      log: (level, message) => core.log(level, message),
      timeZone: options.timeZone,
    });
  }

  /** After `engine.start()`: checks and arms the timer schedules (throws AppConfigError for a bad one). */
  start(): Promise<void> {
    return this.timers.start();
  }

  /** `start` in two steps: `load` checks the schedules (and may throw), `begin` arms them and runs what is due. */
  load(): Promise<void> {
    return this.timers.load();
  }

  begin(): void {
    this.timers.begin();
  }

  /** After `engine.reload()`: the timers of the new function list. */
  reload(): Promise<void> {
    return this.timers.rebuild();
  }

  /** Resolves when no timer run is queued and no trigger run is in progress (a test's "wait until settled"). */
  async idle(): Promise<void> {
    await this.timers.idle();
    await this.host.idle();
  }

  /** Disarms the schedules (before the engine stops). */
  stop(): void {
    this.timers.stop();
  }

  /** Runs a timer function now (isPastDue false); rejects when there is no timer function of that name. */
  fireTimer(name: string): Promise<TriggerOutcome> {
    const run = this.timers.fire(name);
    return run ?? Promise.reject(new Error(`The app has no timer function named '${name}'.`));
  }

  /** Each timer function's schedule, next due time (epoch ms; undefined while it runs) and last run. */
  schedules(): (TimerSchedule & { lastRun?: FunctionRun })[] {
    return this.timers.schedules().map((schedule) => {
      const lastRun = this.host.lastRun(schedule.name);
      return lastRun ? { ...schedule, lastRun } : schedule;
    });
  }

  definitions(): FunctionInfo[] {
    return [...this.options.engine.core.functions];
  }

  invokeByHand(name: string, input: string): ManualInvokeOutcome {
    const fn = this.host.find(name);
    if (!fn) return { kind: 'notFound' };
    const refusal = refusalFor(fn);
    if (refusal !== undefined) return { kind: 'refused', message: refusal };
    if (fn.kind === 'timer') {
      // The host ignores the input of a timer: the function gets its timer object, not past due.
      if (this.timers.fire(fn.name)) return { kind: 'accepted' };
    }
    void this.host.run({ functionName: fn.name, trigger: { string: input }, reason: 'manual' });
    return { kind: 'accepted' };
  }

  summaries(): FunctionSummary[] {
    const schedules = new Map(this.timers.schedules().map((s) => [s.name, s]));
    return this.options.engine.core.functions.map((fn) => {
      const trigger = fn.bindings.find((b) => b.type.toLowerCase() === fn.triggerType.toLowerCase());
      const props = trigger?.properties ?? {};
      const text = (key: string): string | undefined =>
        typeof props[key] === 'string' && props[key] !== '' ? props[key] : undefined;
      const timer = schedules.get(fn.name);
      const lastRun = this.host.lastRun(fn.name);
      const summary: FunctionSummary = {
        name: fn.name,
        kind: fn.kind,
        triggerType: fn.triggerType,
        ...(fn.route !== undefined ? { route: fn.route } : {}),
        ...(fn.methods !== undefined ? { methods: fn.methods } : {}),
        ...(fn.kind === 'timer' ? optional('schedule', timer?.schedule ?? text('schedule')) : {}),
        ...(timer?.nextRun !== undefined ? { nextRun: new Date(timer.nextRun).toISOString() } : {}),
        ...(lastRun ? { lastRun: runWire(lastRun) } : {}),
        ...(fn.kind === 'queue' ? optional('queueName', text('queueName')) : {}),
        ...(fn.kind === 'blob' ? optional('path', text('path')) : {}),
        ...(fn.kind === 'queue' || fn.kind === 'blob' ? optional('connection', text('connection')) : {}),
        runsLocally: fn.kind !== 'other',
      };
      return summary;
    });
  }
}

/** Why `POST /admin/functions/{name}` does not run this function, and how to run it instead. */
function refusalFor(fn: FunctionInfo): string | undefined {
  switch (fn.kind) {
    case 'http':
      return `'${fn.name}' is an HTTP function: send a request to its route ('${fn.route ?? fn.name}') instead.`;
    case 'orchestration':
      return (
        `'${fn.name}' is an orchestrator function: start an instance instead ` +
        `(POST /runtime/webhooks/durabletask/orchestrators/${fn.name}, or a durable client).`
      );
    case 'activity':
      return `'${fn.name}' is an activity function: it runs when an orchestration calls it (callActivity).`;
    case 'entity':
      return (
        `'${fn.name}' is an entity function: signal an entity instead ` +
        `(POST /runtime/webhooks/durabletask/entities/${fn.name}/{key}?op=<operation>, or a durable client).`
      );
    case 'timer':
    case 'queue':
    case 'blob':
    case 'other':
      return undefined;
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function runWire(run: FunctionRun): NonNullable<FunctionSummary['lastRun']> {
  return { ...run, at: new Date(run.at).toISOString() };
}

/**
 * The time zone of timer schedules: the `WEBSITE_TIME_ZONE` app setting when set (an IANA name such as
 * `Europe/Berlin`, as on Linux plans), UTC otherwise. An unknown name is an AppConfigError.
 */
export function timerTimeZone(lookup: SettingLookup): string | undefined {
  const zone = lookup('WEBSITE_TIME_ZONE')?.trim();
  if (!zone) return undefined;
  if (!isKnownTimeZone(zone)) {
    throw new AppConfigError(
      `WEBSITE_TIME_ZONE '${zone}' is not a time zone the emulator knows: use an IANA name such as 'Europe/Berlin'`,
    );
  }
  return zone;
}
