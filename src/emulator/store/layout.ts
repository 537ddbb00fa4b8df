/**
 * Where the file store keeps things under its directory, and how ids become file names.
 *
 *   <dir>/store.json                    format marker and version (written once, when the store is created)
 *   <dir>/store.lock                    pid of the process that has the store open (removed by close)
 *   <dir>/instances/<name>.<hash>.json  one lowdb document per orchestration instance (the InstanceRecord)
 *   <dir>/entities/<name>.<hash>.json   one lowdb document per entity (the EntityRecord)
 *   <dir>/journal-00000007.jsonl        journal segments: one JSON line per group commit, replayed in order
 *                                       over the documents at load time
 *
 * Anything else in the directories (moved-aside `*.corrupt-*` files, the user's own notes) is ignored.
 */
import { createHash } from 'node:crypto';
import { rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const STORE_FORMAT = 'durable-studio-store';
export const STORE_FORMAT_VERSION = 1;

export interface StoreMarker {
  format: string;
  version: number;
  createdAt: string;
  description?: string;
}

export interface StoreLayout {
  dir: string;
  marker: string;
  lock: string;
  instancesDir: string;
  entitiesDir: string;
}

export function storeLayout(dir: string): StoreLayout {
  return {
    dir,
    marker: join(dir, 'store.json'),
    lock: join(dir, 'store.lock'),
    instancesDir: join(dir, 'instances'),
    entitiesDir: join(dir, 'entities'),
  };
}

const SEGMENT_RE = /^journal-(\d{8,})\.jsonl$/;

export function segmentFileName(no: number): string {
  return `journal-${String(no).padStart(8, '0')}.jsonl`;
}

/** The segment number of a journal file name, or null when the name is not a journal segment. */
export function parseSegmentFileName(name: string): number | null {
  const m = SEGMENT_RE.exec(name);
  return m ? Number(m[1]) : null;
}

/** Documents are `*.json`; temporary files (`*.json.tmp-…`) and moved-aside files never match. */
export function isDocumentFileName(name: string): boolean {
  return name.endsWith('.json');
}

export function isTempFileName(name: string): boolean {
  return /\.tmp-\d+-\d+$/.test(name);
}

/**
 * A file name for an id. Ids may hold any character except `/ \` and control characters, may be up to 256
 * characters long, and may differ only in case, so the name is a readable sanitised prefix (at most 80 chars,
 * only `[A-Za-z0-9._-]`, never starting with a dot) plus 16 hex digits of the SHA-256 of the exact id. The hash
 * keeps names distinct on case-insensitive file systems; the prefix is for humans only and is never parsed back
 * (every document holds its exact id).
 */
export function fileNameForId(id: string): string {
  let prefix = id
    .slice(0, 80)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\./, '_');
  if (prefix === '') prefix = '_';
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
  return `${prefix}.${hash}.json`;
}

export function instancePath(layout: StoreLayout, instanceId: string): string {
  return join(layout.instancesDir, fileNameForId(instanceId));
}

export function entityPath(layout: StoreLayout, entityId: string): string {
  return join(layout.entitiesDir, fileNameForId(entityId));
}

/**
 * Renames a file that could not be parsed to `<name>.corrupt-<timestamp>` (never overwriting anything) and
 * returns the new path. The bytes are kept exactly as they were, for the user to inspect or repair.
 */
export async function moveAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt++) {
    const target = `${path}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await rename(path, target);
    return target;
  }
}
