/**
 * The Storage view: the queues and blob containers the app's bindings use (emulator only). It exists while
 * `GET /emulator/v1/storage` answers (the `durableStudio.storageAvailable` context key shows it), reads lazily
 * as nodes are expanded (a queue peeks its first messages, a container lists its blobs), and while visible polls
 * the queue counts every few seconds, re-rendering only the queues whose count changed (an expanded one peeks
 * again). Read failures show in place of the children, never as pop-ups.
 */
import * as vscode from 'vscode';
import { PEEK_LIMIT } from '../api/storageClient.js';
import type { ChangeStreamState } from '../api/index.js';
import { setContext } from '../contextKeys.js';
import type { Ctx } from '../ctx.js';
import { describeError } from '../log.js';
import { formatTime } from './instancePresentation.js';
import {
  blobTooltip,
  formatSize,
  messageDescription,
  messagePreview,
  messageTooltip,
  queueDescription,
  storageDescription,
} from './storagePresentation.js';
import { StorageModel, storageNodeId, type StorageNode } from './storageModel.js';

const POLL_MS = 4000;

export class StorageTree implements vscode.TreeDataProvider<StorageNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<StorageNode | StorageNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  readonly model = new StorageModel();
  readonly view: vscode.TreeView<StorageNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  private probe: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView('durableStudio.storage', { treeDataProvider: this });
    this.disposables.push(
      this.changeEmitter,
      this.view,
      ctx.connections.onDidChangeConnection(() => void this.reload()),
      ctx.connections.onDidChangeStreamState((state: ChangeStreamState) => {
        if (state.kind === 'open') void this.reload();
      }),
      this.view.onDidChangeVisibility(() => this.schedulePoll()),
    );
    setContext('durableStudio.storageAvailable', false);
    if (ctx.connections.current) void this.reload();
  }

  /** Whether the app uses storage (the view is shown). */
  get available(): boolean {
    return this.model.info !== undefined;
  }

  /** Resolves once the check for storage in flight has settled. */
  async whenLoaded(): Promise<void> {
    while (this.probe) await this.probe;
  }

  getTreeItem(node: StorageNode): vscode.TreeItem {
    const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
    item.id = storageNodeId(node);
    item.contextValue = node.kind;
    switch (node.kind) {
      case 'queues':
        item.label = 'Queues';
        item.iconPath = new vscode.ThemeIcon('mail');
        item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        break;
      case 'containers':
        item.label = 'Containers';
        item.iconPath = new vscode.ThemeIcon('archive');
        item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
        break;
      case 'queue':
        item.label = node.name;
        item.description = queueDescription(this.model.count(node.name));
        item.iconPath = new vscode.ThemeIcon('inbox');
        item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
        item.tooltip = `Queue ${node.name}: ${item.description} (expand to peek at the first ${PEEK_LIMIT})`;
        break;
      case 'message': {
        const message = this.model.message(node.queue, node.id);
        item.label = message ? messagePreview(message.text) : node.id;
        if (message) {
          item.description = messageDescription(message);
          item.tooltip = new vscode.MarkdownString(messageTooltip(message));
        }
        item.iconPath = new vscode.ThemeIcon('mail-read');
        break;
      }
      case 'container': {
        item.label = node.name;
        const count = this.model.blobCount(node.name);
        if (count !== undefined) item.description = count === 1 ? '1 blob' : `${count} blobs`;
        item.iconPath = new vscode.ThemeIcon('folder');
        item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
        break;
      }
      case 'blob': {
        const blob = this.model.blob(node.container, node.name);
        item.label = node.name;
        item.iconPath = vscode.ThemeIcon.File;
        item.resourceUri = vscode.Uri.file(`/${node.name}`);
        if (blob) {
          item.description = `${formatSize(blob.size)} · ${formatTime(Date.parse(blob.lastModified), Date.now())}`;
          item.tooltip = new vscode.MarkdownString(blobTooltip(node.container, blob));
        }
        item.command = { command: 'durableStudio.storage.openBlob', title: 'Open Blob', arguments: [node] };
        break;
      }
      case 'note':
        item.label = node.text;
        item.iconPath = new vscode.ThemeIcon(node.problem ? 'warning' : 'info');
        break;
    }
    return item;
  }

  async getChildren(node?: StorageNode): Promise<StorageNode[]> {
    const connection = this.ctx.connections.current;
    if (!node) {
      await this.whenLoaded();
      return this.model.roots();
    }
    if (!connection?.isEmulator) return [];
    const storage = connection.client.storage;
    try {
      switch (node.kind) {
        case 'queues':
          this.model.setQueues(await storage.listQueues());
          return this.orNote(node, this.model.queues(), 'No queue yet.');
        case 'queue':
          this.model.setMessages(node.name, await storage.peekMessages(node.name));
          return this.orNote(node, this.model.messages(node.name), 'No messages.');
        case 'containers':
          this.model.setContainers((await storage.listContainers()).map((c) => c.name));
          return this.orNote(node, this.model.containers(), 'No container yet.');
        case 'container':
          this.model.setBlobs(node.name, await storage.listBlobs(node.name));
          return this.orNote(node, this.model.blobs(node.name), 'No blobs.');
        case 'message':
        case 'blob':
        case 'note':
          return [];
      }
    } catch (error) {
      this.ctx.log.warn(`Storage view: ${describeError(error)}`);
      return [this.model.note(node, describeError(error), true)];
    }
  }

  getParent(node: StorageNode): StorageNode | undefined {
    return this.model.parent(node);
  }

  /** Checks again whether the app uses storage, and re-reads everything shown. */
  reload(): Promise<void> {
    const generation = ++this.generation;
    const connection = this.ctx.connections.current;
    const probe = (async () => {
      let info;
      try {
        info = connection?.isEmulator ? await connection.client.storage.getInfo() : undefined;
      } catch (error) {
        if (this.ctx.emulator.state.kind === 'running') this.ctx.log.warn(`Storage: ${describeError(error)}`);
        info = undefined;
      }
      if (generation !== this.generation) return;
      this.model.reset(info);
      this.view.description = info ? storageDescription(info) : undefined;
      setContext('durableStudio.storageAvailable', info !== undefined);
      this.changeEmitter.fire(undefined);
      this.schedulePoll();
    })();
    const tracked = probe.finally(() => {
      if (this.probe === tracked) this.probe = undefined;
    });
    this.probe = tracked;
    return tracked;
  }

  /** Re-renders one queue (its count and, when expanded, its messages) after reading the counts. */
  async refreshQueue(name: string): Promise<void> {
    await this.pollCounts();
    this.changeEmitter.fire(this.model.queueNode(name));
  }

  /** Re-renders one container (its blobs are listed again when expanded). */
  refreshContainer(name: string): void {
    this.changeEmitter.fire(this.model.containerNode(name));
  }

  dispose(): void {
    this.generation++;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  private orNote(parent: StorageNode, children: StorageNode[], empty: string): StorageNode[] {
    return children.length > 0 ? children : [this.model.note(parent, empty)];
  }

  /** While the view is visible and the app uses storage, the queue counts are read every few seconds. */
  private schedulePoll(): void {
    if (this.pollTimer || !this.view.visible || !this.available) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.pollCounts().finally(() => this.schedulePoll());
    }, POLL_MS);
  }

  private async pollCounts(): Promise<void> {
    const connection = this.ctx.connections.current;
    if (!connection?.isEmulator || !this.available || (this.model.info?.queues.length ?? 0) === 0) return;
    const generation = this.generation;
    try {
      const queues = await connection.client.storage.listQueues();
      if (generation !== this.generation) return;
      const changed = this.model.setQueues(queues);
      if (changed === 'all') this.changeEmitter.fire(this.model.queuesNode);
      else if (changed.length > 0) this.changeEmitter.fire(changed);
    } catch (error) {
      this.ctx.log.trace(`Storage view: reading queue counts failed: ${describeError(error)}`);
    }
  }
}
