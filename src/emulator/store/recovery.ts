/**
 * Reading a store without giving up at the first damaged file: every document and every journal line is read,
 * damaged ones are listed instead of thrown, and the result is both the state a repair would keep and the report
 * of what it would drop. Reading only: nothing here renames, writes or removes a file, so a start that refuses
 * leaves the store exactly as it found it (and the next start refuses again, with the same report).
 *
 * What a repair keeps:
 * - every document that is a record of its kind (an instance document is an InstanceRecord, an entity document an
 *   EntityRecord); a file that does not parse, or parses to anything else (`null`, `[]`, `42`, `{}`), is damaged;
 * - every terminated journal line that parses and has the journal's shape, before and after a bad one;
 * - for each instance, its newest state that the kept data proves complete. Dropped data leaves a gap: a later
 *   delta no longer fits its base (see `ReplayState.suspect`). Such an instance goes back to its last state
 *   before the gap (`lastGood`), a true state at an earlier point, as if it had crashed there (its scheduled work
 *   runs again); with no such state it is lost. Entities are whole records in every line, so any kept line or
 *   document restores one.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LowSync } from 'lowdb';
import { AtomicJsonFileSync, DocumentParseError } from './atomicJsonFile.js';
import type { DamagedFile, DamageReport } from './damage.js';
import { atPath, atPathSync, explainFsError } from './fsErrors.js';
import {
  applyLine,
  emptyReplayState,
  isEntityRecord,
  isInstanceRecord,
  isObject,
  scanSegment,
  type BadLine,
  type ReplayState,
} from './journal.js';
import { fileNameForId, isDocumentFileName, isTempFileName, type StoreLayout } from './layout.js';
import type { SegmentInfo } from './types.js';

export interface Assessment {
  report: DamageReport;
  /** The state a repair keeps (suspect instances already rolled back or removed); `null` marks a deletion. */
  state: ReplayState;
  /** Ids whose document differs from the kept state: touched by the journal, rolled back, rebuilt or lost. */
  dirty: { instances: Set<string>; entities: Set<string> };
  /** Damaged files by kind, for the repair to move aside. */
  damaged: { marker: boolean; documents: string[]; segments: string[] };
}

interface DamagedDocument {
  path: string;
  kind: 'instance' | 'entity';
  text: string;
}

/**
 * Reads the documents and replays `segments` over them. `markerProblem` is what is wrong with store.json, if
 * anything (read by the caller, which owns the marker). `removeTemp` removes leftover temp files of interrupted
 * document writes (the rename that would have published them never happened, so they hold nothing acknowledged);
 * off for a dry run.
 */
