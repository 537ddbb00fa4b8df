/**
 * The wire shapes of the management API (`/runtime/webhooks/durabletask/`) and the emulator-only API
 * (`/emulator/v1/`), as the client returns them. Dates stay the ISO strings the server sends; query inputs are
 * `Date`s. Types shared with the emulator are imported as types only: the extension talks to it over HTTP alone.
 */
import type { ChangeEvent as EngineChangeEvent, TimerInfo } from '../../emulator/engine/api.js';
import type { EntityDetailsBody } from '../../emulator/engine/entityOperations.js';
import type { RuntimeStatus } from '../../emulator/engine/model.js';
import type { JsonValue, StatusPayload } from '../../emulator/http/statusPayload.js';
import type { FunctionChange } from './appTypes.js';

export type { JsonValue, RuntimeStatus };
export type * from './appTypes.js';

/** One message of the change stream: the engine's changes and the runs of the app's functions. */
export type ChangeEvent = Exclude<EngineChangeEvent, { type: 'function' }> | FunctionChange;

/** `GET /admin/host/status`. The real host sends more fields (id, processUptime, ...). */
export interface HostStatus {
  state: string;
  version: string;
  [field: string]: unknown;
}

/** `GET instances/{id}` and each element of `GET instances/`. */
export type InstanceStatus = StatusPayload;

export interface StartOrchestrationOptions {
  /** The id to start the instance under; the server generates one when absent. */
  instanceId?: string;
  /** Any JSON-serialisable value; no input when undefined. */
  input?: unknown;
  version?: string;
}

export interface GetStatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  /** The server's default is true. */
  showInput?: boolean;
}

export interface InstanceQuery {
  runtimeStatus?: readonly RuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
  /** Page size (the server's default is 100). */
  top?: number;
  /** From the previous page; sent as the `x-ms-continuation-token` header. */
  continuationToken?: string;
  /** The server's default is true. */
  showInput?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  continuationToken?: string;
}

export interface PurgeFilter {
  /** Required by the server. */
  createdTimeFrom: Date;
  /** The server's current time when absent. */
  createdTimeTo?: Date;
  runtimeStatus?: readonly RuntimeStatus[];
}

export interface RestartOptions {
  /** Restart under a new, generated id (the default) or reuse the old one. */
  newInstanceId?: boolean;
}

/** One element of `GET entities/` (only entities that have state are listed). */
export interface EntitySummary {
  entityId: { name: string; key: string };
  lastOperationTime: string;
  /** null unless `fetchState` was asked for. */
  state: JsonValue;
}

/**
 * `GET /emulator/v1/entities`: what the management API does not tell of an entity (like Durable Functions Monitor's
 * entity columns); `lastOperationTime` to the millisecond. Other hosts do not serve it.
 */
export type EntityDetails = EntityDetailsBody;

export interface EntityQuery {
  top?: number;
  continuationToken?: string;
  fetchState?: boolean;
  lastOperationTimeFrom?: Date;
  lastOperationTimeTo?: Date;
}

/** `GET /emulator/v1/clock`: the emulated time (ISO) and its offset from wall time. */
export interface ClockState {
  now: string;
  offsetMs: number;
}

/** `GET /emulator/v1/timers`: a pending durable timer. */
export interface PendingTimer {
  instanceId: string;
  timerId: number;
  /** ISO date-time. */
  fireAt: string;
  purpose: TimerInfo['purpose'];
}

/** `GET /emulator/v1/summary`: instance counts by runtime status, and the number of entities with state. */
export interface EmulatorSummary {
  instances: Partial<Record<RuntimeStatus, number>>;
  entities: number;
}

/** A task that keeps a returned orchestration open: what `ReturnedState.openTasks` lists (times ISO). */
export type OpenTask =
  | { kind: 'timer'; taskId: number; fireAt: string; purpose: TimerInfo['purpose'] }
  | { kind: 'activity'; taskId: number; name: string }
  | { kind: 'subOrchestration'; taskId: number; name: string; instanceId: string }
  | { kind: 'http'; taskId: number; method: string; uri: string };

/**
 * The orchestrator function has finished (`at`, ISO) while tasks it started are still open: like on Azure the
 * instance stays Running, without output, until they are done, then ends as `status` says.
 */
export interface ReturnedState {
  status: 'Completed' | 'Failed' | 'ContinuedAsNew';
  at: string;
  /** For `Failed`: what the function threw. */
  error?: string;
  openTasks: OpenTask[];
}

/** `GET /emulator/v1/returned`: one element per instance that returned while tasks are open. */
export interface ReturnedInstance extends ReturnedState {
  instanceId: string;
}

/** `GET /emulator/v1/instances/{id}`: what the status API does not tell. */
export interface InstanceDetails {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  executionId: string;
  parentInstanceId: string | null;
  subOrchestrations: string[];
  /** Event names the orchestrator waits for now. */
  waitingFor: string[];
  pendingTimers: PendingTimer[];
  historyLength: number;
  episodes: number;
  /** null unless the function returned while tasks are open (absent from emulators older than this field). */
  returned?: ReturnedState | null;
}
