/**
 * Checkpoint: fold closed journal segments into the per-record documents, then delete the segments.
 *
 * The documents are rebuilt from what is on disk (the documents plus the segments being folded), not from the
 * engine's live records: live records may already hold changes of a commit that is not yet acknowledged, and
 * writing those would break the atomicity of multi-record commits. Only records touched by the segments are
 * read and written, so a checkpoint costs O(records changed since the last one), whatever the store holds.
 *
 * Crash safety: steps run in this order, and a crash between any two leaves a store that loads correctly.
 *   1. write each touched document (temp file + rename; fsync per file when enabled) or unlink deleted ones;
 *   2. fsync the document directories (when enabled), so the renames are durable;
 *   3. delete the folded segments, oldest first, then fsync the store directory.
 * Until step 3, load replays the segments over documents that may already be newer; the replay rule makes that
 * idempotent (see journal.ts). The active segment that new commits append to is never part of a checkpoint.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { Low } from 'lowdb';
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import { AtomicJsonFile, isNotFound } from './atomicJsonFile.js';
import { applyLine, emptyReplayState, isInstanceRecord, parseSegment, type JournalLine } from './journal.js';
import { entityPath, instancePath, type StoreLayout } from './layout.js';
import type { IoOptions, SegmentInfo } from './types.js';

export interface CheckpointResult {
  documentsWritten: number;
  documentsRemoved: number;
  fsyncs: number;
}

export async function runCheckpoint(
  layout: StoreLayout,
  segments: SegmentInfo[],
  io: IoOptions,
): Promise<CheckpointResult> {
  const result: CheckpointResult = { documentsWritten: 0, documentsRemoved: 0, fsyncs: 0 };
  const lines: JournalLine[] = [];
  for (const segment of segments) {
    try {
      for (const line of parseSegment(await readFile(segment.path)).lines) lines.push(line);
    } catch (err) {
      throw new Error(
        `checkpoint: cannot read journal ${segment.path}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  // Instances whose first entry here is a delta need their document as the base of the replay.
  const state = emptyReplayState();
  const seen = new Set<string>();
  const needBase: string[] = [];
  for (const line of lines) {
    for (const entry of line.instances ?? []) {
      const id = entry.record.instanceId;
      if (!seen.has(id) && entry.historyFrom > 0) needBase.push(id);
      seen.add(id);
    }
    for (const id of line.deletedInstances ?? []) seen.add(id);
  }
  await forEachLimit(needBase, 16, async (id) => {
    const path = instancePath(layout, id);
    const db = new Low<unknown>(new AtomicJsonFile<unknown>(path), null);
    await db.read();
    if (db.data === null) return;
    if (!isInstanceRecord(db.data) || db.data.instanceId !== id)
      throw new Error(`checkpoint: ${path} is not the document of ${id}`);
    state.instances.set(id, db.data);
  });
  for (const line of lines) applyLine(state, line);
  if (state.suspect.size > 0) {
    const [id, reason] = state.suspect.entries().next().value as [string, string];
    // Writing this record would cement a wrong history; leave documents and journal as they are.
    throw new Error(`checkpoint: cannot rebuild instance ${JSON.stringify(id)} (${reason}); journal kept`);
  }

  const docOptions = {
    fsync: io.fsync,
    onWrite: (bytes: number, fsynced: boolean) => {
      if (fsynced) result.fsyncs++;
      io.onWrite?.(bytes, false);
    },
  };
  const work: Array<() => Promise<void>> = [];
  for (const [id, record] of state.instances) {
    work.push(() => writeOrRemove<InstanceRecord>(instancePath(layout, id), record, docOptions, result));
  }
  for (const [id, record] of state.entities) {
    work.push(() => writeOrRemove<EntityRecord>(entityPath(layout, id), record, docOptions, result));
  }
  await forEachLimit(work, 16, (task) => task());
  if (io.fsync) {
    result.fsyncs += await syncDir(layout.instancesDir);
    result.fsyncs += await syncDir(layout.entitiesDir);
  }

  for (const segment of segments)
    await unlink(segment.path).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  if (io.fsync) result.fsyncs += await syncDir(layout.dir);
  return result;
}

export async function writeOrRemove<T>(
  path: string,
  record: T | null,
  options: ConstructorParameters<typeof AtomicJsonFile>[1],
  result: CheckpointResult,
): Promise<void> {
  if (record === null) {
    try {
      await unlink(path);
      result.documentsRemoved++;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return;
  }
  const db = new Low<T>(new AtomicJsonFile<T>(path, options), record);
  await db.write();
  result.documentsWritten++;
}

/** Makes renames and unlinks in `dir` durable. Returns the number of fsyncs done (0 where directories cannot be opened, e.g. Windows). */
export async function syncDir(dir: string): Promise<number> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return 0;
  }
  try {
    await handle.sync();
    return 1;
  } catch {
    return 0;
  } finally {
    await handle.close();
  }
}

export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
