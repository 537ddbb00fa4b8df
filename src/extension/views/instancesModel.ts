/**
 * The Instances view's state, without VS Code: which instances there are (the pages read so far and what the live
 * stream announced, kept to those passing the filter), how reads and changes merge, and the paging bookkeeping.
 * Where each instance is listed is `InstanceTreeIndex`'s job. Every change returns the nodes it made stale
 * (`Dirty`), so the tree re-renders just those: a status change of one instance among 10,000 re-renders that item
 * (grouped by name) or the two groups it leaves and joins (grouped by status), never the whole tree.
 */
import type { InstanceStatus, ReturnedState, RuntimeStatus } from '../api/index.js';
import { matchesFilter, resolveFilter, type InstanceFilter } from './instanceFilter.js';
import {
  Dirty,
  rootDirty,
  type GroupBy,
  type GroupNode,
  type InstanceChange,
  type InstanceEntry,
  type InstanceNode,
  type InstancesNode,
  type LoadMoreNode,
} from './instanceNodes.js';
import { InstanceTreeIndex } from './instanceTreeIndex.js';
import { PreciseTimes } from './preciseTimes.js';

export { Dirty } from './instanceNodes.js';
export type {
  GroupBy,
  GroupNode,
  InstanceChange,
  InstanceEntry,
  InstanceNode,
  InstancesNode,
  LoadMoreNode,
} from './instanceNodes.js';

export interface PagingState {
  /** Pages read since the last reset. */
  pages: number;
  /** The server's token for the next page; undefined before the first page and after the last. */
  continuationToken: string | undefined;
  /** The last page has been read. */
  complete: boolean;
}

export interface InstancesModelOptions {
  groupBy: GroupBy;
  filter: InstanceFilter;
  /** Epoch ms; relative filter times are resolved against it. */
  now: () => number;
}

export class InstancesModel {
  private filterValue: InstanceFilter;
  private readonly now: () => number;
  private readonly index: InstanceTreeIndex;
  /** Ids deleted since the last reset: a page read before the deletion must not bring them back. */
  private readonly tombstones = new Set<string>();
  /** Millisecond times told by changes, kept across resets (a re-read lists whole seconds only). */
  private readonly preciseTimes = new PreciseTimes();
  private pagingState: PagingState = { pages: 0, continuationToken: undefined, complete: false };
  private generationValue = 0;
  readonly loadMoreNode: LoadMoreNode = { kind: 'loadMore' };

  constructor(options: InstancesModelOptions) {
    this.index = new InstanceTreeIndex(options.groupBy);
    this.filterValue = options.filter;
    this.now = options.now;
  }

  get groupBy(): GroupBy {
    return this.index.groupBy;
  }
  get filter(): InstanceFilter {
    return this.filterValue;
  }
  get paging(): Readonly<PagingState> {
    return this.pagingState;
  }
  /** Incremented by `reset`; pages read for an earlier generation are dropped. */
  get generation(): number {
    return this.generationValue;
  }
  get size(): number {
    return this.index.size;
  }

  entry(instanceId: string): InstanceEntry | undefined {
    return this.index.get(instanceId);
  }

  /** Every entry, in no particular order. */
  allEntries(): IterableIterator<InstanceEntry> {
    return this.index.values();
  }

  /** Forgets every instance and the paging; the caller loads the first page again. */
  reset(): Dirty {
    this.index.clear();
    this.tombstones.clear();
    this.pagingState = { pages: 0, continuationToken: undefined, complete: false };
    this.generationValue++;
    return rootDirty();
  }

  /** Regroups what is loaded (nothing to read again). */
  setGroupBy(groupBy: GroupBy): Dirty {
    if (groupBy === this.index.groupBy) return new Dirty();
    this.index.regroup(groupBy);
    return rootDirty();
  }

  /** Sets the filter and forgets everything (the server must be asked again). */
  setFilter(filter: InstanceFilter): Dirty {
    this.filterValue = filter;
    return this.reset();
  }

