/**
 * The contract between the sources of non-HTTP, non-durable invocations (timer schedules, queue listeners, blob
 * scanners, `POST /admin/functions/{name}`, the testing library) and the one place that runs them (`TriggerHost`).
 */
import type { TypedData } from '../host/protocol.js';

/** Why a function runs, as the host's log says it: `Reason='Timer fired at ...'`, `'New queue message detected'`. */
export type TriggerReason = 'timer' | 'queue' | 'blob' | 'manual';

export interface TriggerRequest {
  functionName: string;
  /** The trigger binding's value: the timer object, the queue message, the blob's bytes, the input given by hand. */
  trigger: TypedData;
  /** `context.triggerMetadata` (queue message id, dequeue count, blob path, `{name}` pattern values, ...). */
  triggerMetadata?: Record<string, TypedData>;
  reason: TriggerReason;
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
