/**
 * The Entities view's state, without VS Code: entities by name, then key, each with its last known state.
 * Changes return the nodes they made stale (a new or removed name makes the root stale; a new or removed key,
 * its name node; a new state, just that key's node). Nodes are memoised so the tree can fire and reveal them.
 */
import type { EntityDetails, EntitySummary, JsonValue } from '../api/index.js';

export interface EntityNameNode {
  readonly kind: 'entityName';
  readonly name: string;
}
export interface EntityNode {
  readonly kind: 'entity';
  readonly name: string;
  readonly key: string;
}
export type EntitiesNode = EntityNameNode | EntityNode;

export interface EntityEntry {
  readonly name: string;
  readonly key: string;
  /** Epoch ms. */
  readonly lastOperationTime: number;
  /** undefined while not read yet. */
  readonly state: JsonValue | undefined;
  /** The emulator's details (lock owner, queue, operation names); undefined from other hosts. */
  readonly details?: EntityDetailsPart;
}

/** What the emulator tells beyond the management API (see `EntityDetails`). */
export type EntityDetailsPart = Pick<EntityDetails, 'lockedBy' | 'backlogQueueSize' | 'operations'>;

export interface EntitiesDirty {
  root: boolean;
  nodes: Set<EntitiesNode>;
}

export function emptyEntitiesDirty(): EntitiesDirty {
  return { root: false, nodes: new Set() };
}

export function mergeEntitiesDirty(into: EntitiesDirty, other: EntitiesDirty): EntitiesDirty {
  into.root ||= other.root;
  for (const node of other.nodes) into.nodes.add(node);
  return into;
}

/** `@counter@my-key`: how the Durable Functions libraries write an entity id. */
export function entityIdString(name: string, key: string): string {
  return `@${name}@${key}`;
}

/** Parses `@name@key` (the key may contain `@`); undefined when it is not of that form. */
export function parseEntityId(text: string): { name: string; key: string } | undefined {
  const match = /^@([^@]+)@(.*)$/s.exec(text.trim());
  return match ? { name: match[1]!, key: match[2]! } : undefined;
}

export class EntitiesModel {
  private readonly byName = new Map<string, Map<string, EntityEntry>>();
  private readonly nameNodes = new Map<string, EntityNameNode>();
  private readonly keyNodes = new Map<string, EntityNode>();

  get size(): number {
    let n = 0;
    for (const keys of this.byName.values()) n += keys.size;
    return n;
  }

  reset(): EntitiesDirty {
    this.byName.clear();
    this.keyNodes.clear();
    return { root: true, nodes: new Set() };
  }

  /** Replaces everything with a full listing. */
  load(items: readonly EntitySummary[]): EntitiesDirty {
    this.reset();
    for (const item of items) {
      this.keysOf(item.entityId.name).set(item.entityId.key, {
        name: item.entityId.name,
        key: item.entityId.key,
        lastOperationTime: Date.parse(item.lastOperationTime),
        state: item.state,
      });
    }
    return { root: true, nodes: new Set() };
  }

  /**
   * An entity with state (new or changed). `state` undefined keeps the one known; `details` undefined keeps the
   * ones known.
   */
  upsert(
    name: string,
    key: string,
    lastOperationTime: number,
    state: JsonValue | undefined,
    details?: EntityDetailsPart,
  ): EntitiesDirty {
    const dirty = emptyEntitiesDirty();
    const isNewName = !this.byName.has(name);
    const keys = this.keysOf(name);
    const existing = keys.get(key);
    const knownDetails = details ?? existing?.details;
    keys.set(key, {
      name,
      key,
      lastOperationTime,
      state: state === undefined ? existing?.state : state,
      ...(knownDetails ? { details: knownDetails } : {}),
    });
    if (isNewName) dirty.root = true;
    else if (!existing) dirty.nodes.add(this.nameNode(name));
    else dirty.nodes.add(this.keyNode(name, key));
    return dirty;
  }

  /** The emulator's details of every entity: each known entity takes its own (and its precise time). */
  setDetails(all: readonly EntityDetails[]): EntitiesDirty {
    const dirty = emptyEntitiesDirty();
    for (const details of all) {
      const entry = this.get(details.name, details.key);
      if (!entry) continue;
      const { lockedBy, backlogQueueSize, operations } = details;
      this.keysOf(details.name).set(details.key, {
        ...entry,
        lastOperationTime: Date.parse(details.lastOperationTime),
        details: { lockedBy, backlogQueueSize, operations },
      });
      dirty.nodes.add(this.keyNode(details.name, details.key));
    }
    return dirty;
  }

  /** Operation names the entities of a name ran or have waiting, most recently seen first. */
  operationsOf(name: string): string[] {
    const all = new Set<string>();
    for (const entry of this.byName.get(name)?.values() ?? []) {
      for (const op of entry.details?.operations ?? []) all.add(op);
    }
    return [...all];
  }

  /** The entity was deleted or has no state any more. */
  remove(name: string, key: string): EntitiesDirty {
    const dirty = emptyEntitiesDirty();
    const keys = this.byName.get(name);
    if (!keys?.delete(key)) return dirty;
    this.keyNodes.delete(`${name}\u0000${key}`);
    if (keys.size === 0) {
      this.byName.delete(name);
      dirty.root = true;
    } else {
      dirty.nodes.add(this.nameNode(name));
    }
    return dirty;
  }

  get(name: string, key: string): EntityEntry | undefined {
    return this.byName.get(name)?.get(key);
  }

  names(): EntityNameNode[] {
    return [...this.byName.keys()].sort((a, b) => a.localeCompare(b)).map((name) => this.nameNode(name));
  }

  keys(name: string): EntityNode[] {
    return [...(this.byName.get(name)?.keys() ?? [])]
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .map((key) => this.keyNode(name, key));
  }

  keyCount(name: string): number {
    return this.byName.get(name)?.size ?? 0;
  }

  parent(node: EntitiesNode): EntitiesNode | undefined {
    return node.kind === 'entity' ? this.nameNode(node.name) : undefined;
  }

  isPresent(node: EntitiesNode): boolean {
    return node.kind === 'entityName' ? this.byName.has(node.name) : this.get(node.name, node.key) !== undefined;
  }

  nameNode(name: string): EntityNameNode {
    let node = this.nameNodes.get(name);
    if (!node) this.nameNodes.set(name, (node = { kind: 'entityName', name }));
    return node;
  }

  keyNode(name: string, key: string): EntityNode {
    const memoKey = `${name}\u0000${key}`;
    let node = this.keyNodes.get(memoKey);
    if (!node) this.keyNodes.set(memoKey, (node = { kind: 'entity', name, key }));
    return node;
  }

  private keysOf(name: string): Map<string, EntityEntry> {
    let keys = this.byName.get(name);
    if (!keys) this.byName.set(name, (keys = new Map<string, EntityEntry>()));
    return keys;
  }
}
