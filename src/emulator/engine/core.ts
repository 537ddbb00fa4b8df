/**
 * The engine's state and work loop: records in memory, the store behind them, and three kinds of work —
 * orchestration episodes (one at a time per instance), activities (bounded concurrency) and entity batches
 * (one at a time per entity). Every state change is committed before anything depending on it is acknowledged
 * or started; after a crash, `recover` re-derives all work from the records.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { FunctionInfo } from '../host/protocol.js';
import { InvocationError, type FunctionRunner } from '../host/runner.js';
import type { Store } from '../store/types.js';
import type { ChangeEvent } from './api.js';
import { EventType, makeEvent, type HistoryEvent } from './history.js';
import { executeHttpRequest, type DurableHttpResponseWire } from './httpActivity.js';
import type { DurableHttpRequestWire, EntityRecord, InstanceRecord } from './model.js';
import { isTerminal } from './model.js';
import { Changes } from './changes.js';
import { createEntity } from './records.js';

export interface EngineOptions {
  store: Store;
  runner: FunctionRunner;
  clock: Clock;
  hubName: string;
  maxConcurrentActivities?: number;
  maxConcurrentOrchestrations?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Sends the requests of `context.df.callHttp` (default: over the network; the testing library mocks it). */
  httpClient?: (request: DurableHttpRequestWire) => Promise<DurableHttpResponseWire>;
  /** Keeps the clock's offset across runs (`durable-studio start`: `<store>/clock.json`); written before it moves. */
  saveClockOffset?: (offsetMs: number) => Promise<void>;
}

interface ActivityItem {
  instanceId: string;
  executionId: string;
  taskId: number;
}

export class EngineCore {
  readonly instances = new Map<string, InstanceRecord>();
  readonly entities = new Map<string, EntityRecord>();
  functions: FunctionInfo[] = [];
  private readonly functionsByName = new Map<string, FunctionInfo>();
  private readonly runnable = new Set<string>();
  private readonly running = new Set<string>();
  private readonly activityQueue: ActivityItem[] = [];
  private activeActivities = 0;
  readonly entityRunnable = new Set<string>();
  readonly entityRunning = new Set<string>();
  /** Entities whose next operations run one per batch, and how many (see `runOperations` in entities.ts). */
  readonly entitySingleSteps = new Map<string, number>();
  private readonly timers = new Map<string, () => void>();
  /** What the app worker holds of each execution's history (see host/historyCache.ts). */
  readonly workerHistories = new Map<string, { key: string; length: number }>();
  private readonly events = new EventEmitter();
  private pumpScheduled = false;
  private inFlight = 0;
  private stopped = false;
  /** Set by the engine (kept out of this module to avoid an import cycle): runs one episode / entity step. */
  episodeWorker: ((record: InstanceRecord) => Promise<void>) | undefined;
  /** Resolves true when it took a step; false when every queued request waits for a lock held by someone else. */
  entityWorker: ((entity: EntityRecord) => Promise<boolean>) | undefined;

  constructor(readonly options: EngineOptions) {
    this.events.setMaxListeners(0);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }

  setFunctions(functions: FunctionInfo[]): void {
    this.functions = functions;
    this.functionsByName.clear();
    for (const fn of functions) this.functionsByName.set(fn.name.toLowerCase(), fn);
  }

  findFunction(name: string, kind: FunctionInfo['kind']): FunctionInfo | undefined {
    const fn = this.functionsByName.get(name.toLowerCase());
    return fn?.kind === kind ? fn : undefined;
  }

