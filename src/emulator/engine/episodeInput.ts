/**
 * What goes into an orchestration episode: which inbox messages it delivers (batching without breaking the
 * library's sequence ids, see episode.ts) and the trigger payload the orchestrator handler receives.
 */
import { MAX_DELAY_MS } from '../clock.js';
import type { OrchestratorPayload } from '../host/protocol.js';
import { EventType, type HistoryEvent } from './history.js';
import type { InboxMessage, InstanceRecord } from './model.js';

export const HTTP_ACTIVITY_NAME = 'BuiltIn::HttpActivity';
/** Large enough that the library never splits a timer into long-timer chunks (which would allocate ids). */
const MAXIMUM_SHORT_TIMER = '3650.00:00:00';
const DEFAULT_HTTP_POLL_MS = 30_000;
const MAX_BATCH = 5000;

export function isAsync202(result: string | null): { location: string; retryAfterMs: number } | undefined {
  if (!result) return undefined;
  try {
    const response = JSON.parse(result) as { statusCode?: number; headers?: Record<string, unknown> };
    if (response.statusCode !== 202 || !response.headers) return undefined;
    const header = (name: string): string | undefined => {
      const key = Object.keys(response.headers!).find((k) => k.toLowerCase() === name);
      const value = key ? response.headers![key] : undefined;
      const first: unknown = Array.isArray(value) ? value[0] : value;
      return first === undefined ? undefined : typeof first === 'string' ? first : JSON.stringify(first);
    };
    const location = header('location');
    if (!location) return undefined;
    const retryAfter = Number(header('retry-after'));
    // A Retry-After beyond TimeSpan.MaxValue would put the poll timer past the last valid date.
    const retryAfterMs = Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, MAX_DELAY_MS) : DEFAULT_HTTP_POLL_MS;
    return { location, retryAfterMs };
  } catch {
    return undefined;
  }
}

/** Does delivering this event make the library allocate sequence ids of its own? */
export function allocatesIds(record: InstanceRecord, event: HistoryEvent): boolean {
  switch (event.EventType) {
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceFailed: {
      const task = record.pending[event.TaskScheduledId];
      return (task?.kind === 'activity' || task?.kind === 'subOrchestration') && task.retry !== undefined;
    }
    case EventType.TimerFired:
      return (
        record.pending[event.TimerId]?.kind === 'timer' &&
        (record.pending[event.TimerId] as { purpose: string }).purpose === 'retry'
      );
    case EventType.TaskCompleted: {
      const task = record.pending[event.TaskScheduledId];
      return (
        task?.kind === 'http' &&
        task.request.asynchronousPatternEnabled !== false &&
        isAsync202(event.Result) !== undefined
      );
    }
    default:
      return false;
  }
}

/**
 * The messages for the next episode: stale completions of earlier executions are dropped; at most one
 * id-allocating event is taken, and only at the head. The inbox is left as it is: `consumed` (the batch and the
 * stale messages before its end) leaves it only when the episode's outcome is applied, in the same change set, so
 * a commit made while the orchestrator runs (another completion arriving) still persists the batch, and a crash
 * before the episode's commit loses nothing.
 */
export function peekBatch(record: InstanceRecord): { batch: InboxMessage[]; consumed: Set<InboxMessage> } {
  const inbox = record.inbox;
  const batch: InboxMessage[] = [];
  const consumed = new Set<InboxMessage>();
  for (let index = 0; index < inbox.length && batch.length < MAX_BATCH; index++) {
    const message = inbox[index]!;
    const stale = message.executionId !== undefined && message.executionId !== record.executionId;
    if (!stale) {
      if (allocatesIds(record, message.event) && batch.length > 0) break;
      batch.push(message);
    }
    consumed.add(message);
  }
  return { batch, consumed };
}

/** Removes what an episode consumed from the inbox (see `peekBatch`). */
export function removeConsumed(record: InstanceRecord, consumed: Set<InboxMessage>): void {
  if (consumed.size > 0) record.inbox = record.inbox.filter((message) => !consumed.has(message));
}

/** The trigger payload; `history` holds the stored events from index `from` on, then the new ones. */
export function buildPayload(record: InstanceRecord, newEvents: HistoryEvent[], from = 0): OrchestratorPayload {
  return {
    history: from >= record.history.length ? newEvents : record.history.slice(from).concat(newEvents),
    input: record.input === null ? undefined : JSON.parse(record.input),
    instanceId: record.instanceId,
    isReplaying: record.history.length > 0,
    parentInstanceId: record.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 3,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_POLL_MS,
  };
}
