/**
 * The contract between the sources of non-HTTP, non-durable invocations (timer schedules, queue listeners, blob
 * scanners, `POST /admin/functions/{name}`, the testing library) and the one place that runs them (`TriggerHost`).
 */
import type { FunctionSummary, TriggerReason } from '../../protocol/functions.js';
import type { FunctionInfo, TypedData } from '../host/protocol.js';

export type { TriggerReason };

export interface TriggerRequest {
  functionName: string;
  /** The trigger binding's value: the timer object, the queue message, the blob's bytes, the input given by hand. */
  trigger: TypedData;
  /** `context.triggerMetadata` (queue message id, dequeue count, blob path, `{name}` pattern values, ...). */
  triggerMetadata?: Record<string, TypedData>;
  reason: TriggerReason;
  /**
   * The host's words for the reason in the `Executing` log line (`New queue message detected on 'orders'.`);
   * a default per `reason` when absent.
   */
  reasonText?: string;
}

export type TriggerOutcome =
  | { ok: true; durationMs: number }
  /** `error` is the handler's message (or why the invocation could not run), `stack` where there is one. */
  | { ok: false; durationMs: number; error: string; stack?: string };

/** Runs trigger invocations: writes their outputs, logs them and announces them on the change stream. */
export interface TriggerInvoker {
  /** Resolves with the outcome; never rejects (a failure is an outcome). */
  run(request: TriggerRequest): Promise<TriggerOutcome>;
}

/** What a manual invocation (`POST /admin/functions/{name}`) was told. */
export type ManualInvokeOutcome =
  | { kind: 'accepted' }
  | { kind: 'notFound' }
  /** The function cannot be invoked this way (HTTP or durable trigger); `message` says how to run it. */
  | { kind: 'refused'; message: string };

/** What the HTTP layer needs from the triggers: the admin API and `GET /emulator/v1/functions`. */
export interface TriggersApi {
  /** Every function with its trigger details, schedule and last run. */
  summaries(): FunctionSummary[];
  /** The functions as registered (bindings included), for `GET /admin/functions`. */
  definitions(): FunctionInfo[];
  /** Starts a run with `input` as the trigger value (a timer gets its timer object); does not wait for it. */
  invokeByHand(name: string, input: string): ManualInvokeOutcome;
}