  /**
   * Adds one listed page. `generation` is the one the read started in (a stale page is dropped). The name
   * filter is applied here, as the API cannot; the server applied the rest. Returns how many instances of the
   * page were kept.
   */
  addPage(
    generation: number,
    items: readonly InstanceStatus[],
    continuationToken: string | undefined,
  ): { dirty: Dirty; kept: number } {
    const dirty = new Dirty();
    if (generation !== this.generationValue) return { dirty, kept: 0 };
    const name = this.filterValue.name?.toLowerCase();
    let kept = 0;
    for (const item of items) {
      if (name !== undefined && item.name.toLowerCase() !== name) continue;
      if (this.tombstones.has(item.instanceId)) continue;
      kept++;
      dirty.merge(this.mergeStatus(item));
    }
    this.pagingState = {
      pages: this.pagingState.pages + 1,
      continuationToken,
      complete: continuationToken === undefined,
    };
    // The first page replaces the "loading" root; later ones change the load-more node's description.
    dirty.root = true;
    return { dirty, kept };
  }

  /**
   * An instance read on its own (after a start, or for a change whose instance was not loaded). Filtered like a
   * change. A read that raced with changes may be older than what they said: then only what the changes cannot
   * tell (the creation time, the parent) is taken from it.
   */
  upsertStatus(status: InstanceStatus, parentInstanceId?: string | null): Dirty {
    const id = status.instanceId;
    const existing = this.index.get(id);
    if (!existing || !isNewer(existing, status)) {
      if (!this.matches({ ...status, createdTime: Date.parse(status.createdTime) })) return this.remove(id);
      this.tombstones.delete(id);
    }
    const dirty = this.mergeStatus(status);
    if (parentInstanceId !== undefined) dirty.merge(this.setParent(id, parentInstanceId));
    return dirty;
  }

  /** A change from the live stream. */
  applyChange(change: InstanceChange): Dirty {
    const existing = this.index.get(change.instanceId);
    this.preciseTimes.remember(change.instanceId, change.lastUpdatedTime, change.createdTime);
    const told = change.createdTime !== undefined;
    const createdTime = change.createdTime ?? existing?.createdTime ?? change.lastUpdatedTime;
    // A Pending instance was created at its last update; otherwise the creation time is a guess until read (unless
    // the change tells it: the emulator's changes carry it, to the millisecond).
    const createdTimeEstimated = told
      ? false
      : existing
        ? existing.createdTimeEstimated
        : change.runtimeStatus !== 'Pending';
    const createdTimePrecise =
      told || (existing ? existing.createdTimePrecise === true : change.runtimeStatus === 'Pending');
    if (!this.matches({ ...change, createdTime })) return this.remove(change.instanceId);
    this.tombstones.delete(change.instanceId);
    if (existing && existing.lastUpdatedTime > change.lastUpdatedTime) return new Dirty();
    return this.index.put({
      instanceId: change.instanceId,
      name: change.name,
      runtimeStatus: change.runtimeStatus,
      createdTime,
      createdTimeEstimated,
      createdTimePrecise,
      lastUpdatedTime: change.lastUpdatedTime,
      lastUpdatedTimePrecise: true,
      parentInstanceId: change.parentInstanceId ?? null,
      hasPendingTimer: existing?.hasPendingTimer ?? false,
      ...(existing?.returned ? { returned: existing.returned } : {}),
      ...(existing?.customStatus !== undefined ? { customStatus: existing.customStatus } : {}),
      ...(existing?.output !== undefined ? { output: existing.output } : {}),
    });
  }

  /** The instance was deleted (purged), or left the filter. */
  remove(instanceId: string): Dirty {
    this.tombstones.add(instanceId);
    this.preciseTimes.forget(instanceId);
    return this.index.delete(instanceId);
  }

  /** The parent found out later (the list API does not tell it). */
  setParent(instanceId: string, parentInstanceId: string | null): Dirty {
    const entry = this.index.get(instanceId);
    if (!entry || entry.parentInstanceId === parentInstanceId) return new Dirty();
    return this.index.put({ ...entry, parentInstanceId });
  }

  /** Instances whose parent is unknown and may exist: ids of the form `<parent>:<suffix>`, the host's default. */
  parentCandidates(ids?: Iterable<string>): string[] {
    const result: string[] = [];
    for (const id of ids ?? this.index.ids()) {
      const entry = this.index.get(id);
      if (entry && entry.parentInstanceId === undefined && id.lastIndexOf(':') > 0) result.push(id);
    }
    return result;
  }

  /** Marks exactly the given instances as having a pending timer. */
  setPendingTimers(instanceIds: ReadonlySet<string>): Dirty {
    const changed = [...this.index.values()].filter((e) => instanceIds.has(e.instanceId) !== e.hasPendingTimer);
    const dirty = new Dirty();
    for (const entry of changed) dirty.merge(this.index.put({ ...entry, hasPendingTimer: !entry.hasPendingTimer }));
    return dirty;
  }

