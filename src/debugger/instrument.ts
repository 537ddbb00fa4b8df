/**
 * Instrumentation of the app's own copy of `durable-functions`, installed in the process that runs the replay.
 * It records, for every task the orchestrator code creates, where in the user's code it was created (the caller's
 * stack frame, source-mapped when source maps are enabled), and after each run what the library's executor knows:
 * the sequence id of each task, its state and result, and the task the generator is suspended on.
 *
 * Invariant: nothing here changes what the library does. The wrappers call the original methods with the same
 * arguments and return their result unchanged; only side tables (WeakMaps, a per-run capture) are written.
 *
 * The suspended location is an approximation: a generator's suspended frame is not on any stack, so the runtime
 * reports where the task the generator yielded last (`executor.currentTask`) was *created*. For the usual
 * `yield context.df.callActivity(...)` that is the `yield` line; for a task created earlier and yielded later
 * (`const t = ...; ...; yield t`) it is the creation line.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { WireAction } from '../emulator/host/protocol.js';
import type { EndSite } from './endSite.js';

export interface SourceSite {
  file: string;
  line: number;
  column: number;
}

export type TaskState = 'running' | 'completed' | 'failed';

/** One task (or fire-and-forget call) the orchestrator code created, as the executor saw it at the end of a run. */
export interface ObservedTask {
  /** The context method that created it (`callActivity`, `Task.all`, ...). */
  method: string;
  /** The sequence id (a number), the event name for external events, or null when it was never yielded. */
  id: number | string | null;
  /** The action (JSON form); absent for `Task.all` / `Task.any`. */
  action?: WireAction;
  state: TaskState;
  /** The result (completed) or the error message (failed), JSON-safe. */
  result?: unknown;
  site?: SourceSite;
  fireAndForget?: boolean;
  compound?: boolean;
  /** `Task.any`: the index (in its array) of the task that completed first; `result` is that task's result. */
  winner?: number;
  /** A task with retries: its attempt (1-based) and, after a failed attempt, that attempt's error message. */
  retry?: { attempt: number; waitingForTimer: boolean; lastError?: string };
}

/** What one run of the orchestrator handler did, in plain JSON (so it can cross a process boundary). */
export interface Observation {
  tasks: ObservedTask[];
  /** Where the task the orchestrator is suspended on was created; absent when it returned, threw or never yielded. */
  suspendedAt?: SourceSite;
  /** Index in `tasks` of that task. */
  suspendedTask?: number;
  /** Where the orchestrator returned or threw, when it ended in this run (set by the replay host, `endSite.ts`). */
  endedAt?: EndSite;
  /** Every sequence id the executor allocated, the library's own (retry timers, HTTP polls) included. */
  allocatedIds: number[];
}

interface LibTask {
  id: number | string | false;
  stateObj: number;
  result?: unknown;
  actionObj?: unknown;
  innerTask?: LibTask;
  children?: LibTask[];
  /** RetryableTask: the attempt in flight (or next, while its retry timer runs) and the last attempt's error. */
  attemptNumber?: number;
  isWaitingOnTimer?: boolean;
  error?: unknown;
}

interface LibExecutor {
  currentTask: LibTask;
  /** What the orchestrator threw (the run ends failed). */
  exception?: unknown;
  orchestratorReturned?: boolean;
  sequenceNumber: number;
  willContinueAsNew: boolean;
  trackOpenTask: (this: LibExecutor, task: LibTask) => void;
  recordFireAndForgetAction: (this: LibExecutor, action: unknown, increment?: number) => void;
  /** Applies one history event (resuming the generator when it completes what it waits for). */
  processEvent: (this: LibExecutor, event: unknown) => void;
  context?: { customStatus?: unknown };
}

/** What the orchestrator had after one history event, taken during a replay of the whole history. */
export interface EventSnapshot {
  eventIndex: number;
  observation: Observation;
  customStatus: unknown;
}

