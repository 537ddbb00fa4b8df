/**
 * The Instances view: a `TreeDataProvider` over `InstancesModel`. It reads the instances page by page (the page
 * size setting, continuation tokens, a "Load more…" item), then follows the emulator's change stream, applying
 * each change to the model and re-rendering only the nodes it made stale, coalesced over a short window. It reads
 * everything again when the host changes and whenever the stream (re)opens, since changes made while it was not
 * open were never delivered. Remote hosts have no stream: the view says so and is refreshed by hand.
 */
import * as vscode from 'vscode';
import type { ChangeEvent, ChangeStreamState, InstanceQuery } from '../api/index.js';
import { instancesPageSize } from '../config.js';
import { setContext } from '../contextKeys.js';
import type { Ctx } from '../ctx.js';
import { LoadTracker } from './loadTracker.js';
import type { HostConnection } from '../connection/hostConnection.js';
import { describeError } from '../log.js';
import { isEmptyFilter, resolveFilter, sanitizeFilter, toInstanceQuery } from './instanceFilter.js';
import type { InstanceFilter } from './instanceFilter.js';
import { instancesViewText, instanceTooltip } from './instancePresentation.js';
import { groupItem, instanceItem, loadMoreItem } from './instanceItems.js';
import { Dirty, InstancesModel, type GroupBy, type InstanceEntry, type InstancesNode } from './instancesModel.js';
import { BoundedQueue, mapLimit } from './concurrency.js';

const GROUP_BY_KEY = 'durableStudio.instances.groupBy';
const FILTER_KEY = 'durableStudio.instances.filter';
/** Changes arriving within this window are rendered together. */
const FLUSH_MS = 100;
/** With a name filter (applied here, not by the server) one "load more" reads at most this many pages. */
const MAX_PAGES_PER_LOAD = 50;
const LOOKUP_CONCURRENCY = 8;
/** Instances first seen after their creation whose creation time is read; more than this in a burst keep a guess. */
const MAX_CREATED_LOOKUPS = 100;