  /** Sets what each instance's function returned while tasks are open (absent from the map: nothing). */
  setReturned(returned: ReadonlyMap<string, ReturnedState>): Dirty {
    const dirty = new Dirty();
    for (const entry of [...this.index.values()]) {
      const next = returned.get(entry.instanceId);
      if (JSON.stringify(next) === JSON.stringify(entry.returned)) continue;
      const { returned: _old, ...rest } = entry;
      dirty.merge(this.index.put(next ? { ...rest, returned: next } : rest));
    }
    return dirty;
  }

  /** Top-level nodes: the groups in display order, then "load more" while pages remain. */
  roots(): InstancesNode[] {
    const nodes: InstancesNode[] = this.index.groupKeys().map((key) => this.index.groupNode(key));
    if (this.hasMore()) nodes.push(this.loadMoreNode);
    return nodes;
  }

  /** The children of a group or an instance, newest first. The array is cached until membership changes. */
  children(node: InstancesNode): InstanceNode[] {
    switch (node.kind) {
      case 'group':
        return this.index.groupChildren(node);
      case 'instance':
        return this.index.instanceChildren(node.instanceId);
      case 'loadMore':
        return [];
    }
  }

  /** The node is still in the tree (a node made stale may have been removed since). */
  isPresent(node: InstancesNode): boolean {
    switch (node.kind) {
      case 'group':
        return this.index.hasGroup(node);
      case 'instance':
        return this.index.hasInstanceNode(node);
      case 'loadMore':
        return this.hasMore();
    }
  }

  hasChildren(instanceId: string): boolean {
    return this.index.hasChildren(instanceId);
  }

  /** The node an instance is listed under; undefined for top-level nodes and unknown instances. */
  parent(node: InstancesNode): InstancesNode | undefined {
    return node.kind === 'instance' ? this.index.parentOf(node.instanceId) : undefined;
  }

  /** Number of top-level instances in a group. */
  groupSize(key: string): number {
    return this.index.groupSize(key);
  }

  groupNode(key: string): GroupNode {
    return this.index.groupNode(key);
  }

  instanceNode(instanceId: string): InstanceNode {
    return this.index.instanceNode(instanceId);
  }

  /** The filter matches (times resolved now). */
  matches(subject: { instanceId: string; name: string; runtimeStatus: RuntimeStatus; createdTime: number }): boolean {
    return matchesFilter(resolveFilter(this.filterValue, this.now()), subject);
  }

  private hasMore(): boolean {
    return this.pagingState.pages > 0 && !this.pagingState.complete;
  }

  private mergeStatus(status: InstanceStatus): Dirty {
    const existing = this.index.get(status.instanceId);
    const created = this.preciseTimes.created(status.instanceId, Date.parse(status.createdTime));
    if (existing && isNewer(existing, status)) {
      if (!existing.createdTimeEstimated) return new Dirty();
      return this.index.put({
        ...existing,
        createdTime: created.time,
        createdTimeEstimated: false,
        createdTimePrecise: created.precise,
      });
    }
    const lastUpdated = this.preciseTimes.lastUpdated(status.instanceId, Date.parse(status.lastUpdatedTime));
    return this.index.put({
      instanceId: status.instanceId,
      name: status.name,
      runtimeStatus: status.runtimeStatus,
      createdTime: created.time,
      createdTimeEstimated: false,
      createdTimePrecise: created.precise,
      lastUpdatedTime: lastUpdated.time,
      lastUpdatedTimePrecise: lastUpdated.precise,
      parentInstanceId: existing?.parentInstanceId,
      hasPendingTimer: existing?.hasPendingTimer ?? false,
      ...(existing?.returned ? { returned: existing.returned } : {}),
      customStatus: status.customStatus,
      output: status.output,
    });
  }
}

/**
 * Whether what is known is newer than a read. Reads (pages, single statuses) have the server's second precision,
 * changes have ms: a read sent before a change but answered after it is older, even within the same second (and
 * the change for whatever the read saw arrives afterwards). Equal times mean the read is at least as new.
 */
function isNewer(existing: InstanceEntry, status: InstanceStatus): boolean {
  return existing.lastUpdatedTime > Date.parse(status.lastUpdatedTime);
}
