/**
 * The instance status JSON of the real Functions host (`StatusResponsePayload.cs`) and the history transform its
 * `GetStatusAsync(showHistory: true)` applies (`ContextImplementations/DurableClient.cs`,
 * `GetDurableOrchestrationStatusAsync`). Pure functions: record in, plain JSON value out.
 */
import { EventType, eventTypeName, type HistoryEvent } from '../engine/history.js';
import { RUNTIME_STATUS_BY_NUMBER, type InstanceRecord, type RuntimeStatus } from '../engine/model.js';

/** A JSON value as the HTTP layer emits it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: JsonValue;
  customStatus: JsonValue;
  output: JsonValue;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, JsonValue>[];
}

export interface StatusOptions {
  /** Default true, as in the real host. When false, `input` is null. */
  showInput?: boolean;
  /** Include `historyEvents` (never for a Pending instance, like the real host). */
  showHistory?: boolean;
  /** Keep (parsed) results of completed tasks, sub-orchestrations and the execution in the history. */
  showHistoryOutput?: boolean;
}

/**
 * .NET `DateTime.ToString("s") + "Z"`: second precision, fractional part truncated (not rounded). The real host
 * formats `createdTime` and `lastUpdatedTime` this way.
 */
export function formatSortableUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Newtonsoft's round-trip form of a UTC `DateTime` (`yyyy-MM-ddTHH:mm:ss.FFFFFFFZ`): trailing zeros of the
 * fraction dropped, and the dot with them. History timestamps pass through Json.NET in the real host, so
 * `2024-05-01T10:00:02.000Z` comes out as `2024-05-01T10:00:02Z`. Unparseable text is returned unchanged.
 */
export function formatRoundTripUtc(value: string | number): string {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) return String(value);
  const iso = new Date(ms).toISOString(); // always ...ss.mmmZ
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return fraction ? `${iso.slice(0, 19)}.${fraction}Z` : `${iso.slice(0, 19)}Z`;
}

/**
 * `ParseToJToken` of the real host: null stays null, blank text becomes "", JSON text is parsed, anything else
 * (a terminate reason, a failure message) is returned as the raw string, trimmed.
 */
export function parseJsonText(text: string | null | undefined): JsonValue {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0) return '';
  try {
    return JSON.parse(trimmed) as JsonValue;
  } catch {
    return trimmed;
  }
}

/** The status body of `GET instances/{id}` and of each element of `GET instances/`. */
export function toStatusPayload(record: InstanceRecord, options: StatusOptions = {}): StatusPayload {
  const showInput = options.showInput ?? true;
  const payload: StatusPayload = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: showInput ? parseJsonText(record.input) : null,
    customStatus: parseJsonText(record.customStatus),
    output: parseJsonText(record.output),
    createdTime: formatSortableUtc(record.createdTime),
    lastUpdatedTime: formatSortableUtc(record.lastUpdatedTime),
  };
  if (options.showHistory && record.status !== 'Pending') {
    payload.historyEvents = transformHistory(record.history, {
      showHistoryOutput: options.showHistoryOutput ?? false,
      showInput,
    });
  }
  return payload;
}

export interface HistoryTransformOptions {
  showHistoryOutput: boolean;
  showInput: boolean;
}

interface ScheduledInfo {
  name: JsonValue;
  timestamp: JsonValue;
  input: JsonValue;
}

/**
 * Where each stored event goes in the host's `historyEvents` (the transform below): one pass, shared by the
 * transform and by everything that names an event to the user by its place in that list (the history view's `#`
 * column, an exported history file, the replay debugger). Pure.
 */
export interface HostHistoryPlan {
  /** For each stored event: its 0-based index in `historyEvents`, or -1 when the host leaves it out. */
  readonly hostIndex: readonly number[];
  /**
   * A completion (`TaskCompleted`/`TaskFailed`, `SubOrchestrationInstanceCompleted`/`Failed`) → the index of the
   * scheduling event it absorbs (its `ScheduledTime`, `FunctionName`, `Input`), which the host leaves out.
   */
  readonly scheduledOf: ReadonlyMap<number, number>;
  /** The reverse: a left-out scheduling event → the index of its first completion (the row that stands for it). */
  readonly completionOf: ReadonlyMap<number, number>;
}

const COMPLETION_PREFIX: Partial<Record<EventType, string>> = {
  [EventType.TaskCompleted]: 'TaskScheduled',
  [EventType.TaskFailed]: 'TaskScheduled',
  [EventType.SubOrchestrationInstanceCompleted]: 'SubOrchestrationInstanceCreated',
  [EventType.SubOrchestrationInstanceFailed]: 'SubOrchestrationInstanceCreated',
};

