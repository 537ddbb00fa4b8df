/**
 * What a test sees of an instance: its status in the management API's shape with the failure picked out and a
 * one-line summary, and, for an instance that never finished, what it is still waiting for.
 */
import { EventType, eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
import type { InstanceRecord } from '../emulator/engine/model.js';
import { describeOpenTask, openTasksOf } from '../emulator/engine/openTasks.js';
import { toStatusPayload } from '../emulator/http/statusPayload.js';
import type { FailureInfo, HistoryEventJson, InstanceResult } from './types.js';

const LAST_EVENTS = 4;

export function instanceResult(record: InstanceRecord): InstanceResult {
  const payload = toStatusPayload(record, { showHistory: true, showHistoryOutput: true });
  const failure = record.status === 'Failed' ? failureOf(record.history) : undefined;
  const history = (payload.historyEvents ?? []) as HistoryEventJson[];
  const result: InstanceResult = {
    instanceId: payload.instanceId,
    name: payload.name,
    runtimeStatus: record.status,
    input: payload.input,
    output: payload.output,
    customStatus: payload.customStatus,
    createdTime: payload.createdTime,
    lastUpdatedTime: payload.lastUpdatedTime,
    history,
    ...(failure ? { failure } : {}),
    summary: '',
  };
  result.summary = summaryOf(result, record.history);
  return result;
}

/** The failure the execution ended with, and the task whose failure it passed on (when it did). */
function failureOf(history: HistoryEvent[]): FailureInfo | undefined {
  const end = [...history].reverse().find((e) => e.EventType === EventType.ExecutionCompleted);
  if (!end) return undefined;
  const details = (end as { FailureDetails?: { ErrorMessage?: string; StackTrace?: string | null } }).FailureDetails;
  const result = (end as { Result?: string | null }).Result;
  const message = details?.ErrorMessage ?? result ?? 'failed';
  const lastFailed = [...history]
    .reverse()
    .find((e) => e.EventType === EventType.TaskFailed || e.EventType === EventType.SubOrchestrationInstanceFailed);
  let task: string | undefined;
  let stack = details?.StackTrace ?? undefined;
  if (lastFailed) {
    const scheduledId = (lastFailed as { TaskScheduledId?: number }).TaskScheduledId;
    const scheduled = history.find(
      (e) =>
        e.EventId === scheduledId &&
        (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated),
    );
    const name = (scheduled as { Name?: string } | undefined)?.Name;
    // The orchestrator passed the task's failure on when its message carries the task's message.
    const reason = (lastFailed as { Reason?: string }).Reason ?? '';
    if (name && (message.includes(reason) || reason.includes(message) || message.includes(`'${name}'`))) {
      task = name;
      stack = (lastFailed as { Details?: string }).Details || stack;
    }
  }
  return { message, ...(task ? { task } : {}), ...(stack ? { stack } : {}) };
}

function firstFrame(stack: string | undefined): string | undefined {
  return stack
    ?.split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('at '));
}

function eventLabel(event: HistoryEvent, history: HistoryEvent[]): string {
  const type = eventTypeName(event.EventType);
  const named = (event as { Name?: string }).Name;
  if (named) return `${type} ${named}`;
  const scheduledId = (event as { TaskScheduledId?: number }).TaskScheduledId;
  if (scheduledId !== undefined) {
    const scheduled = history.find((e) => e.EventId === scheduledId && (e as { Name?: string }).Name);
    if (scheduled) return `${type} ${(scheduled as { Name: string }).Name}`;
  }
  return type;
}

function summaryOf(result: InstanceResult, history: HistoryEvent[]): string {
  const parts = [`${result.name} '${result.instanceId}': ${result.runtimeStatus}`];
  if (result.failure) {
    parts[0] += `: ${result.failure.message.split('\n', 1)[0]!.trim()}`;
    if (result.failure.task) parts.push(`in '${result.failure.task}'`);
    const frame = firstFrame(result.failure.stack);
    if (frame) parts.push(frame);
  } else if (result.runtimeStatus === 'Completed') {
    parts[0] += ` with ${JSON.stringify(result.output) ?? 'no output'}`;
  }
  const events = history.filter(
    (e) => e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted,
  );
  const last = events.slice(-LAST_EVENTS).map((e) => eventLabel(e, history));
  if (last.length > 0) parts.push(`last events: ${last.join(', ')}`);
  return parts.join(' · ').slice(0, 2000);
}

/** What keeps an unfinished instance open, for the timeout message. */
export function pendingOf(record: InstanceRecord, now: number): string {
  const items: string[] = [];
  for (const task of openTasksOf(record)) {
    const text = describeOpenTask(task);
    items.push(task.kind === 'timer' ? `${text}, ${formatIn(task.fireAt - now)}` : text);
  }
  for (const name of record.waitingFor) items.push(`external event '${name}'`);
  if (record.status === 'Suspended') items.push('resume (it is suspended)');
  if (record.inbox.length > 0) items.push(`${record.inbox.length} event(s) not yet processed`);
  return items.length > 0 ? items.join('; ') : 'nothing the host knows of (the orchestrator may await a plain promise)';
}

function formatIn(ms: number): string {
  if (ms <= 0) return 'due now';
  const hours = ms / 3_600_000;
  if (hours >= 1) return `in ${hours.toFixed(hours >= 10 ? 0 : 1)} h`;
  const minutes = ms / 60_000;
  if (minutes >= 1) return `in ${minutes.toFixed(0)} min`;
  return `in ${(ms / 1000).toFixed(1)} s`;
}
