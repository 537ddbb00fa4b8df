import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import type { AtomicJsonFileOptions } from './atomicJsonFile.js';

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

/** A journal segment file: `journal-<no>.jsonl`. */
export interface SegmentInfo {
  no: number;
  path: string;
  bytes: number;
}

/** How the store's files are written, and where its diagnostics go. */
export interface IoOptions {
  fsync: boolean;
  log: (msg: string) => void;
  onWrite: AtomicJsonFileOptions['onWrite'];
}
