/** How an execution ends in the episode that ends it: the ExecutionCompleted event and the completion it reports. */
import type { EpisodeResult, WireAction } from '../host/protocol.js';
import { continueAsNewInputJson } from './actions.js';
import type { EpisodeWriter } from './episodeWriter.js';
import { EventType } from './history.js';
import type { HostRefusal } from './hostChecks.js';
import type { InstanceRecord } from './model.js';

export type Completion =
  { status: 'Completed' | 'Failed'; output: string | null } | { status: 'ContinuedAsNew'; input: string | null };

/** Why an execution fails: what the orchestrator threw, or what the host refused (which comes first on Azure). */
export interface Failure {
  reason: string;
  errorType: string;
  thrown?: EpisodeResult['thrown'];
}

export function failureOf(
  record: InstanceRecord,
  result: EpisodeResult,
  refusal: HostRefusal | undefined,
): Failure | undefined {
  // The shim schedules the actions (and meets the refusal) before it looks at the library's error.
  if (refusal) return { reason: refusal.reason, errorType: refusal.errorType };
  if (result.error === undefined) return undefined;
  return {
    reason: `Orchestrator function '${record.name}' failed: ${result.error}`,
    errorType: 'OrchestrationFailureException',
    ...(result.thrown ? { thrown: result.thrown } : {}),
  };
}

/** The ExecutionCompleted of an execution that ends this episode (after its OrchestratorCompleted). */
export function endExecution(
  writer: EpisodeWriter,
  result: EpisodeResult,
  failure: Failure | undefined,
  continuation: WireAction | undefined,
): Completion {
  if (failure !== undefined) {
    // The failing episode's actions are recorded (their ids stay consistent for a rewind), but of the work they
    // ask for only fire-and-forget signals still go out: nothing will wait for the rest.
    const kept = writer.effects.filter(
      (e) => (e.type === 'entityRequest' && e.request.signal) || e.type === 'cancelTimer',
    );
    writer.effects.splice(0, writer.effects.length, ...kept);
    const message = failure.reason;
    // A thrown value without a message (host/thrown.ts) also travels as itself: its kind and, if JSON holds it, it.
    const { type: thrownType, value: thrownValue } = failure.thrown ?? {};
    const details = thrownType === undefined ? {} : { Properties: { thrownType, thrownValue } };
    writer.add({
      EventType: EventType.ExecutionCompleted,
      OrchestrationStatus: 'Failed',
      Result: JSON.stringify(message),
      FailureDetails: {
        ErrorType: failure.errorType,
        ErrorMessage: message,
        StackTrace: null,
        ...details,
      },
    });
    return { status: 'Failed', output: JSON.stringify(message) };
  }
  if (continuation) {
    const input = continueAsNewInputJson((continuation as { input?: unknown }).input);
    writer.add({
      EventType: EventType.ExecutionCompleted,
      OrchestrationStatus: 'ContinuedAsNew',
      Result: input,
      FailureDetails: null,
    });
    return { status: 'ContinuedAsNew', input };
  }
  const output = result.output === undefined ? null : (JSON.stringify(result.output) ?? null);
  writer.add({
    EventType: EventType.ExecutionCompleted,
    OrchestrationStatus: 'Completed',
    Result: output,
    FailureDetails: null,
  });
  return { status: 'Completed', output };
}
