/**
 * The durable management API of the real Functions host (`HttpApiHandler.cs`, protocol reference §4.3) under
 * `/runtime/webhooks/durabletask/`: same routes, query parameters, status codes, headers and bodies, so the
 * `durable-functions` DurableClient, the explorer and any HTTP tool behave as against `func start`.
 * `taskHub`, `connection` and `code` are accepted everywhere and ignored (one hub, no keys locally).
 */
import type { EngineApi, OperationOutcome } from '../engine/api.js';
import { EngineError } from '../engine/api.js';
import { isTerminal, type InstanceRecord } from '../engine/model.js';
import { checkStatusPayload, WEBHOOK_PATH } from '../../protocol/clientBinding.js';
import { instanceIdProblem } from './guards.js';
import { empty, errorBody, json, type AddRoute, type HttpResult, type RequestContext } from './httpTypes.js';
import { queryBool, queryDateTime, queryInt, queryRuntimeStatuses, querySecondsAsMs } from './queryParams.js';
import { formatRoundTripUtc, parseJsonText, toStatusPayload } from './statusPayload.js';

/** The real host's default page size for instance and entity queries. */
const DEFAULT_PAGE_SIZE = 100;
const CONTINUATION_HEADER = 'x-ms-continuation-token';
/** setTimeout's ceiling; a longer `timeout` waits this long. */
const MAX_WAIT_MS = 2_147_483_647;

export function registerManagementRoutes(addRoute: AddRoute, engine: EngineApi): void {
  const base = WEBHOOK_PATH;
  const handlers = new ManagementHandlers(engine);

  addRoute('POST', `${base}/orchestrators/:functionName`, (ctx) => handlers.start(ctx));
  addRoute('POST', `${base}/orchestrators/:functionName/:instanceId`, (ctx) => handlers.start(ctx));

  addRoute('GET', `${base}/instances`, (ctx) => handlers.list(ctx));
  addRoute('DELETE', `${base}/instances`, (ctx) => handlers.purgeBy(ctx));
  addRoute('GET', `${base}/instances/:instanceId`, (ctx) => handlers.withId(ctx, (id) => handlers.status(ctx, id)));
  addRoute('DELETE', `${base}/instances/:instanceId`, (ctx) => handlers.withId(ctx, (id) => handlers.purge(id)));
  addRoute('POST', `${base}/instances/:instanceId/:operation`, (ctx) =>
    handlers.withId(ctx, (id) => handlers.operation(ctx, id)),
  );
  addRoute('POST', `${base}/instances/:instanceId/raiseEvent/:eventName`, (ctx) =>
    handlers.withId(ctx, (id) => handlers.raiseEvent(ctx, id)),
  );

  addRoute('GET', `${base}/entities`, (ctx) => handlers.listEntities(ctx, undefined));
  addRoute('GET', `${base}/entities/:entityName`, (ctx) => handlers.listEntities(ctx, ctx.params['entityName']));
  addRoute('GET', `${base}/entities/:entityName/:entityKey`, (ctx) => handlers.getEntity(ctx));
  addRoute(['POST', 'DELETE'], `${base}/entities`, () =>
    Promise.resolve(errorBody(400, 'One or more of the arguments submitted is incorrect', 'entityName')),
  );
  // Without a key segment the real host signals the entity with the empty key.
  addRoute(['POST', 'DELETE'], `${base}/entities/:entityName`, (ctx) => handlers.signalEntity(ctx));
  addRoute(['POST', 'DELETE'], `${base}/entities/:entityName/:entityKey`, (ctx) => handlers.signalEntity(ctx));
}

class ManagementHandlers {
  constructor(private readonly engine: EngineApi) {}

  /** Every route with an instance id refuses a malformed one with 400 before touching the engine. */
  async withId(ctx: RequestContext, next: (id: string) => Promise<HttpResult>): Promise<HttpResult> {
    const id = ctx.params['instanceId'];
    const problem = instanceIdProblem(id);
    if (problem !== undefined || id === undefined) return errorBody(400, problem ?? 'Instance ID is required.');
    return next(id);
  }

  // POST orchestrators/{functionName}/{instanceId?}
  async start(ctx: RequestContext): Promise<HttpResult> {
    const functionName = ctx.params['functionName'] ?? '';
    const requestedId = ctx.params['instanceId'];
    if (requestedId !== undefined) {
      const problem = instanceIdProblem(requestedId);
      if (problem !== undefined) return errorBody(400, problem);
    }
    let input: string | null = null;
    const text = ctx.body.toString('utf8');
    if (text.trim().length > 0) {
      try {
        input = JSON.stringify(JSON.parse(text));
      } catch (error) {
        return errorBody(400, 'Invalid JSON content', (error as Error).message);
      }
    }
    const version = ctx.query.get('version') ?? undefined;
    const record = await this.engine.startNew(functionName, {
      input,
      ...(requestedId !== undefined ? { instanceId: requestedId } : {}),
      ...(version !== undefined ? { version } : {}),
    });
    return this.checkStatusOrWait(ctx, record.instanceId);
  }

