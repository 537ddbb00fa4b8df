/**
 * Management operations on instances, with the outcomes the real host reports: `notFound` (404), `gone`
 * (410, the instance is in a state the operation does not apply to) or `accepted` (202, durable).
 */
import type { OperationOutcome } from './api.js';
import { applyEffects, finishExecution } from './applyEffects.js';
import { Changes } from './changes.js';
import type { EngineCore } from './core.js';
import { EventType, makeEvent, type EventBody, type HistoryEvent } from './history.js';
import type { InstanceRecord, PendingTask } from './model.js';
import { isTerminal } from './model.js';

function quote(text: string | null): string | null {
  return text === null ? null : JSON.stringify(text);
}

function appendOutsideEpisode(core: EngineCore, record: InstanceRecord, body: EventBody): void {
  const now = core.clock.now();
  record.history.push(
    { ...makeEvent({ EventType: EventType.OrchestratorStarted }, now), IsPlayed: true },
    { ...makeEvent(body, now), IsPlayed: true },
    { ...makeEvent({ EventType: EventType.OrchestratorCompleted }, now), IsPlayed: true },
  );
  record.lastUpdatedTime = now;
}

async function commitOne(
  core: EngineCore,
  record: InstanceRecord,
  build?: (changes: Changes) => void,
): Promise<OperationOutcome> {
  const changes = new Changes();
  changes.instances.add(record);
  build?.(changes);
  await core.commit(changes);
  return 'accepted';
}

export function raiseEvent(
  core: EngineCore,
  instanceId: string,
  name: string,
  inputJson: string | null,
): Promise<OperationOutcome> {
  const record = core.instances.get(instanceId);
  if (!record) return Promise.resolve('notFound');
  if (isTerminal(record.status)) return Promise.resolve('gone');
  record.inbox.push({
    event: makeEvent({ EventType: EventType.EventRaised, Name: name, Input: inputJson }, core.clock.now()),
  });
  return commitOne(core, record, (changes) => changes.after.push(() => core.markRunnable(record)));
}

export function terminate(core: EngineCore, instanceId: string, reason: string | null): Promise<OperationOutcome> {
  const record = core.instances.get(instanceId);
  if (!record) return Promise.resolve('notFound');
  if (isTerminal(record.status)) return Promise.resolve('gone');
  const now = core.clock.now();
  record.history.push({
    ...makeEvent({ EventType: EventType.ExecutionTerminated, Input: quote(reason) }, now),
    IsPlayed: true,
  });
  record.history.push({
    ...makeEvent(
      {
        EventType: EventType.ExecutionCompleted,
        OrchestrationStatus: 'Terminated',
        Result: quote(reason),
        FailureDetails: null,
      },
      now,
    ),
    IsPlayed: true,
  });
  record.inbox = [];
  record.lastUpdatedTime = now;
  return commitOne(core, record, (changes) =>
    finishExecution(core, record, 'Terminated', quote(reason ?? ''), changes),
  );
}

export function suspend(core: EngineCore, instanceId: string, reason: string | null): Promise<OperationOutcome> {
  const record = core.instances.get(instanceId);
  if (!record) return Promise.resolve('notFound');
  if (isTerminal(record.status)) return Promise.resolve('gone');
  if (record.status === 'Suspended') return Promise.resolve('accepted');
  appendOutsideEpisode(core, record, { EventType: EventType.ExecutionSuspended, Reason: reason });
  record.status = 'Suspended';
  return commitOne(core, record);
}

export function resume(core: EngineCore, instanceId: string, reason: string | null): Promise<OperationOutcome> {
  const record = core.instances.get(instanceId);
  if (!record) return Promise.resolve('notFound');
  if (isTerminal(record.status)) return Promise.resolve('gone');
  if (record.status !== 'Suspended') return Promise.resolve('accepted');
  appendOutsideEpisode(core, record, { EventType: EventType.ExecutionResumed, Reason: reason });
  record.status = record.history.some((e) => e.EventType === EventType.ExecutionStarted) ? 'Running' : 'Pending';
  return commitOne(core, record, (changes) => changes.after.push(() => core.markRunnable(record)));
}

/** Scheduling events of the current execution that have no completion yet, rebuilt from history. */
function openTasks(history: HistoryEvent[]): Map<number, PendingTask> {
  const open = new Map<number, PendingTask>();
  for (const event of history) {
    switch (event.EventType) {
      case EventType.TaskScheduled:
        open.set(event.EventId, { kind: 'activity', name: event.Name, input: event.Input });
        break;
      case EventType.SubOrchestrationInstanceCreated:
        open.set(event.EventId, {
          kind: 'subOrchestration',
          name: event.Name,
          requestedId: event.InstanceId,
          childId: event.InstanceId,
          input: event.Input,
        });
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
        open.delete(event.TaskScheduledId);
        break;
      default:
        break;
    }
  }
  return open;
}

/**
 * Rewind of a Failed instance: the failure events leave the history, every task without a result runs again,
 * and the orchestrator replays to where it waits for them (failed sub-orchestrations are rewound too).
 */
export async function rewind(core: EngineCore, instanceId: string, reason: string | null): Promise<OperationOutcome> {
  const record = core.instances.get(instanceId);
  if (!record) return 'notFound';
  if (record.status === 'Completed' || record.status === 'Terminated' || record.status === 'Canceled') return 'gone';
  if (record.status !== 'Failed') return 'accepted';
  const failedChildren: string[] = [];
  record.history = record.history.filter((event) => {
    if (event.EventType === EventType.SubOrchestrationInstanceFailed) {
      const created = record.history.find(
        (e) => e.EventType === EventType.SubOrchestrationInstanceCreated && e.EventId === event.TaskScheduledId,
      );
      if (created?.EventType === EventType.SubOrchestrationInstanceCreated) failedChildren.push(created.InstanceId);
    }
    return (
      event.EventType !== EventType.TaskFailed &&
      event.EventType !== EventType.SubOrchestrationInstanceFailed &&
      event.EventType !== EventType.ExecutionCompleted
    );
  });
  record.historyVersion++;
  const now = core.clock.now();
  record.status = 'Running';
  record.output = null;
  record.failureDetails = null;
  record.lastUpdatedTime = now;
  const changes = new Changes();
  changes.instances.add(record);
  for (const [id, task] of openTasks(record.history)) {
    record.pending[id] = task;
    if (task.kind === 'activity') changes.after.push(() => core.enqueueActivity(record, id));
    // A child the failing episode asked for was never started (see applyEpisode): start it now.
    if (task.kind === 'subOrchestration' && !core.instances.has(task.childId)) {
      const parent = {
        instanceId: record.instanceId,
        executionId: record.executionId,
        taskScheduledId: id,
        name: record.name,
      };
      applyEffects(
        core,
        record,
        [{ type: 'startChild', childId: task.childId, name: task.name, version: '', input: task.input, parent }],
        changes,
      );
    }
  }
  // The orchestrator runs again on the rewound history (this event is ignored by the library).
  record.inbox.push({
    executionId: record.executionId,
    event: makeEvent({ EventType: EventType.ExecutionRewound, Reason: reason }, now),
  });
  changes.after.push(() => core.markRunnable(record));
  await core.commit(changes);
  for (const childId of failedChildren) {
    const child = core.instances.get(childId);
    if (child?.status === 'Failed' && child.parent?.instanceId === record.instanceId) {
      child.parent = { ...child.parent, executionId: record.executionId };
      await rewind(core, childId, reason);
    }
  }
  return 'accepted';
}