export function hostHistoryPlan(history: readonly HistoryEvent[]): HostHistoryPlan {
  const scheduled = new Map<string, number>();
  const scheduledOf = new Map<number, number>();
  const completionOf = new Map<number, number>();
  const removed = new Set<number>();
  history.forEach((event, index) => {
    const type = (event as { EventType: unknown }).EventType;
    if (typeof type !== 'number') return; // not a wire event: kept untouched
    if (type === Number(EventType.TaskScheduled) || type === Number(EventType.SubOrchestrationInstanceCreated)) {
      scheduled.set(`${eventTypeName(type)}_${JSON.stringify(event.EventId)}`, index);
      return;
    }
    if (type === Number(EventType.OrchestratorStarted) || type === Number(EventType.OrchestratorCompleted)) {
      removed.add(index);
      return;
    }
    const prefix = COMPLETION_PREFIX[type as EventType];
    if (prefix === undefined) return;
    const taskScheduledId = (event as { TaskScheduledId?: unknown }).TaskScheduledId;
    const at = scheduled.get(`${prefix}_${JSON.stringify(taskScheduledId)}`);
    if (at === undefined) return;
    scheduledOf.set(index, at);
    if (!completionOf.has(at)) completionOf.set(at, index);
    removed.add(at);
  });
  let next = 0;
  const hostIndex = history.map((_, index) => (removed.has(index) ? -1 : next++));
  return { hostIndex, scheduledOf, completionOf };
}

const TIMESTAMP_FIELDS = ['Timestamp', 'FireAt', 'ScheduledStartTime'] as const;

/**
 * The real host's history transform, step for step:
 * - `EventType` becomes its name; `EventId` and `IsPlayed` are removed from every event;
 * - `OrchestratorStarted` / `OrchestratorCompleted` are removed;
 * - a `TaskScheduled` (`SubOrchestrationInstanceCreated`) with a matching completion (`TaskScheduledId` equal to
 *   its `EventId`) is removed, and the completion gains `ScheduledTime`, `FunctionName` and, with `showInput`,
 *   `Input` (the scheduled event's raw JSON text), and loses `TaskScheduledId`. An unmatched one stays, minus
 *   `Version`;
 * - `Result` of `TaskCompleted`, `SubOrchestrationInstanceCompleted` and `ExecutionCompleted` is removed unless
 *   `showHistoryOutput`, in which case it is parsed to JSON;
 * - `ExecutionStarted`: `Name` moves to a trailing `FunctionName`; `OrchestrationInstance`, `ParentInstance`,
 *   `Version` and `Tags` are removed;
 * - `ExecutionCompleted.OrchestrationStatus` is a name; `TimerFired.TimerId` is removed;
 * - `Input` is removed from every event when `showInput` is false (other `Input`s stay raw JSON text).
 * Date fields are re-serialised the way Json.NET writes a UTC `DateTime`.
 */
export function transformHistory(
  history: readonly HistoryEvent[],
  options: HistoryTransformOptions,
): Record<string, JsonValue>[] {
  const items = history.map((event) => ({ ...event }) as unknown as Record<string, JsonValue>);
  const plan = hostHistoryPlan(history);
  const scheduled = new Map<number, ScheduledInfo>();

  const attachScheduled = (item: Record<string, JsonValue>, index: number): void => {
    const at = plan.scheduledOf.get(index);
    const info = at === undefined ? undefined : scheduled.get(at);
    if (info === undefined) return;
    item['ScheduledTime'] = info.timestamp;
    item['FunctionName'] = info.name;
    if (options.showInput) item['Input'] = info.input;
  };
  const handleResult = (item: Record<string, JsonValue>, hasResult: boolean): void => {
    if (!hasResult) return;
    if (options.showHistoryOutput) item['Result'] = parseJsonText(item['Result'] as string | null | undefined);
    else delete item['Result'];
  };

  items.forEach((item, index) => {
    for (const field of TIMESTAMP_FIELDS) {
      const value = item[field];
      if (typeof value === 'string') item[field] = formatRoundTripUtc(value);
    }
    const type = item['EventType'];
    if (typeof type !== 'number') return; // not a wire event: left untouched, as Enum.TryParse would fail
    item['EventType'] = eventTypeName(type);
    switch (type as EventType) {
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(index, {
          name: item['Name'] ?? null,
          timestamp: item['Timestamp'] ?? null,
          input: item['Input'] ?? null,
        });
        delete item['Version'];
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        attachScheduled(item, index);
        delete item['TaskScheduledId'];
        handleResult(item, type === EventType.TaskCompleted);
        break;
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        attachScheduled(item, index);
        delete item['TaskScheduledId'];
        handleResult(item, type === EventType.SubOrchestrationInstanceCompleted);
        break;
      case EventType.ExecutionStarted: {
        const name = item['Name'] ?? null;
        delete item['Name'];
        item['FunctionName'] = name;
        for (const key of ['OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) delete item[key];
        break;
      }
      case EventType.ExecutionCompleted: {
        const status = item['OrchestrationStatus'];
        if (typeof status === 'number') item['OrchestrationStatus'] = RUNTIME_STATUS_BY_NUMBER[status] ?? status;
        handleResult(item, true);
        break;
      }
      case EventType.TimerFired:
        delete item['TimerId'];
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        break; // left out (the plan)
      case EventType.ExecutionFailed:
      case EventType.ExecutionTerminated:
      case EventType.TimerCreated:
      case EventType.EventSent:
      case EventType.EventRaised:
      case EventType.ContinueAsNew:
      case EventType.GenericEvent:
      case EventType.HistoryState:
      case EventType.ExecutionSuspended:
      case EventType.ExecutionResumed:
      case EventType.ExecutionRewound:
        break; // only the common rules below apply
      default:
        break; // an unknown number: the host keeps it, with its number as the name
    }
    if (!options.showInput) delete item['Input'];
    delete item['EventId'];
    delete item['IsPlayed'];
  });

  return items.filter((_, index) => plan.hostIndex[index] !== -1);
}
