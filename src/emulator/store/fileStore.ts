/**
 * The file store: per-record lowdb documents plus an append-only journal (see layout.ts for the files,
 * journal.ts for the line format and replay rule, checkpoint.ts for folding the journal into documents).
 *
 * Group commit: `commit` only queues the records (by reference, last operation per id wins) and schedules a
 * flush with setImmediate, so every commit made in the same tick, including those made from promise callbacks
 * of that tick, and every commit made while a write is in flight, lands in one journal line: one append, and one
 * fdatasync when `fsync` is on. Records are serialised synchronously when the line is built (the engine never
 * leaves a record half-mutated across an await), and each caller's promise resolves after that append.
 *
 * Cost per commit is O(what changed): an instance entry carries only the history events appended since the
 * length persisted for that id (tracked in `persisted`), or the full history when the record is new to the
 * store, was deleted meanwhile, or its historyVersion changed.
 */
import { close as closeCb, fdatasyncSync, ftruncateSync, open as openCb, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { EntityRecord, InstanceRecord } from '../engine/model.js';
import type { CommitBatch, Store, StoreContents, StoreStats } from './types.js';
import { runCheckpoint, syncDir } from './checkpoint.js';
import { splitInstance, type JournalInstanceEntry, type JournalLine } from './journal.js';
import { segmentFileName, storeLayout, type StoreLayout } from './layout.js';
import { describeDamage, type DamageReport } from './damage.js';
import { explainFsError } from './fsErrors.js';
import {
  inspectStoreDir,
  loadContents,
  openStoreDir,
  releaseLock,
  type IoOptions,
  type OpenedStore,
  type SegmentInfo,
} from './loader.js';

export interface FileStoreOptions {
  /** fdatasync each journal append (one per group commit) and each checkpointed document. Default false. */
  fsync?: boolean;
  /** Checkpoint once the journal holds more than this many bytes. Default 4 MiB. */
  checkpointBytes?: number;
  /** Diagnostics (torn journal tails, checkpoint failures, what a repair did). Default: discarded. */
  log?: (msg: string) => void;
  /**
   * What `load` does with a damaged store. false (default): throw `StoreDamagedError` and change nothing, so every
   * later load refuses too. true: move the damaged files aside, keep everything valid (recovery.ts, repair.ts),
   * log what was kept and dropped, and load the result.
   */
  repair?: boolean;
}

export interface FileStoreStats extends StoreStats {
  /** Journal lines written, i.e. group commits (`commits` counts acknowledged `commit()` calls). */
  journalAppends: number;
  /** Bytes currently in journal segments (what the next load replays). */
  journalBytes: number;
}

export interface FileStore extends Store {
  readonly dir: string;
  stats(): FileStoreStats;
}

export const DEFAULT_CHECKPOINT_BYTES = 4 * 1024 * 1024;

export function createFileStore(dir: string, options: FileStoreOptions = {}): FileStore {
  return new FileStoreImpl(dir, options);
}

/** What a repair of the store in `dir` would keep and drop, changing nothing (see `inspectStoreDir`). */
export function inspectStore(dir: string, log: (msg: string) => void = () => undefined): Promise<DamageReport> {
  return inspectStoreDir(storeLayout(dir), log);
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  /** close()'s barrier: not a caller's commit, so not counted in stats. */
  barrier?: boolean;
}

interface ActiveSegment extends SegmentInfo {
  /** A plain descriptor rather than a FileHandle: a store dropped without close (a simulated crash in tests) leaks it quietly. */
  fd: number;
}

const openFd = promisify(openCb);
const closeFd = promisify(closeCb);

class FileStoreImpl implements FileStore {
  readonly dir: string;
  private readonly layout: StoreLayout;
  private readonly fsync: boolean;
  private readonly checkpointBytes: number;
  private readonly log: (msg: string) => void;
  private readonly repair: boolean;
  private readonly io: IoOptions;
  private readonly counters = { commits: 0, bytesWritten: 0, fsyncs: 0, checkpoints: 0, journalAppends: 0 };

  private init: Promise<void> | null = null;
  private opened: OpenedStore | null = null;
  private loadCalled = false;
  private commitCalled = false;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closePromise: Promise<void> | null = null;
  /** Set when the journal could not be restored after a failed append; every later commit rejects with it. */
  private failure: Error | null = null;

  /** History length and version already in the journal or documents, per instance id. */
  private readonly persisted = new Map<string, { length: number; version: number }>();
  /** Ids deleted while a line was being written: that line's `persisted` updates must not resurrect them. */
  private readonly deletedDuringWrite = new Set<string>();
  private pendingInstances = new Map<string, InstanceRecord | null>();
  private pendingEntities = new Map<string, EntityRecord | null>();
  private waiters: Waiter[] = [];
  private flushScheduled = false;
  private writing = false;

  /** Segments no longer appended to, waiting for a checkpoint (oldest first). */
  private closedSegments: SegmentInfo[] = [];
  private active: ActiveSegment | null = null;
  private nextSegmentNo = 1;
  private checkpointRunning: Promise<void> | null = null;
  /** After a failed checkpoint, wait for this many journal bytes before trying again. */
  private checkpointRetryAt = 0;

  constructor(dir: string, options: FileStoreOptions) {
    this.dir = dir;
    this.layout = storeLayout(dir);
    this.fsync = options.fsync ?? false;
    this.checkpointBytes = options.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES;
    this.log = options.log ?? (() => undefined);
    this.repair = options.repair ?? false;
    this.io = {
      fsync: this.fsync,
      log: this.log,
      onWrite: (bytes, fsynced) => {
        this.counters.bytesWritten += bytes;
        if (fsynced) this.counters.fsyncs++;
      },
    };
  }

  private ensureInit(): Promise<void> {
    this.init ??= openStoreDir(this.layout, this.io).then((opened) => {
      this.opened = opened;
      this.useSegments(opened.segments);
    });
    return this.init;
  }

  private useSegments(segments: SegmentInfo[]): void {
    this.closedSegments = segments;
    this.nextSegmentNo = segments.length > 0 ? segments[segments.length - 1]!.no + 1 : 1;
  }

  async load(): Promise<StoreContents> {
    if (this.state !== 'open') throw new Error(`Store ${this.dir} is closed; create a new store to load it again`);
    if (this.loadCalled || this.commitCalled)
      throw new Error('Store.load() must be called once, before the first commit');
    this.loadCalled = true;
    let contents: StoreContents;
    try {
      await this.ensureInit();
      const loaded = await loadContents(this.layout, this.opened!, this.io, { repair: this.repair });
      if (loaded.repaired) {
        // The repair folded every segment it read into documents (or moved a damaged one aside).
        const { movedAside, ...report } = loaded.repaired;
        for (const line of describeDamage(report, movedAside)) this.log(line);
        this.useSegments(this.opened!.segments);
      } else if (this.repair) {
        this.log(`store: ${this.dir} is not damaged: nothing to repair`);
      }
      contents = { instances: loaded.instances, entities: loaded.entities };
    } catch (err) {
      // Nothing may be written over a store that did not load: commits reject and close() skips the checkpoint.
      this.failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
    for (const record of contents.instances) {
      this.persisted.set(record.instanceId, { length: record.history.length, version: record.historyVersion });
    }
    return contents;
  }

  commit(batch: CommitBatch): Promise<void> {
    if (this.state !== 'open') {
      return Promise.reject(new Error(`Store ${this.dir} is closed: commit() after close() is not allowed`));
    }
    if (this.failure) return Promise.reject(this.failure);
    this.commitCalled = true;
    // Consume the iterables now (they may be lazy); serialise later, at write time. Within one batch, deletes
    // apply after upserts of the same id.
    for (const record of batch.instances ?? []) this.pendingInstances.set(record.instanceId, record);
    for (const record of batch.entities ?? []) this.pendingEntities.set(record.id, record);
    for (const id of batch.deletedInstances ?? []) {
      this.pendingInstances.set(id, null);
      // A record created later under this id must be journaled with its full history.
      this.persisted.delete(id);
      if (this.writing) this.deletedDuringWrite.add(id);
    }
    for (const id of batch.deletedEntities ?? []) this.pendingEntities.set(id, null);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.writing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.writing = true;
      void this.flush().finally(() => {
        this.writing = false;
        if (this.waiters.length > 0) this.scheduleFlush();
      });
    });
  }

  /** Writes one group: everything queued since the previous group. Never rejects; failures go to the waiters. */
  private async flush(): Promise<void> {
    const waiters = this.waiters;
    const instances = this.pendingInstances;
    const entities = this.pendingEntities;
    this.waiters = [];
    this.pendingInstances = new Map();
    this.pendingEntities = new Map();
    this.deletedDuringWrite.clear();
    try {
      if (this.failure) throw this.failure;
      await this.ensureInit();
      if (instances.size > 0 || entities.size > 0) {
        const { text, persistedAfter } = this.buildLine(instances, entities);
        await this.append(text);
        for (const [id, info] of persistedAfter) {
          if (!this.deletedDuringWrite.has(id)) this.persisted.set(id, info);
        }
      }
      for (const waiter of waiters) if (!waiter.barrier) this.counters.commits++;
      for (const waiter of waiters) waiter.resolve();
    } catch (err) {
      this.log(`store: commit failed: ${err instanceof Error ? err.message : String(err)}`);
      for (const waiter of waiters) waiter.reject(err);
      return;
    }
    this.maybeStartCheckpoint();
  }

  private buildLine(
    instances: Map<string, InstanceRecord | null>,
    entities: Map<string, EntityRecord | null>,
  ): { text: string; persistedAfter: Map<string, { length: number; version: number }> } {
    const line: JournalLine = { t: Date.now() };
    const persistedAfter = new Map<string, { length: number; version: number }>();
    const entries: JournalInstanceEntry[] = [];
    const deletedInstances: string[] = [];
    for (const [id, record] of instances) {
      if (record === null) {
        deletedInstances.push(id);
        continue;
      }
      const { head, history } = splitInstance(record);
      const known = this.persisted.get(id);
      // Append-only within a historyVersion is the engine's contract; a shorter history means it was replaced
      // without bumping the version, so fall back to the full history rather than journal a wrong delta.
      const from =
        known !== undefined && known.version === record.historyVersion && known.length <= history.length
          ? known.length
          : 0;
      entries.push({ record: head, historyFrom: from, historyAppend: from === 0 ? history : history.slice(from) });
      persistedAfter.set(id, { length: history.length, version: record.historyVersion });
    }
    const entityRecords: EntityRecord[] = [];
    const deletedEntities: string[] = [];
    for (const [id, record] of entities) {
      if (record === null) deletedEntities.push(id);
      else entityRecords.push(record);
    }
    if (entries.length > 0) line.instances = entries;
    if (entityRecords.length > 0) line.entities = entityRecords;
    if (deletedInstances.length > 0) line.deletedInstances = deletedInstances;
    if (deletedEntities.length > 0) line.deletedEntities = deletedEntities;
    return { text: JSON.stringify(line), persistedAfter };
  }

  private async append(text: string): Promise<void> {
    if (this.active === null) {
      const no = this.nextSegmentNo++;
      const path = join(this.dir, segmentFileName(no));
      let fd: number;
      try {
        fd = await openFd(path, 'a');
      } catch (err) {
        throw explainFsError(err, path, 'file', 'create', this.dir);
      }
      this.active = { no, path, bytes: 0, fd };
      // The new file's directory entry must be durable before anything in it is acknowledged.
      if (this.fsync) this.counters.fsyncs += await syncDir(this.dir);
    }
    const segment = this.active;
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    // The append is synchronous on purpose: it is a page-cache write of one group's delta (sub-millisecond), and
    // done on the thread pool it would queue behind checkpoint I/O while every acknowledgement waits for it.
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += writeSync(segment.fd, bytes, offset, bytes.length - offset);
      }
      if (this.fsync) {
        fdatasyncSync(segment.fd);
        this.counters.fsyncs++;
      }
    } catch (err) {
      // Cut off the partial line so later lines do not follow garbage; if even that fails, stop accepting commits.
      try {
        ftruncateSync(segment.fd, segment.bytes);
      } catch {
        this.failure = new Error(`Store ${this.dir} failed to write its journal and cannot continue: ${String(err)}`);
      }
      throw explainFsError(err, segment.path, 'file', 'write', this.dir);
    }
    segment.bytes += bytes.length;
    this.counters.bytesWritten += bytes.length;
    this.counters.journalAppends++;
  }

  private journalBytes(): number {
    let total = this.active?.bytes ?? 0;
    for (const segment of this.closedSegments) total += segment.bytes;
    return total;
  }

  /** Rotates the journal and checkpoints the closed segments in the background when the journal is big enough. */
  private maybeStartCheckpoint(): void {
    if (this.checkpointRunning || this.state !== 'open') return;
    const bytes = this.journalBytes();
    if (bytes <= this.checkpointBytes || bytes < this.checkpointRetryAt) return;
    this.checkpointRunning = this.checkpoint().then(
      () => {
        this.checkpointRunning = null;
      },
      (err: unknown) => {
        this.checkpointRunning = null;
        this.checkpointRetryAt = this.journalBytes() + this.checkpointBytes;
        this.log(
          `store: checkpoint failed, the journal is kept and replayed at load: ${err instanceof Error ? err.message : String(err)}`,
        );
      },
    );
  }

  /**
   * Closes the active segment (the next append opens a new one) and folds all closed segments into documents.
   * Called only between appends (from flush or close), so the segment being closed has no write in flight.
   */
  private async checkpoint(): Promise<void> {
    if (this.active !== null) {
      const { fd, ...info } = this.active;
      this.active = null;
      this.closedSegments.push(info);
      await closeFd(fd);
    }
    const segments = [...this.closedSegments];
    if (segments.length === 0) return;
    const result = await runCheckpoint(this.layout, segments, this.io);
    this.closedSegments = this.closedSegments.filter((s) => !segments.includes(s));
    this.counters.fsyncs += result.fsyncs;
    this.counters.checkpoints++;
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    // Commits queued before close are written; commits after this point reject.
    const drained =
      this.waiters.length > 0 || this.writing
        ? new Promise<void>((resolve, reject) => {
            this.waiters.push({ resolve, reject, barrier: true });
            this.scheduleFlush();
          })
        : Promise.resolve();
    this.state = 'closing';
    try {
      await drained;
    } finally {
      await this.checkpointRunning;
      try {
        if (this.init !== null && this.failure === null) {
          await this.init;
          await this.checkpoint();
        }
      } finally {
        if (this.active !== null) await closeFd(this.active.fd);
        this.active = null;
        if (this.init !== null) await releaseLock(this.layout);
        this.state = 'closed';
      }
    }
  }

  stats(): FileStoreStats {
    return { ...this.counters, journalBytes: this.journalBytes() };
  }
}