export class InstancesTree implements vscode.TreeDataProvider<InstancesNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<InstancesNode | InstancesNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  readonly model: InstancesModel;
  readonly view: vscode.TreeView<InstancesNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingDirty = new Dirty();
  private flushTimer: NodeJS.Timeout | undefined;
  /** The first page (or the "load more" pages) being read. */
  private readonly loads: LoadTracker;
  private streamProblem: string | undefined;
  /** The query of the current generation (relative times resolved once, so later pages line up). */
  private query: InstanceQuery = {};
  /** Emulated time minus wall time (the emulator's virtual clock). */
  private clockOffsetMs = 0;
  private timersStale = false;
  private timersRefresh: Promise<void> | undefined;
  private readonly createdLookups = new BoundedQueue(LOOKUP_CONCURRENCY, MAX_CREATED_LOOKUPS, (id) =>
    this.lookUpCreated(id),
  );

  constructor(private readonly ctx: Ctx) {
    this.loads = new LoadTracker(ctx, 'Listing instances', () => this.flush());
    const state = ctx.extension.workspaceState;
    this.model = new InstancesModel({
      groupBy: state.get<GroupBy>(GROUP_BY_KEY) === 'status' ? 'status' : 'name',
      filter: sanitizeFilter(state.get(FILTER_KEY)),
      now: () => this.now(),
    });
    this.view = vscode.window.createTreeView('durableStudio.instances', {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    this.disposables.push(
      this.changeEmitter,
      this.view,
      ctx.connections.onDidChangeConnection(() => void this.reload()),
      ctx.connections.onDidReceiveChange((change) => this.onChange(change)),
      ctx.connections.onDidChangeStreamState((s) => this.onStreamState(s)),
    );
    this.updateContext();
    if (ctx.connections.current) void this.reload();
  }

  get groupBy(): GroupBy {
    return this.model.groupBy;
  }

  get filter(): InstanceFilter {
    return this.model.filter;
  }

  /** Resolves once the pages being read are in the model (at once when nothing is being read). */
  whenLoaded(): Promise<void> {
    return this.loads.whenLoaded();
  }

  getTreeItem(node: InstancesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return groupItem(this.model, node.key);
      case 'instance':
        return instanceItem(this.model, node.instanceId, this.now());
      case 'loadMore':
        return loadMoreItem(this.model);
    }
  }

  async getChildren(node?: InstancesNode): Promise<InstancesNode[]> {
    if (!node) {
      if (!this.ctx.connections.current) return [];
      await this.whenLoaded();
      return this.model.roots();
    }
    return this.model.children(node);
  }

  getParent(node: InstancesNode): InstancesNode | undefined {
    return this.model.parent(node);
  }

  /** On hover: the tooltip, with a fresh status and (emulator) what the instance waits for. */
  async resolveTreeItem(item: vscode.TreeItem, node: InstancesNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'instance') return item;
    const entry = this.model.entry(node.instanceId);
    const connection = this.ctx.connections.current;
    if (!entry || !connection) return item;
    const [status, details] = await Promise.all([
      connection.client.getStatus(entry.instanceId, { showInput: false }).catch(() => undefined),
      connection.isEmulator
        ? connection.client.getInstanceDetails(entry.instanceId).catch(() => undefined)
        : Promise.resolve(undefined),
    ]);
    const fresh: InstanceEntry = status
      ? { ...entry, customStatus: status.customStatus, output: status.output }
      : entry;
    item.tooltip = new vscode.MarkdownString(instanceTooltip(fresh, details));
    return item;
  }

  /** Forgets everything and reads the first page again (the Refresh button; a new host; a stream gap). */
  reload(): Promise<void> {
    this.markDirty(this.model.reset());
    this.createdLookups.clear();
    const connection = this.ctx.connections.current;
    this.loads.reset({ dropInFlight: !connection });
    if (!connection) {
      this.flush();
      return Promise.resolve();
    }
    try {
      this.query = toInstanceQuery(resolveFilter(this.model.filter, this.now()));
    } catch (error) {
      this.loads.fail(describeError(error));
      this.flush();
      return Promise.resolve();
    }
    const generation = this.model.generation;
    const load = (async () => {
      if (connection.isEmulator) await this.readClockOffset(connection);
      await this.loadPages(connection, generation);
    })();
    return this.track(load);
  }

  /** Reads the next page(s) (the "Load more…" item). */
  loadMore(): Promise<void> {
    if (this.loads.inFlight) return this.loads.inFlight;
    const connection = this.ctx.connections.current;
    if (!connection || this.model.paging.complete || this.model.paging.pages === 0) return Promise.resolve();
    return this.track(this.loadPages(connection, this.model.generation));
  }

  async setGroupBy(groupBy: GroupBy): Promise<void> {
    await this.ctx.extension.workspaceState.update(GROUP_BY_KEY, groupBy);
    this.markDirty(this.model.setGroupBy(groupBy));
    this.updateContext();
    this.flush();
  }

  /** Sets (and remembers) the filter, then reads the instances again. */
  async setFilter(filter: InstanceFilter): Promise<void> {
    const clean = sanitizeFilter(filter);
    resolveFilter(clean, this.now()); // throws on a time that does not parse, before anything changes
    await this.ctx.extension.workspaceState.update(FILTER_KEY, isEmptyFilter(clean) ? undefined : clean);
    this.model.setFilter(clean);
    this.updateContext();
    await this.reload();
  }

  /**
   * Reads one instance and shows it selected (after a start or a restart). Resolves false when it does not pass
   * the filter or the view cannot show it.
   */
  async revealInstance(instanceId: string): Promise<boolean> {
    const connection = this.ctx.connections.require();
    await this.whenLoaded();
    const status = await connection.client.getStatus(instanceId, { showInput: false });
    if (!status) return false;
    const details = connection.isEmulator ? await connection.client.getInstanceDetails(instanceId) : undefined;
    this.markDirty(this.model.upsertStatus(status, details ? details.parentInstanceId : undefined));
    this.flush();
    if (!this.model.entry(instanceId)) return false;
    try {
      await this.view.reveal(this.model.instanceNode(instanceId), { select: true, focus: false, expand: false });
      return true;
    } catch (error) {
      this.ctx.log.warn(`Could not reveal instance '${instanceId}': ${describeError(error)}`);
      return false;
    }
  }

  /** Loaded instances, most recently updated first (for pickers). */
  recentInstances(predicate: (entry: InstanceEntry) => boolean = () => true, limit = 50): InstanceEntry[] {
    return [...this.model.allEntries()]
      .filter(predicate)
      .sort((a, b) => b.lastUpdatedTime - a.lastUpdatedTime)
      .slice(0, limit);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  /** Epoch ms on the host's clock (the emulator's virtual clock may run ahead of wall time). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private track(load: Promise<void>): Promise<void> {
    const tracked = this.loads.track(load);
    this.updateMessage();
    return tracked;
  }

  private async loadPages(connection: HostConnection, generation: number): Promise<void> {
    const pageSize = instancesPageSize();
    let token = this.model.paging.continuationToken;
    let kept = 0;
    let pages = 0;
    const read: string[] = [];
    do {
      const page = await connection.client.listInstances({
        ...this.query,
        top: pageSize,
        showInput: false,
        ...(token ? { continuationToken: token } : {}),
      });
      if (generation !== this.model.generation) return;
      const result = this.model.addPage(generation, page.items, page.continuationToken);
      this.markDirty(result.dirty);
      kept += result.kept;
      pages++;
      token = page.continuationToken;
      for (const item of page.items) read.push(item.instanceId);
    } while (token && kept < pageSize && pages < MAX_PAGES_PER_LOAD);
    if (!connection.isEmulator) return;
    this.timersStale = true;
    void this.refreshTimers(connection);
    void this.lookUpParents(connection, generation, this.model.parentCandidates(read));
  }

  /** The list API does not tell parents: ask the emulator about the ids that look like sub-orchestrations. */
  private async lookUpParents(connection: HostConnection, generation: number, ids: string[]): Promise<void> {
    await mapLimit(ids, LOOKUP_CONCURRENCY, async (id) => {
      if (generation !== this.model.generation) return;
      const details = await connection.client.getInstanceDetails(id).catch(() => undefined);
      if (details && generation === this.model.generation) {
        this.markDirty(this.model.setParent(id, details.parentInstanceId));
        this.scheduleFlush();
      }
    });
  }

  /** An instance first seen in a change after its creation: read it for the real creation time. */
  private async lookUpCreated(id: string): Promise<void> {
    const connection = this.ctx.connections.current;
    if (!connection || !this.model.entry(id)?.createdTimeEstimated) return;
    const generation = this.model.generation;
    const status = await connection.client.getStatus(id, { showInput: false });
    if (status && generation === this.model.generation && this.model.entry(id)?.createdTimeEstimated) {
      this.markDirty(this.model.upsertStatus(status));
      this.scheduleFlush();
    }
  }

  /**
   * One request for every pending timer and one for every instance that returned while tasks are open (both change
   * only with instance changes, so they are read after those).
   */
  private async refreshTimers(connection: HostConnection): Promise<void> {
    if (this.timersRefresh) return;
    const generation = this.model.generation;
    const run = async (): Promise<void> => {
      while (this.timersStale && generation === this.model.generation) {
        this.timersStale = false;
        const [timers, returned] = await Promise.all([connection.client.getTimers(), connection.client.getReturned()]);
        if (generation !== this.model.generation || this.ctx.connections.current !== connection) return;
        this.markDirty(this.model.setPendingTimers(new Set(timers.map((t) => t.instanceId))));
        this.markDirty(
          this.model.setReturned(new Map(returned.map(({ instanceId, ...state }) => [instanceId, state]))),
        );
        this.scheduleFlush();
      }
    };
    this.timersRefresh = run()
      .catch((error: unknown) =>
        this.ctx.log.warn(`Reading pending timers and returned instances failed: ${describeError(error)}`),
      )
      .finally(() => (this.timersRefresh = undefined));
    await this.timersRefresh;
  }

  private async readClockOffset(connection: HostConnection): Promise<void> {
    try {
      this.clockOffsetMs = (await connection.client.getClock()).offsetMs;
    } catch (error) {
      this.ctx.log.warn(`Reading the emulator's clock failed: ${describeError(error)}`);
    }
  }

  private onChange(change: ChangeEvent): void {
    const connection = this.ctx.connections.current;
    if (!connection) return;
    switch (change.type) {
      case 'instance': {
        const known = this.model.entry(change.instanceId) !== undefined;
        this.markDirty(this.model.applyChange(change));
        const entry = this.model.entry(change.instanceId);
        if (!known && entry?.createdTimeEstimated) this.createdLookups.add(change.instanceId);
        this.timersStale = true;
        break;
      }
      case 'instanceDeleted':
        this.markDirty(this.model.remove(change.instanceId));
        break;
      case 'clock':
        this.clockOffsetMs = change.offsetMs;
        this.timersStale = true;
        // Rows write times relative to the emulated "today": draw them again.
        this.pendingDirty.root = true;
        break;
      case 'entity':
      case 'entityDeleted':
      case 'function':
        return;
    }
    this.scheduleFlush();
  }

  private onStreamState(state: ChangeStreamState): void {
    switch (state.kind) {
      case 'open':
        // Changes made before the stream opened (since the last read, or during a gap) were not delivered: read
        // again now that every later change will be. On a new connection this is the second read (the first one
        // fills the view without waiting for the stream).
        this.streamProblem = undefined;
        void this.reload();
        break;
      case 'retrying':
        this.streamProblem = `Live updates interrupted (${state.error.message}); reconnecting…`;
        break;
      case 'failed':
        this.streamProblem = `No live updates: ${state.error.message}. Use Refresh to see changes.`;
        break;
      case 'connecting':
      case 'closed':
        break;
    }
    this.updateMessage();
  }

  private markDirty(dirty: Dirty): void {
    this.pendingDirty.merge(dirty);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, FLUSH_MS);
  }

  /** Renders what is stale now. */
  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const { root, nodes } = this.pendingDirty.take();
    if (root) this.changeEmitter.fire(undefined);
    else {
      const live = nodes.filter((node) => this.model.isPresent(node));
      if (live.length > 0) this.changeEmitter.fire(live);
    }
    this.updateMessage();
    const connection = this.ctx.connections.current;
    if (this.timersStale && connection?.isEmulator && !this.loads.inFlight) void this.refreshTimers(connection);
  }

  private updateContext(): void {
    setContext('durableStudio.groupBy', this.model.groupBy);
    setContext('durableStudio.filtered', !isEmptyFilter(this.model.filter));
  }

  private updateMessage(): void {
    const connection = this.ctx.connections.current;
    const { description, message } = instancesViewText({
      connection: connection && { label: connection.label, live: connection.isEmulator },
      filter: this.model.filter,
      loadError: this.loads.error,
      streamProblem: this.streamProblem,
      loading: this.loads.inFlight !== undefined,
      pages: this.model.paging.pages,
      size: this.model.size,
    });
    this.view.description = description;
    this.view.message = message;
  }
}