  /**
   * With both `timeout` and `pollingInterval` (seconds), waits for the instance to finish: Completed → 200
   * with the output; Failed/Terminated/Canceled → the status response; otherwise (or on timeout) the 202
   * check-status response. The wait is driven by the engine's change events, like the real host's poll-free
   * providers (which also ignore `pollingInterval`); a `pollingInterval` longer than `timeout` is refused as the
   * host on Azure Storage refuses it.
   */
  private async checkStatusOrWait(ctx: RequestContext, instanceId: string): Promise<HttpResult> {
    const timeoutMs = querySecondsAsMs(ctx.query, 'timeout');
    const pollingMs = querySecondsAsMs(ctx.query, 'pollingInterval');
    if (timeoutMs === undefined || pollingMs === undefined) return this.checkStatus(ctx, instanceId);
    // The host refuses the wait (an ArgumentException, 400) after it has started the instance, as here.
    if (pollingMs > timeoutMs) {
      return errorBody(
        400,
        'One or more of the arguments submitted is incorrect',
        `Total timeout ${timeoutMs / 1000} should be bigger than retry timeout ${pollingMs / 1000}`,
      );
    }
    const record = await waitForTerminal(this.engine, instanceId, timeoutMs, ctx.signal);
    if (record === undefined) return this.checkStatus(ctx, instanceId);
    switch (record.status) {
      case 'Completed':
        return json(200, parseJsonText(record.output));
      case 'Failed':
      case 'Terminated':
      case 'Canceled':
        return this.statusResponse(ctx, record, false);
      case 'Running':
      case 'Pending':
      case 'ContinuedAsNew':
      case 'Suspended':
        return this.checkStatus(ctx, instanceId);
    }
  }

  private checkStatus(ctx: RequestContext, instanceId: string): HttpResult {
    const payload = checkStatusPayload(ctx.origin, this.engine.hubName, instanceId);
    return json(202, payload, { Location: payload['statusQueryGetUri'] ?? '', 'Retry-After': '10' });
  }

  // GET instances/{id}
  async status(ctx: RequestContext, id: string): Promise<HttpResult> {
    const record = this.engine.getInstance(id);
    if (record === undefined) return empty(404);
    return this.statusResponse(ctx, record, queryBool(ctx.query, 'returnInternalServerErrorOnFailure') ?? false);
  }

  private statusResponse(ctx: RequestContext, record: InstanceRecord, errorOnFailure: boolean): HttpResult {
    const body = toStatusPayload(record, {
      showHistory: queryBool(ctx.query, 'showHistory') ?? false,
      showHistoryOutput: queryBool(ctx.query, 'showHistoryOutput') ?? false,
      showInput: queryBool(ctx.query, 'showInput') ?? true,
    });
    switch (record.status) {
      case 'Running':
      case 'Pending':
      case 'ContinuedAsNew':
      case 'Suspended':
        return json(202, body, { Location: ctx.url.href, 'Retry-After': '5' });
      case 'Failed':
        return json(errorOnFailure ? 500 : 200, body);
      case 'Completed':
      case 'Terminated':
      case 'Canceled':
        return json(200, body);
    }
  }

  // GET instances/
  async list(ctx: RequestContext): Promise<HttpResult> {
    const q = ctx.query;
    const showInput = queryBool(q, 'showInput') ?? true;
    const continuationToken = headerValue(ctx, CONTINUATION_HEADER);
    const prefix = q.get('instanceIdPrefix');
    const from = queryDateTime(q, 'createdTimeFrom');
    const to = queryDateTime(q, 'createdTimeTo');
    const statuses = queryRuntimeStatuses(q, 'runtimeStatus');
    const top = queryInt(q, 'top');
    const page = this.engine.listInstances({
      ...(prefix !== null ? { instanceIdPrefix: prefix } : {}),
      ...(from !== undefined ? { createdTimeFrom: from } : {}),
      ...(to !== undefined ? { createdTimeTo: to } : {}),
      ...(statuses !== undefined ? { runtimeStatus: statuses } : {}),
      top: top !== undefined && top > 0 ? top : DEFAULT_PAGE_SIZE,
      ...(continuationToken ? { continuationToken } : {}),
    });
    const body = page.items.map((record) => toStatusPayload(record, { showInput }));
    return json(200, body, continuationHeaders(page.continuationToken));
  }

