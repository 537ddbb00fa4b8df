/**
 * One orchestration episode on the engine side: which inbox messages to deliver, the trigger payload, and how
 * the orchestrator's answer becomes history events, sequence ids and effects.
 *
 * Sequence ids (protocol reference §2.6): the JS executor numbers tasks itself and matches completions by those
 * numbers, so the engine must allocate exactly the same ids. User code allocates ids in the order of its unique
 * action leaves. A few *events* allocate ids inside the library without any action (a retryable task's failure,
 * its retry timer firing, an HTTP 202). An episode therefore delivers at most one such event, and first, so its
 * ids come before those of whatever user code does next.
 */
import { randomUUID } from 'node:crypto';
import type { EpisodeResult, WireAction } from '../host/protocol.js';
import { ActionType, activityInputJson, asAction, rawInputJson } from './actions.js';
import type { Effect } from './effects.js';
import { EventType, type HistoryEvent } from './history.js';
import type { ActivityTask, EntityIdWire, InstanceRecord } from './model.js';
import { entitySchedulerId } from './model.js';
import { retryDelayMs } from './retry.js';
import { HTTP_ACTIVITY_NAME, isAsync202 } from './episodeInput.js';
import { hasOpenTasks, opensTask } from './openTasks.js';
import { EpisodeWriter } from './episodeWriter.js';
import { hostRefusal, type HostRefusal, type RefusalContext } from './hostChecks.js';
import { endExecution, failureOf, type Completion } from './executionEnd.js';

/** Host bookkeeping for one delivered event, in delivery order (before the episode's new actions). */
function onDelivered(writer: EpisodeWriter, event: HistoryEvent): void {
  const { record } = writer;
  switch (event.EventType) {
    case EventType.TaskCompleted: {
      const task = record.pending[event.TaskScheduledId];
      delete record.pending[event.TaskScheduledId];
      const poll =
        task?.kind === 'http' && task.request.asynchronousPatternEnabled !== false
          ? isAsync202(event.Result)
          : undefined;
      if (task?.kind === 'http' && poll) {
        // CallHttpWithPollingTask tracks a timer and the next request at once (two ids).
        const timerId = writer.nextId();
        const httpId = writer.nextId();
        const fireAt = writer.now + poll.retryAfterMs;
        record.pending[timerId] = { kind: 'timer', fireAt, purpose: 'httpPoll', nextHttpId: httpId };
        record.pending[httpId] = {
          kind: 'http',
          request: { ...task.request, method: 'GET', uri: poll.location },
          awaitingPoll: true,
        };
        delete (record.pending[httpId] as { request: { content?: string } }).request.content;
        writer.armTimer(timerId, fireAt);
      }
      break;
    }
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceFailed: {
      const task = record.pending[event.TaskScheduledId];
      delete record.pending[event.TaskScheduledId];
      if ((task?.kind === 'activity' || task?.kind === 'subOrchestration') && task.retry) {
        // RetryableTask: a timer follows every failed attempt, the last one included.
        const timerId = writer.nextId();
        const fireAt = writer.now + retryDelayMs(task.retry.options, task.retry.attempt);
        const retryTask = { ...task, retry: { ...task.retry, attempt: task.retry.attempt + 1 } };
        delete (retryTask as ActivityTask).done;
        record.pending[timerId] = { kind: 'timer', fireAt, purpose: 'retry', retryTask };
        writer.armTimer(timerId, fireAt);
      }
      break;
    }
    case EventType.SubOrchestrationInstanceCompleted:
      delete record.pending[event.TaskScheduledId];
      break;
    case EventType.TimerFired: {
      const timer = record.pending[event.TimerId];
      delete record.pending[event.TimerId];
      if (timer?.kind !== 'timer') break;
      if (timer.purpose === 'retry' && timer.retryTask?.retry) {
        const retryTask = timer.retryTask;
        if (retryTask.retry!.attempt <= retryTask.retry!.options.maxNumberOfAttempts) {
          const id = writer.nextId();
          if (retryTask.kind === 'activity') writer.scheduleActivity(id, retryTask);
          else writer.scheduleChild(id, retryTask);
        }
      } else if (timer.purpose === 'httpPoll' && timer.nextHttpId !== undefined) {
        const next = record.pending[timer.nextHttpId];
        if (next?.kind === 'http') {
          delete next.awaitingPoll;
          writer.add({
            EventType: EventType.TaskScheduled,
            EventId: timer.nextHttpId,
            Name: HTTP_ACTIVITY_NAME,
            Input: JSON.stringify(next.request),
          });
          writer.effects.push({ type: 'runHttp', taskId: timer.nextHttpId });
        }
      }
      break;
    }
    case EventType.EventRaised: {
      for (const [id, task] of Object.entries(record.pending)) {
        if ((task.kind === 'entityCall' || task.kind === 'lock') && task.requestId === event.Name) {
          delete record.pending[id];
          break;
        }
      }
      break;
    }
    default:
      break;
  }
}

