/**
 * store.json, the format marker: written once when a store is created, checked at every start.
 */
import { Low } from 'lowdb';
import { AtomicJsonFile, DocumentParseError } from './atomicJsonFile.js';
import { atPath, StoreAccessError } from './fsErrors.js';
import { isObject } from './journal.js';
import { STORE_FORMAT, STORE_FORMAT_VERSION, type StoreLayout, type StoreMarker } from './layout.js';
import type { IoOptions } from './types.js';

export type MarkerState = { kind: 'ok' } | { kind: 'missing' } | { kind: 'damaged'; problem: string };

/**
 * Reads store.json. A marker of another format, or of a newer version, is not damage: a repair must not write
 * over it, so those always refuse.
 */
export async function readMarker(layout: StoreLayout): Promise<MarkerState> {
  const db = new Low<StoreMarker | null>(new AtomicJsonFile(layout.marker), null);
  try {
    await atPath(layout.marker, 'file', 'read', layout.dir, () => db.read());
  } catch (err) {
    if (!(err instanceof DocumentParseError)) throw err;
    const detail = err.message
      .slice(layout.marker.length + 2)
      .replace(/\s+/g, ' ')
      .slice(0, 120);
    return { kind: 'damaged', problem: detail.startsWith('holds ') ? detail : `does not parse (${detail})` };
  }
  const marker: unknown = db.data;
  if (marker === null) return { kind: 'missing' };
  if (!isObject(marker) || typeof marker.format !== 'string' || marker.format === '')
    return { kind: 'damaged', problem: 'is not a Durable Studio store marker (no "format")' };
  if (marker.format !== STORE_FORMAT) {
    throw new StoreAccessError(
      `${layout.marker} says the folder ${layout.dir} holds a "${marker.format}" store, not a Durable Studio store: start with --store <another folder>`,
      layout.marker,
      undefined,
    );
  }
  if (typeof marker.version !== 'number')
    return { kind: 'damaged', problem: 'is not a Durable Studio store marker (no "version")' };
  if (marker.version > STORE_FORMAT_VERSION) {
    throw new StoreAccessError(
      `Store ${layout.dir} has format version ${marker.version}; this version of Durable Studio reads up to ${STORE_FORMAT_VERSION}: update Durable Studio, or start with --store <another folder>`,
      layout.marker,
      undefined,
    );
  }
  return { kind: 'ok' };
}

export async function writeMarker(layout: StoreLayout, io: IoOptions): Promise<void> {
  const db = new Low<StoreMarker>(new AtomicJsonFile(layout.marker, { fsync: io.fsync, onWrite: io.onWrite }), {
    format: STORE_FORMAT,
    version: STORE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    description:
      'Durable Studio store. instances/ and entities/ hold one JSON document per record as of the last checkpoint; ' +
      'journal-*.jsonl hold one line per commit since then, replayed over the documents in file order.',
  });
  await atPath(layout.marker, 'file', 'write', layout.dir, () => db.write());
}
