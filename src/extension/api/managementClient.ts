/**
 * A typed client for the durable management API of a Functions host (`/runtime/webhooks/durabletask/`: the
 * emulator, `func start`, or a deployed app with a system key) and for the emulator-only API (`/emulator/v1/`).
 * Every method is one HTTP request; failures are `ManagementApiError` (an error status) or
 * `ManagementConnectionError` (no answer). No VS Code, no emulator code: this is what the explorer talks through.
 */
import { ManagementApiError, type OperationContext } from './errors.js';
import { bool, context, CONTINUATION_HEADER, idOf, page, pages, purged, segment } from './requestParts.js';
import { StorageClient } from './storageClient.js';
import { expectStatus, jsonBody, Transport, type RawResponse, type ServerConnection } from './transport.js';
import type {
  ClockState,
  EmulatorSummary,
  EntityDetails,
  EntityQuery,
  EntitySummary,
  FunctionInfo,
  GetStatusOptions,
  HostStatus,
  InstanceDetails,
  InstanceQuery,
  InstanceStatus,
  JsonValue,
  Page,
  PendingTimer,
  PurgeFilter,
  ReturnedInstance,
  RestartOptions,
  StartOrchestrationOptions,
} from './types.js';

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
export const EMULATOR_PATH = '/emulator/v1';

export interface ManagementClientOptions extends ServerConnection {
  /** Task hub name, sent as `taskHub` on management routes; the host's default hub when absent. */
  taskHub?: string;
}

/** The operations that change an instance's state and take a `reason`. */
export type InstanceCommand = 'terminate' | 'suspend' | 'resume' | 'rewind';

export class ManagementClient {
  private readonly transport: Transport;
  private readonly taskHub: string | undefined;
  /** Emulator only: the queues and blob containers the app uses. */
  readonly storage: StorageClient;

  constructor(options: ManagementClientOptions) {
    this.transport = new Transport(options);
    this.taskHub = options.taskHub;
    this.storage = new StorageClient(this.transport);
  }

  /** The origin requests go to (without the key). */
  get origin(): string {
    return this.transport.origin;
  }

  /** `GET /admin/host/status`: `{state: "Running"}` once the host is ready. */
  async getHostStatus(): Promise<HostStatus> {
    const ctx = context('getHostStatus', 'read the host status');
    const res = await this.transport.send({ method: 'GET', path: '/admin/host/status' }, ctx);
    expectStatus(res, [200], ctx);
    return jsonBody<HostStatus>(res, ctx);
  }

  /** Starts an orchestration; resolves with its instance id once the start is durable. */
  async startOrchestration(name: string, options: StartOrchestrationOptions = {}): Promise<string> {
    const ctx = context('startOrchestration', `start orchestration '${name}'`);
    const idSegment = options.instanceId !== undefined ? `/${segment(options.instanceId, 'Instance ID', ctx)}` : '';
    const res = await this.management(
      'POST',
      `/orchestrators/${segment(name, 'Orchestrator name', ctx)}${idSegment}`,
      ctx,
      { version: options.version },
      { json: options.input },
    );
    expectStatus(res, [202], ctx);
    return idOf(res, ctx);
  }

  /** The instance's status, or undefined when there is no such instance. */
  async getStatus(instanceId: string, options: GetStatusOptions = {}): Promise<InstanceStatus | undefined> {
    const ctx = context('getStatus', `read instance '${instanceId}'`);
    const res = await this.management('GET', `/instances/${segment(instanceId, 'Instance ID', ctx)}`, ctx, {
      showHistory: bool(options.showHistory),
      showHistoryOutput: bool(options.showHistoryOutput),
      showInput: bool(options.showInput),
    });
    if (res.status === 404) return undefined;
    expectStatus(res, [200, 202], ctx);
    return jsonBody<InstanceStatus>(res, ctx);
  }

  /** One page of instances; pass its `continuationToken` back for the next one. */
  async listInstances(query: InstanceQuery = {}): Promise<Page<InstanceStatus>> {
    const ctx = context('listInstances', 'list instances');
    const res = await this.management(
      'GET',
      '/instances',
      ctx,
      {
        runtimeStatus: query.runtimeStatus?.join(','),
        createdTimeFrom: query.createdTimeFrom?.toISOString(),
        createdTimeTo: query.createdTimeTo?.toISOString(),
        instanceIdPrefix: query.instanceIdPrefix,
        top: query.top?.toString(),
        showInput: bool(query.showInput),
      },
      undefined,
      query.continuationToken,
    );
    expectStatus(res, [200], ctx);
    return page(jsonBody<InstanceStatus[]>(res, ctx), res);
  }

