/**
 * Effects of an episode (or of a management operation) on the rest of the engine: work to start once the change
 * set is durable, and changes to other records (children, parents, entities) that go into the same commit.
 */
import type { Changes } from './changes.js';
import type { EngineCore } from './core.js';
import type { Effect } from './effects.js';
import { EventType, makeEvent } from './history.js';
import type { InstanceRecord } from './model.js';
import { entitySchedulerId, isTerminal } from './model.js';
import { createInstance } from './records.js';
import { missingFunctionMessage } from './hostChecks.js';

/** Ends the current execution and tells the parent, if any. */
export function finishExecution(
  core: EngineCore,
  record: InstanceRecord,
  status: 'Completed' | 'Failed' | 'Terminated',
  output: string | null,
  changes: Changes,
): void {
  record.status = status;
  record.output = output;
  core.workerHistories.delete(record.instanceId);
  if (status === 'Failed') {
    const completed = record.history.findLast((e) => e.EventType === EventType.ExecutionCompleted);
    record.failureDetails = completed?.EventType === EventType.ExecutionCompleted ? completed.FailureDetails : null;
  }
  for (const id of Object.keys(record.pending)) core.cancelTimer(record, Number(id));
  record.pending = {};
  record.waitingFor = [];
  delete record.returned;
  releaseHeldLocks(core, record, changes);
  const parent = record.parent;
  if (!parent) return;
  const now = core.clock.now();
  const message =
    status === 'Failed'
      ? (record.failureDetails?.ErrorMessage ?? String(JSON.parse(output ?? '"failed"')))
      : `Sub-orchestration '${record.instanceId}' was terminated: ${output === null ? '' : String(JSON.parse(output))}`;
  const event =
    status === 'Completed'
      ? makeEvent(
          {
            EventType: EventType.SubOrchestrationInstanceCompleted,
            TaskScheduledId: parent.taskScheduledId,
            Result: output,
          },
          now,
        )
      : makeEvent(
          {
            EventType: EventType.SubOrchestrationInstanceFailed,
            TaskScheduledId: parent.taskScheduledId,
            Reason: message,
            Details: record.failureDetails?.StackTrace ?? '',
          },
          now,
        );
  applyEffects(core, record, [{ type: 'notifyParent', parent, event }], changes);
}

/**
 * An execution that ends (completes, fails, is terminated or continues as new) inside a critical section gives its
 * locks back, as the real host does, so the entities do not stay locked forever.
 */
export function releaseHeldLocks(core: EngineCore, record: InstanceRecord, changes: Changes): void {
  const lockSet = record.lockSet;
  if (!lockSet) return;
  record.lockSet = null;
  const entityIds = lockSet.map((e) => entitySchedulerId(e.name, e.key));
  applyEffects(core, record, [{ type: 'releaseLocks', entityIds }], changes);
}

export function applyEffects(core: EngineCore, record: InstanceRecord, effects: Effect[], changes: Changes): void {
  for (const effect of effects) {
    switch (effect.type) {
      case 'runActivity':
        changes.after.push(() => core.enqueueActivity(record, effect.taskId));
        break;
      case 'runHttp':
        changes.after.push(() => core.runHttp(record, effect.taskId));
        break;
      case 'armTimer':
        changes.after.push(() => core.armTimer(record, effect.timerId, effect.fireAt));
        break;
      case 'cancelTimer':
        core.cancelTimer(record, effect.timerId);
        break;
      case 'startChild':
        startChild(core, record, effect, changes);
        break;
      case 'entityRequest':
        core.enqueueEntityRequest(effect.entityId, effect.request, changes);
        break;
      case 'releaseLocks':
        for (const entityId of effect.entityIds) {
          core.enqueueEntityRequest(
            entityId,
            { id: `release:${record.instanceId}`, op: '', signal: true, release: true, parent: record.instanceId },
            changes,
          );
        }
        break;
      case 'notifyParent': {
        const parent = core.instances.get(effect.parent.instanceId);
        if (!parent || parent.executionId !== effect.parent.executionId || isTerminal(parent.status)) break;
        parent.inbox.push({ executionId: parent.executionId, event: effect.event });
        changes.instances.add(parent);
        changes.after.push(() => core.markRunnable(parent));
        break;
      }
    }
  }
}

function startChild(
  core: EngineCore,
  parent: InstanceRecord,
  effect: Extract<Effect, { type: 'startChild' }>,
  changes: Changes,
): void {
  const now = core.clock.now();
  const existing = core.instances.get(effect.childId);
  if (existing && !isTerminal(existing.status)) {
    const event = makeEvent(
      {
        EventType: EventType.SubOrchestrationInstanceFailed,
        TaskScheduledId: effect.parent.taskScheduledId,
        Reason: `An orchestration instance with ID '${effect.childId}' already exists and is ${existing.status}.`,
        Details: '',
      },
      now,
    );
    parent.inbox.push({ executionId: parent.executionId, event });
    changes.after.push(() => core.markRunnable(parent));
    return;
  }
  // Checked when the parent scheduled it (hostChecks.ts); a reload (--watch) may have removed it since.
  if (!core.findFunction(effect.name, 'orchestration')) {
    const event = makeEvent(
      {
        EventType: EventType.SubOrchestrationInstanceFailed,
        TaskScheduledId: effect.parent.taskScheduledId,
        Reason: missingFunctionMessage(effect.name, 'orchestration', core.functions),
        Details: '',
      },
      now,
    );
    parent.inbox.push({ executionId: parent.executionId, event });
    changes.after.push(() => core.markRunnable(parent));
    return;
  }
  const child = createInstance({
    instanceId: effect.childId,
    name: effect.name,
    version: effect.version,
    input: effect.input,
    parent: effect.parent,
    now,
  });
  core.instances.set(child.instanceId, child);
  changes.instances.add(child);
  changes.after.push(() => core.markRunnable(child));
}