function schedule(writer: EpisodeWriter, wire: WireAction, leafIndex: number): void {
  const { record } = writer;
  const action = asAction(wire);
  const parent = record.instanceId;
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      writer.scheduleActivity(writer.nextId(), {
        kind: 'activity',
        name: action.functionName,
        input: activityInputJson(action.input),
        ...(action.actionType === ActionType.CallActivityWithRetry
          ? { retry: { options: action.retryOptions, attempt: 1 } }
          : {}),
      });
      break;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      writer.scheduleChild(writer.nextId(), {
        kind: 'subOrchestration',
        name: action.functionName,
        ...(action.instanceId ? { requestedId: action.instanceId } : {}),
        input: rawInputJson(action.input),
        ...(action.version ? { version: action.version } : {}),
        ...(action.actionType === ActionType.CallSubOrchestratorWithRetry
          ? { retry: { options: action.retryOptions, attempt: 1 } }
          : {}),
      });
      break;
    case ActionType.CreateTimer: {
      const id = writer.nextId();
      const fireAt = Date.parse(action.fireAt);
      if (action.isCanceled) {
        writer.add({ EventType: EventType.TimerCreated, EventId: id, FireAt: action.fireAt });
      } else {
        record.pending[id] = { kind: 'timer', fireAt, purpose: 'user', leafIndex };
        writer.armTimer(id, fireAt);
      }
      break;
    }
    case ActionType.WaitForExternalEvent:
    case ActionType.ContinueAsNew:
    case ActionType.WhenAll:
    case ActionType.WhenAny:
      break;
    case ActionType.CallEntity: {
      const id = writer.nextId();
      const requestId = randomUUID();
      const input = rawInputJson(action.input);
      const message = {
        op: action.operation,
        id: requestId,
        parent,
        parentExecution: record.executionId,
        ...(input !== null ? { input } : {}),
      };
      writer.sendToEntity(id, action.instanceId, 'op', message);
      record.pending[id] = { kind: 'entityCall', entity: action.instanceId, requestId };
      writer.effects.push({
        type: 'entityRequest',
        entityId: action.instanceId,
        request: { ...message, signal: false },
      });
      break;
    }
    case ActionType.SignalEntity:
    case ActionType.ScheduledSignalEntity: {
      const id = writer.nextId();
      const input = rawInputJson(action.input);
      const message = {
        op: action.operation,
        signal: true,
        id: randomUUID(),
        parent,
        ...(input !== null ? { input } : {}),
      };
      writer.sendToEntity(id, action.instanceId, 'op', message);
      writer.effects.push({ type: 'entityRequest', entityId: action.instanceId, request: message });
      break;
    }
    case ActionType.CallHttp: {
      const id = writer.nextId();
      record.pending[id] = { kind: 'http', request: action.httpRequest };
      writer.add({
        EventType: EventType.TaskScheduled,
        EventId: id,
        Name: HTTP_ACTIVITY_NAME,
        Input: JSON.stringify(action.httpRequest),
      });
      writer.effects.push({ type: 'runHttp', taskId: id });
      break;
    }
    case ActionType.LockEntities: {
      const id = writer.nextId();
      const lockSet = sortLockSet(action.lockSet);
      const first = entitySchedulerId(lockSet[0].name, lockSet[0].key);
      const message = {
        id: action.lockRequestId,
        parent,
        parentExecution: record.executionId,
        lockset: lockSet,
        pos: 0,
      };
      writer.sendToEntity(id, first, 'op', message);
      record.pending[id] = { kind: 'lock', requestId: action.lockRequestId, lockSet };
      record.lockSet = lockSet;
      writer.effects.push({ type: 'entityRequest', entityId: first, request: { ...message, op: '', signal: false } });
      break;
    }
    case ActionType.ReleaseEntities: {
      // One id per locked entity (the library adds lockSet.length to its counter).
      const lockSet = record.lockSet ?? [];
      const targets = lockSet.map((e) => entitySchedulerId(e.name, e.key));
      for (const target of targets)
        writer.sendToEntity(writer.nextId(), target, 'release', { parent, id: randomUUID() });
      record.lockSet = null;
      writer.effects.push({ type: 'releaseLocks', entityIds: targets });
      break;
    }
  }
}

/** How many sequence ids the library allocates for a leaf when it is first yielded or called. */
function idsConsumed(record: InstanceRecord, leaf: WireAction): number {
  switch (leaf.actionType) {
    case ActionType.WaitForExternalEvent:
    case ActionType.ContinueAsNew:
      return 0;
    case ActionType.ReleaseEntities:
      return record.lockSet?.length ?? 0;
    default:
      return 1;
  }
}

