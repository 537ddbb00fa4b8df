/**
 * History events in the wire form that `durable-functions` reads (PascalCase, numeric `EventType`), as the
 * real host sends them (protocol reference §2.2). The engine stores exactly this form, so a stored history can
 * be replayed through the real orchestrator handler without conversion.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
  ExecutionRewound = 21,
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string | null;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown> | null;
  InnerFailure?: FailureDetails | null;
}

interface Base {
  /** The sequence id for scheduling events; -1 for all others. */
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 timestamp. */
  Timestamp: string;
}

export interface ExecutionStartedEvent extends Base {
  EventType: EventType.ExecutionStarted;
  Name: string;
  Version: string;
  /** JSON text of the orchestration input, or null. */
  Input: string | null;
  OrchestrationInstance: { InstanceId: string; ExecutionId: string };
  ParentInstance: { InstanceId: string; TaskScheduleId: number; Name: string } | null;
}
export interface ExecutionCompletedEvent extends Base {
  EventType: EventType.ExecutionCompleted;
  OrchestrationStatus: 'Completed' | 'Failed' | 'ContinuedAsNew' | 'Terminated';
  Result: string | null;
  FailureDetails: FailureDetails | null;
}
export interface ExecutionTerminatedEvent extends Base {
  EventType: EventType.ExecutionTerminated;
  Input: string | null;
}
export interface TaskScheduledEvent extends Base {
  EventType: EventType.TaskScheduled;
  Name: string;
  Input: string | null;
}
export interface TaskCompletedEvent extends Base {
  EventType: EventType.TaskCompleted;
  TaskScheduledId: number;
  Result: string | null;
}
export interface TaskFailedEvent extends Base {
  EventType: EventType.TaskFailed;
  TaskScheduledId: number;
  Reason: string;
  Details: string;
  FailureDetails?: FailureDetails;
}
export interface SubOrchestrationCreatedEvent extends Base {
  EventType: EventType.SubOrchestrationInstanceCreated;
  Name: string;
  InstanceId: string;
  Input: string | null;
}
export interface SubOrchestrationCompletedEvent extends Base {
  EventType: EventType.SubOrchestrationInstanceCompleted;
  TaskScheduledId: number;
  Result: string | null;
}
export interface SubOrchestrationFailedEvent extends Base {
  EventType: EventType.SubOrchestrationInstanceFailed;
  TaskScheduledId: number;
  Reason: string;
  Details: string;
  FailureDetails?: FailureDetails;
}
export interface TimerCreatedEvent extends Base {
  EventType: EventType.TimerCreated;
  FireAt: string;
}
export interface TimerFiredEvent extends Base {
  EventType: EventType.TimerFired;
  TimerId: number;
  FireAt: string;
}
export interface OrchestratorStartedEvent extends Base {
  EventType: EventType.OrchestratorStarted;
}
export interface OrchestratorCompletedEvent extends Base {
  EventType: EventType.OrchestratorCompleted;
}
export interface EventSentEvent extends Base {
  EventType: EventType.EventSent;
  /** The target: `@<entity name>@<key>` for entity requests. */
  InstanceId: string;
  Name: string;
  /** JSON text of the request message; its `id` re-keys the waiting task. */
  Input: string;
}
export interface EventRaisedEvent extends Base {
  EventType: EventType.EventRaised;
  Name: string;
  Input: string | null;
}
export interface ContinueAsNewEvent extends Base {
  EventType: EventType.ContinueAsNew;
  Input: string | null;
}
export interface ExecutionSuspendedEvent extends Base {
  EventType: EventType.ExecutionSuspended;
  Reason: string | null;
}
export interface ExecutionResumedEvent extends Base {
  EventType: EventType.ExecutionResumed;
  Reason: string | null;
}
export interface ExecutionRewoundEvent extends Base {
  EventType: EventType.ExecutionRewound;
  Reason: string | null;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationCreatedEvent
  | SubOrchestrationCompletedEvent
  | SubOrchestrationFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventSentEvent
  | EventRaisedEvent
  | ContinueAsNewEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent
  | ExecutionRewoundEvent;

/** Distributes `Omit` over the union, so a factory can take an event without its common fields. */
export type EventBody<E extends HistoryEvent = HistoryEvent> = E extends HistoryEvent
  ? Omit<E, 'EventId' | 'IsPlayed' | 'Timestamp'> & { EventId?: number }
  : never;

/** Builds a history event with the common fields filled in. */
export function makeEvent<E extends EventBody>(body: E, timestamp: number): HistoryEvent {
  return { EventId: -1, IsPlayed: false, Timestamp: new Date(timestamp).toISOString(), ...body } as HistoryEvent;
}

export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