  // DELETE instances/{id}: 200 `{"instancesDeleted":1}`; 404 (empty) for an unknown id, and for an entity id
  // (entities are never purged here); 412 (a JSON string) for an instance that has not finished.
  async purge(id: string): Promise<HttpResult> {
    let deleted: number;
    try {
      deleted = await this.engine.purge(id);
    } catch (error) {
      if (error instanceof EngineError && error.code === 'preconditionFailed') return json(412, error.message);
      throw error;
    }
    return deleted === 0 ? empty(404) : json(200, { instancesDeleted: deleted });
  }

  // DELETE instances/?createdTimeFrom=&createdTimeTo=&runtimeStatus=: only finished instances are deleted (see
  // Engine.purge); 404 when nothing was, which the JS client reports as `instancesDeleted: 0`.
  async purgeBy(ctx: RequestContext): Promise<HttpResult> {
    const from = queryDateTime(ctx.query, 'createdTimeFrom');
    // The real host answers with a bare JSON string here, not an HttpError object.
    if (from === undefined) return json(400, "Please provide value for 'createdTimeFrom' parameter.");
    const to = queryDateTime(ctx.query, 'createdTimeTo') ?? this.engine.clockNow().now;
    const statuses = queryRuntimeStatuses(ctx.query, 'runtimeStatus');
    const deleted = await this.engine.purgeBy({
      createdTimeFrom: from,
      createdTimeTo: to,
      ...(statuses !== undefined ? { runtimeStatus: statuses } : {}),
    });
    return deleted === 0 ? empty(404) : json(200, { instancesDeleted: deleted });
  }

  // POST instances/{id}/{terminate|suspend|resume|rewind|restart} (operation names case-insensitive)
  async operation(ctx: RequestContext, id: string): Promise<HttpResult> {
    const operation = (ctx.params['operation'] ?? '').toLowerCase();
    const reason = ctx.query.get('reason');
    switch (operation) {
      case 'terminate':
        return outcomeResult(await this.engine.terminate(id, reason));
      case 'suspend':
        return outcomeResult(await this.engine.suspend(id, reason));
      case 'resume':
        return outcomeResult(await this.engine.resume(id, reason));
      case 'rewind':
        return this.rewind(id, reason);
      case 'restart':
        return this.restart(ctx, id);
      default:
        return empty(404);
    }
  }

  private async rewind(id: string, reason: string | null): Promise<HttpResult> {
    const record = this.engine.getInstance(id);
    if (record === undefined) return json(404, `No orchestration with instance ID "${id}" found.`);
    if (record.status !== 'Failed') {
      return json(
        412,
        `This orchestration has status ${record.status}, but only orchestrations in the "Failed" state can be rewound.`,
      );
    }
    return outcomeResult(await this.engine.rewind(id, reason));
  }

  private async restart(ctx: RequestContext, id: string): Promise<HttpResult> {
    // RestartAsync(instanceId) without the flag restarts with a new instance id.
    const withNewId = queryBool(ctx.query, 'restartWithNewInstanceId') ?? true;
    let record: InstanceRecord;
    try {
      record = await this.engine.restart(id, withNewId);
    } catch (error) {
      if (error instanceof EngineError && (error.code === 'notFound' || error.code === 'badRequest')) {
        return errorBody(400, 'InstanceId does not match a valid orchestration instance.', error.message);
      }
      if (error instanceof EngineError && error.code === 'conflict') {
        return errorBody(409, 'A non-terminal instance with this instance ID already exists.', error.message);
      }
      throw error;
    }
    return this.checkStatusOrWait(ctx, record.instanceId);
  }

  // POST instances/{id}/raiseEvent/{eventName}
  async raiseEvent(ctx: RequestContext, id: string): Promise<HttpResult> {
    const eventName = ctx.params['eventName'] ?? '';
    // Order of checks as in the real host: existence, state, media type, JSON.
    const record = this.engine.getInstance(id);
    if (record === undefined) return empty(404);
    if (isTerminal(record.status)) return empty(410);
    if (mediaType(ctx) !== 'application/json') {
      return errorBody(400, 'Only application/json request content is supported');
    }
    const text = ctx.body.toString('utf8');
    let inputJson: string | null = null;
    if (text.trim().length > 0) {
      try {
        inputJson = JSON.stringify(JSON.parse(text));
      } catch (error) {
        return errorBody(400, 'Invalid JSON content', (error as Error).message);
      }
    }
    return outcomeResult(await this.engine.raiseEvent(id, eventName, inputJson));
  }

