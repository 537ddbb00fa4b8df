/**
 * The persisted documents of the emulator: one per orchestration instance and one per entity. The store saves
 * them as plain JSON; the engine owns them in memory and mutates them only between awaits, so a record is always
 * consistent when the store serialises it.
 */
import type { FailureDetails, HistoryEvent } from './history.js';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Suspended';

/** Runtime statuses by their number in .NET's `OrchestrationRuntimeStatus` (the wire form in some places). */
export const RUNTIME_STATUS_BY_NUMBER: readonly RuntimeStatus[] = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
];

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Canceled', 'Terminated']);

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** A new event waiting to be delivered to an orchestration in its next episode. */
export interface InboxMessage {
  /**
   * The execution that scheduled the task this event completes. Completions for an older execution (after
   * continue-as-new or restart) are dropped instead of resolving a task of the new execution (durable-js #577).
   * Absent for instance-level messages such as external events.
   */
  executionId?: string;
  event: HistoryEvent;
}

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** What the host owes an orchestration for one sequence id it has recorded. */
export type PendingTask =
  | ActivityTask
  | SubOrchestrationTask
  | {
      kind: 'http';
      request: DurableHttpRequestWire;
      /** Waiting for its poll timer, not yet sent. */ awaitingPoll?: boolean;
    }
  | TimerTask
  | { kind: 'entityCall'; entity: string; requestId: string }
  | { kind: 'lock'; requestId: string; lockSet: EntityIdWire[] };

export interface ActivityTask {
  kind: 'activity';
  name: string;
  input: string | null;
  retry?: RetryState;
  /** The completion is already in the inbox (set so a duplicate run after a restart is not delivered twice). */
  done?: boolean;
}

export interface SubOrchestrationTask {
  kind: 'subOrchestration';
  name: string;
  /** The id the orchestrator asked for; the engine derives one per attempt when absent. */
  requestedId?: string;
  childId: string;
  input: string | null;
  version?: string;
  retry?: RetryState;
}

export interface TimerTask {
  kind: 'timer';
  fireAt: number;
  purpose: 'user' | 'retry' | 'httpPoll';
  /** For user timers: the index of its action leaf, to notice when the orchestrator cancels it. */
  leafIndex?: number;
  /** For retry timers: the task to schedule again when the timer fires and attempts remain. */
  retryTask?: ActivityTask | SubOrchestrationTask;
  /** For HTTP poll timers: the pre-allocated id of the next HTTP request. */
  nextHttpId?: number;
  done?: boolean;
}

export interface RetryState {
  options: RetryOptionsWire;
  /** 1-based number of the attempt in flight (or of the next attempt while a retry timer runs). */
  attempt: number;
}

export interface DurableHttpRequestWire {
  method: string;
  uri: string;
  content?: string;
  headers?: Record<string, string>;
  asynchronousPatternEnabled?: boolean;
  timeout?: unknown;
}

export interface EntityIdWire {
  name: string;
  key: string;
}

export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON text of the current execution's input. */
  input: string | null;
  /** JSON text of the output (the reason text for Terminated, the error message for Failed). */
  output: string | null;
  /** JSON text of the custom status. */
  customStatus: string | null;
  failureDetails: FailureDetails | null;
  createdTime: number;
  lastUpdatedTime: number;
  parent: ParentRef | null;
  /** The history of the current execution. */
  history: HistoryEvent[];
  /** Incremented whenever `history` is replaced rather than appended to (continue-as-new, rewind, restart). */
  historyVersion: number;
  inbox: InboxMessage[];
  /** The next sequence id the orchestrator code will allocate (mirrors the JS executor's counter). */
  nextSequenceId: number;
  /** Unique action leaves of this execution already turned into history. */
  actionCount: number;
  /** Open host-driven work of this execution, by sequence id (JSON object keys). */
  pending: Record<string, PendingTask>;
  /** Names of external events the orchestrator currently waits for (for the explorer). */
  waitingFor: string[];
  /** The entities of the critical section the orchestrator holds, if any (`context.df.lock`). */
  lockSet: EntityIdWire[] | null;
  /** Number of orchestrator episodes run for this execution (replays), for diagnostics and benchmarks. */
  episodes: number;
  /**
   * Set while the orchestrator function has finished but tasks it started are still open, so the execution has not
   * ended (see `openTasks.ts`); absent otherwise, and in records stored before this field existed.
   */
  returned?: ReturnedState;
}

/** How an orchestrator function finished while tasks it started were still open. */
export interface ReturnedState {
  /** How the execution ends once no task is open: the function returned, threw, or continued as new. */
  status: 'Completed' | 'Failed' | 'ContinuedAsNew';
  /** When it first finished so (ms); replays caused by later events keep this time. */
  at: number;
  /** For `Failed`: the error the function threw. */
  error?: string;
}

/** A request queued for an entity (RequestMessage of the real host, protocol reference §3.2). */
export interface EntityRequest {
  id: string;
  op: string;
  signal: boolean;
  /** JSON text of the operation input, if any. */
  input?: string;
  /** The orchestration that sent it (for calls: where the response goes). */
  parent?: string;
  parentExecution?: string;
  /** Lock requests: the lock set and this entity's position in it. */
  lockset?: EntityIdWire[];
  pos?: number;
  /** A release message from a lock owner. */
  release?: boolean;
  /** Scheduled delivery time (ms). */
  due?: number;
}

export interface EntityRecord {
  /** `@<name lower-cased>@<key>`, the scheduler id of the real host. */
  id: string;
  name: string;
  key: string;
  exists: boolean;
  /** JSON text of the state. */
  state: string | null;
  queue: EntityRequest[];
  /** The orchestration holding this entity's lock, if any. */
  lockedBy: string | null;
  lastOperationTime: number;
  /** Names of the operations it has run, newest first (see entityOperations.ts); absent in older stores. */
  operations?: string[];
}

export function entitySchedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseEntitySchedulerId(id: string): EntityIdWire | null {
  const match = /^@([^@]*)@(.*)$/s.exec(id);
  return match ? { name: match[1]!, key: match[2]! } : null;
}
