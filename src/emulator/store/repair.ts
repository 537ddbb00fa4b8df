/**
 * Writing back what a repair keeps (the state `assessStore` computed), as a checkpoint of everything it touched.
 *
 * Order, so that a crash at any point loses nothing that is still readable and never destroys a damaged byte:
 *   1. a damaged store.json or document is renamed to `<name>.corrupt-<time>` (its bytes kept as they were);
 *      a damaged marker is then written anew;
 *   2. every dirty record is written as its document (temp file + rename), or its document removed, then the
 *      document folders are synced: the documents now hold everything the journal had that was kept;
 *   3. only then are the journal segments retired: a damaged one renamed aside, the others removed (all their
 *      kept lines are in the documents), and the store folder synced.
 * A crash before step 3 leaves the journal in place, so the next start reads the same damage and refuses again;
 * a repair then reaches the same state (the documents written are true states, and replaying over them is
 * idempotent, see journal.ts).
 */
import { unlink } from 'node:fs/promises';
import { isNotFound } from './atomicJsonFile.js';
import { forEachLimit, syncDir, writeOrRemove, type CheckpointResult } from './checkpoint.js';
import { atPath } from './fsErrors.js';
import { entityPath, instancePath, moveAside, type StoreLayout } from './layout.js';
import { writeMarker } from './marker.js';
import type { Assessment } from './recovery.js';
import type { IoOptions, SegmentInfo } from './types.js';

/** Repairs the store as `assessment` describes; returns the paths the damaged files were moved to. */
export async function repairStore(
  layout: StoreLayout,
  assessment: Assessment,
  segments: SegmentInfo[],
  io: IoOptions,
): Promise<string[]> {
  const movedAside: string[] = [];
  const aside = async (path: string) => {
    movedAside.push(await atPath(path, 'file', 'write', layout.dir, () => moveAside(path)));
  };
  if (assessment.damaged.marker) {
    await aside(layout.marker);
    await writeMarker(layout, io);
  }
  for (const path of assessment.damaged.documents) await aside(path);

  const result: CheckpointResult = { documentsWritten: 0, documentsRemoved: 0, fsyncs: 0 };
  const options = { fsync: io.fsync, onWrite: io.onWrite };
  const work: Array<() => Promise<void>> = [];
  const { state, dirty } = assessment;
  for (const id of dirty.instances) {
    const path = instancePath(layout, id);
    const record = state.instances.get(id) ?? null;
    work.push(() => atPath(path, 'file', 'write', layout.dir, () => writeOrRemove(path, record, options, result)));
  }
  for (const id of dirty.entities) {
    const path = entityPath(layout, id);
    const record = state.entities.get(id) ?? null;
    work.push(() => atPath(path, 'file', 'write', layout.dir, () => writeOrRemove(path, record, options, result)));
  }
  await forEachLimit(work, 16, (task) => task());
  if (io.fsync) {
    await syncDir(layout.instancesDir);
    await syncDir(layout.entitiesDir);
  }

  const damagedSegments = new Set(assessment.damaged.segments);
  for (const segment of segments) {
    if (damagedSegments.has(segment.path)) await aside(segment.path);
    else
      await atPath(segment.path, 'file', 'write', layout.dir, () =>
        unlink(segment.path).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        }),
      );
  }
  if (io.fsync) await syncDir(layout.dir);
  io.log(
    `store: repaired ${layout.dir}: wrote ${result.documentsWritten} documents, removed ${result.documentsRemoved}, moved ${movedAside.length} damaged files aside`,
  );
  return movedAside;
}