function sortLockSet(lockSet: EntityIdWire[]): EntityIdWire[] {
  const seen = new Map<string, EntityIdWire>();
  for (const e of lockSet) seen.set(entitySchedulerId(e.name, e.key), e);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

export interface EpisodeOutcome {
  effects: Effect[];
  /** Set when the execution ended this episode. */
  completion?: Completion;
  /** Set when the host refused part of the answer (hostChecks.ts): the execution fails, now or once no task is open. */
  refusal?: HostRefusal;
}

/**
 * Applies the orchestrator's answer to the record: appends this episode's history, allocates sequence ids for
 * new actions, and returns the effects. `delivered` are the events given to the orchestrator after its
 * OrchestratorStarted event; `host` says what the host checks the answer against.
 */
export function applyEpisode(
  record: InstanceRecord,
  started: HistoryEvent,
  delivered: HistoryEvent[],
  result: EpisodeResult,
  now: number,
  host: Pick<RefusalContext, 'functions'>,
): EpisodeOutcome {
  const writer = new EpisodeWriter(record, now);
  writer.events.push(started, ...delivered);
  for (const event of delivered) onDelivered(writer, event);

  // Timers the orchestrator has since cancelled (Task.any winners elsewhere) need not fire.
  const canceled = new Set(result.canceledTimers);
  for (const [id, task] of Object.entries(record.pending)) {
    if (task.kind === 'timer' && task.leafIndex !== undefined && canceled.has(task.leafIndex)) {
      delete record.pending[id];
      writer.effects.push({ type: 'cancelTimer', timerId: Number(id) });
    }
  }
  // The worker sends only leaves from `leafOffset` on, which is the number the engine already knew.
  const fresh = result.leaves.slice(Math.max(0, record.actionCount - result.leafOffset));
  const refusal = hostRefusal(
    {
      ...host,
      orchestratorName: record.name,
      instanceId: record.instanceId,
      parentInstanceId: record.parent?.instanceId,
    },
    fresh,
    result,
  );
  // The host stops at a refused leaf: it and the ones after it are not scheduled, and stay new for the next episode,
  // which meets the same refusal (as every replay on Azure does) until the execution ends.
  const scheduled = refusal ? fresh.slice(0, refusal.leafIndex) : fresh;
  const failure = failureOf(record, result, refusal);
  const failed = failure !== undefined;
  // The function finished (returned, threw or continued as new), but the execution ends only when no task it
  // started is open, new ones included (openTasks.ts). Until then this is an ordinary episode: every new action is
  // scheduled and the instance stays Running without output, as on Azure.
  const finished = failed || result.isDone;
  const statusRefused = refusal?.cause === 'customStatus';
  const ends = finished && (statusRefused || (!hasOpenTasks(record) && !scheduled.some(opensTask)));
  const continuation = ends && !failed ? result.continueAsNew : undefined;
  scheduled.forEach((leaf, i) => {
    // A continuing execution only still sends its fire-and-forget signals: its history is about to be
    // replaced. A failing one schedules everything, as the real host does, so a rewind finds consistent ids.
    if (continuation && leaf.actionType !== ActionType.SignalEntity) {
      record.nextSequenceId += idsConsumed(record, leaf);
      return;
    }
    schedule(writer, leaf, record.actionCount + i);
  });
  record.actionCount = refusal
    ? record.actionCount + refusal.leafIndex
    : Math.max(record.actionCount, result.leafCount);
  record.waitingFor = openWaits(record, result.waitNames, delivered);
  // A refused custom status was never set: the replay that refused it reports none.
  record.customStatus =
    result.customStatus === undefined || statusRefused ? null : (JSON.stringify(result.customStatus) ?? null);
  record.episodes++;

  writer.add({ EventType: EventType.OrchestratorCompleted });
  let outcome: EpisodeOutcome['completion'];
  if (ends) outcome = endExecution(writer, result, failure, continuation);
  if (finished && !ends) {
    const status = failed ? 'Failed' : result.continueAsNew ? 'ContinuedAsNew' : 'Completed';
    const error = refusal?.message ?? result.error;
    record.returned = { status, at: record.returned?.at ?? now, ...(failed ? { error } : {}) };
  } else {
    delete record.returned;
  }
  for (const event of writer.events) event.IsPlayed = true;
  record.history.push(...writer.events);
  return {
    effects: writer.effects,
    ...(outcome ? { completion: outcome } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

/** Event names with more open waits than delivered events (a hint for the explorer's "raise event"). */
function openWaits(record: InstanceRecord, waitNames: string[], delivered: HistoryEvent[]): string[] {
  if (waitNames.length === 0) return [];
  const waits = new Map<string, number>();
  for (const name of waitNames) waits.set(name, (waits.get(name) ?? 0) + 1);
  for (const event of [...record.history, ...delivered]) {
    if (event.EventType === EventType.EventRaised && waits.has(event.Name))
      waits.set(event.Name, waits.get(event.Name)! - 1);
  }
  return [...waits.entries()].filter(([, n]) => n > 0).map(([name]) => name);
}
