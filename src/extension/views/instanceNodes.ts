/**
 * The Instances view's node model and what a change reports stale: shared by the index (where each instance is
 * listed) and the model (which instances there are). No VS Code here.
 */
import type { JsonValue, ReturnedState, RuntimeStatus } from '../api/index.js';

export type GroupBy = 'name' | 'status';

export interface InstanceEntry {
  readonly instanceId: string;
  readonly name: string;
  readonly runtimeStatus: RuntimeStatus;
  /** Epoch ms. From a listed page: the server's second precision. */
  readonly createdTime: number;
  readonly lastUpdatedTime: number;
  /** True while `createdTime` is a guess (the instance was first seen in a change event after its creation). */
  readonly createdTimeEstimated: boolean;
  /** The times are known to the millisecond (from the emulator's change stream), not just to the second. */
  readonly createdTimePrecise?: boolean;
  readonly lastUpdatedTimePrecise?: boolean;
  /** undefined: not known yet; null: not a sub-orchestration. */
  readonly parentInstanceId: string | null | undefined;
  readonly hasPendingTimer: boolean;
  /** Emulator: the orchestrator function returned while tasks it started are still open (`GET /returned`). */
  readonly returned?: ReturnedState;
  /** As the last listed page or status read sent them (change events do not carry them). */
  readonly customStatus?: JsonValue;
  readonly output?: JsonValue;
}

export interface GroupNode {
  readonly kind: 'group';
  readonly groupBy: GroupBy;
  /** The orchestration name, or the runtime status. */
  readonly key: string;
}
export interface InstanceNode {
  readonly kind: 'instance';
  readonly instanceId: string;
}
export interface LoadMoreNode {
  readonly kind: 'loadMore';
}
export type InstancesNode = GroupNode | InstanceNode | LoadMoreNode;

/** The `instance` change of the emulator's stream (lastUpdatedTime in epoch ms). */
export interface InstanceChange {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  lastUpdatedTime: number;
  /** Epoch ms (emulators that send it; older ones do not). */
  createdTime?: number;
  parentInstanceId?: string;
}

/** What a change made stale: the whole tree (`root`), or just these nodes (each with its children). */
export class Dirty {
  root = false;
  readonly nodes = new Set<GroupNode | InstanceNode>();

  get isEmpty(): boolean {
    return !this.root && this.nodes.size === 0;
  }

  merge(other: Dirty): this {
    this.root ||= other.root;
    for (const node of other.nodes) this.nodes.add(node);
    return this;
  }

  /** The nodes to re-render: none but the root when the root is stale. */
  take(): { root: boolean; nodes: (GroupNode | InstanceNode)[] } {
    const result = { root: this.root, nodes: this.root ? [] : [...this.nodes] };
    this.root = false;
    this.nodes.clear();
    return result;
  }
}

export function rootDirty(): Dirty {
  const dirty = new Dirty();
  dirty.root = true;
  return dirty;
}
