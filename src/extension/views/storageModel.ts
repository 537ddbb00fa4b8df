/**
 * The Storage view's state, without VS Code: the app's queues (with their approximate counts and the messages
 * last peeked) and blob containers (with the blobs last listed), as the emulator's storage routes report them,
 * and the nodes of the tree, memoised so the view can re-render one queue when its count changes.
 */
import type { BlobSummary, QueueMessage, QueueSummary, StorageInfo } from '../api/index.js';

export type StorageNode =
  | { readonly kind: 'queues' }
  | { readonly kind: 'containers' }
  | { readonly kind: 'queue'; readonly name: string }
  | { readonly kind: 'message'; readonly queue: string; readonly id: string }
  | { readonly kind: 'container'; readonly name: string }
  | { readonly kind: 'blob'; readonly container: string; readonly name: string }
  /** A line in place of children: "no messages", or why they could not be read. */
  | { readonly kind: 'note'; readonly parent: string; readonly text: string; readonly problem: boolean };

export type QueueNode = Extract<StorageNode, { kind: 'queue' }>;
export type ContainerNode = Extract<StorageNode, { kind: 'container' }>;
export type MessageNode = Extract<StorageNode, { kind: 'message' }>;
export type BlobNode = Extract<StorageNode, { kind: 'blob' }>;

export class StorageModel {
  readonly queuesNode: StorageNode = { kind: 'queues' };
  readonly containersNode: StorageNode = { kind: 'containers' };
  private storage: StorageInfo | undefined;
  /** Queue name → approximate count (undefined until listed, or when the queue does not exist yet). */
  private readonly counts = new Map<string, number | undefined>();
  private readonly messagesByQueue = new Map<string, QueueMessage[]>();
  private containerNames: string[] = [];
  private readonly blobsByContainer = new Map<string, BlobSummary[]>();
  private readonly nodes = new Map<string, StorageNode>();

  get info(): StorageInfo | undefined {
    return this.storage;
  }

  /** A new connection or app: everything known is dropped. */
  reset(info: StorageInfo | undefined): void {
    this.storage = info;
    this.counts.clear();
    this.messagesByQueue.clear();
    this.blobsByContainer.clear();
    this.nodes.clear();
    for (const name of info?.queues ?? []) this.counts.set(name, undefined);
    this.containerNames = [...(info?.containers ?? [])].sort((a, b) => a.localeCompare(b));
  }

  /** The groups shown: Queues and Containers (only those the app uses, both when it names none). */
  roots(): StorageNode[] {
    if (!this.storage) return [];
    const queues = this.storage.queues.length > 0;
    const containers = this.storage.containers.length > 0;
    if (!queues && !containers) return [this.queuesNode, this.containersNode];
    return [...(queues ? [this.queuesNode] : []), ...(containers ? [this.containersNode] : [])];
  }

  /**
   * A listing of the queues (the app's, and any others it reports). Returns the queue nodes whose count changed,
   * or 'all' when the set of queues changed.
   */
  setQueues(list: readonly QueueSummary[]): QueueNode[] | 'all' {
    const before = new Set(this.counts.keys());
    const changed: QueueNode[] = [];
    const listed = new Map<string, number | undefined>(list.map((q) => [q.name, q.approximateMessageCount]));
    for (const name of this.storage?.queues ?? []) if (!listed.has(name)) listed.set(name, undefined);
    for (const [name, count] of listed) {
      if (before.has(name) && this.counts.get(name) !== count) changed.push(this.queueNode(name));
      this.counts.set(name, count);
    }
    for (const name of before) if (!listed.has(name)) this.counts.delete(name);
    const same = before.size === listed.size && [...before].every((name) => listed.has(name));
    return same ? changed : 'all';
  }

  queues(): QueueNode[] {
    return [...this.counts.keys()].sort((a, b) => a.localeCompare(b)).map((name) => this.queueNode(name));
  }

  count(queue: string): number | undefined {
    return this.counts.get(queue);
  }

  setMessages(queue: string, messages: readonly QueueMessage[]): void {
    this.messagesByQueue.set(queue, [...messages]);
  }

  messages(queue: string): MessageNode[] {
    return (this.messagesByQueue.get(queue) ?? []).map((m) => this.node({ kind: 'message', queue, id: m.id }));
  }

  message(queue: string, id: string): QueueMessage | undefined {
    return this.messagesByQueue.get(queue)?.find((m) => m.id === id);
  }

  setContainers(names: readonly string[]): void {
    this.containerNames = [...new Set([...names, ...(this.storage?.containers ?? [])])].sort((a, b) =>
      a.localeCompare(b),
    );
  }

  containers(): ContainerNode[] {
    return this.containerNames.map((name) => this.node({ kind: 'container', name }));
  }

  setBlobs(container: string, blobs: readonly BlobSummary[]): void {
    this.blobsByContainer.set(
      container,
      [...blobs].sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  blobs(container: string): BlobNode[] {
    return (this.blobsByContainer.get(container) ?? []).map((b) =>
      this.node({ kind: 'blob', container, name: b.name }),
    );
  }

  blob(container: string, name: string): BlobSummary | undefined {
    return this.blobsByContainer.get(container)?.find((b) => b.name === name);
  }

  /** How many blobs were last listed (undefined before the container was opened). */
  blobCount(container: string): number | undefined {
    return this.blobsByContainer.get(container)?.length;
  }

  queueNode(name: string): QueueNode {
    return this.node({ kind: 'queue', name });
  }

  containerNode(name: string): ContainerNode {
    return this.node({ kind: 'container', name });
  }

  note(parent: StorageNode, text: string, problem = false): StorageNode {
    return this.node({ kind: 'note', parent: storageNodeId(parent), text, problem });
  }

  parent(node: StorageNode): StorageNode | undefined {
    switch (node.kind) {
      case 'queues':
      case 'containers':
      case 'note':
        return undefined;
      case 'queue':
        return this.queuesNode;
      case 'container':
        return this.containersNode;
      case 'message':
        return this.queueNode(node.queue);
      case 'blob':
        return this.containerNode(node.container);
    }
  }

  /** The same node object for the same identity (VS Code matches fired nodes by identity). */
  private node<T extends StorageNode>(node: T): T {
    const id = storageNodeId(node);
    const known = this.nodes.get(id);
    if (known) return known as T;
    this.nodes.set(id, node);
    return node;
  }
}

/** A stable id per node (the tree item's `id`). */
export function storageNodeId(node: StorageNode): string {
  switch (node.kind) {
    case 'queues':
    case 'containers':
      return node.kind;
    case 'queue':
    case 'container':
      return `${node.kind}:${node.name}`;
    case 'message':
      return `message:${node.queue}\u0000${node.id}`;
    case 'blob':
      return `blob:${node.container}\u0000${node.name}`;
    case 'note':
      return `note:${node.parent}\u0000${node.text}`;
  }
}
