/**
 * Messages between the engine and the app worker (the process that runs user code), like the Functions host
 * and its language worker. Invocations and results travel in batches: one IPC message per tick each way.
 */
import type { WorkerHttpRequest, WorkerHttpResponse } from '../../protocol/http.js';
import type { HistoryEvent } from '../engine/history.js';
import type { AppConfig } from '../appConfig.js';

/**
 * What starts a function. `timer`, `queue` and `blob` are the triggers the emulator runs itself besides HTTP
 * (src/emulator/triggers); `other` is every trigger it cannot serve (Service Bus, Event Hubs, Cosmos DB, Event
 * Grid, ...), which can still be invoked by hand (`POST /admin/functions/{name}`).
 */
export type TriggerKind = 'orchestration' | 'activity' | 'entity' | 'http' | 'timer' | 'queue' | 'blob' | 'other';

export interface FunctionInfo {
  name: string;
  kind: TriggerKind;
  /** HTTP trigger route (without the prefix; defaults to the function name) and upper-case methods. */
  route?: string;
  methods?: string[];
  /** The trigger binding type as registered, e.g. `timerTrigger` for kinds the emulator does not run. */
  triggerType: string;
  /**
   * Bindings of a function the emulator runs that it does not honour (see host/bindingSupport.ts): an input it
   * does not provide, or an output whose values it discards. Absent for functions it does not run.
   */
  unsupportedBindings?: UnsupportedBinding[];
  /** Every binding as registered, with the `%Setting%` references of its resolvable properties resolved. */
  bindings: BindingInfo[];
}

export interface BindingInfo {
  /** The binding's name as registered (`$return` for a `return` output). */
  name: string;
  /** Its type as registered: `timerTrigger`, `queueTrigger`, `blob`, `queue`, `table`, ... */
  type: string;
  direction: 'in' | 'out';
  /** Its other properties (`schedule`, `queueName`, `path`, `connection`, `tableName`, ...), settings resolved. */
  properties: Record<string, unknown>;
}

/** A value as the host hands it to the worker (the subset of the Functions RPC `TypedData` the emulator uses). */
export type TypedData = { string: string } | { json: string } | { bytes: Uint8Array };

/** What the host provides to an invocation besides its trigger: input binding values and trigger metadata. */
export interface BindingValues {
  inputs?: { name: string; data: TypedData }[];
  /** `context.triggerMetadata`, before `@azure/functions` camel-cases its keys (`DequeueCount` → `dequeueCount`). */
  triggerMetadata?: Record<string, TypedData>;
}

/**
 * The values an invocation set on its output bindings (other than an HTTP response), by binding name (`$return` for
 * the `return` output): only those that are neither undefined nor null, as `@azure/functions` sends them. Strings
 * and bytes travel as they are, anything else as JSON (an array stays an array: one queue message per item).
 */
export type OutputValues = Record<string, TypedData>;

export interface UnsupportedBinding {
  /** The binding's name as registered (`$return` for a `return` output). */
  name: string;
  /** Its type, as `@azure/functions` names it (`storageBlob` for a registered `blob`). */
  type: string;
  direction: 'in' | 'out';
}

