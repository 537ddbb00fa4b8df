/**
 * The engine's public face (`EngineApi`): starts, queries and manages instances and entities on top of
 * `EngineCore`, and owns the start-up and shutdown sequence.
 */
import { randomUUID } from 'node:crypto';
import { clockAdvanceProblem } from '../clock.js';
import type { FunctionInfo } from '../host/protocol.js';
import {
  EngineError,
  type ChangeEvent,
  type EngineApi,
  type EntityQuery,
  type InstanceQuery,
  type OperationOutcome,
  type Page,
  type PurgeFilter,
  type RegisteredFunction,
  type StartOptions,
  type TimerInfo,
} from './api.js';
import { Changes } from './changes.js';
import { EngineCore, type EngineOptions } from './core.js';
import { runEpisode } from './orchestrations.js';
import { runEntityStep } from './entities.js';
import * as management from './management.js';
import type { EntityRecord, InstanceRecord } from './model.js';
import { entitySchedulerId, isTerminal } from './model.js';
import { queryEntities, queryInstances } from './queries.js';
import { createInstance, executionInput, newInstanceId } from './records.js';
import { missingFunctionMessage } from './hostChecks.js';

export class Engine implements EngineApi {
  readonly core: EngineCore;
  /** The last clock move (they run one after the other). */
  private clockMoves: Promise<void> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.core = new EngineCore(options);
    this.core.episodeWorker = (record) => runEpisode(this.core, record);
    this.core.entityWorker = (entity) => runEntityStep(this.core, entity);
  }

  get hubName(): string {
    return this.core.options.hubName;
  }

  /** Starts the worker, loads the store and resumes every unfinished instance. */
  async start(): Promise<void> {
    const [functions, contents] = await Promise.all([this.core.options.runner.start(), this.core.options.store.load()]);
    this.core.setFunctions(functions);
    this.core.recover(contents.instances, contents.entities);
  }

  /** New code (--watch): running instances continue on it. */
  async reload(): Promise<FunctionInfo[]> {
    const functions = await this.core.options.runner.reload();
    this.core.setFunctions(functions);
    this.core.pump();
    return functions;
  }

  /** Stops taking work; everything acknowledged is already durable, so only the store needs closing. */
  async stop(): Promise<void> {
    this.core.stop();
    await this.core.options.runner.stop();
    await this.core.options.store.close();
  }

  whenIdle(): Promise<void> {
    return this.core.whenIdle();
  }

  async startNew(name: string, options: StartOptions): Promise<InstanceRecord> {
    const fn = this.core.findFunction(name, 'orchestration');
    if (!fn) throw new EngineError('badRequest', missingFunctionMessage(name, 'orchestration', this.core.functions));
    // `@` starts the ids of entities (`@name@key`); the host's StartNewAsync refuses it after the function check.
    if (options.instanceId?.startsWith('@'))
      throw new EngineError('badRequest', 'Orchestration instance ids must not start with @.');
    const instanceId = options.instanceId ?? newInstanceId();
    const existing = this.core.instances.get(instanceId);
    if (existing && !isTerminal(existing.status)) {
      throw new EngineError(
        'conflict',
        `An instance with ID '${instanceId}' already exists and is ${existing.status}.`,
      );
    }
    const record = createInstance({
      instanceId,
      name: fn.name,
      version: options.version ?? '',
      input: options.input ?? null,
      parent: null,
      now: this.core.clock.now(),
    });
    // Reusing the id of a finished instance replaces its history: a new historyVersion says so to the store.
    if (existing) record.historyVersion = existing.historyVersion + 1;
    this.core.instances.set(instanceId, record);
    const changes = new Changes();
    changes.instances.add(record);
    changes.after.push(() => this.core.markRunnable(record));
    await this.core.commit(changes);
    return record;
  }

  getInstance(instanceId: string): InstanceRecord | undefined {
    return this.core.instances.get(instanceId);
  }

  listInstances(query: InstanceQuery): Page<InstanceRecord> {
    return queryInstances(this.core.instances.values(), query);
  }

  raiseEvent(instanceId: string, eventName: string, inputJson: string | null): Promise<OperationOutcome> {
    return management.raiseEvent(this.core, instanceId, eventName, inputJson);
  }

  terminate(instanceId: string, reason: string | null): Promise<OperationOutcome> {
    return management.terminate(this.core, instanceId, reason);
  }

  suspend(instanceId: string, reason: string | null): Promise<OperationOutcome> {
    return management.suspend(this.core, instanceId, reason);
  }

  resume(instanceId: string, reason: string | null): Promise<OperationOutcome> {
    return management.resume(this.core, instanceId, reason);
  }

  rewind(instanceId: string, reason: string | null): Promise<OperationOutcome> {
    return management.rewind(this.core, instanceId, reason);
  }

  async restart(instanceId: string, restartWithNewInstanceId: boolean): Promise<InstanceRecord> {
    const record = this.core.instances.get(instanceId);
    if (!record) throw new EngineError('notFound', `No instance with ID '${instanceId}' was found.`);
    const input = executionInput(record);
    return this.startNew(record.name, {
      ...(restartWithNewInstanceId ? {} : { instanceId }),
      input,
      version: record.version,
    });
  }

  /*
   * Purge rule, one instance or many: only instances in a terminal state are deleted. A running instance's
   * history is what its next episode replays, its timers and pending work point at it, and a parent may still
   * wait for it; deleting it would lose that work silently. The current Durable extension refuses a single
   * non-terminal purge the same way (azure-functions-durable-extension#3311), and the storage providers purge by
   * filter only terminal instances, except for a filter naming only non-terminal statuses, which they treat as
   * no filter at all and purge everything in the window; here such a filter selects nothing. Entities live apart
   * from instances here and are never purged (on Azure Storage an unfiltered purge deletes them too).
   */
  async purge(instanceId: string): Promise<number> {
    const record = this.core.instances.get(instanceId);
    if (!record) return 0;
    if (!isTerminal(record.status)) {
      throw new EngineError(
        'preconditionFailed',
        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${record.status}`,
      );
    }
    await this.deleteInstances([record]);
    return 1;
  }

  async purgeBy(filter: PurgeFilter): Promise<number> {
    const statuses =
      filter.runtimeStatus && filter.runtimeStatus.length > 0 ? new Set(filter.runtimeStatus) : undefined;
    const to = filter.createdTimeTo ?? this.core.clock.now();
    const victims = [...this.core.instances.values()].filter(
      (r) =>
        r.createdTime >= filter.createdTimeFrom &&
        r.createdTime <= to &&
        isTerminal(r.status) &&
        (statuses === undefined || statuses.has(r.status)),
    );
    await this.deleteInstances(victims);
    return victims.length;
  }

  private async deleteInstances(records: InstanceRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const record of records) {
      for (const id of Object.keys(record.pending)) this.core.cancelTimer(record, Number(id));
      this.core.instances.delete(record.instanceId);
      this.core.workerHistories.delete(record.instanceId);
    }
    await this.core.options.store.commit({ deletedInstances: records.map((r) => r.instanceId) });
    for (const record of records) this.core.emit({ type: 'instanceDeleted', instanceId: record.instanceId });
  }

  getEntity(name: string, key: string): EntityRecord | undefined {
    const entity = this.core.entities.get(entitySchedulerId(name, key));
    return entity?.exists ? entity : undefined;
  }

  listEntities(query: EntityQuery): Page<EntityRecord> {
    return queryEntities(this.core.entities.values(), query);
  }

  async signalEntity(name: string, key: string, operation: string, inputJson: string | undefined): Promise<void> {
    // The host's client refuses a signal to an entity function the app does not have (DurableClient
    // `SignalEntityAsyncInternal`), naming it as its EntityId holds it: lower-cased.
    if (!this.core.findFunction(name, 'entity')) {
      throw new EngineError('badRequest', missingFunctionMessage(name.toLowerCase(), 'entity', this.core.functions));
    }
    const changes = new Changes();
    this.core.enqueueEntityRequest(
      entitySchedulerId(name, key),
      { id: randomUUID(), op: operation, signal: true, ...(inputJson !== undefined ? { input: inputJson } : {}) },
      changes,
    );
    await this.core.commit(changes);
  }

  functions(): RegisteredFunction[] {
    return this.core.functions.map((fn) => ({
      name: fn.name,
      kind: fn.kind,
      ...(fn.route !== undefined ? { route: fn.route } : {}),
      ...(fn.methods !== undefined ? { methods: fn.methods } : {}),
    }));
  }

  onChange(listener: (change: ChangeEvent) => void): () => void {
    return this.core.onChange(listener);
  }

  clockNow(): { now: number; offsetMs: number } {
    return { now: this.core.clock.now(), offsetMs: this.core.clock.offsetMs() };
  }

  /**
   * Moves the clock forward. Moves are applied one at a time; the new offset is kept (`saveClockOffset`) before the
   * clock moves, so a crash never leaves timers fired on a time a restart would not know.
   */
  advanceClock(ms: number): Promise<void> {
    const run = this.clockMoves.then(async () => {
      const problem = clockAdvanceProblem(ms, this.core.clock.now());
      if (problem !== undefined) throw new EngineError('badRequest', problem);
      await this.core.options.saveClockOffset?.(this.core.clock.offsetMs() + ms);
      this.core.clock.advance(ms);
      this.core.emit({ type: 'clock', ...this.clockNow() });
    });
    this.clockMoves = run.catch(() => undefined);
    return run;
  }

  pendingTimers(instanceId?: string): TimerInfo[] {
    const timers: TimerInfo[] = [];
    const records = instanceId
      ? [this.core.instances.get(instanceId)].filter((r) => r !== undefined)
      : this.core.instances.values();
    for (const record of records) {
      if (isTerminal(record.status)) continue;
      for (const [id, task] of Object.entries(record.pending)) {
        if (task.kind === 'timer' && !task.done)
          timers.push({
            instanceId: record.instanceId,
            timerId: Number(id),
            fireAt: task.fireAt,
            purpose: task.purpose,
          });
      }
    }
    return timers.sort((a, b) => a.fireAt - b.fireAt);
  }

  async fireTimer(instanceId: string, timerId?: number): Promise<OperationOutcome> {
    const record = this.core.instances.get(instanceId);
    if (!record) return 'notFound';
    // 410 is for a finished instance only; a running one without such a pending timer is a 404 (API contract).
    if (isTerminal(record.status)) return 'gone';
    const timer = this.pendingTimers(instanceId).find((t) => timerId === undefined || t.timerId === timerId);
    if (!timer) return 'notFound';
    const fired = await this.core.fireTimer({ instanceId, executionId: record.executionId, taskId: timer.timerId });
    return fired ? 'accepted' : 'gone';
  }
}
