/**
 * One history webview for one orchestration instance. It reads the instance's status with its history through the
 * explorer's connection (the webview never talks to the host), re-reads it when the emulator's change stream names
 * the instance (at most every 250 ms), posts it to the webview, and answers the webview's requests: go to a
 * definition, open another instance, refresh, export. With the emulator it also tells the webview which timers
 * are still pending (an unfired timer that is not was cancelled) and the emulated time (the clock can be moved
 * forward), which the webview counts durations and time left from.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { describeError } from '../log.js';
import {
  asWebviewMessage,
  encodeStatus,
  HISTORY_VIEW_TYPE,
  type DefinitionTarget,
  type DriveAction,
  type HistoryDescription,
  type HistoryStatus,
  type HostToWebview,
  type RenderReport,
  type WebviewToHost,
} from '../../webview/history/protocol.js';
import type { InstanceDetails, RuntimeStatus } from '../api/index.js';
import type { HostConnection } from '../connection/hostConnection.js';
import { returnedNote } from '../views/instancePresentation.js';
import { historyHtml, makeNonce } from './html.js';
import { Throttle } from './throttle.js';

/**
 * Live updates are fetched at most this often, or less often for a history that takes long to read (twice the time
 * the last read took), so a huge running instance does not keep the host and the webview busy all the time.
 */
export const REFRESH_INTERVAL_MS = 250;
/** Hosts without a change stream (`func start`, Azure) are polled this often while the instance runs. */
const POLL_INTERVAL_MS = 5000;
/** A webview that does not answer a request within this time is taken to be gone. */
const REQUEST_TIMEOUT_MS = 15_000;
/** The query of the history (and of an export): the same as the real host's `?showHistory=true&...`. */
export const HISTORY_QUERY = { showHistory: true, showHistoryOutput: true, showInput: true } as const;
const LIVE_STATUSES = new Set(['Running', 'Pending', 'Suspended', 'ContinuedAsNew']);

/** What the panel needs from the rest of the extension. */
export interface PanelActions {
  openDefinition(target: DefinitionTarget, from: HistoryPanel): Promise<unknown>;
  openInstance(instanceId: string): void;
  exportPanel(panel: HistoryPanel): Promise<unknown>;
  didFocus(panel: HistoryPanel): void;
  didDispose(panel: HistoryPanel): void;
}

interface PendingRequest {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export function historyTitle(name: string | undefined, instanceId: string): string {
  const prefix = instanceId.length > 12 ? `${instanceId.slice(0, 8)}…` : instanceId;
  return name ? `History: ${name} ${prefix}` : `History: ${prefix}`;
}

export class HistoryPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly throttle: Throttle;
  private readonly renderEmitter = new vscode.EventEmitter<RenderReport>();
  private readonly requests = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private status: HistoryStatus | undefined;
  private version = 0;
  private notice: string | undefined;
  /** The header's note: the emulator says the orchestrator returned while tasks are open (see `returnedNote`). */
  private note: string | undefined;
  /** The due times of the instance's pending timers (the emulator's list); undefined when not known. */
  private pendingTimers: string[] | undefined;
  /** The emulated clock's offset from wall time (the emulator's; 0 for other hosts), once read. */
  private clockOffsetMs: number | undefined;
  /** The row a replay debugger is paused on (see `showReplayPosition`). */
  private replayKey: string | undefined;
  private rendered: RenderReport | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** How long the last read took (ms). */
  private lastReadMs = 0;
  private disposed = false;
  /** The webview's script runs and listens (it said `ready`); false again while the panel is hidden. */
  private webviewReady = false;
  /** Requests made while the webview was not ready, sent when it is. */
  private readonly unsent: HostToWebview[] = [];
  /** When the panel was created (performance.now()). */
  private readonly openedAt = performance.now();
  /** ms after the panel was created: the first status read, the webview ready, the first status rendered. */
  readonly timings: { fetchedMs?: number; readyMs?: number; webviewLoadMs?: number; firstRenderMs?: number } = {};

