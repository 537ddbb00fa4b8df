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
import { lstat, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/**
 * Exactly the names `fileNameForId` makes: a sanitised prefix of 1 to 80 characters that does not start with a
 * dot, a dot, 16 hex digits, `.json`. Anything else in the document folders (moved-aside `*.corrupt-*` files, a
 * user's notes, a stray file with a 250-character name) is not a store file and is never read, renamed or removed.
 */
const DOCUMENT_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}\.[0-9a-f]{16}\.json$/;

export function isDocumentFileName(name: string): boolean {
  return DOCUMENT_RE.test(name);
}

/** A temporary file of an interrupted document write (`<document name>.tmp-<pid>-<n>`, see atomicJsonFile.ts). */
export function isTempFileName(name: string): boolean {
  const m = /^(.+)\.tmp-\d+-\d+$/.exec(name);
  return m !== null && DOCUMENT_RE.test(m[1]!);
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

/** Longest file name (in UTF-8 bytes) that common file systems accept (NAME_MAX on Linux and macOS). */
const NAME_MAX_BYTES = 255;

/**
 * `<name><suffix>`, shortened to fit NAME_MAX_BYTES: the end of `name` is cut (never inside a character) and
 * replaced by `~` and 8 hex digits of the SHA-256 of the whole name, so two long names cut alike stay distinct.
 */
export function fitFileName(name: string, suffix: string): string {
  if (Buffer.byteLength(name + suffix) <= NAME_MAX_BYTES) return name + suffix;
  const mark = `~${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`;
  const room = NAME_MAX_BYTES - Buffer.byteLength(mark + suffix);
  let kept = '';
  for (const char of name) {
    if (Buffer.byteLength(kept + char) > room) break;
    kept += char;
  }
  return kept + mark + suffix;
}

/**
 * Renames a damaged file (or folder) to `<name>.corrupt-<timestamp>` next to it, never overwriting anything, and
 * returns the new path. A rename keeps the bytes exactly as they were, for the user to inspect or repair. The
 * name is shortened when the suffix would make it longer than the file system allows.
 */
export async function moveAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = dirname(path);
  const name = basename(path);
  for (let attempt = 0; ; attempt++) {
    const target = join(dir, fitFileName(name, `.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`));
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await rename(path, target);
    return target;
  }
}
