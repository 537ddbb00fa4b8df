/**
 * Opening a store directory: create it when missing, check the format marker, list the journal segments, read
 * every document and replay the segments over them.
 */
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Low, LowSync } from 'lowdb';
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import { CorruptStoreError } from './types.js';
import {
  AtomicJsonFile,
  AtomicJsonFileSync,
  DocumentParseError,
  type AtomicJsonFileOptions,
} from './atomicJsonFile.js';
import {
  applyLine,
  emptyReplayState,
  isEntityRecord,
  isInstanceRecord,
  isObject,
  JournalLineError,
  parseSegment,
  type ReplayState,
} from './journal.js';
import {
  isDocumentFileName,
  isTempFileName,
  moveAside,
  parseSegmentFileName,
  STORE_FORMAT,
  STORE_FORMAT_VERSION,
  type StoreLayout,
  type StoreMarker,
} from './layout.js';

export interface SegmentInfo {
  no: number;
  path: string;
  bytes: number;
}

export interface IoOptions {
  fsync: boolean;
  log: (msg: string) => void;
  onWrite: AtomicJsonFileOptions['onWrite'];
}

/** Creates the directories and the marker if needed, checks the marker, and lists the journal segments in order. */
export async function openStoreDir(layout: StoreLayout, io: IoOptions): Promise<SegmentInfo[]> {
  await mkdir(layout.instancesDir, { recursive: true });
  await mkdir(layout.entitiesDir, { recursive: true });
  await acquireLock(layout, io.log);
  const markerDb = new Low<StoreMarker | null>(
    new AtomicJsonFile(layout.marker, { fsync: io.fsync, onWrite: io.onWrite }),
    null,
  );
  try {
    await markerDb.read();
  } catch (err) {
    if (err instanceof DocumentParseError) throw await corrupt(layout.marker, err.message);
    throw err;
  }
  const marker = markerDb.data;
  if (marker === null) {
    markerDb.data = {
      format: STORE_FORMAT,
      version: STORE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      description:
        'Durable Studio store. instances/ and entities/ hold one JSON document per record as of the last checkpoint; ' +
        'journal-*.jsonl hold one line per commit since then, replayed over the documents in file order.',
    };
    await markerDb.write();
  } else if (!isObject(marker) || marker.format !== STORE_FORMAT || typeof marker.version !== 'number') {
    throw await corrupt(layout.marker, 'not a Durable Studio store marker');
  } else if (marker.version > STORE_FORMAT_VERSION) {
    throw new Error(
      `Store ${layout.dir} has format version ${marker.version}; this version of Durable Studio reads up to ${STORE_FORMAT_VERSION}`,
    );
  }

  const segments: SegmentInfo[] = [];
  for (const name of await readdir(layout.dir)) {
    const no = parseSegmentFileName(name);
    if (no === null) continue;
    const path = join(layout.dir, name);
    segments.push({ no, path, bytes: (await stat(path)).size });
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
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let holder: unknown = null;
  try {
    holder = JSON.parse(await readFile(layout.lock, 'utf8'));
  } catch {
    // unreadable: treat as stale
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
  await writeFile(layout.lock, mine);
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

export interface Loaded {
  instances: InstanceRecord[];
  entities: EntityRecord[];
}

/** Reads all documents and replays `segments` over them. Throws `CorruptStoreError` (file moved aside) on bad data. */
export async function loadContents(layout: StoreLayout, segments: SegmentInfo[], io: IoOptions): Promise<Loaded> {
  const state = emptyReplayState();
  await readDocuments(layout.instancesDir, (value) => {
    if (!isInstanceRecord(value)) return 'not an instance record';
    state.instances.set(value.instanceId, value);
    return null;
  });
  await readDocuments(layout.entitiesDir, (value) => {
    if (!isEntityRecord(value)) return 'not an entity record';
    state.entities.set(value.id, value);
    return null;
  });
  for (const segment of segments) await replaySegmentFile(segment.path, state, io.log);
  for (const [id, reason] of state.suspect) {
    io.log(`store: instance ${JSON.stringify(id)} may have an incomplete history (${reason}); a store file is missing`);
  }
  const instances: InstanceRecord[] = [];
  for (const record of state.instances.values()) if (record !== null) instances.push(record);
  const entities: EntityRecord[] = [];
  for (const record of state.entities.values()) if (record !== null) entities.push(record);
  return { instances, entities };
}

/** Replays one segment file into `state`; a corrupt line moves the file aside and throws `CorruptStoreError`. */
export async function replaySegmentFile(path: string, state: ReplayState, log: (msg: string) => void): Promise<void> {
  const bytes = await readFile(path);
  let parsed;
  try {
    parsed = parseSegment(bytes);
  } catch (err) {
    if (err instanceof JournalLineError) throw await corrupt(path, err.message);
    throw err;
  }
  if (parsed.tornTailBytes > 0) {
    log(`store: ignoring a torn last line (${parsed.tornTailBytes} bytes, never acknowledged) at the end of ${path}`);
  }
  for (const line of parsed.lines) applyLine(state, line);
}

/**
 * Reads every document in `dir`. Reads are synchronous (much faster than async for thousands of small files) in
 * chunks, yielding to the event loop between chunks so start-up never blocks it for long. Leftover temp files of
 * an interrupted write are removed: the rename that would have published them never happened, so the previous
 * document (or the journal) is authoritative.
 */
async function readDocuments(dir: string, accept: (value: unknown) => string | null): Promise<void> {
  const names = await readdir(dir);
  let inChunk = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (isTempFileName(name)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (!isDocumentFileName(name)) continue;
    if (++inChunk === 256) {
      inChunk = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const db = new LowSync<unknown>(new AtomicJsonFileSync<unknown>(path), null);
    try {
      db.read();
    } catch (err) {
      if (err instanceof DocumentParseError) throw await corrupt(path, err.message);
      throw err;
    }
    if (db.data === null) continue; // removed meanwhile
    const problem = accept(db.data);
    if (problem !== null) throw await corrupt(path, problem);
  }
}

async function corrupt(path: string, detail: string): Promise<CorruptStoreError> {
  const movedTo = await moveAside(path);
  const shortDetail = detail.replace(/\s+/g, ' ').slice(0, 200);
  return new CorruptStoreError(`Corrupt store file ${path} (${shortDetail}); moved it to ${movedTo}`, movedTo);
}
