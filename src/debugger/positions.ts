/**
 * Pure part of the replay: which history events are positions, and whether what the code did at a position
 * matches what the history recorded (the non-determinism check).
 *
 * Matching is by sequence id (protocol reference §2.6): every task the code yields gets the executor's next id,
 * and the history's scheduling event with that `EventId` (TaskScheduled, SubOrchestrationInstanceCreated,
 * TimerCreated, EventSent) must be of the same kind, with the same name and input. The ids come from the
 * library's own executor (read by the instrumentation), so retries and HTTP polls, which allocate ids without
 * an action, need no modelling here.
 */
import { isDeepStrictEqual } from 'node:util';
import { ActionType, activityInputJson, rawInputJson } from '../emulator/engine/actions.js';
import { EventType, eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
import { HTTP_ACTIVITY_NAME } from '../emulator/engine/episodeInput.js';
import { EventNumbers } from './eventNumbers.js';
import type { ObservedTask, SourceSite } from './instrument.js';

/** Events that resume (or may resume) the orchestrator code: one replay position each. */
const OBSERVED = new Set<EventType>([
  EventType.ExecutionStarted,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.TimerFired,
  EventType.EventRaised,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);

export function positionIndexes(history: readonly HistoryEvent[]): number[] {
  const indexes: number[] = [];
  history.forEach((event, index) => {
    if (OBSERVED.has(event.EventType)) indexes.push(index);
  });
  return indexes;
}

export interface Divergence {
  /**
   * Index in the stored (wire) history of the recorded event that does not match (or of the position, if nothing
   * was recorded). Internal: what a user sees is `eventNumber`.
   */
  eventIndex: number;
  /** The position's event index (the event after which the code did this). Internal, like `eventIndex`. */
  positionIndex: number;
  /**
   * The 1-based row of that event in the host's `historyEvents` (the history view's `#`, an exported file's
   * `historyEvents[eventNumber - 1]`); for a completed task's scheduling, its completion's row (see `EventNumbers`).
   */
  eventNumber: number;
  /** The row of the position's event, in the same numbering. */
  positionNumber: number;
  sequenceId: number | null;
  recorded: string;
  now: string;
  site?: SourceSite;
  /** One plain sentence. */
  message: string;
}

/** Scheduling events by sequence id, with their index in the history. */
export function recordedSchedules(
  history: readonly HistoryEvent[],
): Map<number, { event: HistoryEvent; index: number }> {
  const byId = new Map<number, { event: HistoryEvent; index: number }>();
  history.forEach((event, index) => {
    const scheduling =
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.SubOrchestrationInstanceCreated ||
      event.EventType === EventType.TimerCreated ||
      event.EventType === EventType.EventSent;
    if (scheduling && event.EventId >= 0 && !byId.has(event.EventId)) byId.set(event.EventId, { event, index });
  });
  return byId;
}

function expectedType(actionType: number): EventType | null {
  switch (actionType as ActionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
    case ActionType.CallHttp:
      return EventType.TaskScheduled;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return EventType.SubOrchestrationInstanceCreated;
    case ActionType.CreateTimer:
      return EventType.TimerCreated;
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
    case ActionType.LockEntities:
      return EventType.EventSent;
    default:
      return null;
  }
}

function quote(text: string | null | undefined): string {
  return text === null || text === undefined ? 'no input' : `input ${text}`;
}

/** The action in words, e.g. `activity 'sayHello' with input "Tokyo"`. */
export function describeAction(action: { actionType: number; [key: string]: unknown }): string {
  const a = action as Record<string, unknown>;
  switch (action.actionType as ActionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `activity '${String(a['functionName'])}' with ${quote(activityInputJson(a['input']))}`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `sub-orchestration '${String(a['functionName'])}' with ${quote(rawInputJson(a['input']))}`;
    case ActionType.CreateTimer:
      return `a timer until ${String(a['fireAt'])}`;
    case ActionType.CallEntity:
      return `entity call '${String(a['operation'])}' on ${String(a['instanceId'])}`;
    case ActionType.SignalEntity:
      return `entity signal '${String(a['operation'])}' to ${String(a['instanceId'])}`;
    case ActionType.CallHttp:
      return `HTTP call ${JSON.stringify((a['httpRequest'] as { uri?: unknown } | undefined)?.uri)}`;
    case ActionType.WaitForExternalEvent:
      return `a wait for event '${String(a['externalEventName'])}'`;
    case ActionType.LockEntities:
      return 'an entity lock';
    default:
      return `action type ${action.actionType}`;
  }
}

export function describeEvent(event: HistoryEvent): string {
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return event.Name === HTTP_ACTIVITY_NAME ? 'HTTP call' : `activity '${event.Name}' with ${quote(event.Input)}`;
    case EventType.SubOrchestrationInstanceCreated:
      return `sub-orchestration '${event.Name}' with ${quote(event.Input)}`;
    case EventType.TimerCreated:
      return `a timer until ${event.FireAt}`;
    case EventType.EventSent: {
      const op = parseJson(event.Input) as { op?: unknown; signal?: unknown } | undefined;
      const what = op?.signal === true ? 'entity signal' : 'entity call';
      const operation = typeof op?.op === 'string' ? op.op : event.Name;
      return `${what} '${operation}' to ${event.InstanceId}`;
    }
    default:
      return eventTypeName(event.EventType);
  }
}

function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sameJson(a: string | null | undefined, b: string | null | undefined): boolean {
  if ((a ?? null) === (b ?? null)) return true;
  return isDeepStrictEqual(parseJson(a), parseJson(b));
}

/** Why the recorded event does not match the action, or null when it does. */
function mismatch(action: Record<string, unknown> & { actionType: number }, event: HistoryEvent): string | null {
  const expected = expectedType(action.actionType);
  if (expected !== event.EventType) return 'kind';
  switch (event.EventType) {
    case EventType.TaskScheduled:
      if (action.actionType === Number(ActionType.CallHttp)) return event.Name === HTTP_ACTIVITY_NAME ? null : 'kind';
      if (event.Name !== action['functionName']) return 'name';
      return sameJson(event.Input, activityInputJson(action['input'])) ? null : 'input';
    case EventType.SubOrchestrationInstanceCreated:
      if (event.Name !== action['functionName']) return 'name';
      return sameJson(event.Input, rawInputJson(action['input'])) ? null : 'input';
    case EventType.EventSent: {
      if (action.actionType === Number(ActionType.LockEntities)) return null;
      if (event.InstanceId !== action['instanceId']) return 'target';
      const message = parseJson(event.Input) as { op?: unknown; input?: string } | undefined;
      if (message?.op !== action['operation']) return 'name';
      return sameJson(message?.input, rawInputJson(action['input'])) ? null : 'input';
    }
    default:
      // Timers: only the kind is compared (fire times of long timers are split by the host).
      return null;
  }
}

const REASONS: Record<string, string> = {
  kind: 'a different kind of task',
  name: 'a different name',
  input: 'a different input',
  target: 'a different entity',
};

function where(site: SourceSite | undefined): string {
  return site ? ` (${site.file}:${site.line})` : '';
}

/**
 * The first divergence between the tasks the code created on the prefix ending at `positionIndex` and the
 * recorded history. `final` adds the check that everything the history scheduled was still scheduled.
 */
export function findDivergence(
  history: readonly HistoryEvent[],
  positionIndex: number,
  tasks: readonly ObservedTask[],
  allocatedIds: readonly number[],
  final: boolean,
): Divergence | undefined {
  const recorded = recordedSchedules(history);
  const ordered = tasks
    .filter((t): t is ObservedTask & { id: number; action: NonNullable<ObservedTask['action']> } => {
      return typeof t.id === 'number' && t.action !== undefined && expectedType(t.action.actionType) !== null;
    })
    .sort((a, b) => a.id - b.id);
  // Numbers only when there is something to report: this runs at every position.
  const at = (
    eventIndex: number,
  ): Pick<Divergence, 'eventIndex' | 'positionIndex' | 'eventNumber' | 'positionNumber'> => {
    const numbers = new EventNumbers(history);
    return {
      eventIndex,
      positionIndex,
      eventNumber: numbers.numberOf(eventIndex),
      positionNumber: numbers.numberOf(positionIndex),
    };
  };
  const label = (eventIndex: number): string => new EventNumbers(history).label(eventIndex);
  for (const task of ordered) {
    const now = describeAction(task.action);
    const entry = recorded.get(task.id);
    if (!entry) {
      return {
        ...at(positionIndex),
        sequenceId: task.id,
        recorded: 'nothing',
        now,
        ...(task.site ? { site: task.site } : {}),
        message: `After history ${label(positionIndex)}, the code now schedules ${now}${where(task.site)} as sequence id ${task.id}, but the history has nothing with sequence id ${task.id}.`,
      };
    }
    const reason = mismatch(task.action, entry.event);
    if (reason) {
      const was = describeEvent(entry.event);
      return {
        ...at(entry.index),
        sequenceId: task.id,
        recorded: was,
        now,
        ...(task.site ? { site: task.site } : {}),
        message: `History ${label(entry.index)} recorded ${was} (sequence id ${task.id}), but the code now schedules ${now}${where(task.site)}: ${REASONS[reason]}.`,
      };
    }
  }
  if (final) {
    const allocated = new Set(allocatedIds);
    for (const [id, entry] of [...recorded.entries()].sort((a, b) => a[0] - b[0])) {
      if (allocated.has(id)) continue;
      const was = describeEvent(entry.event);
      return {
        ...at(entry.index),
        sequenceId: id,
        recorded: was,
        now: 'nothing',
        message: `History ${label(entry.index)} recorded ${was} (sequence id ${id}), but the code no longer schedules it.`,
      };
    }
  }
  return undefined;
}
