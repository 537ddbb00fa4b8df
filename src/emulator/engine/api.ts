/**
 * What the engine offers the HTTP layer (management API, emulator-only API, user HTTP triggers). The HTTP layer
 * depends only on this contract, so it can be tested against a real engine or driven by any other front end.
 */
import type { FunctionRunStatus, TriggerReason } from '../../protocol/functions.js';
import type { TriggerKind } from '../host/protocol.js';
import type { EntityRecord, InstanceRecord, RuntimeStatus } from './model.js';

export interface StartOptions {
  instanceId?: string;
  /** JSON text of the input, or null for none. */
  input?: string | null;
  version?: string;
}

export interface InstanceQuery {
  instanceIdPrefix?: string;
  /** Exact orchestration name (emulator extension; the real host has no such filter). */
  name?: string;
  createdTimeFrom?: number;
  createdTimeTo?: number;
  runtimeStatus?: RuntimeStatus[];
  /** Page size; unlimited when absent. */
  top?: number;
  /** Opaque token from a previous page. */
  continuationToken?: string;
}

export interface EntityQuery {
  name?: string;
  lastOperationTimeFrom?: number;
  lastOperationTimeTo?: number;
  top?: number;
  continuationToken?: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page (never the string "null": the JS client would loop forever). */
  continuationToken?: string;
}

export interface PurgeFilter {
  createdTimeFrom: number;
  createdTimeTo?: number;
  runtimeStatus?: RuntimeStatus[];
}

/** Result of a management operation on an existing instance. */
export type OperationOutcome = 'accepted' | 'notFound' | 'gone';

export interface RegisteredFunction {
  name: string;
  kind: TriggerKind;
  /** For HTTP triggers. */
  route?: string;
  methods?: string[];
}

/** A change the engine announces (the emulator's live stream for the explorer). */
export type ChangeEvent =
  | {
      type: 'instance';
      instanceId: string;
      name: string;
      runtimeStatus: RuntimeStatus;
      /** Epoch ms, like `createdTime` (the status API rounds both down to the second). */
      lastUpdatedTime: number;
      createdTime: number;
      parentInstanceId?: string;
    }
  | { type: 'instanceDeleted'; instanceId: string }
  | { type: 'entity'; entityName: string; entityKey: string; exists: boolean; lastOperationTime: number }
  | { type: 'entityDeleted'; entityName: string; entityKey: string }
  | { type: 'clock'; now: number; offsetMs: number }
  /**
   * A run of a timer, queue, blob or hand-invoked function started (`Running`) or ended (`durationMs`, and `error`
   * when it failed). `at` is when the run started, in emulated time.
   */
  | {
      type: 'function';
      name: string;
      status: FunctionRunStatus;
      reason: TriggerReason;
      at: number;
      durationMs?: number;
      error?: string;
    };

export interface TimerInfo {
  instanceId: string;
  timerId: number;
  fireAt: number;
  purpose: 'user' | 'retry' | 'httpPoll';
}

/** A task the orchestrator started that has no result yet: it keeps the execution open (see `openTasks.ts`). */
export type OpenTaskInfo =
  | { kind: 'timer'; taskId: number; fireAt: number; purpose: TimerInfo['purpose'] }
  | { kind: 'activity'; taskId: number; name: string }
  | { kind: 'subOrchestration'; taskId: number; name: string; instanceId: string }
  | { kind: 'http'; taskId: number; method: string; uri: string };

export class EngineError extends Error {
  constructor(
    readonly code: 'badRequest' | 'notFound' | 'conflict' | 'gone' | 'preconditionFailed' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface EngineApi {
  readonly hubName: string;
  /** Starts an orchestration; resolves when the start is durable. Throws EngineError('badRequest') for an
   * unknown orchestrator and EngineError('conflict') when a non-terminal instance with that id exists. */
  startNew(name: string, options: StartOptions): Promise<InstanceRecord>;
  getInstance(instanceId: string): InstanceRecord | undefined;
  listInstances(query: InstanceQuery): Page<InstanceRecord>;
  raiseEvent(instanceId: string, eventName: string, inputJson: string | null): Promise<OperationOutcome>;
  terminate(instanceId: string, reason: string | null): Promise<OperationOutcome>;
  suspend(instanceId: string, reason: string | null): Promise<OperationOutcome>;
  resume(instanceId: string, reason: string | null): Promise<OperationOutcome>;
  rewind(instanceId: string, reason: string | null): Promise<OperationOutcome>;
  /** Restarts with the original input; returns the new instance. Throws EngineError('notFound'). */
  restart(instanceId: string, restartWithNewInstanceId: boolean): Promise<InstanceRecord>;
  /**
   * Deletes one instance in a terminal state (Completed, Failed, Terminated, Canceled); resolves with the number
   * deleted (0 when there is no such instance, entity ids included: entities are never purged). Throws
   * EngineError('preconditionFailed') for an instance that has not finished.
   */
  purge(instanceId: string): Promise<number>;
  /**
   * Deletes the instances created in the window that are in a terminal state and, when `runtimeStatus` is given,
   * in one of those statuses; non-terminal statuses in it select nothing. Resolves with the number deleted.
   */
  purgeBy(filter: PurgeFilter): Promise<number>;
  getEntity(name: string, key: string): EntityRecord | undefined;
  listEntities(query: EntityQuery): Page<EntityRecord>;
  /**
   * Queues an operation for an entity; resolves when durable. `inputJson` is JSON text or undefined. Throws
   * EngineError('badRequest') when the app has no entity function of that name, as the real host's client does.
   */
  signalEntity(name: string, key: string, operation: string, inputJson: string | undefined): Promise<void>;
  functions(): RegisteredFunction[];
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (change: ChangeEvent) => void): () => void;
  /** Virtual clock: the current emulated time and the offset from wall time. */
  clockNow(): { now: number; offsetMs: number };
  /** Moves emulated time forward; timers that become due fire. */
  advanceClock(ms: number): Promise<void>;
  pendingTimers(instanceId?: string): TimerInfo[];
  /** Fires one pending timer of an instance now (the earliest when timerId is absent). */
  fireTimer(instanceId: string, timerId?: number): Promise<OperationOutcome>;
}
