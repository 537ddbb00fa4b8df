/**
 * Opening a store directory: create it when missing, take the lock, check the format marker, list the journal
 * segments, then read everything (recovery.ts). A damaged store is refused, unchanged, with a report of what a
 * repair would keep and drop (`StoreDamagedError`), unless the caller asked for the repair (repair.ts). Every
 * other problem with a store file or folder is a `StoreAccessError`: one line with the path and what to do.
 */
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import { isNotFound } from './atomicJsonFile.js';
import { emptyReport, isDamaged, StoreDamagedError, type DamageReport } from './damage.js';
import { atPath, explainFsError, StoreAccessError } from './fsErrors.js';
import { isObject } from './journal.js';
import { parseSegmentFileName, type StoreLayout } from './layout.js';
import { readMarker, writeMarker } from './marker.js';
import { assessStore, type Assessment } from './recovery.js';
import { repairStore } from './repair.js';
import type { IoOptions, SegmentInfo } from './types.js';

export type { IoOptions, SegmentInfo } from './types.js';

export interface OpenedStore {
  segments: SegmentInfo[];
  /** What is wrong with store.json, when it is damaged (it is then left as it is until a repair). */
  markerProblem: string | null;
}

/** Creates the folders and the marker if needed, takes the lock, checks the marker, lists the journal segments. */
export async function openStoreDir(layout: StoreLayout, io: IoOptions): Promise<OpenedStore> {
  for (const dir of [layout.dir, layout.instancesDir, layout.entitiesDir]) await ensureFolder(dir, layout.dir);
  await acquireLock(layout, io.log);
  const marker = await readMarker(layout);
  if (marker.kind === 'missing') await writeMarker(layout, io);
  return {
    segments: await listSegments(layout),
    markerProblem: marker.kind === 'damaged' ? marker.problem : null,
  };
}

/** A folder of the store: created when missing; a file in its place is named, never replaced. */
async function ensureFolder(dir: string, storeDir: string): Promise<void> {
  const existing = await stat(dir).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw explainFsError(err, dir, 'folder', 'read', storeDir);
  });
  if (existing && !existing.isDirectory()) {
    throw new StoreAccessError(
      `${dir} is a file where the store keeps a folder: move the file away, or start with --store <another folder>`,
      dir,
      'ENOTDIR',
    );
  }
  if (!existing) await atPath(dir, 'folder', 'create', storeDir, () => mkdir(dir, { recursive: true }));
}

export async function listSegments(layout: StoreLayout): Promise<SegmentInfo[]> {
  const segments: SegmentInfo[] = [];
  const names = await atPath(layout.dir, 'folder', 'read', layout.dir, () => readdir(layout.dir));
  for (const name of names) {
    const no = parseSegmentFileName(name);
    if (no === null) continue;
    const path = join(layout.dir, name);
    const info = await atPath(path, 'file', 'read', layout.dir, () => stat(path));
    if (!info.isFile()) throw explainFsError({ code: 'EISDIR' }, path, 'file', 'read', layout.dir);
    segments.push({ no, path, bytes: info.size });
  }
  return segments.sort((a, b) => a.no - b.no);
}

/**
 * Two live processes appending to one store would interleave their journals, so the store takes a lock file.
 * A lock left by a dead process (kill -9), by this process (a store dropped without close), or by another host
 * (whose pids cannot be checked, e.g. a container with a fresh hostname) is taken over.
 */