  onChange(listener: (change: ChangeEvent) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  emit(change: ChangeEvent): void {
    this.events.emit('change', change);
  }

  emitInstance(record: InstanceRecord): void {
    this.emit({
      type: 'instance',
      instanceId: record.instanceId,
      name: record.name,
      runtimeStatus: record.status,
      lastUpdatedTime: record.lastUpdatedTime,
      createdTime: record.createdTime,
      ...(record.parent ? { parentInstanceId: record.parent.instanceId } : {}),
    });
  }

  /** Makes the change set durable, then runs what depends on it (dispatches, notifications). */
  async commit(changes: Changes): Promise<void> {
    await this.options.store.commit({ instances: changes.instances, entities: changes.entities });
    for (const record of changes.instances) this.emitInstance(record);
    for (const entity of changes.entities) {
      this.emit({
        type: 'entity',
        entityName: entity.name,
        entityKey: entity.key,
        exists: entity.exists,
        lastOperationTime: entity.lastOperationTime,
      });
    }
    for (const run of changes.after) run();
    this.pump();
  }

  /** Loads the store and re-derives all outstanding work. */
  recover(records: InstanceRecord[], entities: EntityRecord[]): void {
    for (const record of records) {
      this.instances.set(record.instanceId, record);
      if (isTerminal(record.status)) continue;
      for (const [id, task] of Object.entries(record.pending)) {
        const taskId = Number(id);
        if (task.kind === 'activity' && !task.done) this.enqueueActivity(record, taskId);
        else if (task.kind === 'http' && !task.awaitingPoll) this.runHttp(record, taskId);
        else if (task.kind === 'timer' && !task.done) this.armTimer(record, taskId, task.fireAt);
      }
      if (record.inbox.length > 0) this.runnable.add(record.instanceId);
    }
    for (const entity of entities) {
      this.entities.set(entity.id, entity);
      if (entity.queue.length > 0) this.entityRunnable.add(entity.id);
    }
    this.pump();
  }

  markRunnable(record: InstanceRecord): void {
    if (record.inbox.length > 0) this.runnable.add(record.instanceId);
  }

  pump(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const maxOrchestrations = this.options.maxConcurrentOrchestrations ?? 100;
    for (const id of this.runnable) {
      if (this.running.size >= maxOrchestrations) break;
      if (this.running.has(id)) continue;
      this.runnable.delete(id);
      const record = this.instances.get(id);
      if (!record || isTerminal(record.status) || record.status === 'Suspended' || record.inbox.length === 0) continue;
      this.running.add(id);
      void this.track(this.episodeWorker!(record)).finally(() => {
        this.running.delete(id);
        const current = this.instances.get(id);
        if (current && current.inbox.length > 0) this.runnable.add(id);
        this.pump();
      });
    }
    const maxActivities = this.options.maxConcurrentActivities ?? 100;
    while (this.activeActivities < maxActivities && this.activityQueue.length > 0) {
      const item = this.activityQueue.shift()!;
      this.activeActivities++;
      void this.track(this.runActivity(item)).finally(() => {
        this.activeActivities--;
        this.pump();
      });
    }
    for (const id of this.entityRunnable) {
      if (this.entityRunning.has(id)) continue;
      this.entityRunnable.delete(id);
      const entity = this.entities.get(id);
      if (!entity || entity.queue.length === 0 || !this.entityWorker) continue;
      this.entityRunning.add(id);
      let progressed = false;
      const step = this.entityWorker(entity).then((did) => {
        progressed = did;
      });
      void this.track(step).finally(() => {
        this.entityRunning.delete(id);
        const current = this.entities.get(id);
        // Requests that only wait for a lock are picked up again when a new request (the release) arrives.
        if (current && current.queue.length > 0 && progressed) this.entityRunnable.add(id);
        this.pump();
      });
    }
    if (this.inFlight === 0) this.events.emit('idle');
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight++;
    return work
      .catch((error: unknown) =>
        this.log('error', `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      )
      .finally(() => {
        this.inFlight--;
      });
  }

  /** True when no work is queued or running (timers may still be pending). */
  isIdle(): boolean {
    return (
      this.inFlight === 0 &&
      this.runnable.size === 0 &&
      this.activityQueue.length === 0 &&
      this.entityRunnable.size === 0 &&
      !this.pumpScheduled
    );
  }

  /** Resolves when no work is queued or running (timers may still be pending). For tests and benchmarks. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.isIdle()) {
          this.events.off('idle', check);
          resolve();
        }
      };
      this.events.on('idle', check);
      this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /**
   * Forgets every instance and entity and all work queued for them (the testing library's `reset`, called once
   * the engine is idle; the caller empties the store). Timers are cancelled; work still running finds no record.
   */
  clear(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.instances.clear();
    this.entities.clear();
    this.runnable.clear();
    this.activityQueue.length = 0;
    this.entityRunnable.clear();
    this.entitySingleSteps.clear();
    this.workerHistories.clear();
  }

  enqueueEntityRequest(entityId: string, request: EntityRecord['queue'][number], changes: Changes): void {
    let entity = this.entities.get(entityId);
    if (!entity) {
      entity = createEntity(entityId, this.clock.now());
      this.entities.set(entity.id, entity);
    }
    entity.queue.push(request);
    changes.entities.add(entity);
    const id = entity.id;
    changes.after.push(() => this.entityRunnable.add(id));
  }

  // ---- activities and HTTP calls ----------------------------------------------------------------------------

  enqueueActivity(record: InstanceRecord, taskId: number): void {
    this.activityQueue.push({ instanceId: record.instanceId, executionId: record.executionId, taskId });
  }

  /** The record and task, if this work item is still wanted. */
  private current(item: ActivityItem): InstanceRecord | undefined {
    const record = this.instances.get(item.instanceId);
    if (!record || record.executionId !== item.executionId || isTerminal(record.status)) return undefined;
    return record;
  }

  private async runActivity(item: ActivityItem): Promise<void> {
    const record = this.current(item);
    const task = record?.pending[item.taskId];
    if (!record || task?.kind !== 'activity' || task.done) return;
    let event: HistoryEvent;
    const now = () => this.clock.now();
    try {
      const result = await this.options.runner.invoke({
        kind: 'activity',
        functionName: task.name,
        instanceId: record.instanceId,
        input: task.input,
      });
      if (result.kind !== 'activity') throw new Error(`unexpected ${result.kind} result for an activity`);
      event = makeEvent(
        { EventType: EventType.TaskCompleted, TaskScheduledId: item.taskId, Result: result.resultJson },
        now(),
      );
    } catch (error) {
      if (!(error instanceof InvocationError)) throw error;
      event = activityFailure(task.name, item.taskId, error, now());
      this.log(
        'warn',
        `Executed 'Functions.${task.name}' (Failed, instance ${record.instanceId}): ${error.error.message}`,
      );
    }
    await this.deliverCompletion(item, event);
  }

  runHttp(record: InstanceRecord, taskId: number): void {
    const item = { instanceId: record.instanceId, executionId: record.executionId, taskId };
    const task = record.pending[taskId];
    if (task?.kind !== 'http') return;
    if ((task.request as { tokenSource?: unknown }).tokenSource) {
      this.log(
        'warn',
        `callHttp in '${record.name}' asks for a managed identity token; locally the request is sent without one.`,
      );
    }
    void this.track(
      (this.options.httpClient ?? executeHttpRequest)(task.request).then(
        (response) =>
          this.deliverCompletion(
            item,
            makeEvent(
              { EventType: EventType.TaskCompleted, TaskScheduledId: taskId, Result: JSON.stringify(response) },
              this.clock.now(),
            ),
          ),
        (error: unknown) =>
          this.deliverCompletion(
            item,
            makeEvent(
              {
                EventType: EventType.TaskFailed,
                TaskScheduledId: taskId,
                Reason: `Activity function '${'BuiltIn::HttpActivity'}' failed: ${error instanceof Error ? error.message : String(error)}`,
                Details: error instanceof Error ? (error.stack ?? '') : '',
              },
              this.clock.now(),
            ),
          ),
      ),
    );
  }

  private deliverCompletion(item: ActivityItem, event: HistoryEvent): Promise<void> {
    const record = this.current(item);
    const task = record?.pending[item.taskId];
    if (!record || !task || (task.kind === 'activity' && task.done)) return Promise.resolve();
    if (task.kind === 'activity') task.done = true;
    record.inbox.push({ executionId: item.executionId, event });
    const changes = new Changes();
    changes.instances.add(record);
    changes.after.push(() => this.markRunnable(record));
    return this.commit(changes);
  }

  // ---- timers -----------------------------------------------------------------------------------------------

  private timerKey(record: InstanceRecord, timerId: number): string {
    return `${record.instanceId}\u0000${record.executionId}\u0000${timerId}`;
  }

  armTimer(record: InstanceRecord, timerId: number, fireAt: number): void {
    const key = this.timerKey(record, timerId);
    this.timers.get(key)?.();
    const item = { instanceId: record.instanceId, executionId: record.executionId, taskId: timerId };
    this.timers.set(
      key,
      this.clock.schedule(fireAt, () => {
        this.timers.delete(key);
        void this.track(this.fireTimer(item).then(() => undefined));
      }),
    );
  }

  cancelTimer(record: InstanceRecord, timerId: number): void {
    const key = this.timerKey(record, timerId);
    this.timers.get(key)?.();
    this.timers.delete(key);
  }

  /** Delivers TimerFired for a pending timer (when due, or early on request of the virtual clock API). */
  async fireTimer(item: ActivityItem): Promise<boolean> {
    const record = this.current(item);
    const task = record?.pending[item.taskId];
    if (!record || task?.kind !== 'timer' || task.done) return false;
    this.cancelTimer(record, item.taskId);
    task.done = true;
    const event = makeEvent(
      { EventType: EventType.TimerFired, TimerId: item.taskId, FireAt: new Date(task.fireAt).toISOString() },
      this.clock.now(),
    );
    record.inbox.push({ executionId: item.executionId, event });
    const changes = new Changes();
    changes.instances.add(record);
    changes.after.push(() => this.markRunnable(record));
    await this.commit(changes);
    return true;
  }
}

/** The TaskFailed an activity failure becomes on Azure; a FailureDetails JSON message is kept structured. */
export function activityFailure(name: string, taskId: number, error: InvocationError, now: number): HistoryEvent {
  const { message, stack } = error.error;
  let details: { ErrorType: string; ErrorMessage: string; StackTrace?: string } | undefined;
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (typeof parsed['ErrorType'] === 'string' && typeof parsed['ErrorMessage'] === 'string')
      details = parsed as typeof details;
  } catch {
    // An ordinary message.
  }
  return makeEvent(
    {
      EventType: EventType.TaskFailed,
      TaskScheduledId: taskId,
      Reason: `Activity function '${name}' failed: ${details?.ErrorMessage ?? message}`,
      Details: stack ?? `${error.error.name}: ${message}`,
      ...(details ? { FailureDetails: { ...details, StackTrace: details.StackTrace ?? stack ?? null } } : {}),
    },
    now,
  );
}