  // GET entities/{name}/{key}
  async getEntity(ctx: RequestContext): Promise<HttpResult> {
    const name = ctx.params['entityName'] ?? '';
    const rawKey = ctx.params['entityKey'] ?? '';
    const key = rawKey === '$' ? '' : rawKey; // `$` stands for the empty key
    const entity = this.engine.getEntity(name, key);
    if (entity === undefined || !entity.exists) return empty(404);
    return json(200, parseJsonText(entity.state));
  }

  // GET entities/ and entities/{name}
  async listEntities(ctx: RequestContext, name: string | undefined): Promise<HttpResult> {
    const q = ctx.query;
    const fetchState = queryBool(q, 'fetchState') ?? false;
    const from = queryDateTime(q, 'lastOperationTimeFrom');
    const to = queryDateTime(q, 'lastOperationTimeTo');
    const top = queryInt(q, 'top');
    const continuationToken = headerValue(ctx, CONTINUATION_HEADER);
    const page = this.engine.listEntities({
      ...(name !== undefined ? { name } : {}),
      ...(from !== undefined ? { lastOperationTimeFrom: from } : {}),
      ...(to !== undefined ? { lastOperationTimeTo: to } : {}),
      top: top !== undefined && top > 0 ? top : DEFAULT_PAGE_SIZE,
      ...(continuationToken ? { continuationToken } : {}),
    });
    // Like the real host (IncludeDeleted = false), entities without state are left out; a page may be short.
    const body = page.items
      .filter((entity) => entity.exists)
      .map((entity) => ({
        entityId: { name: entity.name, key: entity.key },
        lastOperationTime: formatRoundTripUtc(entity.lastOperationTime),
        state: fetchState ? parseJsonText(entity.state) : null,
      }));
    return json(200, body, continuationHeaders(page.continuationToken));
  }

  // POST entities/{name}/{key}?op= (body is the input) and DELETE entities/{name}/{key} (signals `delete`)
  async signalEntity(ctx: RequestContext): Promise<HttpResult> {
    const name = ctx.params['entityName'] ?? '';
    const key = ctx.params['entityKey'] ?? '';
    if (name.length === 0) return errorBody(400, 'One or more of the arguments submitted is incorrect', 'entityName');
    const operation = ctx.method === 'DELETE' ? 'delete' : (ctx.query.get('op') ?? '');
    let inputJson: string | undefined;
    if (ctx.body.length > 0) {
      const text = ctx.body.toString('utf8');
      if (mediaType(ctx) === 'application/json') {
        try {
          inputJson = JSON.stringify(JSON.parse(text));
        } catch (error) {
          return errorBody(400, `Could not parse JSON content: ${(error as Error).message}`);
        }
      } else {
        inputJson = JSON.stringify(text); // any other content is the input as a string
      }
    }
    await this.engine.signalEntity(name, key, operation, inputJson);
    return empty(202);
  }
}

function outcomeResult(outcome: OperationOutcome): HttpResult {
  switch (outcome) {
    case 'accepted':
      return empty(202);
    case 'notFound':
      return empty(404);
    case 'gone':
      return empty(410);
  }
}

/** Omitted on the last page: an empty or "null" token would make clients loop (protocol reference §4.2). */
function continuationHeaders(token: string | undefined): Record<string, string> | undefined {
  return token ? { [CONTINUATION_HEADER]: token } : undefined;
}

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mediaType(ctx: RequestContext): string | undefined {
  return headerValue(ctx, 'content-type')?.split(';')[0]?.trim().toLowerCase();
}

/**
 * Resolves with the instance once it is Completed/Failed/Terminated/Canceled, or with its current record when
 * the timeout passes, the client goes away, or it is deleted. Listens to change events; never polls.
 */
export function waitForTerminal(
  engine: EngineApi,
  instanceId: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<InstanceRecord | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    // Assigned below, after `finish` (which needs them) is defined.
    // eslint-disable-next-line prefer-const
    let unsubscribe: (() => void) | undefined;
    // eslint-disable-next-line prefer-const
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe?.();
      signal.removeEventListener('abort', finish);
      resolve(engine.getInstance(instanceId));
    };
    unsubscribe = engine.onChange((change) => {
      if (change.type === 'instance' && change.instanceId === instanceId && isTerminal(change.runtimeStatus)) finish();
      else if (change.type === 'instanceDeleted' && change.instanceId === instanceId) finish();
    });
    if (settled) {
      unsubscribe(); // the listener fired synchronously while subscribing
      return;
    }
    signal.addEventListener('abort', finish);
    timer = setTimeout(finish, Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS));
    const current = engine.getInstance(instanceId);
    if (signal.aborted || (current !== undefined && isTerminal(current.status))) finish();
  });
}
