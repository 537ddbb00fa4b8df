/**
 * The operation names an entity has run, kept on its record (`EntityRecord.operations`, newest first, at most
 * `MAX_OPERATION_NAMES`) so that the editor's *Signal Entity…* can suggest them, and the entity's details as the
 * emulator-only API serves them (`GET /emulator/v1/entities`): what the management API does not tell, like Durable
 * Functions Monitor's entity columns: who holds its lock and how many requests wait in its queue.
 */
import type { EntityRecord, EntityRequest } from './model.js';

export const MAX_OPERATION_NAMES = 20;

/** Notes the names of the operations of a batch that ran (lock and release messages are not operations). */
export function noteOperations(entity: EntityRecord, requests: readonly EntityRequest[]): void {
  const names = requests.filter((r) => !r.release && !r.lockset && r.op !== '').map((r) => r.op);
  if (names.length === 0) return;
  const seen = new Set<string>();
  const ordered = [...names.reverse(), ...(entity.operations ?? [])].filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  entity.operations = ordered.slice(0, MAX_OPERATION_NAMES);
}

/** One element of `GET /emulator/v1/entities` (times ISO). */
export interface EntityDetailsBody {
  name: string;
  key: string;
  /** False for an entity without state (never created, or deleted) that still has a record. */
  exists: boolean;
  lastOperationTime: string;
  /** The orchestration instance holding the entity's lock (`context.df.lock`), or null. */
  lockedBy: string | null;
  /** Requests waiting in the entity's queue (operations, lock and release messages). */
  backlogQueueSize: number;
  /** Operation names run or waiting, newest first. */
  operations: string[];
}

export function entityDetailsBody(entity: EntityRecord): EntityDetailsBody {
  const waiting = entity.queue.filter((r) => !r.release && !r.lockset && r.op !== '').map((r) => r.op);
  const operations = [...new Set([...(entity.operations ?? []), ...waiting])];
  return {
    name: entity.name,
    key: entity.key,
    exists: entity.exists,
    lastOperationTime: new Date(entity.lastOperationTime).toISOString(),
    lockedBy: entity.lockedBy,
    backlogQueueSize: entity.queue.length,
    operations,
  };
}