export async function assessStore(
  layout: StoreLayout,
  segments: SegmentInfo[],
  markerProblem: string | null,
  options: { log: (msg: string) => void; removeTemp: boolean },
): Promise<Assessment> {
  const files: DamagedFile[] = [];
  if (markerProblem !== null) files.push({ path: layout.marker, kind: 'marker', problem: markerProblem });
  const state = emptyReplayState();
  const damagedDocs = new Map<string, DamagedDocument>();
  let documentsKept = 0;
  const onDocument = (kind: 'instance' | 'entity', path: string, name: string, read: ReadDocument) => {
    if (read.value !== undefined) {
      if (kind === 'instance' && isInstanceRecord(read.value)) {
        state.instances.set(read.value.instanceId, read.value);
        documentsKept++;
        return;
      }
      if (kind === 'entity' && isEntityRecord(read.value)) {
        state.entities.set(read.value.id, read.value);
        documentsKept++;
        return;
      }
    }
    const problem = read.problem ?? `is not ${kind === 'instance' ? 'an instance' : 'an entity'} record`;
    files.push({ path, kind, problem });
    damagedDocs.set(`${kind}/${name}`, { path, kind, text: read.text });
  };
  await readDocuments(layout.instancesDir, layout.dir, options.removeTemp, (path, name, read) =>
    onDocument('instance', path, name, read),
  );
  await readDocuments(layout.entitiesDir, layout.dir, options.removeTemp, (path, name, read) =>
    onDocument('entity', path, name, read),
  );

  const dirty = { instances: new Set<string>(), entities: new Set<string>() };
  const named = { instances: new Set<string>(), entities: new Set<string>() };
  const damagedSegments: string[] = [];
  const journal = { kept: 0, dropped: 0 };
  for (const segment of segments) {
    const bytes = await atPath(segment.path, 'file', 'read', layout.dir, () => readFile(segment.path));
    const scanned = scanSegment(bytes);
    if (scanned.tornTailBytes > 0) {
      options.log(
        `store: ignoring a torn last line (${scanned.tornTailBytes} bytes without a newline, a commit that was never acknowledged) at the end of ${segment.path}`,
      );
    }
    for (const line of scanned.lines) {
      applyLine(state, line);
      for (const entry of line.instances ?? []) dirty.instances.add(entry.record.instanceId);
      for (const id of line.deletedInstances ?? []) dirty.instances.add(id);
      for (const entity of line.entities ?? []) dirty.entities.add(entity.id);
      for (const id of line.deletedEntities ?? []) dirty.entities.add(id);
    }
    journal.kept += scanned.lines.length;
    journal.dropped += scanned.bad.length;
    if (scanned.bad.length > 0) {
      damagedSegments.push(segment.path);
      files.push({ path: segment.path, kind: 'journal', problem: describeBadLines(scanned.bad, scanned.lineCount) });
      for (const bad of scanned.bad) nameIdsInLine(bad.text, named);
    }
  }

  // Suspect instances: back to their last complete state, or gone.
  const rolledBack: string[] = [];
  const lost = { instances: [] as string[], entities: [] as string[] };
  const incomplete: DamageReport['incomplete'] = [];
  for (const [id, reason] of state.suspect) {
    const good = state.lastGood.get(id) ?? null;
    state.instances.set(id, good);
    dirty.instances.add(id);
    if (good === null) lost.instances.push(id);
    else rolledBack.push(id);
    incomplete.push({ id, reason });
  }
  state.suspect.clear();
  state.lastGood.clear();

  // Damaged documents: identified through the ids the journal names (file names are hashes), else by the id
  // their damaged text starts with, else by path only. The journal rebuilds a record it holds in full.
  let rebuilt = 0;
  const unidentified: string[] = [];
  if (damagedDocs.size > 0) {
    const identify = (kind: 'instance' | 'entity', ids: Iterable<string>, lostOfKind: string[]) => {
      for (const id of ids) {
        const key = `${kind}/${fileNameForId(id)}`;
        if (!damagedDocs.delete(key)) continue;
        if (!lostOfKind.includes(id)) rebuilt++;
      }
    };
    identify('instance', state.instances.keys(), lost.instances);
    identify('entity', state.entities.keys(), lost.entities);
    for (const doc of damagedDocs.values()) {
      const id = idAtStartOfDocument(doc.text);
      if (id === null) unidentified.push(doc.path);
      else (doc.kind === 'instance' ? lost.instances : lost.entities).push(id);
    }
  }
  const documentsDropped = files.filter((f) => f.kind === 'instance' || f.kind === 'entity').length - rebuilt;

  const affected = new Set([...lost.instances, ...rolledBack]);
  const report: DamageReport = {
    dir: layout.dir,
    files,
    incomplete: files.length === 0 ? incomplete : [],
    journal,
    documents: { kept: documentsKept, dropped: documentsDropped, rebuilt },
    lost,
    rolledBack,
    named: {
      instances: [...named.instances].filter((id) => !affected.has(id)),
      entities: [...named.entities].filter((id) => !lost.entities.includes(id)),
    },
    unidentified,
  };
  return {
    report,
    state,
    dirty,
    damaged: {
      marker: markerProblem !== null,
      documents: files.filter((f) => f.kind === 'instance' || f.kind === 'entity').map((f) => f.path),
      segments: damagedSegments,
    },
  };
}