export interface OrchestratorPayload {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

export interface EntityBatchInput {
  self: { name: string; key: string };
  exists: boolean;
  state: string | null;
  batch: { name: string; input?: string; isSignal: boolean }[];
}

export type Invocation =
  | {
      kind: 'orchestration';
      functionName: string;
      payload: OrchestratorPayload;
      /** Names this execution and history version; the worker keeps the past events under it. */
      historyKey: string;
      /**
       * When set, `payload.history` holds only what follows the first `historyBase` past events of `historyKey`,
       * which the worker kept from the previous episode.
       */
      historyBase?: number;
      /** How many events at the end of `payload.history` are this episode's new (unplayed) events. */
      newEvents: number;
      /** Leaves the engine already turned into history: only later ones are sent back in full. */
      knownLeaves: number;
    }
  | { kind: 'activity'; functionName: string; instanceId: string; input: string | null; bindings?: BindingValues }
  | { kind: 'entity'; functionName: string; batch: EntityBatchInput }
  | { kind: 'http'; functionName: string; request: WorkerHttpRequest; bindings?: BindingValues }
  /** Any other trigger (timer, queue, blob, or one invoked by hand): `trigger` is the trigger binding's value. */
  | { kind: 'trigger'; functionName: string; trigger: TypedData; bindings?: BindingValues };

/** An action as the orchestrator emitted it (the JSON form of the library's action classes). */
export interface WireAction {
  actionType: number;
  [key: string]: unknown;
}

export interface EpisodeResult {
  isDone: boolean;
  /**
   * Unique leaf actions of this execution in the order the orchestrator allocated their sequence ids, from
   * index `leafOffset` on (the ones the engine did not know yet).
   */
  leaves: WireAction[];
  leafOffset: number;
  /** Number of unique leaves in this execution. */
  leafCount: number;
  /** Indexes of timer leaves the orchestrator has cancelled (a `Task.any` decided elsewhere). */
  canceledTimers: number[];
  /** The event name of every `waitForExternalEvent` leaf, in leaf order. */
  waitNames: string[];
  /**
   * The first continue-as-new leaf of the execution, new or not: an orchestrator that continued as new while tasks
   * were open answers with it again, as an old leaf, in the episode that finally ends the execution.
   */
  continueAsNew?: WireAction;
  output?: unknown;
  customStatus?: unknown;
  /** Set when the orchestrator threw: its message (the library's `state.error`), or a description of the value. */
  error?: string;
  failureDetails?: unknown;
  /**
   * Set when the orchestrator threw something durable-functions reports no message for (anything but an Error
   * with one: on Azure the instance would stay Running). `error` then describes the value (host/thrown.ts).
   */
  thrown?: { type: string; phrase: string; value?: unknown };
}

export interface EntityBatchResult {
  results: { isError: boolean; result?: string; duration?: number }[];
  signals: { target: { name: string; key: string }; name: string; input?: string }[];
  entityExists: boolean;
  entityState?: string;
}

export type InvocationResult =
  | { kind: 'orchestration'; episode: EpisodeResult }
  /** The worker no longer has the history the call builds on (it restarted or evicted it): send it whole. */
  | { kind: 'historyCacheMiss' }
  | { kind: 'activity'; resultJson: string; outputs?: OutputValues }
  | { kind: 'entity'; batch: EntityBatchResult }
  | { kind: 'http'; response: WorkerHttpResponse; outputs?: OutputValues }
  | { kind: 'trigger'; outputs: OutputValues };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Set when the error means the worker itself could not run the call (e.g. unknown function). */
  system?: boolean;
}

export type Outcome = { ok: true; value: InvocationResult } | { ok: false; error: SerializedError };

export type EngineToWorker =
  { type: 'invoke'; calls: { id: number; call: Invocation }[] } | { type: 'ping'; id: number } | { type: 'shutdown' };

export type WorkerToEngine =
  | { type: 'ready'; functions: FunctionInfo[] }
  /** `config`: the message is a configuration problem for the user (an AppConfigError), reported as is. */
  | { type: 'loadError'; message: string; config?: boolean }
  | { type: 'results'; results: { id: number; outcome: Outcome }[] }
  | { type: 'pong'; id: number }
  | { type: 'log'; level: LogLevel; functionName?: string; message: string };

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

/** The environment variable that carries `WorkerBootOptions` to the worker process. */
export const WORKER_OPTIONS_ENV = 'DURABLE_STUDIO_WORKER';

/** What the worker needs to know to load the app. */
export interface WorkerBootOptions {
  config: Pick<AppConfig, 'appDir' | 'mainFiles' | 'values' | 'hubName'>;
  /** Origin of the emulator's HTTP server, e.g. `http://localhost:7071`. */
  origin: string;
  /** Where the worker records which call's user code runs synchronously (see userCodeMarker.ts). */
  markerFile?: string;
}

export function serializeError(error: unknown, system = false): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
      ...(system ? { system } : {}),
    };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeJson(error), ...(system ? { system } : {}) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
