/**
 * Checks the real host makes while it turns an orchestrator's answer into work, which `durable-functions` cannot
 * make itself (it does not know the app's other functions); protocol reference §2.7. The Durable extension's
 * `OutOfProcOrchestrationShim.ScheduleDurableTaskEvents` first sets the custom status, then replays the answer's
 * actions, in order, through the .NET orchestration context; an exception there fails the *orchestration*, never
 * the task, so a try/catch in the orchestrator cannot hide it:
 *
 * - `SetCustomStatus` serialises the status with a 16 KB limit (`MessagePayloadDataConverter.Serialize(obj, 16)`):
 *   the UTF-16 byte count of the JSON, divided by 1024 and truncated, must not exceed 16. It runs before any action,
 *   so none of the episode's actions is scheduled and the execution fails at once (DTFx: the orchestrator result
 *   faults with no task open in this replay; with scheduled events in the history the replay even fails as
 *   non-deterministic, a message of DTFx's that we do not copy).
 * - `CallDurableTaskFunctionAsync` (activities, sub-orchestrations, entity calls and signals) and `LockAsync` call
 *   `DurableTaskExtension.ThrowIfFunctionDoesNotExist` before they schedule anything. Actions before the missing
 *   one are scheduled; it and the ones after it are not, and the execution fails under the open-task rule
 *   (openTasks.ts), like any failure. For a signal the exception is thrown synchronously and this is exactly what
 *   Azure does. Calls return a task, and the shim swallows a faulted task (`ProcessAsyncActionsV2`: "Silently
 *   ignore exceptions thrown by user code"), so on Azure such an orchestration stays Running for ever with nothing
 *   scheduled (durable-js #197, still open). Failing it here is a deliberate difference: a silent hang would hide
 *   the typo, and a catchable task failure (what the emulator did before) would let code that never works on Azure
 *   pass locally.
 * - A sub-orchestration's instance id may not be that of the orchestration starting it, nor of that one's parent,
 *   nor start with `@` (`CallDurableTaskFunctionAsync`, after the function check); swallowed on Azure the same way.
 *
 * When the orchestrator also threw, the shim's exception escapes the `OrchestrationFailureException` handler of
 * `TaskOrchestrationShim`, so the reason is the bare message, without "Orchestrator function 'X' failed: ".
 */
import type { EpisodeResult, FunctionInfo, WireAction } from '../host/protocol.js';
import { ActionType, asAction } from './actions.js';
import { parseEntitySchedulerId } from './model.js';

export type DurableKind = 'activity' | 'orchestration' | 'entity';

const KIND_WORDS: Record<DurableKind, string> = {
  activity: 'activity',
  orchestration: 'orchestrator',
  entity: 'entity',
};

/** `CustomStatus` payloads above this many KB (UTF-16, truncated) fail the orchestration. */
export const MAX_CUSTOM_STATUS_KB = 16;

/**
 * The host's text for a function that is not registered with that trigger (`GetInvalid*FunctionMessage`). The known
 * functions are listed in registration order (the host's dictionary order is arbitrary). The entity variant decides
 * between the list and "none registered" on the number of *orchestrator* functions: an upstream slip, kept so that
 * the text is the host's.
 */
export function missingFunctionMessage(name: string, kind: DurableKind, functions: readonly FunctionInfo[]): string {
  const known = (k: DurableKind) => functions.filter((fn) => fn.kind === k).map((fn) => fn.name);
  const word = KIND_WORDS[kind];
  const listed = known(kind);
  const hasList = (kind === 'entity' ? known('orchestration') : listed).length > 0;
  return (
    `The function '${name}' doesn't exist, is disabled, or is not an ${word} function. Additional info: ` +
    (hasList
      ? `The following are the known ${word} functions: '${listed.join("', '")}'.`
      : `No ${word} functions are currently registered!`)
  );
}

/** The problem with a custom status the host would refuse, or undefined. */
export function customStatusProblem(customStatus: unknown): string | undefined {
  if (customStatus === undefined || customStatus === null) return undefined;
  const json = JSON.stringify(customStatus);
  if (json === undefined) return undefined;
  // Encoding.Unicode.GetByteCount: two bytes per UTF-16 code unit, which is what a JS string's length counts.
  const kb = Math.trunc((json.length * 2) / 1024);
  if (kb <= MAX_CUSTOM_STATUS_KB) return undefined;
  return (
    `The UTF-16 size of the JSON-serialized payload must not exceed ${MAX_CUSTOM_STATUS_KB} KB. ` +
    `The current payload size is ${kb.toLocaleString('en-US')} KB.`
  );
}