function describeBadLines(bad: BadLine[], lineCount: number): string {
  const [first] = bad;
  const what = first!.parses
    ? `line ${first!.lineNumber} is not a journal line (${first!.detail})`
    : `line ${first!.lineNumber} does not parse (${first!.detail.replace(/\s+/g, ' ').slice(0, 120)})`;
  const others = bad.length > 1 ? `, and ${bad.length - 1} more of its ${lineCount} lines are bad` : '';
  return `${what}${others}`;
}

const STRING = '"(?:[^"\\\\]|\\\\.)*"';
const INSTANCE_ID_RE = new RegExp(`"instanceId"\\s*:\\s*(${STRING})`, 'g');
const ENTITY_ID_RE = new RegExp(`\\{\\s*"id"\\s*:\\s*("@(?:[^"\\\\]|\\\\.)*")`, 'g');
const DOCUMENT_ID_RE = new RegExp(`^\\s*\\{\\s*"(?:instanceId|id)"\\s*:\\s*(${STRING})`);

/** The ids a dropped journal line mentions: exactly when it parses, by pattern when it does not (best effort). */
function nameIdsInLine(text: string, into: { instances: Set<string>; entities: Set<string> }): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    for (const m of text.matchAll(INSTANCE_ID_RE)) into.instances.add(JSON.parse(m[1]!) as string);
    for (const m of text.matchAll(ENTITY_ID_RE)) into.entities.add(JSON.parse(m[1]!) as string);
    return;
  }
  if (!isObject(value)) return;
  const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((v) => typeof v === 'string') : []);
  if (Array.isArray(value.instances))
    for (const e of value.instances)
      if (isObject(e) && isObject(e.record) && typeof e.record.instanceId === 'string')
        into.instances.add(e.record.instanceId);
  if (Array.isArray(value.entities))
    for (const e of value.entities) if (isObject(e) && typeof e.id === 'string') into.entities.add(e.id);
  for (const id of strings(value.deletedInstances)) into.instances.add(id);
  for (const id of strings(value.deletedEntities)) into.entities.add(id);
}

function idAtStartOfDocument(text: string): string | null {
  const m = DOCUMENT_ID_RE.exec(text);
  return m ? (JSON.parse(m[1]!) as string) : null;
}

interface ReadDocument {
  value?: unknown;
  problem?: string;
  /** The raw text, kept only for a damaged document. */
  text: string;
}

/**
 * Reads every document in `dir` (a missing folder holds none). Reads are synchronous (much faster than async for
 * thousands of small files) in chunks, yielding to the event loop between chunks so start-up never blocks it for
 * long. Files that are not store files by name are never touched. A document that vanished between the listing and
 * the read (ENOENT) was removed by its owner and is skipped; one that reads as anything but a JSON object is damaged.
 */
async function readDocuments(
  dir: string,
  storeDir: string,
  removeTemp: boolean,
  onDocument: (path: string, name: string, read: ReadDocument) => void,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw explainFsError(err, dir, 'folder', 'read', storeDir);
  }
  let inChunk = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (isTempFileName(name)) {
      if (removeTemp) await unlink(path).catch(() => undefined); // retried at the next start
      continue;
    }
    if (!isDocumentFileName(name)) continue;
    if (++inChunk === 256) {
      inChunk = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const db = new LowSync<unknown>(new AtomicJsonFileSync<unknown>(path), null);
    try {
      atPathSync(path, 'file', 'read', storeDir, () => db.read());
    } catch (err) {
      if (!(err instanceof DocumentParseError)) throw err;
      const detail = err.message
        .slice(path.length + 2)
        .replace(/\s+/g, ' ')
        .slice(0, 120);
      const text = atPathSync(path, 'file', 'read', storeDir, () => readFileText(path));
      onDocument(path, name, {
        problem: detail.startsWith('holds ') ? detail : `does not parse (${detail})`,
        text,
      });
      continue;
    }
    if (db.data === null) continue; // removed meanwhile (the adapter returns null only for a missing file)
    onDocument(path, name, { value: db.data, text: '' });
  }
}

/** Only for damaged documents, to name the id they start with. */
function readFileText(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(0, 4096);
  } catch {
    return '';
  }
}
