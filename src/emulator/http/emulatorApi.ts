/**
 * Emulator-only API, under `/emulator/v1/`. The real Functions host has none of this; the explorer uses it when
 * it talks to Durable Studio's emulator and does without it against `func start` or Azure.
 *
 * | Route | Method | Behaviour |
 * |---|---|---|
 * | `/emulator/v1/events` | GET | Server-sent events: one message per engine change, `event: <type>` (`instance`, `instanceDeleted`, `entity`, `entityDeleted`, `clock`, `function`) and `data: <ChangeEvent as JSON>`. A `: heartbeat` comment every 15 s keeps proxies and clients from timing out. Starts with a `: connected` comment. |
 * | `/emulator/v1/clock` | GET | 200 `{"now": "<ISO>", "offsetMs": <number>}`: the emulated time and its offset from wall time. |
 * | `/emulator/v1/clock/advance` | POST | JSON body `{"ms": <number ≥ 0>}` or `{"to": "<ISO>"}` (not in the past). Moves emulated time forward, at most up to 9999-12-31T23:59:59.999Z (.NET's `DateTime.MaxValue`, the last time the real host can represent; see `MAX_EMULATED_TIME`); timers that become due fire. 200 with the new clock. 400 with the allowed range in `Message` for a malformed body, a move backwards or past that ceiling. |
 * | `/emulator/v1/timers?instanceId=` | GET | 200 `[{"instanceId", "timerId", "fireAt": "<ISO>", "purpose": "user" \| "retry" \| "httpPoll"}]`: pending durable timers, of one instance or all (empty `instanceId` = all). 400 for a malformed `instanceId`. |
 * | `/emulator/v1/instances/{id}/timers/fire?timerId=` | POST | Fires the instance's earliest pending timer (or the one with `timerId`) now. 202, 404 (unknown instance or no such timer), 410 (instance finished), 400 (bad id or timerId). |
 * | `/emulator/v1/summary` | GET | 200 `{"instances": {"<status>": n, ...}, "entities": n}`: instance counts by runtime status and the number of entities with state (the editor's status bar). |
 * | `/emulator/v1/functions` | GET | 200 `[<Function>]`: the functions the app registered (see below). |
 * | `/emulator/v1/instances/{id}` | GET | 200 `{"instanceId", "name", "runtimeStatus", "executionId", "parentInstanceId", "subOrchestrations": [ids], "waitingFor": [event names], "pendingTimers": [...], "historyLength", "episodes", "returned": <Returned> \| null}`: what the real status API does not tell (the explorer's tree and "raise event" suggestions). 404 unknown, 400 bad id. |
 * | `/emulator/v1/returned` | GET | 200 `[{"instanceId", ...<Returned>}]`: every instance whose orchestrator function has finished while tasks it started are still open (the explorer marks them). |
 * | `/emulator/v1/entities?name=` | GET | 200 `[<EntityDetails>]`: every entity record (of one name, any case, when `name` is given), with what the management API does not tell. |
 * | `/emulator/v1/entities/{name}/{key}` | GET | 200 `<EntityDetails>` (`$` stands for the empty key); 404 when there is no record. |
 *
 * `<Returned>` is `{"status": "Completed" | "Failed" | "ContinuedAsNew", "at": "<ISO>", "error"?: string, "openTasks":
 * [<OpenTask>]}`: the function returned (or threw, or continued as new) at `at`, but like on Azure the execution ends
 * only once none of its tasks is open, so it stays Running, without output, until then (`status` is how it will
 * end). `<OpenTask>` is `{"kind": "timer", "taskId", "fireAt": "<ISO>", "purpose"}`, `{"kind": "activity", "taskId",
 * "name"}`, `{"kind": "subOrchestration", "taskId", "name", "instanceId"}` or `{"kind": "http", "taskId", "method",
 * "uri"}`.
 *
 * `<EntityDetails>` is `{"name", "key", "exists", "lastOperationTime": "<ISO>", "lockedBy": <instance id> | null,
 * "backlogQueueSize", "operations": [names run or waiting, newest first]}` (`entityOperations.ts`).
 *
 * `<Function>` is `{"name", "kind": "orchestration" | "activity" | "entity" | "http" | "timer" | "queue" | "blob" |
 * "other", "triggerType", "route"?, "methods"?, "schedule"?, "nextRun"?: "<ISO>", "lastRun"?: {"at": "<ISO>",
 * "status": "Succeeded" | "Failed", "reason": "timer" | "queue" | "blob" | "manual", "durationMs", "error"?},
 * "queueName"?, "path"?, "connection"?, "runsLocally": boolean}` (`FunctionSummary` in src/protocol/functions.ts):
 * `route`/`methods` for HTTP triggers, `schedule` and `nextRun` for timers, `queueName`/`path`/`connection` for
 * queue and blob triggers; `runsLocally` is false for triggers the emulator cannot serve (`other`: invoke them by
 * hand with `POST /admin/functions/{name}`). Runs of timer, queue, blob and hand-invoked functions are announced on
 * the event stream as `function` events: `{"type": "function", "name", "status": "Running" | "Succeeded" |
 * "Failed", "reason", "at": <epoch ms>, "durationMs"?, "error"?}`.
 */
