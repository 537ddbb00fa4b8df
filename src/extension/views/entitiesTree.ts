/**
 * The Entities view: entity names, then keys, each key with its pending operations, a preview of its state and
 * when it last changed; a lock icon while an orchestration holds it; the tooltip has all (entityPresentation.ts).
 * It reads every entity once (with state, and from the emulator its lock owner, queue and operation names), then
 * follows the change stream: a changed entity is read again (changes to the same entity within a short window are
 * read once), a deleted one is removed; only the affected nodes re-render.
 */
import * as vscode from 'vscode';
import type { ChangeEvent, ChangeStreamState } from '../api/index.js';
import type { HostConnection } from '../connection/hostConnection.js';
import type { Ctx } from '../ctx.js';
import { LoadTracker } from './loadTracker.js';
import { describeError } from '../log.js';
import { mapLimit } from './concurrency.js';
import {
  EntitiesModel,
  entityIdString,
  emptyEntitiesDirty,
  mergeEntitiesDirty,
  type EntitiesDirty,
  type EntitiesNode,
} from './entitiesModel.js';
import { entityDescription, entityIconId, entityTooltip } from './entityPresentation.js';

const FLUSH_MS = 100;
const LIST_PAGE_SIZE = 500;
const READ_CONCURRENCY = 8;

