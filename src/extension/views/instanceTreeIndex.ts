/**
 * Where each instance of the Instances view is listed: the entries by id, the groups (by orchestration name or by
 * status) of top-level entries, children by parent id, the sorted children of each group and parent (cached until
 * their membership or order changes), and one memoised node object per group and instance. `put` and `delete`
 * keep all of it consistent and say which nodes became stale. No VS Code here.
 *
 * Invariants:
 * - An entry is top-level (a member of the group of its key) unless its parent is an entry; then it is listed
 *   under that parent instead.
 * - `childIds` indexes children by parent id whether or not the parent is an entry, so a parent that arrives
 *   after its children adopts them, and the children of a deleted parent return to the top.
 */
import { RUNTIME_STATUSES } from './instanceFilter.js';
import { Dirty, type GroupBy, type GroupNode, type InstanceEntry, type InstanceNode } from './instanceNodes.js';

type Place = { kind: 'group'; key: string } | { kind: 'child'; parentId: string };

const STATUS_ORDER = new Map(RUNTIME_STATUSES.map((s, i) => [s as string, i]));

export class InstanceTreeIndex {
  private readonly entries = new Map<string, InstanceEntry>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly childIds = new Map<string, Set<string>>();
  private readonly sortedGroups = new Map<string, InstanceNode[]>();
  private readonly sortedChildren = new Map<string, InstanceNode[]>();
  private readonly groupNodes = new Map<string, GroupNode>();
  private readonly instanceNodes = new Map<string, InstanceNode>();

  constructor(private groupByValue: GroupBy) {}

  get groupBy(): GroupBy {
    return this.groupByValue;
  }
  get size(): number {
    return this.entries.size;
  }

  get(instanceId: string): InstanceEntry | undefined {
    return this.entries.get(instanceId);
  }

  values(): IterableIterator<InstanceEntry> {
    return this.entries.values();
  }

  ids(): IterableIterator<string> {
    return this.entries.keys();
  }

  clear(): void {
    this.entries.clear();
    this.groups.clear();
    this.childIds.clear();
    this.sortedGroups.clear();
    this.sortedChildren.clear();
    this.instanceNodes.clear();
  }

  /** Groups every entry again under another key (group nodes of the old kind are dropped). */
  regroup(groupBy: GroupBy): void {
    this.groupByValue = groupBy;
    this.groups.clear();
    this.sortedGroups.clear();
    this.groupNodes.clear();
    for (const entry of this.entries.values()) {
      const place = this.placeOf(entry);
      if (place.kind === 'group') this.groupSet(place.key).add(entry.instanceId);
    }
  }

  /** Stores an entry (new or changed) and moves it if its place changed; returns what became stale. */
  put(entry: InstanceEntry): Dirty {
    const dirty = new Dirty();
    const id = entry.instanceId;
    const existing = this.entries.get(id);
    if (!existing) {
      this.entries.set(id, entry);
      this.indexParent(undefined, entry.parentInstanceId, id);
      this.sortedChildren.delete(id);
      this.attach(entry, dirty);
      // Loaded children listed at the top so far move under it.
      for (const childId of this.childIds.get(id) ?? []) {
        const child = this.entries.get(childId);
        if (child && childId !== id) {
          this.detachFrom({ kind: 'group', key: this.groupKey(child) }, childId, dirty);
          dirty.nodes.add(this.instanceNode(id));
        }
      }
      return dirty;
    }
    const before = this.placeOf(existing);
    const moved = existing.createdTime !== entry.createdTime;
    this.entries.set(id, entry);
    this.indexParent(existing.parentInstanceId, entry.parentInstanceId, id);
    const after = this.placeOf(entry);
    if (!samePlace(before, after)) {
      this.detachFrom(before, id, dirty);
      this.attach(entry, dirty);
      return dirty;
    }
    // Same place: the item itself re-renders; its group or parent only when the order changed (re-rendering a
    // group re-renders all its children, which is what a change among thousands must avoid).
    dirty.nodes.add(this.instanceNode(id));
    if (!moved) return dirty;
    if (after.kind === 'group') {
      this.sortedGroups.delete(after.key);
      dirty.nodes.add(this.groupNode(after.key));
    } else {
      this.sortedChildren.delete(after.parentId);
      dirty.nodes.add(this.instanceNode(after.parentId));
    }
    return dirty;
  }

  /** Removes an entry; its loaded children return to the top. */
  delete(instanceId: string): Dirty {
    const dirty = new Dirty();
    const entry = this.entries.get(instanceId);
    if (!entry) return dirty;
    this.detachFrom(this.placeOf(entry), instanceId, dirty);
    this.indexParent(entry.parentInstanceId, undefined, instanceId);
    this.entries.delete(instanceId);
    this.instanceNodes.delete(instanceId);
    this.sortedChildren.delete(instanceId);
    for (const childId of this.childIds.get(instanceId) ?? []) {
      const child = this.entries.get(childId);
      if (child) this.attach(child, dirty);
    }
    return dirty;
  }

