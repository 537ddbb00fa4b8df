/**
 * The journal: one JSON line per group commit. A line is the whole group, so a commit touching several
 * records is atomic (the line is either complete, newline included, or it is a torn tail that was never
 * acknowledged).
 *
 * Line format (keys absent when empty):
 *   {"t": <epoch ms>,
 *    "instances": [{"record": <InstanceRecord without history>, "historyFrom": n, "historyAppend": [events]}],
 *    "entities": [<EntityRecord>], "deletedInstances": [ids], "deletedEntities": [ids]}
 *
 * Replay rule for an instance entry: history = base.history.slice(0, historyFrom).concat(historyAppend), all other
 * fields from `record`. `historyFrom` is 0 (full history) when the record is new to the store or its
 * `historyVersion` changed; otherwise it is the history length already persisted, so a commit costs O(what
 * changed). Each id appears at most once per line (the group keeps only the last operation per id).
 *
 * Idempotency (why replaying a segment over documents that are already newer is safe): a checkpoint writes each
 * document as of the end of the segments it covers and deletes those segments only afterwards, so at load every
 * document is the true state at some point no earlier than the start of the first remaining segment. Replaying
 * a line L over a newer state with the same historyVersion keeps the true prefix [0, historyFrom) (history only
 * grows within a version) and appends exactly L's events, which yields the true state at L. If the newer state
 * has another historyVersion, the result is wrong only until the later line that changed the version, which
 * carries the full history (historyFrom 0) and is also replayed. Deletes and full records are idempotent.
 */
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import type { HistoryEvent } from '../engine/history.js';

export type InstanceHead = Omit<InstanceRecord, 'history'>;

export interface JournalInstanceEntry {
  record: InstanceHead;
  historyFrom: number;
  historyAppend: HistoryEvent[];
}

export interface JournalLine {
  t: number;
  instances?: JournalInstanceEntry[];
  entities?: EntityRecord[];
  deletedInstances?: string[];
  deletedEntities?: string[];
}

/** Replay state: a record per id; `null` marks a deletion seen in the journal (its document must be removed). */
export interface ReplayState {
  instances: Map<string, InstanceRecord | null>;
  entities: Map<string, EntityRecord | null>;
  /**
   * Instances whose history may not be their true history: an entry was a delta over a base that could not be
   * its true prefix (missing base, shorter history, other historyVersion). Sticky: once suspect, an instance stays
   * suspect until an entry with its full history (historyFrom 0) or a delete, because a later delta can look
   * consistent with a wrong base (same version, long enough) without fixing it. Legitimate only transiently (when
   * documents are newer than the start of the journal, the journal holds the full entry that resolves it);
   * anything left at the end of a replay means documents or journal lines are missing.
   */
  suspect: Map<string, string>;
  /**
   * For each suspect instance, its last state that was not suspect (null: it never had one), copied when it
   * became suspect. A repair rolls a suspect instance back to it: a true state at an earlier point.
   */
  lastGood: Map<string, InstanceRecord | null>;
}

export function emptyReplayState(): ReplayState {
  return { instances: new Map(), entities: new Map(), suspect: new Map(), lastGood: new Map() };
}

export function splitInstance(record: InstanceRecord): { head: InstanceHead; history: HistoryEvent[] } {
  const { history, ...head } = record;
  return { head, history };
}

export function applyLine(state: ReplayState, line: JournalLine): void {
  for (const entry of line.instances ?? []) {
    const id = entry.record.instanceId;
    const base = state.instances.get(id) ?? null;
    const from = entry.historyFrom;
    if (from > 0) {
      const reason =
        base === null
          ? 'no base record'
          : base.historyVersion !== entry.record.historyVersion
            ? `base historyVersion ${base.historyVersion} != ${entry.record.historyVersion}`
            : base.history.length < from
              ? `base history has ${base.history.length} events, entry starts at ${from}`
              : null;
      if (reason !== null && !state.suspect.has(id)) {
        state.suspect.set(id, reason);
        // Copied before the in-place extension below changes the base's history array.
        state.lastGood.set(id, base === null ? null : { ...base, history: base.history.slice() });
      }
    } else {
      state.suspect.delete(id);
      state.lastGood.delete(id);
    }
    // The replay state owns every record it holds (parsed from disk), so the base history is extended in place:
    // replaying a segment in which one history grows by k events per line stays linear, not quadratic.
    let history: HistoryEvent[];
    if (from > 0 && base !== null) {
      history = base.history;
      if (history.length > from) history.length = from;
      for (const event of entry.historyAppend) history.push(event);
    } else {
      history = entry.historyAppend;
    }
    state.instances.set(id, { ...entry.record, history });
  }
  for (const entity of line.entities ?? []) state.entities.set(entity.id, entity);
  for (const id of line.deletedInstances ?? []) {
    state.instances.set(id, null);
    state.suspect.delete(id);
    state.lastGood.delete(id);
  }
  for (const id of line.deletedEntities ?? []) state.entities.set(id, null);
}

