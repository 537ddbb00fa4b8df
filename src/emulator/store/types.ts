import type { EntityRecord, InstanceRecord } from '../engine/model.js';

/** Everything the store holds, as loaded at start-up. */
export interface StoreContents {
  instances: InstanceRecord[];
  entities: EntityRecord[];
}

/** Records whose current in-memory state must become durable, and records to delete. */
export interface CommitBatch {
  instances?: Iterable<InstanceRecord>;
  entities?: Iterable<EntityRecord>;
  deletedInstances?: Iterable<string>;
  deletedEntities?: Iterable<string>;
}

export interface StoreStats {
  commits: number;
  bytesWritten: number;
  fsyncs: number;
  checkpoints: number;
}

/**
 * Persistence behind the engine. `commit` may be called many times in one tick; the store coalesces them into
 * one durable write (group commit) and resolves every caller's promise once that write is durable. Records are
 * serialised when the write happens, so the newest in-memory state is what lands.
 */
export interface Store {
  load(): Promise<StoreContents>;
  commit(batch: CommitBatch): Promise<void>;
  /** Writes everything pending, checkpoints, and releases files. */
  close(): Promise<void>;
  stats(): StoreStats;
}

/** Thrown by `load` when a store file cannot be parsed; the file has been moved aside, never overwritten. */
export class CorruptStoreError extends Error {
  constructor(
    message: string,
    readonly movedTo: string,
  ) {
    super(message);
    this.name = 'CorruptStoreError';
  }
}