  /** The webview applied an update (tests wait for it). */
  readonly onDidRender = this.renderEmitter.event;

  /**
   * Opens a new panel on the instance, or takes over `restored`: a panel VS Code restored after a window reload
   * (see `HistoryPanels.deserializeWebviewPanel`), which gets its options and page again.
   */
  constructor(
    private readonly ctx: Ctx,
    readonly instanceId: string,
    private readonly actions: PanelActions,
    restored?: vscode.WebviewPanel,
    placement: { viewColumn: vscode.ViewColumn; preserveFocus: boolean } = {
      viewColumn: vscode.ViewColumn.Active,
      preserveFocus: false,
    },
  ) {
    const extensionUri = ctx.extension.extensionUri;
    const options: vscode.WebviewOptions = {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
    if (restored) restored.webview.options = options;
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(HISTORY_VIEW_TYPE, historyTitle(undefined, instanceId), placement, options);
    // A tab icon is an image (currentColor renders black): one drawing per theme kind.
    this.panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'durable-studio-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'durable-studio-dark.svg'),
    };
    this.throttle = new Throttle(
      () => this.fetch(),
      () => Math.max(REFRESH_INTERVAL_MS, 2 * this.lastReadMs),
      (error) => ctx.log.error(`History of '${instanceId}': refresh failed`, error),
    );
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.onDidChangeViewState(
      (e) => {
        if (e.webviewPanel.active) actions.didFocus(this);
        // A hidden webview is destroyed (its state is saved) and loads again when shown: it will say `ready`.
        if (!e.webviewPanel.visible) {
          this.webviewReady = false;
          this.rendered = undefined;
        }
      },
      null,
      this.disposables,
    );
    this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), null, this.disposables);
    ctx.connections.onDidReceiveChange(
      (change) => {
        if ((change.type === 'instance' || change.type === 'instanceDeleted') && change.instanceId === instanceId) {
          this.refresh();
        } else if (change.type === 'clock') {
          // Moving the clock forward changes how long is left until the timers are due (and may fire them).
          this.clockOffsetMs = change.offsetMs;
          this.refresh();
        }
      },
      null,
      this.disposables,
    );
    ctx.connections.onDidChangeConnection(
      () => {
        this.clockOffsetMs = undefined;
        this.refresh();
      },
      null,
      this.disposables,
    );
    ctx.connections.onDidChangeStreamState(
      (state) => state.kind === 'open' && state.reconnected && this.refresh(),
      null,
      this.disposables,
    );
    this.panel.webview.html = this.html();
    this.refresh();
  }

  /** The last status read (the export's content); undefined before the first answer. */
  get currentStatus(): HistoryStatus | undefined {
    return this.status;
  }

  /** The webview's report of its last render. */
  get lastRender(): RenderReport | undefined {
    return this.rendered;
  }

  get active(): boolean {
    return !this.disposed && this.panel.active;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(this.panel.viewColumn, preserveFocus);
  }

  /** Highlights the row of a replay debugger's position (`HistoryRow.key`); undefined clears it. */
  showReplayPosition(rowKey: string | undefined): void {
    if (rowKey === this.replayKey) return;
    this.replayKey = rowKey;
    this.post({ type: 'replayPosition', key: rowKey });
  }

  /** Asks for a re-read (coalesced with others: at most one every 250 ms). */
  refresh(): void {
    this.throttle.request();
  }

  /** Re-reads now and resolves when the new status was posted. */
  refreshNow(): Promise<void> {
    return this.throttle.flush();
  }

  /** Resolves with the first render report (this one or a later one) that satisfies the predicate. */
  whenRendered(predicate: (report: RenderReport) => boolean = () => true): Promise<RenderReport> {
    if (this.rendered && predicate(this.rendered)) return Promise.resolve(this.rendered);
    return new Promise((resolve, reject) => {
      const subscription = this.onDidRender((report) => {
        if (!predicate(report)) return;
        subscription.dispose();
        resolve(report);
      });
      this.disposables.push(subscription, { dispose: () => reject(new Error('The history panel was closed')) });
    });
  }

  /** What the webview shows now (asked of the webview itself). */
  describe(): Promise<HistoryDescription> {
    return this.request<HistoryDescription>((requestId) => ({ type: 'describe', requestId }));
  }

  /** Makes the webview act as if the user clicked or pressed a key (see `DriveAction`). */
  async drive(action: DriveAction): Promise<void> {
    const error = await this.request<string | undefined>((requestId) => ({ type: 'drive', requestId, action }));
    if (error !== undefined) throw new Error(error);
  }

  /** The status with its history, re-read first when the host answers (what an export writes). */
  async statusForExport(): Promise<HistoryStatus> {
    await this.refreshNow();
    if (!this.status) {
      throw new Error(`The history of '${this.instanceId}' has not been read${this.notice ? `: ${this.notice}` : ''}.`);
    }
    return this.status;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.dispose();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const [, pending] of this.requests) {
      clearTimeout(pending.timer);
      pending.reject(new Error('The history panel was closed'));
    }
    this.requests.clear();
    this.actions.didDispose(this);
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.renderEmitter.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, ...segments)).toString();
    return historyHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('dist', 'webview', 'history.js'),
      styleUri: asset('media', 'history', 'history.css'),
      title: historyTitle(this.status?.name, this.instanceId),
      instanceId: this.instanceId,
    });
  }

  /**
   * Posts to the webview once its script listens. Before that, state messages are dropped (the current state is
   * posted on `ready`) and requests wait.
   */
  private post(message: HostToWebview): void {
    if (this.disposed) return;
    if (!this.webviewReady) {
      if (message.type === 'describe' || message.type === 'drive') this.unsent.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private postState(): void {
    if (this.status) {
      const status = encodeStatus(this.status);
      const note = this.note === undefined ? {} : { note: this.note };
      const timers = this.pendingTimers === undefined ? {} : { pendingTimers: this.pendingTimers };
      const now = Date.now() + (this.clockOffsetMs ?? 0);
      this.post({ type: 'update', version: this.version, status, now, live: this.isLive(), ...note, ...timers });
    }
    this.post({ type: 'notice', message: this.notice, live: this.isLive() });
    if (this.replayKey !== undefined) this.post({ type: 'replayPosition', key: this.replayKey });
  }

  private isLive(): boolean {
    return this.status !== undefined && LIVE_STATUSES.has(this.status.runtimeStatus) && this.notice === undefined;
  }

  private setNotice(message: string | undefined): void {
    this.notice = message;
    this.post({ type: 'notice', message, live: this.isLive() });
  }

  private async fetch(): Promise<void> {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    const connection = this.ctx.connections.current;
    if (!connection) {
      // A panel restored after a window reload has nothing to show until the explorer connects (it then reloads).
      this.setNotice(
        this.status
          ? 'Not connected: start the emulator or connect to a host to see live changes.'
          : `Not connected: start the emulator or connect to a host, and the history of '${this.instanceId}' loads.`,
      );
      return;
    }
    let status: HistoryStatus | undefined;
    let details: InstanceDetails | undefined;
    const started = performance.now();
    try {
      status = await connection.client.getStatus(this.instanceId, HISTORY_QUERY);
      // What the status does not tell (the emulator only): that the orchestrator returned while tasks are open, and
      // which timers are pending. Read after the status, so a timer of that history missing from the list has fired
      // (and a change will bring its TimerFired) or was cancelled, never that it was created after the list.
      if (connection.isEmulator && status) {
        [details] = await Promise.all([
          connection.client.getInstanceDetails(this.instanceId).catch(() => undefined),
          this.clockOffsetMs === undefined ? this.readClockOffset(connection) : undefined,
        ]);
      }
    } catch (error) {
      this.setNotice(`Could not read the instance from ${connection.label}: ${describeError(error)}`);
      return;
    }
    this.lastReadMs = performance.now() - started;
    if (this.disposed) return;
    if (!status) {
      this.setNotice(`${connection.label} has no instance '${this.instanceId}' (purged, or another host).`);
      return;
    }
    this.timings.fetchedMs ??= performance.now() - this.openedAt;
    this.status = status;
    this.note = returnedNote(
      status.runtimeStatus as RuntimeStatus,
      details?.returned,
      Date.now() + (this.clockOffsetMs ?? 0),
    );
    this.pendingTimers = details?.pendingTimers.map((timer) => timer.fireAt);
    this.version++;
    this.notice = undefined;
    this.panel.title = historyTitle(status.name, this.instanceId);
    this.postState();
    if (!connection.isEmulator && LIVE_STATUSES.has(status.runtimeStatus)) {
      this.pollTimer = setTimeout(() => this.refresh(), POLL_INTERVAL_MS);
    }
  }

  private async readClockOffset(connection: HostConnection): Promise<void> {
    try {
      this.clockOffsetMs = (await connection.client.getClock()).offsetMs;
    } catch (error) {
      this.ctx.log.warn(`Reading the emulator's clock failed: ${describeError(error)}`);
    }
  }

  private request<T>(message: (requestId: number) => HostToWebview): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The history panel was closed'));
    const requestId = this.nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(new Error(`The history webview did not answer within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.requests.set(requestId, { resolve: (value) => resolve(value as T), reject, timer });
      this.post(message(requestId));
    });
  }

  private answer(requestId: number, value: unknown): void {
    const pending = this.requests.get(requestId);
    if (!pending) return;
    this.requests.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(value);
  }

  private receive(raw: unknown): void {
    const message = asWebviewMessage(raw);
    if (!message) {
      this.ctx.log.warn(`History webview sent an unknown message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.timings.readyMs ??= performance.now() - this.openedAt;
        this.timings.webviewLoadMs ??= message.loadedMs;
        this.postState();
        for (const request of this.unsent.splice(0)) this.post(request);
        return;
      case 'rendered':
        this.rendered = message.report;
        if (this.timings.firstRenderMs === undefined && message.report.version > 0) {
          this.timings.firstRenderMs = performance.now() - this.openedAt;
          const { fetchedMs = NaN, readyMs = NaN, webviewLoadMs = NaN, firstRenderMs } = this.timings;
          this.ctx.log.info(
            `History of '${this.instanceId}': ${message.report.totalRows} events shown ${firstRenderMs.toFixed(0)} ms after opening (read ${fetchedMs.toFixed(0)} ms, webview ready ${readyMs.toFixed(0)} ms, of which its page loading ${webviewLoadMs.toFixed(0)} ms; in the webview: model ${message.report.modelMs.toFixed(0)} ms, model and DOM ${message.report.renderMs.toFixed(0)} ms)`,
          );
        }
        this.renderEmitter.fire(message.report);
        return;
      case 'description':
        this.answer(message.requestId, message.description);
        return;
      case 'driven':
        this.answer(message.requestId, message.error);
        return;
      case 'openDefinition':
        void this.run('Go to definition', () => this.actions.openDefinition(message.target, this));
        return;
      case 'openInstance':
        this.actions.openInstance(message.instanceId);
        return;
      case 'refresh':
        void this.run('Refresh', () => this.refreshNow());
        return;
      case 'export':
        void this.run('Export', () => this.actions.exportPanel(this));
        return;
      default:
        assertNever(message);
    }
  }

  /** Runs a user action from the webview, reporting a failure to the user. */
  private async run(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.ctx.log.error(`${what} failed`, error);
      void vscode.window.showErrorMessage(`${what} failed: ${describeError(error)}`);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