import type { ServerResponse } from 'node:http';
import { clockAdvanceProblem } from '../clock.js';
import type { FunctionSummary } from '../../protocol/functions.js';
import type { ChangeEvent, EngineApi } from '../engine/api.js';
import { EventType } from '../engine/history.js';
import { isTerminal, type InstanceRecord } from '../engine/model.js';
import { openTasksOf } from '../engine/openTasks.js';
import { entityDetailsBody } from '../engine/entityOperations.js';
import { instanceIdProblem } from './guards.js';
import { empty, errorBody, json, type AddRoute, type HttpResult, type RequestContext } from './httpTypes.js';
import { parseDateTime } from './queryParams.js';

export const EMULATOR_API_PATH = '/emulator/v1';
export const SSE_HEARTBEAT_MS = 15_000;

export interface EmulatorApiOptions {
  /** Heartbeat period of the event stream (tests shorten it). */
  heartbeatMs?: number;
  /** The functions with their trigger details and last runs; without it, what the engine knows of them. */
  functions?: () => FunctionSummary[];
}

export function registerEmulatorRoutes(addRoute: AddRoute, engine: EngineApi, options: EmulatorApiOptions = {}): void {
  const base = EMULATOR_API_PATH;
  const heartbeatMs = options.heartbeatMs ?? SSE_HEARTBEAT_MS;

  addRoute('GET', `${base}/events`, (ctx) => Promise.resolve(openEventStream(ctx, engine, heartbeatMs)));

  addRoute('GET', `${base}/clock`, () => Promise.resolve(json(200, clockBody(engine))));

  addRoute('POST', `${base}/clock/advance`, async (ctx) => {
    const parsed = parseAdvanceBody(ctx.body, engine.clockNow().now);
    if (typeof parsed === 'string') return errorBody(400, parsed);
    await engine.advanceClock(parsed);
    return json(200, clockBody(engine));
  });

  addRoute('GET', `${base}/timers`, (ctx) => {
    const raw = ctx.query.get('instanceId');
    const instanceId = raw === null || raw === '' ? undefined : raw;
    const problem = instanceId === undefined ? undefined : instanceIdProblem(instanceId);
    if (problem !== undefined) return Promise.resolve(errorBody(400, problem));
    const timers = engine.pendingTimers(instanceId);
    const body = timers.map((t) => ({ ...t, fireAt: new Date(t.fireAt).toISOString() }));
    return Promise.resolve(json(200, body));
  });

  addRoute('POST', `${base}/instances/:instanceId/timers/fire`, async (ctx) => {
    const id = ctx.params['instanceId'];
    const problem = instanceIdProblem(id);
    if (problem !== undefined || id === undefined) return errorBody(400, problem ?? 'Instance ID is required.');
    const rawTimerId = ctx.query.get('timerId');
    let timerId: number | undefined;
    if (rawTimerId !== null && rawTimerId.trim() !== '') {
      if (!/^\d+$/.test(rawTimerId.trim())) return errorBody(400, `timerId must be a non-negative integer.`);
      timerId = Number(rawTimerId);
    }
    const outcome = await engine.fireTimer(id, timerId);
    switch (outcome) {
      case 'accepted':
        return empty(202);
      case 'notFound':
        return errorBody(
          404,
          timerId === undefined
            ? `No pending timer for instance '${id}'.`
            : `No pending timer ${timerId} for instance '${id}'.`,
        );
      case 'gone':
        return errorBody(410, `Instance '${id}' has finished.`);
    }
  });

  const functions =
    options.functions ??
    ((): FunctionSummary[] =>
      engine.functions().map((fn) => ({
        ...fn,
        triggerType: fn.kind === 'other' ? 'unknown' : `${fn.kind}Trigger`,
        runsLocally: fn.kind !== 'other',
      })));
  addRoute('GET', `${base}/functions`, () => Promise.resolve(json(200, functions())));

  addRoute('GET', `${base}/summary`, () => Promise.resolve(json(200, summaryBody(engine))));

  addRoute('GET', `${base}/instances/:instanceId`, (ctx) => {
    const id = ctx.params['instanceId'];
    const problem = instanceIdProblem(id);
    if (problem !== undefined || id === undefined)
      return Promise.resolve(errorBody(400, problem ?? 'Instance ID is required.'));
    const record = engine.getInstance(id);
    if (!record) return Promise.resolve(empty(404));
    const subOrchestrations = record.history.flatMap((e) =>
      e.EventType === EventType.SubOrchestrationInstanceCreated ? [e.InstanceId] : [],
    );
    return Promise.resolve(
      json(200, {
        instanceId: record.instanceId,
        name: record.name,
        runtimeStatus: record.status,
        executionId: record.executionId,
        parentInstanceId: record.parent?.instanceId ?? null,
        subOrchestrations,
        waitingFor: record.waitingFor,
        pendingTimers: engine.pendingTimers(id).map((t) => ({ ...t, fireAt: new Date(t.fireAt).toISOString() })),
        historyLength: record.history.length,
        episodes: record.episodes,
        returned: returnedBody(record) ?? null,
      }),
    );
  });

  addRoute('GET', `${base}/returned`, () => {
    const running = engine.listInstances({ runtimeStatus: ['Running', 'Suspended'] }).items;
    const body = running.flatMap((record) => {
      const returned = returnedBody(record);
      return returned ? [{ instanceId: record.instanceId, ...returned }] : [];
    });
    return Promise.resolve(json(200, body));
  });

  addRoute('GET', `${base}/entities`, (ctx) => {
    const name = ctx.query.get('name')?.toLowerCase() || undefined;
    const entities = engine.listEntities(name === undefined ? {} : { name }).items;
    return Promise.resolve(json(200, entities.map(entityDetailsBody)));
  });

  addRoute('GET', `${base}/entities/:entityName/:entityKey`, (ctx) => {
    const rawKey = ctx.params['entityKey'] ?? '';
    const entity = engine.getEntity(ctx.params['entityName'] ?? '', rawKey === '$' ? '' : rawKey);
    return Promise.resolve(entity ? json(200, entityDetailsBody(entity)) : empty(404));
  });
}

