/**
 * What an orchestration episode asks of the rest of the engine. Effects that touch other records (children,
 * parents, entities) are applied before the episode's commit, so one durable write covers them all; effects
 * that start work (activities, HTTP calls, timers) run after it, and are re-derived from `pending` on recovery.
 */
import type { EntityRequest, ParentRef } from './model.js';
import type { HistoryEvent } from './history.js';

export type Effect =
  | { type: 'runActivity'; taskId: number }
  | { type: 'runHttp'; taskId: number }
  | { type: 'armTimer'; timerId: number; fireAt: number }
  | { type: 'cancelTimer'; timerId: number }
  | {
      type: 'startChild';
      childId: string;
      name: string;
      version: string;
      input: string | null;
      parent: ParentRef;
    }
  | { type: 'entityRequest'; entityId: string; request: EntityRequest }
  | { type: 'releaseLocks'; entityIds: string[] }
  /** A message for the parent orchestration (a sub-orchestration completion or failure). */
  | { type: 'notifyParent'; parent: ParentRef; event: HistoryEvent };
