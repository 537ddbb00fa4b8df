/** Constructors for fresh records and the events every execution starts with. */
import { randomUUID } from 'node:crypto';
import { EventType, makeEvent } from './history.js';
import type { EntityRecord, InstanceRecord, ParentRef } from './model.js';
import { entitySchedulerId, parseEntitySchedulerId } from './model.js';

export function newExecutionId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Instance ids the engine makes up look like the real host's (a GUID without dashes). */
export function newInstanceId(): string {
  return randomUUID().replace(/-/g, '');
}

export interface NewInstance {
  instanceId: string;
  name: string;
  version: string;
  input: string | null;
  parent: ParentRef | null;
  now: number;
}

/** A Pending instance whose inbox holds its ExecutionStarted event. */
export function createInstance(spec: NewInstance): InstanceRecord {
  const record: InstanceRecord = {
    instanceId: spec.instanceId,
    name: spec.name,
    version: spec.version,
    executionId: newExecutionId(),
    status: 'Pending',
    input: spec.input,
    output: null,
    customStatus: null,
    failureDetails: null,
    createdTime: spec.now,
    lastUpdatedTime: spec.now,
    parent: spec.parent,
    history: [],
    historyVersion: 0,
    inbox: [],
    nextSequenceId: 0,
    actionCount: 0,
    pending: {},
    waitingFor: [],
    lockSet: null,
    episodes: 0,
  };
  startExecution(record, spec.input, spec.now);
  return record;
}

/** Resets the record to a new execution (start, continue-as-new, restart) with ExecutionStarted queued first. */
export function startExecution(record: InstanceRecord, input: string | null, now: number): void {
  if (record.history.length > 0) record.historyVersion++;
  record.executionId = newExecutionId();
  record.history = [];
  record.input = input;
  record.output = null;
  record.failureDetails = null;
  record.nextSequenceId = 0;
  record.actionCount = 0;
  record.pending = {};
  record.waitingFor = [];
  record.lockSet = null;
  record.episodes = 0;
  delete record.returned;
  const started = makeEvent(
    {
      EventType: EventType.ExecutionStarted,
      Name: record.name,
      Version: record.version,
      Input: input,
      OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
      ParentInstance: record.parent
        ? {
            InstanceId: record.parent.instanceId,
            TaskScheduleId: record.parent.taskScheduledId,
            Name: record.parent.name,
          }
        : null,
    },
    now,
  );
  // Instance-level messages (external events raised early) stay; completions of the old execution go.
  record.inbox = [
    { executionId: record.executionId, event: started },
    ...record.inbox.filter((m) => m.executionId === undefined),
  ];
}

export function createEntity(schedulerId: string, now: number): EntityRecord {
  const parsed = parseEntitySchedulerId(schedulerId) ?? { name: schedulerId, key: '' };
  return {
    id: entitySchedulerId(parsed.name, parsed.key),
    name: parsed.name.toLowerCase(),
    key: parsed.key,
    exists: false,
    state: null,
    queue: [],
    lockedBy: null,
    lastOperationTime: now,
  };
}

/** The current execution's input (JSON text or null), as its ExecutionStarted event holds it. */
export function executionInput(record: InstanceRecord): string | null {
  const started = record.history.find((event) => event.EventType === EventType.ExecutionStarted);
  return started && 'Input' in started ? ((started.Input as string | null | undefined) ?? null) : record.input;
}