/** Why the host fails an execution while it schedules an episode's actions. */
export interface HostRefusal {
  /**
   * `customStatus`: refused before any action, so nothing of this replay reached DTFx and no open task holds the
   * failure back. `action`: refused at a leaf; the failure waits for open tasks like any other.
   */
  cause: 'customStatus' | 'action';
  /** Index in the episode's new leaves of the refused one: the leaves before it are scheduled, the rest are not. */
  leafIndex: number;
  /** The exception's message. */
  message: string;
  /** The reason the execution fails with (`Orchestrator function '<name>' failed: <message>`, see above). */
  reason: string;
  errorType: string;
  /** Set when Azure does not fail the orchestration for this: what it does instead (for a warning). */
  onAzure?: string;
}

export interface RefusalContext {
  orchestratorName: string;
  instanceId: string;
  parentInstanceId: string | undefined;
  functions: readonly FunctionInfo[];
}

/** What the host refuses in an episode's answer, given the new leaves it is about to schedule; undefined if nothing. */
export function hostRefusal(
  ctx: RefusalContext,
  fresh: readonly WireAction[],
  result: EpisodeResult,
): HostRefusal | undefined {
  // A thrown value without a message never reached the host as an error (host/thrown.ts): the normal path applies.
  const threw = result.error !== undefined && result.thrown === undefined;
  const refuse = (cause: HostRefusal['cause'], leafIndex: number, message: string, onAzure?: string): HostRefusal => ({
    cause,
    leafIndex,
    message,
    reason: threw ? message : `Orchestrator function '${ctx.orchestratorName}' failed: ${message}`,
    errorType: threw ? 'ArgumentException' : 'OrchestrationFailureException',
    ...(onAzure !== undefined ? { onAzure } : {}),
  });
  const statusProblem = customStatusProblem(result.customStatus);
  if (statusProblem !== undefined) return refuse('customStatus', 0, statusProblem);
  for (const [index, leaf] of fresh.entries()) {
    const problem = leafProblem(ctx, leaf);
    if (problem === undefined) continue;
    const hangs = leaf.actionType !== ActionType.SignalEntity && leaf.actionType !== ActionType.ScheduledSignalEntity;
    return refuse('action', index, problem, hangs ? AZURE_SWALLOWS : undefined);
  }
  return undefined;
}

const AZURE_SWALLOWS =
  'on Azure the Durable extension swallows this error for a call, schedules nothing and leaves the instance Running ' +
  'for ever (durable-js #197)';

function leafProblem(ctx: RefusalContext, leaf: WireAction): string | undefined {
  const exists = (name: string, kind: DurableKind) => {
    const key = name.toLowerCase();
    return ctx.functions.some((fn) => fn.kind === kind && fn.name.toLowerCase() === key);
  };
  const check = (name: string, kind: DurableKind) =>
    exists(name, kind) ? undefined : missingFunctionMessage(name, kind, ctx.functions);
  const action = asAction(leaf);
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return check(action.functionName, 'activity');
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return check(action.functionName, 'orchestration') ?? childIdProblem(ctx, action.instanceId);
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
    case ActionType.ScheduledSignalEntity: {
      // The host names the entity as its EntityId holds it: lower-cased.
      const name = (parseEntitySchedulerId(action.instanceId)?.name ?? action.instanceId).toLowerCase();
      return check(name, 'entity');
    }
    case ActionType.LockEntities:
      for (const entity of action.lockSet) {
        const problem = check(entity.name.toLowerCase(), 'entity');
        if (problem !== undefined) return problem;
      }
      return undefined;
    default:
      return undefined;
  }
}

function childIdProblem(ctx: RefusalContext, childId: string | undefined): string | undefined {
  if (!childId) return undefined;
  const same = (other: string | undefined) => other !== undefined && other.toLowerCase() === childId.toLowerCase();
  if (same(ctx.instanceId) || same(ctx.parentInstanceId)) {
    return 'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.';
  }
  // ArgumentException(paramName, message) with its arguments swapped upstream: this is the text .NET prints.
  if (childId.startsWith('@')) return "instanceId (Parameter 'Orchestration instance ids must not start with @')";
  return undefined;
}
