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
   * Instances whose last applied entry was a delta over a base that could not be its true prefix (missing base,
   * shorter history, other historyVersion). Legitimate only transiently (a later full entry or delete fixes it);
   * anything left at the end of a replay means documents or journal segments are missing.
   */
  suspect: Map<string, string>;
}

export function emptyReplayState(): ReplayState {
  return { instances: new Map(), entities: new Map(), suspect: new Map() };
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
      if (reason === null) state.suspect.delete(id);
      else state.suspect.set(id, reason);
    } else {
      state.suspect.delete(id);
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
  }
  for (const id of line.deletedEntities ?? []) state.entities.set(id, null);
}

export interface ParsedSegment {
  lines: JournalLine[];
  /** Bytes after the last newline: a torn append from a killed process (never acknowledged), ignored. */
  tornTailBytes: number;
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
 * Parses a segment's bytes. Only newline-terminated lines count: an append is acknowledged only after the whole
 * line including its newline is written, so an unterminated tail is a torn, unacknowledged commit. A terminated
 * line that does not parse is corruption and throws `JournalLineError`.
 */
export function parseSegment(bytes: Buffer): ParsedSegment {
  const lines: JournalLine[] = [];
  let start = 0;
  let lineNumber = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    lineNumber++;
    const text = bytes.toString('utf8', start, end);
    start = end + 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new JournalLineError(lineNumber, err instanceof Error ? err.message : String(err));
    }
    const problem = checkLine(value);
    if (problem) throw new JournalLineError(lineNumber, problem);
    lines.push(value as JournalLine);
  }
  return { lines, tornTailBytes: bytes.length - start };
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