interface Created {
  task: LibTask | undefined;
  method: string;
  site?: SourceSite;
  fireAndForget?: { id: number | null; action?: unknown };
}

/** The capture of one run; `begin` is called from inside the library's `execute`. */
class RunCapture {
  executor: LibExecutor | undefined;
  readonly created: Created[] = [];
  /**
   * "Inspect local variables": index in `created` of the task whose creation stops an attached JavaScript debugger
   * (a `debugger` statement in the wrapper the orchestrator called; the frame below is the orchestrator's own, on
   * that line, with its locals as they are at this replay position). Without an attached debugger nothing stops.
   */
  pauseAt: number | undefined;
  /**
   * History indexes after which to take a snapshot (`snapshots`): the library applies the events one by one, so the
   * state after event i of a whole replay is the state at the end of a replay of the first i + 1 events. One replay
   * then gives every position.
   */
  snapshotAt: ReadonlySet<number> | undefined;
  readonly snapshots: EventSnapshot[] = [];
  readonly allocated = new Set<number>();

  /** How the orchestrator ended in this run, if it did (`RunEnding`). */
  ending(): RunEnding | undefined {
    return endingOf(this);
  }

  snapshot(): Observation {
    const tasks: ObservedTask[] = [];
    const index = new Map<LibTask, number>();
    for (const entry of this.created) {
      const observed = describeTask(entry);
      if (entry.task) index.set(entry.task, tasks.length);
      tasks.push(observed);
    }
    const observation: Observation = { tasks, allocatedIds: [...this.allocated].sort((a, b) => a - b) };
    const current = this.executor?.currentTask;
    const at = current ? index.get(current) : undefined;
    if (at !== undefined && current && current.stateObj === 0) {
      observation.suspendedTask = at;
      const site = tasks[at]!.site;
      if (site) observation.suspendedAt = site;
    }
    return observation;
  }
}

/** How the orchestrator ended in a run: returned (or continued as new), or threw. */
export type RunEnding =
  | { how: 'returned'; lastSite?: SourceSite }
  | { how: 'threw'; stack?: string; failedTaskSite?: SourceSite; lastSite?: SourceSite };

/** `RunCapture.ending`: undefined while the orchestrator still waits. */
function endingOf(run: RunCapture): RunEnding | undefined {
  const executor = run.executor;
  if (!executor) return undefined;
  const lastSite = [...run.created].reverse().find((c) => c.site)?.site;
  const base = lastSite ? { lastSite } : {};
  if (executor.exception !== undefined) {
    const error = executor.exception;
    const current = executor.currentTask;
    const failed = current.stateObj === 1 && current.result === error;
    const failedTaskSite = failed ? run.created.find((c) => c.task === current)?.site : undefined;
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : undefined;
    return {
      how: 'threw',
      ...base,
      ...(stack !== undefined ? { stack } : {}),
      ...(failedTaskSite ? { failedTaskSite } : {}),
    };
  }
  if (executor.orchestratorReturned || executor.willContinueAsNew) return { how: 'returned', ...base };
  return undefined;
}

const STATES: Record<number, TaskState> = { 0: 'running', 1: 'failed', 2: 'completed' };

