/**
 * The Functions view: every function the app registered (`GET /emulator/v1/functions`), its trigger in a few
 * words, an icon per kind, and on hover its schedule, next run and last run. It reads the list when the host
 * changes and whenever the change stream (re)opens (an emulator restart), then follows `function` change events:
 * a run starting spins the function's icon, a run ending records its outcome, and the list is read again shortly
 * after (the next run of a timer moved). Only the emulator lists functions; other hosts get a message.
 */
import * as vscode from 'vscode';
import type { ChangeEvent, ChangeStreamState, FunctionChange } from '../api/index.js';
import type { Ctx } from '../ctx.js';
import { functionContextValue, functionIcon, functionTooltip, triggerSummary } from './functionPresentation.js';
import { FunctionsModel, type FunctionsNode } from './functionsModel.js';
import { LoadTracker } from './loadTracker.js';

/** After a run ends, the list is read again this much later (coalescing runs that end together). */
const RELOAD_AFTER_RUN_MS = 300;

export class FunctionsTree implements vscode.TreeDataProvider<FunctionsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<FunctionsNode | FunctionsNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly runEmitter = new vscode.EventEmitter<FunctionChange>();
  /** Every `function` change event (a run started or ended), after the model has it. */
  readonly onDidChangeFunction = this.runEmitter.event;
  readonly model = new FunctionsModel();
  readonly view: vscode.TreeView<FunctionsNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly loads: LoadTracker;
  private generation = 0;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Emulated time minus wall time, for "next run in ..." under a moved virtual clock. */
  private clockOffsetMs = 0;

  constructor(private readonly ctx: Ctx) {
    this.loads = new LoadTracker(ctx, 'Listing functions', () => this.render());
    this.view = vscode.window.createTreeView('durableStudio.functions', { treeDataProvider: this });
    this.disposables.push(
      this.changeEmitter,
      this.runEmitter,
      this.view,
      ctx.connections.onDidChangeConnection(() => void this.reload()),
      ctx.connections.onDidReceiveChange((change) => this.onChange(change)),
      ctx.connections.onDidChangeStreamState((state: ChangeStreamState) => {
        if (state.kind === 'open') void this.reload();
      }),
    );
    if (ctx.connections.current) void this.reload();
  }

  /** Resolves once no read of the list is in flight. */
  whenLoaded(): Promise<void> {
    return this.loads.whenLoaded();
  }

  getTreeItem(node: FunctionsNode): vscode.TreeItem {
    if (node.kind === 'durableGroup') {
      const item = new vscode.TreeItem('Durable', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = 'functions:durable';
      item.description = String(this.model.durableCount());
      item.iconPath = new vscode.ThemeIcon('symbol-namespace');
      item.tooltip = 'Orchestrations, activities and entities: the Instances and Entities views show their runs.';
      item.contextValue = 'durableGroup';
      item.accessibilityInformation = { label: `Durable, ${this.model.durableCount()} functions` };
      return item;
    }
    const entry = this.model.get(node.name);
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
    item.id = `function:${node.name}`;
    if (!entry) return item;
    item.description = triggerSummary(entry.info);
    const icon = functionIcon(entry);
    item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.contextValue = functionContextValue(entry.info);
    const run = entry.info.lastRun;
    item.accessibilityInformation = {
      label: `${node.name}, ${item.description}${entry.runningSince ? ', running' : ''}${run ? `, last run ${run.status}` : ''}`,
    };
    return item;
  }

  /** On hover: the tooltip, with times relative to now. */
  resolveTreeItem(item: vscode.TreeItem, node: FunctionsNode): vscode.TreeItem {
    const entry = node.kind === 'function' ? this.model.get(node.name) : undefined;
    if (entry) item.tooltip = new vscode.MarkdownString(functionTooltip(entry, Date.now() + this.clockOffsetMs));
    return item;
  }

  async getChildren(node?: FunctionsNode): Promise<FunctionsNode[]> {
    if (node) return this.model.children(node);
    if (!this.ctx.connections.current?.isEmulator) return [];
    await this.whenLoaded();
    return this.model.roots();
  }

  getParent(node: FunctionsNode): FunctionsNode | undefined {
    return this.model.parent(node);
  }

  /** Reads the list again. */
  reload(): Promise<void> {
    this.generation++;
    this.clearReloadTimer();
    const connection = this.ctx.connections.current;
    this.loads.reset({ dropInFlight: !connection?.isEmulator });
    if (!connection?.isEmulator) {
      this.model.clear();
      this.render();
      return Promise.resolve();
    }
    const generation = this.generation;
    const load = (async () => {
      const [functions, clock] = await Promise.all([
        connection.client.getFunctions(),
        connection.client.getClock().catch(() => undefined),
      ]);
      if (generation !== this.generation) return;
      this.model.load(functions);
      if (clock) this.clockOffsetMs = clock.offsetMs;
    })();
    const tracked = this.loads.track(load, () => generation !== this.generation);
    this.updateMessage();
    return tracked;
  }

  dispose(): void {
    this.clearReloadTimer();
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  private onChange(change: ChangeEvent): void {
    if (change.type === 'clock') {
      this.clockOffsetMs = change.offsetMs;
      return;
    }
    if (change.type !== 'function') return;
    const dirty = this.model.applyChange(change);
    if (dirty === 'root') this.changeEmitter.fire(undefined);
    else if (dirty) this.changeEmitter.fire(dirty);
    this.runEmitter.fire(change);
    // A function not listed yet (the app was reloaded), or a timer whose next run moved: read the list again.
    if (change.status !== 'Running' || !dirty) {
      this.reloadTimer ??= setTimeout(() => {
        this.reloadTimer = undefined;
        void this.reload();
      }, RELOAD_AFTER_RUN_MS);
    }
  }

  private clearReloadTimer(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
  }

  private render(): void {
    this.changeEmitter.fire(undefined);
    this.updateMessage();
  }

  private updateMessage(): void {
    const connection = this.ctx.connections.current;
    let message: string | undefined;
    if (!connection) message = undefined;
    else if (!connection.isEmulator)
      message = `The local emulator lists the app's functions; ${connection.label} cannot.`;
    else if (this.loads.error) message = `Could not list the functions: ${this.loads.error}`;
    else if (this.loads.inFlight && this.model.size === 0) message = 'Loading functions…';
    else if (this.model.size === 0) message = 'The app registers no function.';
    this.view.message = message;
  }
}
