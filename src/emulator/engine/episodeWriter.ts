/** Collects the history events and effects of one episode, with the sequence ids its new actions take. */
import type { Effect } from './effects.js';
import { EventType, makeEvent, type EventBody, type HistoryEvent } from './history.js';
import type { ActivityTask, InstanceRecord, SubOrchestrationTask } from './model.js';

export class EpisodeWriter {
  readonly events: HistoryEvent[] = [];
  readonly effects: Effect[] = [];
  constructor(
    readonly record: InstanceRecord,
    readonly now: number,
  ) {}

  add(body: EventBody): void {
    this.events.push(makeEvent(body, this.now));
  }

  nextId(): number {
    return this.record.nextSequenceId++;
  }

  armTimer(id: number, fireAt: number): void {
    this.add({ EventType: EventType.TimerCreated, EventId: id, FireAt: new Date(fireAt).toISOString() });
    this.effects.push({ type: 'armTimer', timerId: id, fireAt });
  }

  scheduleActivity(id: number, task: ActivityTask): void {
    this.record.pending[id] = task;
    this.add({ EventType: EventType.TaskScheduled, EventId: id, Name: task.name, Input: task.input });
    this.effects.push({ type: 'runActivity', taskId: id });
  }

  scheduleChild(id: number, task: Omit<SubOrchestrationTask, 'childId'>): void {
    const childId = task.requestedId || `${this.record.instanceId}:${id}`;
    this.record.pending[id] = { ...task, childId };
    this.add({
      EventType: EventType.SubOrchestrationInstanceCreated,
      EventId: id,
      Name: task.name,
      InstanceId: childId,
      Input: task.input,
    });
    this.effects.push({
      type: 'startChild',
      childId,
      name: task.name,
      version: task.version ?? '',
      input: task.input,
      parent: {
        instanceId: this.record.instanceId,
        executionId: this.record.executionId,
        taskScheduledId: id,
        name: this.record.name,
      },
    });
  }

  sendToEntity(id: number, target: string, name: string, message: Record<string, unknown>): void {
    this.add({
      EventType: EventType.EventSent,
      EventId: id,
      InstanceId: target,
      Name: name,
      Input: JSON.stringify(message),
    });
  }
}