function describeTask(entry: Created): ObservedTask {
  const base = { method: entry.method, ...(entry.site ? { site: entry.site } : {}) };
  if (entry.fireAndForget || !entry.task) {
    return {
      ...base,
      id: entry.fireAndForget?.id ?? null,
      ...(entry.fireAndForget?.action ? { action: toJson(entry.fireAndForget.action) as WireAction } : {}),
      state: 'completed',
      fireAndForget: true,
    };
  }
  const task = entry.task;
  const compound = entry.method === 'Task.all' || entry.method === 'Task.any';
  // A retryable task is a compound over its first attempt, which holds the sequence id.
  const leaf = task.innerTask ?? task;
  const observed: ObservedTask = {
    ...base,
    id: compound || leaf.id === false ? null : leaf.id,
    state: STATES[task.stateObj] ?? 'running',
  };
  if (task.innerTask && typeof task.attemptNumber === 'number') {
    const lastError = task.error instanceof Error ? task.error.message : undefined;
    observed.retry = {
      attempt: task.attemptNumber,
      waitingForTimer: task.isWaitingOnTimer === true,
      ...(lastError !== undefined ? { lastError } : {}),
    };
  }
  if (compound) observed.compound = true;
  else if (task.actionObj) observed.action = toJson(task.actionObj) as WireAction;
  const winner =
    entry.method === 'Task.any' && task.stateObj === 2 ? (task.children ?? []).indexOf(task.result as LibTask) : -1;
  if (winner >= 0) {
    observed.winner = winner;
    observed.result = toJson(task.children![winner]!.result);
  } else if (task.stateObj === 2) observed.result = toJson(task.result);
  else if (task.stateObj === 1)
    observed.result = task.result instanceof Error ? task.result.message : toJson(task.result);
  return observed;
}

function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    // A cycle or a BigInt: the value is only shown, so its type is enough.
    return `[unserialisable ${typeof value}]`;
  }
}

const TASK_METHODS = [
  'callActivity',
  'callActivityWithRetry',
  'callSubOrchestrator',
  'callSubOrchestratorWithRetry',
  'createTimer',
  'waitForExternalEvent',
  'callEntity',
  'callHttp',
  // Schema V4: a critical section (its LockEntities action is matched against the EventSent to the first entity).
  'lock',
] as const;
const FIRE_AND_FORGET = ['signalEntity', 'continueAsNew'] as const;

const LIB_FRAME = /[\\/]node_modules[\\/](durable-functions|@azure[\\/]functions)[\\/]/;
const FRAME = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?\s*$/;

/** The first stack frame outside the library (the user's call), from a stack captured above `wrapper`. */
export function callerSite(wrapper: (...args: never[]) => unknown): SourceSite | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, wrapper);
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match || LIB_FRAME.test(match[1]!)) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/**
 * Patches the `durable-functions` the app in `appDir` resolves (the same module instance the app's code uses:
 * CommonJS and ESM imports of it share Node's require cache). Idempotent. Returns the capture hooks.
 */
