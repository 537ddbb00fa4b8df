/**
 * The Functions view's state, without VS Code: the app's functions as the emulator lists them, each with whether a
 * run is in progress (from `function` change events). The app's own triggers (HTTP, timer, queue, blob, other)
 * are roots; the durable ones (orchestrations, activities, entities) sit under one "Durable" node, so a big app
 * stays readable. Nodes are memoised so the tree can fire and reveal them.
 */
import type { FunctionChange, FunctionInfo, FunctionKind } from '../api/index.js';

export interface DurableGroupNode {
  readonly kind: 'durableGroup';
}
export interface FunctionNode {
  readonly kind: 'function';
  readonly name: string;
}
export type FunctionsNode = DurableGroupNode | FunctionNode;

export interface FunctionEntry {
  readonly info: FunctionInfo;
  /** ISO start time of the run in progress, when one is. */
  readonly runningSince?: string;
}

export const DURABLE_KINDS: ReadonlySet<FunctionKind> = new Set(['orchestration', 'activity', 'entity']);

/** An ISO time as sent; an epoch-ms number (what the engine uses inside) is turned into one, so times compare. */
export function isoTime(value: string | number): string {
  return typeof value === 'number' ? new Date(value).toISOString() : value;
}

/** What a change made stale: the whole tree, some nodes, or nothing (a function the list does not have yet). */
export type FunctionsDirty = 'root' | FunctionNode | undefined;

export class FunctionsModel {
  readonly durableGroup: DurableGroupNode = { kind: 'durableGroup' };
  private readonly entries = new Map<string, FunctionEntry>();
  private readonly nodes = new Map<string, FunctionNode>();

  get size(): number {
    return this.entries.size;
  }

  /** Replaces the list; a run in progress stays marked unless the list's last run is newer than its start. */
  load(infos: readonly FunctionInfo[]): void {
    const previous = new Map(this.entries);
    this.entries.clear();
    for (const listed of infos) {
      const info = listed.lastRun
        ? { ...listed, lastRun: { ...listed.lastRun, at: isoTime(listed.lastRun.at) } }
        : listed;
      const since = previous.get(info.name)?.runningSince;
      const finished = since !== undefined && info.lastRun !== undefined && info.lastRun.at >= since;
      this.entries.set(info.name, since !== undefined && !finished ? { info, runningSince: since } : { info });
    }
    for (const name of this.nodes.keys()) if (!this.entries.has(name)) this.nodes.delete(name);
  }

  clear(): void {
    this.entries.clear();
    this.nodes.clear();
  }

  /** A run started or finished: the function's node is stale (undefined when the function is not listed). */
  applyChange(change: FunctionChange): FunctionsDirty {
    const entry = this.entries.get(change.name);
    if (!entry) return undefined;
    const at = isoTime(change.at);
    if (change.status === 'Running') {
      this.entries.set(change.name, { info: entry.info, runningSince: at });
    } else {
      const lastRun = {
        at,
        status: change.status,
        reason: change.reason,
        durationMs: change.durationMs ?? 0,
        ...(change.error !== undefined ? { error: change.error } : {}),
      };
      // A later run may have started meanwhile (runs can overlap): it stays marked.
      const stillRunning = entry.runningSince !== undefined && entry.runningSince > at;
      const info = { ...entry.info, lastRun };
      this.entries.set(change.name, stillRunning ? { info, runningSince: entry.runningSince! } : { info });
    }
    return this.functionNode(change.name);
  }

  get(name: string): FunctionEntry | undefined {
    return this.entries.get(name);
  }

  /** The app's own triggers by name, then the "Durable" node when the app has durable functions. */
  roots(): FunctionsNode[] {
    const own = this.sorted((entry) => !DURABLE_KINDS.has(entry.info.kind));
    return this.hasDurable() ? [...own, this.durableGroup] : own;
  }

  children(node: FunctionsNode): FunctionsNode[] {
    return node.kind === 'durableGroup' ? this.sorted((entry) => DURABLE_KINDS.has(entry.info.kind)) : [];
  }

  parent(node: FunctionsNode): FunctionsNode | undefined {
    if (node.kind === 'durableGroup') return undefined;
    const entry = this.entries.get(node.name);
    return entry && DURABLE_KINDS.has(entry.info.kind) ? this.durableGroup : undefined;
  }

  /** Orchestrations, activities and entities. */
  durableCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (DURABLE_KINDS.has(entry.info.kind)) n++;
    return n;
  }

  isPresent(node: FunctionsNode): boolean {
    return node.kind === 'durableGroup' ? this.hasDurable() : this.entries.has(node.name);
  }

  functionNode(name: string): FunctionNode {
    let node = this.nodes.get(name);
    if (!node) this.nodes.set(name, (node = { kind: 'function', name }));
    return node;
  }

  private hasDurable(): boolean {
    return this.durableCount() > 0;
  }

  private sorted(accept: (entry: FunctionEntry) => boolean): FunctionNode[] {
    return [...this.entries.values()]
      .filter(accept)
      .map((entry) => entry.info.name)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => this.functionNode(name));
  }
}