export class EntitiesTree implements vscode.TreeDataProvider<EntitiesNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EntitiesNode | EntitiesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  readonly model = new EntitiesModel();
  readonly view: vscode.TreeView<EntitiesNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingDirty: EntitiesDirty = emptyEntitiesDirty();
  /** Entities whose state must be read again, by `@name@key`. */
  private readonly stale = new Map<string, { name: string; key: string; lastOperationTime: number }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly loads: LoadTracker;
  private generation = 0;

  constructor(
    private readonly ctx: Ctx,
    /** Epoch ms on the host's clock (which "today" the times are written for). */
    private readonly now: () => number = Date.now,
  ) {
    this.loads = new LoadTracker(ctx, 'Listing entities', () => this.flush());
    this.view = vscode.window.createTreeView('durableStudio.entities', { treeDataProvider: this });
    this.disposables.push(
      this.changeEmitter,
      this.view,
      ctx.connections.onDidChangeConnection(() => void this.reload()),
      ctx.connections.onDidReceiveChange((change) => this.onChange(change)),
      // Changes made while the stream was not open (before it first opened, or during a gap) were not delivered.
      ctx.connections.onDidChangeStreamState((state: ChangeStreamState) => {
        if (state.kind === 'open') void this.reload();
      }),
    );
    if (ctx.connections.current) void this.reload();
  }

  whenLoaded(): Promise<void> {
    return this.loads.whenLoaded();
  }

  getTreeItem(node: EntitiesNode): vscode.TreeItem {
    if (node.kind === 'entityName') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `entityName:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.description = String(this.model.keyCount(node.name));
      item.contextValue = 'entityName';
      return item;
    }
    const entry = this.model.get(node.name, node.key);
    const item = new vscode.TreeItem(node.key === '' ? '(empty key)' : node.key, vscode.TreeItemCollapsibleState.None);
    item.id = `entity:${entityIdString(node.name, node.key)}`;
    item.iconPath = new vscode.ThemeIcon(entityIconId(entry));
    item.description = entityDescription(entry, this.now());
    item.contextValue = 'entity';
    item.command = { command: 'durableStudio.entity.openState', title: 'Open Entity State', arguments: [node] };
    if (entry) item.tooltip = new vscode.MarkdownString(entityTooltip(entry));
    return item;
  }

  async getChildren(node?: EntitiesNode): Promise<EntitiesNode[]> {
    if (!node) {
      if (!this.ctx.connections.current) return [];
      await this.whenLoaded();
      return this.model.names();
    }
    return node.kind === 'entityName' ? this.model.keys(node.name) : [];
  }

  getParent(node: EntitiesNode): EntitiesNode | undefined {
    return this.model.parent(node);
  }

  /** Reads every entity again. */
  reload(): Promise<void> {
    this.generation++;
    this.stale.clear();
    this.markDirty(this.model.reset());
    const connection = this.ctx.connections.current;
    this.loads.reset({ dropInFlight: !connection });
    if (!connection) {
      this.flush();
      return Promise.resolve();
    }
    const generation = this.generation;
    const load = (async () => {
      const items = [];
      const details = connection.isEmulator
        ? connection.client.getEntityDetails().catch((error: unknown) => {
            this.ctx.log.warn(`Reading the entities' details failed: ${describeError(error)}`);
            return [];
          })
        : Promise.resolve([]);
      for await (const item of connection.client.allEntities(undefined, { fetchState: true, top: LIST_PAGE_SIZE })) {
        items.push(item);
      }
      if (generation !== this.generation) return;
      this.markDirty(this.model.load(items));
      this.markDirty(this.model.setDetails(await details));
    })();
    const tracked = this.loads.track(load, () => generation !== this.generation);
    this.updateMessage();
    return tracked;
  }

  /** Reads one entity now (after a signal from this window, so the view does not wait for the stream). */
  async refreshEntity(name: string, key: string): Promise<void> {
    const connection = this.ctx.connections.current;
    if (!connection) return;
    await this.readStates(connection, this.generation, [{ name, key, lastOperationTime: Date.now() }]);
    this.flush();
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  private onChange(change: ChangeEvent): void {
    switch (change.type) {
      case 'entity':
        if (change.exists) {
          this.stale.set(entityIdString(change.entityName, change.entityKey), {
            name: change.entityName,
            key: change.entityKey,
            lastOperationTime: change.lastOperationTime,
          });
        } else {
          this.stale.delete(entityIdString(change.entityName, change.entityKey));
          this.markDirty(this.model.remove(change.entityName, change.entityKey));
        }
        break;
      case 'entityDeleted':
        this.stale.delete(entityIdString(change.entityName, change.entityKey));
        this.markDirty(this.model.remove(change.entityName, change.entityKey));
        break;
      case 'clock':
        // Rows write times relative to the emulated "today": draw them again.
        this.pendingDirty.root = true;
        break;
      case 'instance':
      case 'instanceDeleted':
      case 'function':
        return;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushChanges();
    }, FLUSH_MS);
  }

  private async flushChanges(): Promise<void> {
    const connection = this.ctx.connections.current;
    const stale = [...this.stale.values()];
    this.stale.clear();
    if (connection && stale.length > 0) await this.readStates(connection, this.generation, stale);
    this.flush();
  }

  private async readStates(
    connection: HostConnection,
    generation: number,
    entities: { name: string; key: string; lastOperationTime: number }[],
  ): Promise<void> {
    await mapLimit(entities, READ_CONCURRENCY, async ({ name, key, lastOperationTime }) => {
      try {
        const [state, details] = await Promise.all([
          connection.client.getEntity(name, key),
          connection.isEmulator
            ? connection.client.getOneEntityDetails(name, key).catch(() => undefined)
            : Promise.resolve(undefined),
        ]);
        if (generation !== this.generation) return;
        if (state === undefined) {
          this.markDirty(this.model.remove(name, key));
          return;
        }
        const time = details ? Date.parse(details.lastOperationTime) : lastOperationTime;
        const part = details && {
          lockedBy: details.lockedBy,
          backlogQueueSize: details.backlogQueueSize,
          operations: details.operations,
        };
        this.markDirty(this.model.upsert(name, key, time, state, part));
      } catch (error) {
        this.ctx.log.warn(`Reading entity ${entityIdString(name, key)} failed: ${describeError(error)}`);
      }
    });
  }

  private markDirty(dirty: EntitiesDirty): void {
    mergeEntitiesDirty(this.pendingDirty, dirty);
  }

  private flush(): void {
    const dirty = this.pendingDirty;
    this.pendingDirty = emptyEntitiesDirty();
    if (dirty.root) this.changeEmitter.fire(undefined);
    else {
      const live = [...dirty.nodes].filter((node) => this.model.isPresent(node));
      if (live.length > 0) this.changeEmitter.fire(live);
    }
    this.updateMessage();
  }

  private updateMessage(): void {
    const connection = this.ctx.connections.current;
    this.view.description = connection && !connection.isEmulator ? `${connection.label} · refresh by hand` : undefined;
    let message: string | undefined;
    if (!connection) message = undefined;
    else if (this.loads.error) message = `Could not list the entities: ${this.loads.error}`;
    else if (this.loads.inFlight) message = 'Loading entities…';
    else if (this.model.size === 0) message = 'No entity has state yet.';
    this.view.message = message;
  }
}