  /** Every instance matching the query, page after page (`top` is the page size). */
  allInstances(query: InstanceQuery = {}): AsyncGenerator<InstanceStatus, void, undefined> {
    return pages((continuationToken) => this.listInstances({ ...query, continuationToken }), query.continuationToken);
  }

  /** Raises an external event; `data` is any JSON-serialisable value. */
  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    const ctx = context('raiseEvent', `raise event '${eventName}' on instance '${instanceId}'`);
    const path = `/instances/${segment(instanceId, 'Instance ID', ctx)}/raiseEvent/${segment(eventName, 'Event name', ctx)}`;
    const res = await this.management('POST', path, ctx, {}, { json: data });
    expectStatus(res, [202], ctx);
  }

  terminate(instanceId: string, reason?: string): Promise<void> {
    return this.command('terminate', instanceId, reason);
  }

  suspend(instanceId: string, reason?: string): Promise<void> {
    return this.command('suspend', instanceId, reason);
  }

  resume(instanceId: string, reason?: string): Promise<void> {
    return this.command('resume', instanceId, reason);
  }

  /** Replays a Failed instance from its last good point (412 for any other status). */
  rewind(instanceId: string, reason?: string): Promise<void> {
    return this.command('rewind', instanceId, reason);
  }

  /** Starts the instance again with its original input; resolves with the (new or same) instance id. */
  async restart(instanceId: string, options: RestartOptions = {}): Promise<string> {
    const ctx = context('restart', `restart instance '${instanceId}'`);
    const res = await this.management('POST', `/instances/${segment(instanceId, 'Instance ID', ctx)}/restart`, ctx, {
      restartWithNewInstanceId: bool(options.newInstanceId ?? true),
    });
    expectStatus(res, [202], ctx);
    return idOf(res, ctx);
  }

  /** Deletes a finished instance's history; resolves with the number deleted (0 when there was none). */
  async purge(instanceId: string): Promise<number> {
    const ctx = context('purge', `purge instance '${instanceId}'`);
    const res = await this.management('DELETE', `/instances/${segment(instanceId, 'Instance ID', ctx)}`, ctx);
    return purged(res, ctx);
  }

  /** Deletes the history of every instance matching the filter; resolves with the number deleted. */
  async purgeBy(filter: PurgeFilter): Promise<number> {
    const ctx = context('purgeBy', 'purge instances');
    const res = await this.management('DELETE', '/instances', ctx, {
      createdTimeFrom: filter.createdTimeFrom.toISOString(),
      createdTimeTo: filter.createdTimeTo?.toISOString(),
      runtimeStatus: filter.runtimeStatus?.join(','),
    });
    return purged(res, ctx);
  }

  /** The entity's state, or undefined when it does not exist (or has no state). */
  async getEntity(name: string, key: string): Promise<JsonValue | undefined> {
    const ctx = context('getEntity', `read entity '@${name}@${key}'`);
    // `$` stands for the empty key: an empty segment would turn the read into a list.
    const keySegment = key === '' ? '$' : segment(key, 'Entity key', ctx);
    const res = await this.management('GET', `/entities/${segment(name, 'Entity name', ctx)}/${keySegment}`, ctx);
    if (res.status === 404) return undefined;
    expectStatus(res, [200], ctx);
    return jsonBody<JsonValue>(res, ctx);
  }

  /** One page of entities (of one name, or all). */
  async listEntities(name?: string, query: EntityQuery = {}): Promise<Page<EntitySummary>> {
    const ctx = context('listEntities', name === undefined ? 'list entities' : `list entities '${name}'`);
    const path = name === undefined ? '/entities' : `/entities/${segment(name, 'Entity name', ctx)}`;
    const res = await this.management(
      'GET',
      path,
      ctx,
      {
        top: query.top?.toString(),
        fetchState: bool(query.fetchState),
        lastOperationTimeFrom: query.lastOperationTimeFrom?.toISOString(),
        lastOperationTimeTo: query.lastOperationTimeTo?.toISOString(),
      },
      undefined,
      query.continuationToken,
    );
    expectStatus(res, [200], ctx);
    return page(jsonBody<EntitySummary[]>(res, ctx), res);
  }

  /** Every entity (of one name, or all), page after page. */
  allEntities(name?: string, query: EntityQuery = {}): AsyncGenerator<EntitySummary, void, undefined> {
    return pages(
      (continuationToken) => this.listEntities(name, { ...query, continuationToken }),
      query.continuationToken,
    );
  }

  /** Queues an operation for an entity (one-way); `input` is any JSON-serialisable value. */
  async signalEntity(name: string, key: string, operation: string, input?: unknown): Promise<void> {
    const ctx = context('signalEntity', `signal '${operation}' to entity '@${name}@${key}'`);
    // Without a key segment the host signals the entity with the empty key.
    const keySegment = key === '' ? '' : `/${segment(key, 'Entity key', ctx)}`;
    const res = await this.management(
      'POST',
      `/entities/${segment(name, 'Entity name', ctx)}${keySegment}`,
      ctx,
      { op: operation },
      input === undefined ? undefined : { json: input },
    );
    expectStatus(res, [202], ctx);
  }

  /**
   * `POST /admin/functions/{name}` (the real host's admin API, also `func start`): runs a non-HTTP function now
   * with `input` as its trigger value (a queue message's text, a blob path; ignored by timers). Resolves once the
   * host accepted the run (202); the outcome arrives later (the emulator's `function` change event).
   */
  async runFunction(name: string, input = ''): Promise<void> {
    const ctx = context('runFunction', `run function '${name}'`);
    const path = `/admin/functions/${segment(name, 'Function name', ctx)}`;
    const res = await this.transport.send({ method: 'POST', path, body: { json: { input } } }, ctx);
    if (res.status === 404 && res.text.trim() === '') {
      throw new ManagementApiError(ctx, 404, `the app has no function named '${name}'`);
    }
    expectStatus(res, [202], ctx);
  }

  /**
   * `GET /admin/functions/{name}` (the real host's admin API): the URL an HTTP function is called at
   * (`invoke_url_template`, with the host's route prefix); undefined for other functions.
   */
  async getFunctionUrl(name: string): Promise<string | undefined> {
    const ctx = context('getFunction', `read function '${name}'`);
    const res = await this.transport.send(
      { method: 'GET', path: `/admin/functions/${segment(name, 'Function name', ctx)}` },
      ctx,
    );
    expectStatus(res, [200], ctx);
    const url = jsonBody<{ invoke_url_template?: unknown }>(res, ctx).invoke_url_template;
    return typeof url === 'string' ? url : undefined;
  }

  /** Emulator only: the functions the app registered. */
  async getFunctions(): Promise<FunctionInfo[]> {
    const ctx = context('getFunctions', 'list functions');
    return this.emulatorJson<FunctionInfo[]>('GET', '/functions', ctx);
  }

  /** Emulator only: instance counts by status and the number of entities. */
  async getSummary(): Promise<EmulatorSummary> {
    return this.emulatorJson<EmulatorSummary>('GET', '/summary', context('getSummary', 'read the summary'));
  }

  /** Emulator only: parent, sub-orchestrations, awaited event names and pending timers; undefined when unknown. */
  async getInstanceDetails(instanceId: string): Promise<InstanceDetails | undefined> {
    const ctx = context('getInstanceDetails', `read details of instance '${instanceId}'`);
    const path = `${EMULATOR_PATH}/instances/${segment(instanceId, 'Instance ID', ctx)}`;
    const res = await this.transport.send({ method: 'GET', path }, ctx);
    if (res.status === 404) return undefined;
    expectStatus(res, [200], ctx);
    return jsonBody<InstanceDetails>(res, ctx);
  }

  /** Emulator only: the emulated time and its offset from wall time. */
  async getClock(): Promise<ClockState> {
    return this.emulatorJson<ClockState>('GET', '/clock', context('getClock', 'read the clock'));
  }

  /** Emulator only: moves emulated time forward by `ms`; timers that become due fire. */
  async advanceClock(ms: number): Promise<ClockState> {
    const ctx = context('advanceClock', `advance the clock by ${ms} ms`);
    return this.emulatorJson<ClockState>('POST', '/clock/advance', ctx, {}, { json: { ms } });
  }

  /** Emulator only: moves emulated time forward to `to` (not in the past); timers that become due fire. */
  async advanceClockTo(to: Date): Promise<ClockState> {
    const ctx = context('advanceClock', `advance the clock to ${to.toISOString()}`);
    return this.emulatorJson<ClockState>('POST', '/clock/advance', ctx, {}, { json: { to: to.toISOString() } });
  }

  /** Emulator only: pending durable timers, of one instance or all. */
  async getTimers(instanceId?: string): Promise<PendingTimer[]> {
    const ctx = context('getTimers', instanceId === undefined ? 'list timers' : `list timers of '${instanceId}'`);
    return this.emulatorJson<PendingTimer[]>('GET', '/timers', ctx, { instanceId });
  }

  /** Emulator only: the instances whose orchestrator function returned while tasks it started are still open. */
  async getReturned(): Promise<ReturnedInstance[]> {
    return this.emulatorJson<ReturnedInstance[]>('GET', '/returned', context('getReturned', 'list returned instances'));
  }

  /** Emulator only: every entity (of one name) with its lock owner, queue length and operation names. */
  async getEntityDetails(name?: string): Promise<EntityDetails[]> {
    const ctx = context('getEntityDetails', name === undefined ? 'list entity details' : `list entities '${name}'`);
    return this.emulatorJson<EntityDetails[]>('GET', '/entities', ctx, { name });
  }

  /** Emulator only: one entity's lock owner, queue length and operation names; undefined when it has no state. */
  async getOneEntityDetails(name: string, key: string): Promise<EntityDetails | undefined> {
    const ctx = context('getEntityDetails', `read details of entity '@${name}@${key}'`);
    const keySegment = key === '' ? '$' : segment(key, 'Entity key', ctx);
    const path = `${EMULATOR_PATH}/entities/${segment(name, 'Entity name', ctx)}/${keySegment}`;
    const res = await this.transport.send({ method: 'GET', path }, ctx);
    if (res.status === 404) return undefined;
    expectStatus(res, [200], ctx);
    return jsonBody<EntityDetails>(res, ctx);
  }

  /** Emulator only: fires the instance's earliest pending timer (or the given one) now. */
  async fireTimer(instanceId: string, timerId?: number): Promise<void> {
    const ctx = context('fireTimer', `fire a timer of instance '${instanceId}'`);
    const path = `${EMULATOR_PATH}/instances/${segment(instanceId, 'Instance ID', ctx)}/timers/fire`;
    const query = { timerId: timerId?.toString() };
    const res = await this.transport.send({ method: 'POST', path, query }, ctx);
    expectStatus(res, [202], ctx);
  }

  private command(operation: InstanceCommand, instanceId: string, reason: string | undefined): Promise<void> {
    const ctx = context(operation, `${operation} instance '${instanceId}'`);
    const path = `/instances/${segment(instanceId, 'Instance ID', ctx)}/${operation}`;
    return this.management('POST', path, ctx, { reason }).then((res) => expectStatus(res, [202], ctx));
  }

  private management(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    ctx: OperationContext,
    query: Record<string, string | undefined> = {},
    body?: { json: unknown },
    continuationToken?: string,
  ): Promise<RawResponse> {
    return this.transport.send(
      {
        method,
        path: `${WEBHOOK_PATH}${path}`,
        query: { ...query, taskHub: this.taskHub },
        ...(continuationToken ? { headers: { [CONTINUATION_HEADER]: continuationToken } } : {}),
        ...(body !== undefined ? { body } : {}),
      },
      ctx,
    );
  }

  private async emulatorJson<T>(
    method: 'GET' | 'POST',
    path: string,
    ctx: OperationContext,
    query: Record<string, string | undefined> = {},
    body?: { json: unknown },
  ): Promise<T> {
    const res = await this.transport.send(
      { method, path: `${EMULATOR_PATH}${path}`, query, ...(body !== undefined ? { body } : {}) },
      ctx,
    );
    expectStatus(res, [200], ctx);
    return jsonBody<T>(res, ctx);
  }
}