/** The wire form of `record.returned` with the open tasks that hold the execution (times as ISO strings). */
function returnedBody(record: InstanceRecord): Record<string, unknown> | undefined {
  const returned = record.returned;
  if (!returned || isTerminal(record.status)) return undefined;
  const openTasks = openTasksOf(record).map((task) =>
    task.kind === 'timer' ? { ...task, fireAt: new Date(task.fireAt).toISOString() } : task,
  );
  return {
    status: returned.status,
    at: new Date(returned.at).toISOString(),
    ...(returned.error !== undefined ? { error: returned.error } : {}),
    openTasks,
  };
}

/** Instance counts by status and the number of entities with state; one pass over the records in memory. */
function summaryBody(engine: EngineApi): { instances: Record<string, number>; entities: number } {
  const instances: Record<string, number> = {};
  for (const record of engine.listInstances({}).items) instances[record.status] = (instances[record.status] ?? 0) + 1;
  const entities = engine.listEntities({}).items.filter((e) => e.exists).length;
  return { instances, entities };
}

function clockBody(engine: EngineApi): { now: string; offsetMs: number } {
  const { now, offsetMs } = engine.clockNow();
  return { now: new Date(now).toISOString(), offsetMs };
}

/** `{"ms": n}` or `{"to": ISO}` → milliseconds to advance, or the message of a 400. */
export function parseAdvanceBody(body: Buffer, now: number): number | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'Body must be JSON: {"ms": number} or {"to": "<ISO date-time>"}.';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'Body must be a JSON object: {"ms": number} or {"to": "<ISO date-time>"}.';
  }
  const { ms, to } = value as { ms?: unknown; to?: unknown };
  if (ms !== undefined && to !== undefined) return 'Give either "ms" or "to", not both.';
  if (ms !== undefined) {
    const problem = clockAdvanceProblem(typeof ms === 'number' ? ms : NaN, now);
    return problem === undefined ? (ms as number) : `"ms" must be a number of milliseconds in range. ${problem}`;
  }
  if (to !== undefined) {
    const target = typeof to === 'string' ? parseDateTime(to) : undefined;
    if (target === undefined) return '"to" must be an ISO date-time.';
    if (target < now)
      return `"to" is in the past (now is ${new Date(now).toISOString()}); the clock only moves forward.`;
    const problem = clockAdvanceProblem(target - now, now);
    return problem === undefined ? target - now : `"to" is too late. ${problem}`;
  }
  return 'Body must contain "ms" or "to".';
}

/** One server-sent event for a change. Event names are the ChangeEvent types (no newlines by construction). */
export function formatSseEvent(change: ChangeEvent): string {
  return `event: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`;
}

/**
 * Opens the stream and keeps it open until the client disconnects or the server closes the connection. The
 * subscription and the heartbeat are released on the response's `close`, which fires in both cases.
 */
function openEventStream(ctx: RequestContext, engine: EngineApi, heartbeatMs: number): HttpResult {
  const res: ServerResponse = ctx.res;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const unsubscribe = engine.onChange((change) => {
    if (!res.writableEnded && !res.destroyed) res.write(formatSseEvent(change));
  });
  const heartbeat = setInterval(() => {
    if (!res.writableEnded && !res.destroyed) res.write(': heartbeat\n\n');
  }, heartbeatMs);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  return { kind: 'streamed' };
}