  /** The group keys in display order: statuses needing attention first, names alphabetically. */
  groupKeys(): string[] {
    const keys = [...this.groups.keys()];
    if (this.groupByValue === 'status') {
      return keys.sort((a, b) => (STATUS_ORDER.get(a) ?? 99) - (STATUS_ORDER.get(b) ?? 99));
    }
    return keys.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
  }

  /** A group's top-level instances, newest first (cached until the group's membership or order changes). */
  groupChildren(node: GroupNode): InstanceNode[] {
    if (node.groupBy !== this.groupByValue) return [];
    return this.sorted(this.sortedGroups, node.key, this.groups.get(node.key));
  }

  /** An instance's loaded sub-orchestrations, newest first (cached likewise). */
  instanceChildren(instanceId: string): InstanceNode[] {
    return this.sorted(this.sortedChildren, instanceId, this.childIds.get(instanceId));
  }

  hasChildren(instanceId: string): boolean {
    for (const childId of this.childIds.get(instanceId) ?? []) if (this.entries.has(childId)) return true;
    return false;
  }

  /** The parent instance or the group an instance is listed under. */
  parentOf(instanceId: string): GroupNode | InstanceNode | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    const place = this.placeOf(entry);
    return place.kind === 'child' ? this.instanceNode(place.parentId) : this.groupNode(place.key);
  }

  hasGroup(node: GroupNode): boolean {
    return node.groupBy === this.groupByValue && this.groups.has(node.key);
  }

  hasInstanceNode(node: InstanceNode): boolean {
    return this.instanceNodes.get(node.instanceId) === node && this.entries.has(node.instanceId);
  }

  /** Number of top-level instances in a group. */
  groupSize(key: string): number {
    return this.groups.get(key)?.size ?? 0;
  }

  groupNode(key: string): GroupNode {
    const memoKey = `${this.groupByValue}\u0000${key}`;
    let node = this.groupNodes.get(memoKey);
    if (!node) this.groupNodes.set(memoKey, (node = { kind: 'group', groupBy: this.groupByValue, key }));
    return node;
  }

  instanceNode(instanceId: string): InstanceNode {
    let node = this.instanceNodes.get(instanceId);
    if (!node) this.instanceNodes.set(instanceId, (node = { kind: 'instance', instanceId }));
    return node;
  }

  private attach(entry: InstanceEntry, dirty: Dirty): void {
    const place = this.placeOf(entry);
    if (place.kind === 'group') {
      const isNew = !this.groups.has(place.key);
      this.groupSet(place.key).add(entry.instanceId);
      this.sortedGroups.delete(place.key);
      if (isNew) dirty.root = true;
      else dirty.nodes.add(this.groupNode(place.key));
    } else {
      this.sortedChildren.delete(place.parentId);
      dirty.nodes.add(this.instanceNode(place.parentId));
    }
  }

  private detachFrom(place: Place, id: string, dirty: Dirty): void {
    if (place.kind === 'group') {
      const members = this.groups.get(place.key);
      if (!members?.delete(id)) return;
      this.sortedGroups.delete(place.key);
      if (members.size === 0) {
        this.groups.delete(place.key);
        dirty.root = true;
      } else {
        dirty.nodes.add(this.groupNode(place.key));
      }
    } else {
      this.sortedChildren.delete(place.parentId);
      dirty.nodes.add(this.instanceNode(place.parentId));
    }
  }

  private indexParent(before: string | null | undefined, after: string | null | undefined, id: string): void {
    if (before === after) return;
    if (before) {
      const siblings = this.childIds.get(before);
      siblings?.delete(id);
      if (siblings?.size === 0) this.childIds.delete(before);
      this.sortedChildren.delete(before);
    }
    if (after && after !== id) {
      let siblings = this.childIds.get(after);
      if (!siblings) this.childIds.set(after, (siblings = new Set()));
      siblings.add(id);
      this.sortedChildren.delete(after);
    }
  }

  private placeOf(entry: InstanceEntry): Place {
    const parentId = entry.parentInstanceId;
    if (parentId && parentId !== entry.instanceId && this.entries.has(parentId)) return { kind: 'child', parentId };
    return { kind: 'group', key: this.groupKey(entry) };
  }

  private groupKey(entry: InstanceEntry): string {
    return this.groupByValue === 'name' ? entry.name : entry.runtimeStatus;
  }

  private groupSet(key: string): Set<string> {
    let members = this.groups.get(key);
    if (!members) this.groups.set(key, (members = new Set()));
    return members;
  }

  private sorted(
    cache: Map<string, InstanceNode[]>,
    key: string,
    ids: ReadonlySet<string> | undefined,
  ): InstanceNode[] {
    const cached = cache.get(key);
    if (cached) return cached;
    const entries: InstanceEntry[] = [];
    for (const id of ids ?? []) {
      const entry = this.entries.get(id);
      if (entry) entries.push(entry);
    }
    entries.sort((a, b) => b.createdTime - a.createdTime || (a.instanceId < b.instanceId ? -1 : 1));
    const nodes = entries.map((e) => this.instanceNode(e.instanceId));
    cache.set(key, nodes);
    return nodes;
  }
}

function samePlace(a: Place, b: Place): boolean {
  return a.kind === 'group' ? b.kind === 'group' && a.key === b.key : b.kind === 'child' && a.parentId === b.parentId;
}
