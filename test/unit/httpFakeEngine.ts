/**
 * A small in-memory EngineApi for the HTTP tests (the lead's integration tests use the real engine). It keeps
 * just enough state to exercise every status code of the management API.
 */
import {
  EngineError,
  type ChangeEvent,
  type EngineApi,
  type EntityQuery,
  type InstanceQuery,
  type OperationOutcome,
  type Page,
  type StartOptions,
} from '../../src/emulator/engine/api.js';
import {
  isTerminal,
  type EntityRecord,
  type InstanceRecord,
  type RuntimeStatus,
} from '../../src/emulator/engine/model.js';

export class FakeEngine implements EngineApi {
  readonly hubName = 'TestHub';
  readonly instances = new Map<string, InstanceRecord>();
  readonly entities = new Map<string, EntityRecord>();
  readonly signals: { name: string; key: string; operation: string; inputJson: string | undefined }[] = [];
  readonly events: { id: string; name: string; inputJson: string | null }[] = [];
  readonly listeners = new Set<(c: ChangeEvent) => void>();
  advancedBy = 0;
  onStart?: (record: InstanceRecord) => void;
  private counter = 0;

  startNew(name: string, options: StartOptions): Promise<InstanceRecord> {
    if (name === 'throws') return Promise.reject(new Error('engine exploded'));
    if (name === 'unknown')
      return Promise.reject(new EngineError('badRequest', `The function '${name}' doesn't exist.`));
    const instanceId = options.instanceId ?? `id${++this.counter}`;
    const existing = this.instances.get(instanceId);
    if (existing && !isTerminal(existing.status)) return Promise.reject(new EngineError('conflict', 'exists'));
    const record = this.add(instanceId, 'Running', { name, input: options.input ?? null });
    this.onStart?.(record);
    return Promise.resolve(record);
  }
  add(instanceId: string, status: RuntimeStatus, extra: Partial<InstanceRecord> = {}): InstanceRecord {
    const now = Date.parse('2024-05-01T10:00:00.5Z') + this.instances.size;
    const record = {
      instanceId,
      name: 'orch',
      version: '',
      executionId: 'e',
      status,
      input: null,
      output: null,
      customStatus: null,
      failureDetails: null,
      createdTime: now,
      lastUpdatedTime: now,
      parent: null,
      history: [],
      historyVersion: 0,
      inbox: [],
      nextSequenceId: 0,
      actionCount: 0,
      pending: {},
      waitingFor: [],
      lockSet: null,
      episodes: 0,
      ...extra,
    } satisfies InstanceRecord;
    this.instances.set(instanceId, record);
    return record;
  }
  setStatus(id: string, status: RuntimeStatus, output: string | null = null): void {
    const record = this.instances.get(id)!;
    record.status = status;
    record.output = output;
    this.emit({
      type: 'instance',
      instanceId: id,
      name: record.name,
      runtimeStatus: status,
      lastUpdatedTime: 0,
      createdTime: 0,
    });
  }
  emit(change: ChangeEvent): void {
    for (const listener of this.listeners) listener(change);
  }
  getInstance(id: string): InstanceRecord | undefined {
    return this.instances.get(id);
  }
  listInstances(query: InstanceQuery): Page<InstanceRecord> {
    const all = [...this.instances.values()].filter(
      (r) => !query.instanceIdPrefix || r.instanceId.startsWith(query.instanceIdPrefix),
    );
    const start = Number(query.continuationToken ?? 0);
    const end = query.top ? start + query.top : all.length;
    return end < all.length
      ? { items: all.slice(start, end), continuationToken: String(end) }
      : { items: all.slice(start) };
  }
  private op(id: string): Promise<OperationOutcome> {
    const r = this.instances.get(id);
    return Promise.resolve(r === undefined ? 'notFound' : isTerminal(r.status) ? 'gone' : 'accepted');
  }
  raiseEvent(id: string, name: string, inputJson: string | null): Promise<OperationOutcome> {
    this.events.push({ id, name, inputJson });
    return this.op(id);
  }
  terminate(id: string): Promise<OperationOutcome> {
    return this.op(id);
  }
  suspend(id: string): Promise<OperationOutcome> {
    return this.op(id);
  }
  resume(id: string): Promise<OperationOutcome> {
    return this.op(id);
  }
  rewind(id: string): Promise<OperationOutcome> {
    return this.op(id);
  }
  restart(id: string, withNewId: boolean): Promise<InstanceRecord> {
    const r = this.instances.get(id);
    if (!r) return Promise.reject(new EngineError('notFound', 'nope'));
    return this.startNew(r.name, withNewId ? { input: r.input } : { instanceId: id, input: r.input });
  }
  purge(id: string): Promise<number> {
    const r = this.instances.get(id);
    if (r && !isTerminal(r.status))
      return Promise.reject(new EngineError('preconditionFailed', `${id} has status ${r.status}`));
    return Promise.resolve(this.instances.delete(id) ? 1 : 0);
  }
  purgeBy(): Promise<number> {
    return Promise.resolve(0);
  }
  getEntity(name: string, key: string): EntityRecord | undefined {
    return this.entities.get(`@${name}@${key}`);
  }
  listEntities(_query: EntityQuery): Page<EntityRecord> {
    return { items: [...this.entities.values()] };
  }
  signalEntity(name: string, key: string, operation: string, inputJson: string | undefined): Promise<void> {
    this.signals.push({ name, key, operation, inputJson });
    return Promise.resolve();
  }
  functions() {
    return [{ name: 'orch', kind: 'orchestration' as const }];
  }
  onChange(listener: (c: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  clockNow() {
    return { now: Date.parse('2024-05-01T10:00:00Z') + this.advancedBy, offsetMs: this.advancedBy };
  }
  advanceClock(ms: number): Promise<void> {
    this.advancedBy += ms;
    return Promise.resolve();
  }
  pendingTimers() {
    return [{ instanceId: 'a', timerId: 2, fireAt: 0, purpose: 'user' as const }];
  }
  fireTimer(id: string): Promise<OperationOutcome> {
    return this.op(id);
  }
}
