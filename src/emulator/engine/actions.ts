/**
 * The action types `durable-functions` emits (protocol reference §2.4) and how many sequence ids each consumes
 * when the orchestrator first yields (or, for fire-and-forget actions, calls) it.
 */
import type { WireAction } from '../host/protocol.js';
import type { DurableHttpRequestWire, EntityIdWire, RetryOptionsWire } from './model.js';

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  ScheduledSignalEntity = 10,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

/** Typed views of the wire actions (fields as the library's action classes serialise them). */
export type Action =
  | { actionType: ActionType.CallActivity; functionName: string; input?: unknown }
  | {
      actionType: ActionType.CallActivityWithRetry;
      functionName: string;
      input?: unknown;
      retryOptions: RetryOptionsWire;
    }
  | {
      actionType: ActionType.CallSubOrchestrator;
      functionName: string;
      instanceId?: string;
      input?: unknown;
      version?: string;
    }
  | {
      actionType: ActionType.CallSubOrchestratorWithRetry;
      functionName: string;
      instanceId?: string;
      input?: unknown;
      version?: string;
      retryOptions: RetryOptionsWire;
    }
  | { actionType: ActionType.ContinueAsNew; input?: unknown }
  | { actionType: ActionType.CreateTimer; fireAt: string; isCanceled?: boolean }
  | { actionType: ActionType.WaitForExternalEvent; externalEventName: string }
  | { actionType: ActionType.CallEntity; instanceId: string; operation: string; input?: unknown }
  | { actionType: ActionType.CallHttp; httpRequest: DurableHttpRequestWire }
  | { actionType: ActionType.SignalEntity; instanceId: string; operation: string; input?: unknown }
  | { actionType: ActionType.ScheduledSignalEntity; instanceId: string; operation: string; input?: unknown }
  | { actionType: ActionType.WhenAny | ActionType.WhenAll; compoundActions: WireAction[] }
  | { actionType: ActionType.LockEntities; lockRequestId: string; lockSet: EntityIdWire[] }
  | { actionType: ActionType.ReleaseEntities };

export function asAction(wire: WireAction): Action {
  return wire as unknown as Action;
}

/**
 * Activity and continue-as-new inputs went through the library's `processInput`: strings arrive JSON-encoded,
 * everything else raw. Returns the JSON text to record and to hand to the activity.
 */
export function activityInputJson(input: unknown): string | null {
  if (input === undefined) return null;
  return typeof input === 'string' ? input : (JSON.stringify(input) ?? null);
}

/** Sub-orchestration, entity and signal inputs are raw values (durable-js #436). */
export function rawInputJson(input: unknown): string | null {
  if (input === undefined) return null;
  return JSON.stringify(input) ?? null;
}

/** Continue-as-new input: JSON-decode the library's string encoding once, so `getInput()` returns the value. */
export function continueAsNewInputJson(input: unknown): string | null {
  if (input === undefined) return null;
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return JSON.stringify(input) ?? null;
}