export interface ParsedSegment {
  lines: JournalLine[];
  /**
   * Bytes after the last newline: a torn append. An append is acknowledged only once the whole line including
   * its newline is written (and fdatasynced with --fsync), so these bytes belong to a commit that was never
   * acknowledged, and ignoring them loses nothing that was promised. Only the end of a segment can be torn: a
   * killed process never appends again, and the next process starts a new segment.
   */
  tornTailBytes: number;
}

/** A newline-terminated line that does not parse or has the wrong shape: damage, never a torn tail. */
export interface BadLine {
  lineNumber: number;
  /** False when the line is not JSON; true when it is JSON but not a journal line. */
  parses: boolean;
  detail: string;
  /** The line's text, for naming the records it mentions in a report. */
  text: string;
}

export interface ScannedSegment extends ParsedSegment {
  /** The terminated non-blank lines, good and bad. */
  lineCount: number;
  bad: BadLine[];
}

export class JournalLineError extends Error {
  constructor(
    readonly lineNumber: number,
    detail: string,
  ) {
    super(`line ${lineNumber}: ${detail}`);
    this.name = 'JournalLineError';
  }
}

/**
 * Parses a segment's bytes, keeping every good line and listing the bad ones. Only newline-terminated lines count
 * (see `tornTailBytes`); a terminated line that does not parse, or is not a journal line, is damage.
 */
export function scanSegment(bytes: Buffer): ScannedSegment {
  const lines: JournalLine[] = [];
  const bad: BadLine[] = [];
  let start = 0;
  let lineNumber = 0;
  let lineCount = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    lineNumber++;
    const text = bytes.toString('utf8', start, end);
    start = end + 1;
    if (text.trim() === '') continue;
    lineCount++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      bad.push({ lineNumber, parses: false, detail: err instanceof Error ? err.message : String(err), text });
      continue;
    }
    const problem = checkLine(value);
    if (problem) {
      bad.push({ lineNumber, parses: true, detail: problem, text });
      continue;
    }
    lines.push(value as JournalLine);
  }
  return { lines, bad, lineCount, tornTailBytes: bytes.length - start };
}

/** Like `scanSegment`, but the first bad line throws `JournalLineError` (for readers that must not skip any). */
export function parseSegment(bytes: Buffer): ParsedSegment {
  const scanned = scanSegment(bytes);
  const first = scanned.bad[0];
  if (first) throw new JournalLineError(first.lineNumber, first.detail);
  return { lines: scanned.lines, tornTailBytes: scanned.tornTailBytes };
}

/** A cheap shape check, enough to refuse lines that would crash replay; not a full schema validation. */
function checkLine(value: unknown): string | null {
  if (!isObject(value)) return 'not a JSON object';
  const { instances, entities, deletedInstances, deletedEntities } = value;
  if (instances !== undefined) {
    if (!Array.isArray(instances)) return '"instances" is not an array';
    for (const e of instances) {
      if (!isObject(e) || !isObject(e.record) || typeof e.record.instanceId !== 'string') return 'bad instance entry';
      if (typeof e.historyFrom !== 'number' || !Array.isArray(e.historyAppend)) return 'bad instance history delta';
    }
  }
  if (entities !== undefined) {
    if (!Array.isArray(entities) || !entities.every((e) => isObject(e) && typeof e.id === 'string'))
      return 'bad "entities"';
  }
  for (const ids of [deletedInstances, deletedEntities]) {
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')))
      return 'bad deleted ids';
  }
  return null;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isInstanceRecord(value: unknown): value is InstanceRecord {
  return isObject(value) && typeof value.instanceId === 'string' && Array.isArray(value.history);
}

export function isEntityRecord(value: unknown): value is EntityRecord {
  return isObject(value) && typeof value.id === 'string';
}