export function instrumentDurableFunctions(appDir: string): {
  beginRun(pauseAt?: number, snapshotAt?: ReadonlySet<number>): RunCapture;
} {
  const appRequire = createRequire(path.join(appDir, 'package.json'));
  const libRoot = path.dirname(appRequire.resolve('durable-functions'));
  const load = (rel: string): Record<string, unknown> => appRequire(path.join(libRoot, rel)) as Record<string, unknown>;
  const contextClass = load('orchestrations/DurableOrchestrationContext.js')['DurableOrchestrationContext'] as {
    prototype: Record<string, unknown>;
  };
  const executorClass = load('orchestrations/TaskOrchestrationExecutor.js')['TaskOrchestrationExecutor'] as {
    prototype: Record<string, unknown>;
  };
  const state = { run: undefined as RunCapture | undefined };
  const marker = Symbol.for('durable-studio.replay.instrumented');
  const proto = contextClass.prototype as Record<string | symbol, unknown>;
  if (!proto[marker]) {
    proto[marker] = state;
    for (const name of TASK_METHODS) {
      if (typeof proto[name] !== 'function') continue; // `lock` only exists in newer versions of the library
      const original = proto[name] as (...args: unknown[]) => LibTask;
      const wrapper = function (this: unknown, ...args: unknown[]): LibTask {
        const task = original.apply(this, args);
        const site = callerSite(wrapper);
        const run = currentState(proto, marker).run;
        run?.created.push({ task, method: name, ...(site ? { site } : {}) });
        if (run && run.created.length - 1 === run.pauseAt) debugger; // "Inspect local variables": `RunCapture.pauseAt`
        return task;
      };
      proto[name] = wrapper;
    }
    for (const name of FIRE_AND_FORGET) {
      const original = proto[name] as (...args: unknown[]) => unknown;
      const wrapper = function (this: { taskOrchestratorExecutor?: LibExecutor }, ...args: unknown[]): unknown {
        const executor = this.taskOrchestratorExecutor;
        const before = executor && !executor.willContinueAsNew ? executor.sequenceNumber : null;
        const result = original.apply(this, args);
        const site = callerSite(wrapper);
        const after = executor ? executor.sequenceNumber : null;
        const id = before !== null && after !== null && after > before ? before : null;
        const actions = (executor as unknown as { actions?: unknown[] } | undefined)?.actions;
        const action = actions && actions.length > 0 ? actions[actions.length - 1] : undefined;
        currentState(proto, marker).run?.created.push({
          task: undefined,
          method: name,
          ...(site ? { site } : {}),
          fireAndForget: { id, action },
        });
        return result;
      };
      proto[name] = wrapper;
    }
    const executorProto = executorClass.prototype;
    const execute = executorProto['execute'] as (
      this: LibExecutor,
      context: { df: unknown },
      ...rest: unknown[]
    ) => unknown;
    executorProto['execute'] = function (this: LibExecutor, context: { df: unknown }, ...rest: unknown[]): unknown {
      const run = currentState(proto, marker).run;
      if (run) {
        run.executor = this;
        const track = this.trackOpenTask;
        this.trackOpenTask = function (this: LibExecutor, task: LibTask): void {
          track.call(this, task);
          if (typeof task.id === 'number') run.allocated.add(task.id);
        };
        // Fire-and-forget actions (signals, a critical section's release) take their ids at call time.
        const record = this.recordFireAndForgetAction;
        this.recordFireAndForgetAction = function (this: LibExecutor, action: unknown, increment?: number): void {
          const before = this.sequenceNumber;
          record.call(this, action, increment);
          for (let n = before; n < this.sequenceNumber; n++) run.allocated.add(n);
        };
        const snapshotAt = run.snapshotAt;
        if (snapshotAt) {
          const processEvent = this.processEvent;
          let eventIndex = -1;
          this.processEvent = function (this: LibExecutor, event: unknown): void {
            eventIndex++;
            processEvent.call(this, event);
            if (!snapshotAt.has(eventIndex)) return;
            const customStatus = toJson(this.context?.customStatus);
            run.snapshots.push({ eventIndex, observation: run.snapshot(), customStatus });
          };
        }
        const df = context.df as { Task?: Record<string, (tasks: unknown) => LibTask> };
        if (df.Task) wrapCompound(df.Task, run);
      }
      return execute.call(this, context, ...rest);
    };
  }
  return {
    beginRun(pauseAt?: number, snapshotAt?: ReadonlySet<number>): RunCapture {
      const run = new RunCapture();
      run.pauseAt = pauseAt;
      run.snapshotAt = snapshotAt;
      currentState(proto, marker).run = run;
      return run;
    },
  };
}

function wrapCompound(taskApi: Record<string, (tasks: unknown) => LibTask>, run: RunCapture): void {
  for (const name of ['all', 'any'] as const) {
    const original = taskApi[name]!;
    const wrapper = (tasks: unknown): LibTask => {
      const task = original(tasks);
      const site = callerSite(wrapper);
      run.created.push({ task, method: `Task.${name}`, ...(site ? { site } : {}) });
      if (run.created.length - 1 === run.pauseAt) debugger; // "Inspect local variables": `RunCapture.pauseAt`
      return task;
    };
    taskApi[name] = wrapper;
  }
}

function currentState(proto: Record<string | symbol, unknown>, marker: symbol): { run: RunCapture | undefined } {
  return proto[marker] as { run: RunCapture | undefined };
}

export type { RunCapture };
