/**
 * An in-memory `Store` for engine unit tests, deliberately as strict as the file store:
 * - records are stored as JSON text and `load` parses fresh objects, so code relying on shared object identity
 *   between what it committed and what it loads (or on non-JSON values such as undefined, Map, Date) fails;
 * - commits are grouped per tick exactly like the file store (queued by reference, serialised and acknowledged
 *   in a setImmediate callback), so code that forgets to await a commit, or expects it to be synchronous, fails;
 * - the history contract of the file store is checked: within one `historyVersion` a history may only grow by
 *   appending, and events already committed must not change (the file store journals only appended events, so
 *   an in-place edit of an old event, e.g. flipping `IsPlayed`, would be silently lost there). A violation rejects
 *   the whole group, and nothing of it is stored.
 *
 * Pass the same `MemoryStoreData` to a new store to simulate a restart of the engine over the same storage.
 */
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import type { CommitBatch, Store, StoreContents, StoreStats } from './types.js';

export interface MemoryStoreData {
  /** Instance id → JSON text of the InstanceRecord. */
  instances: Map<string, string>;
  /** Entity scheduler id → JSON text of the EntityRecord. */
  entities: Map<string, string>;
}

export interface MemoryStore extends Store {
  readonly data: MemoryStoreData;
}

export function createMemoryStoreData(): MemoryStoreData {
  return { instances: new Map(), entities: new Map() };
}

export function createMemoryStore(data: MemoryStoreData = createMemoryStoreData()): MemoryStore {
  const stats: StoreStats = { commits: 0, bytesWritten: 0, fsyncs: 0, checkpoints: 0 };
  let pendingInstances = new Map<string, InstanceRecord | null>();
  let pendingEntities = new Map<string, EntityRecord | null>();
  let waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  let scheduled = false;
  let closed = false;

  const flush = (): void => {
    scheduled = false;
    const group = waiters;
    const instances = pendingInstances;
    const entities = pendingEntities;
    waiters = [];
    pendingInstances = new Map();
    pendingEntities = new Map();
    const writes: Array<() => void> = [];
    let bytes = 0;
    try {
      for (const [id, record] of instances) {
        if (record === null) {
          writes.push(() => data.instances.delete(id));
          continue;
        }
        const text = JSON.stringify(record);
        const previous = data.instances.get(id);
        if (previous !== undefined)
          checkHistoryContract(id, JSON.parse(previous) as InstanceRecord, JSON.parse(text) as InstanceRecord);
        bytes += Buffer.byteLength(text);
        writes.push(() => data.instances.set(id, text));
      }
      for (const [id, record] of entities) {
        if (record === null) {
          writes.push(() => data.entities.delete(id));
          continue;
        }
        const text = JSON.stringify(record);
        bytes += Buffer.byteLength(text);
        writes.push(() => data.entities.set(id, text));
      }
    } catch (err) {
      for (const waiter of group) waiter.reject(err);
      return;
    }
    for (const write of writes) write();
    stats.bytesWritten += bytes;
    stats.commits += group.length;
    for (const waiter of group) waiter.resolve();
  };

  return {
    data,
    async load(): Promise<StoreContents> {
      if (closed) throw new Error('Memory store is closed');
      const instances = [...data.instances.values()].map((text) => JSON.parse(text) as InstanceRecord);
      const entities = [...data.entities.values()].map((text) => JSON.parse(text) as EntityRecord);
      return { instances, entities };
    },
    commit(batch: CommitBatch): Promise<void> {
      if (closed) return Promise.reject(new Error('Memory store is closed: commit() after close() is not allowed'));
      for (const record of batch.instances ?? []) pendingInstances.set(record.instanceId, record);
      for (const record of batch.entities ?? []) pendingEntities.set(record.id, record);
      for (const id of batch.deletedInstances ?? []) pendingInstances.set(id, null);
      for (const id of batch.deletedEntities ?? []) pendingEntities.set(id, null);
      return new Promise<void>((resolve, reject) => {
        waiters.push({ resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (waiters.length > 0) {
        // Let the group queued before close land, as the file store does.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    stats: () => ({ ...stats }),
  };
}

function checkHistoryContract(id: string, previous: InstanceRecord, next: InstanceRecord): void {
  if (previous.historyVersion !== next.historyVersion) return;
  const where = `instance ${JSON.stringify(id)} (historyVersion ${next.historyVersion})`;
  if (next.history.length < previous.history.length) {
    throw new Error(
      `Store contract violated: history of ${where} shrank from ${previous.history.length} to ${next.history.length} events without incrementing historyVersion`,
    );
  }
  for (let i = 0; i < previous.history.length; i++) {
    if (JSON.stringify(previous.history[i]) !== JSON.stringify(next.history[i])) {
      throw new Error(
        `Store contract violated: committed history event ${i} of ${where} was modified in place; history may only be appended to unless historyVersion is incremented`,
      );
    }
  }
}