async function acquireLock(layout: StoreLayout, log: (msg: string) => void): Promise<void> {
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`;
  try {
    await writeFile(layout.lock, mine, { flag: 'wx' });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw explainFsError(err, layout.lock, 'file', 'create', layout.dir);
  }
  let holder: unknown = null;
  try {
    holder = JSON.parse(await readFile(layout.lock, 'utf8'));
  } catch (err) {
    // Unreadable content: treat as stale. A folder in its place, or no permission, is said as such.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'EACCES' || code === 'EPERM')
      throw explainFsError(err, layout.lock, 'file', 'read', layout.dir);
  }
  if (
    isObject(holder) &&
    typeof holder.pid === 'number' &&
    holder.pid !== process.pid &&
    holder.host === hostname() &&
    isAlive(holder.pid)
  ) {
    throw new Error(
      `Store ${layout.dir} is in use by process ${holder.pid} (lock file ${layout.lock}); stop that process, or delete the lock file if it is not a Durable Studio host`,
    );
  }
  if (isObject(holder) && holder.pid !== process.pid)
    log(`store: taking over the stale lock ${layout.lock} of process ${String(holder.pid)}`);
  await atPath(layout.lock, 'file', 'write', layout.dir, () => writeFile(layout.lock, mine));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock file if this process holds it. */
export async function releaseLock(layout: StoreLayout): Promise<void> {
  try {
    const holder: unknown = JSON.parse(await readFile(layout.lock, 'utf8'));
    if (isObject(holder) && holder.pid === process.pid) await unlink(layout.lock);
  } catch {
    // already gone or not ours
  }
}

/**
 * What a repair of the store in `layout` would keep and drop, read without changing anything (a dry run). The lock
 * is taken while reading, so a store in use by a running emulator is refused rather than read mid-write.
 */
export async function inspectStoreDir(layout: StoreLayout, log: (msg: string) => void): Promise<DamageReport> {
  const existing = await stat(layout.dir).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw explainFsError(err, layout.dir, 'folder', 'read', layout.dir);
  });
  if (!existing) return emptyReport(layout.dir);
  await ensureFolder(layout.dir, layout.dir);
  await acquireLock(layout, log);
  try {
    const marker = await readMarker(layout);
    const segments = await listSegments(layout);
    const markerProblem = marker.kind === 'damaged' ? marker.problem : null;
    return (await assessStore(layout, segments, markerProblem, { log, removeTemp: false })).report;
  } finally {
    await releaseLock(layout);
  }
}

export interface Loaded {
  instances: InstanceRecord[];
  entities: EntityRecord[];
  /** What a repair did (only when `repair` was asked and the store was damaged). */
  repaired?: DamageReport & { movedAside: string[] };
}

/**
 * Reads all documents and replays `segments` over them. A damaged store throws `StoreDamagedError` and is left
 * exactly as it was, unless `repair` is set: then the damaged files are moved aside, what was kept is written back
 * (repair.ts), and the repaired store is read again (it must now read clean).
 */
export async function loadContents(
  layout: StoreLayout,
  opened: OpenedStore,
  io: IoOptions,
  options: { repair: boolean },
): Promise<Loaded> {
  let assessment = await assessStore(layout, opened.segments, opened.markerProblem, { log: io.log, removeTemp: true });
  let repaired: Loaded['repaired'];
  if (isDamaged(assessment.report)) {
    if (!options.repair) throw new StoreDamagedError(assessment.report);
    const movedAside = await repairStore(layout, assessment, opened.segments, io);
    repaired = { ...assessment.report, movedAside };
    opened.segments = await listSegments(layout);
    opened.markerProblem = null;
    assessment = await assessStore(layout, opened.segments, null, { log: io.log, removeTemp: true });
    if (isDamaged(assessment.report))
      throw new Error(`Store ${layout.dir}: the repair left damage behind (${assessment.report.files[0]?.path ?? ''})`);
  }
  return { ...contentsOf(assessment), ...(repaired ? { repaired } : {}) };
}

function contentsOf(assessment: Assessment): { instances: InstanceRecord[]; entities: EntityRecord[] } {
  const instances: InstanceRecord[] = [];
  for (const record of assessment.state.instances.values()) if (record !== null) instances.push(record);
  const entities: EntityRecord[] = [];
  for (const record of assessment.state.entities.values()) if (record !== null) entities.push(record);
  return { instances, entities };
}
