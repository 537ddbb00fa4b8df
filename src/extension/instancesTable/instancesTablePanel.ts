/**
 * The Instances table (host side): one webview panel (opening it again reveals it) that pages through the explorer
 * host's instances with `TablePaging`, one page in memory, posting each page to the webview and answering its
 * requests: filter, page size, first/previous/next, refresh, open an instance's history (the existing command).
 * It starts with the Instances view's filter; the current page is read again (at most once a second) when the
 * change stream reports instance changes, and from the first page when the host changes.
 */
import * as vscode from 'vscode';
import { instancesPageSize } from '../config.js';
import type { Ctx } from '../ctx.js';
import { contentSecurityPolicy, escapeHtml, makeNonce } from '../history/html.js';
import { Throttle } from '../history/throttle.js';
import { describeError } from '../log.js';
import type { InstanceFilter } from '../views/instanceFilter.js';
import {
  asTableMessage,
  cleanFilter,
  INSTANCES_TABLE_VIEW_TYPE,
  PAGE_SIZES,
  type HostToWebview,
  type TableDescription,
  type TableFilter,
  type TablePage,
  type TableRow,
  type WebviewToHost,
} from '../../webview/instances/protocol.js';
import { tableQuery, TablePaging } from './tablePaging.js';

const REFRESH_INTERVAL_MS = 1000;
const REQUEST_TIMEOUT_MS = 15_000;

/** `durableStudio.instances.openTable` options (tests pass them; the view title button passes none). */
export interface OpenTableArgs {
  filter?: TableFilter;
  pageSize?: number;
}

/** The Instances view's filter as the table's (its exact name becomes a name prefix). */
export function tableFilterOf(filter: InstanceFilter): TableFilter {
  return cleanFilter({
    namePrefix: filter.name,
    idPrefix: filter.idPrefix,
    statuses: filter.statuses,
    createdFrom: filter.createdFrom,
    createdTo: filter.createdTo,
  });
}

export class InstancesTablePanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly paging: TablePaging;
  private readonly throttle: Throttle;
  private readonly pageEmitter = new vscode.EventEmitter<TablePage>();
  private readonly requests = new Map<number, (description: TableDescription) => void>();
  private nextRequestId = 1;
  private filter: TableFilter;
  private rows: TableRow[] = [];
  private version = 0;
  private error: string | undefined;
  private total: number | undefined;
  private loading = true;
  private ready = false;
  private disposed = false;
  /** The last read asked for; a read that an earlier one overtakes is dropped. */
  private readSeq = 0;

  /** A page was posted (tests wait for it). */
  readonly onDidPostPage = this.pageEmitter.event;

  constructor(
    private readonly ctx: Ctx,
    filter: TableFilter,
    pageSize: number,
    private readonly now: () => number,
    private readonly onDispose: () => void,
  ) {
    this.filter = filter;
    this.paging = new TablePaging(
      (query) => this.ctx.connections.require().client.listInstances(query),
      {},
      undefined,
      pageSize,
    );
    const extensionUri = ctx.extension.extensionUri;
    this.panel = vscode.window.createWebviewPanel(
      INSTANCES_TABLE_VIEW_TYPE,
      'Instances',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extensionUri, 'media'),
        ],
      },
    );
    this.panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'durable-studio-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'durable-studio-dark.svg'),
    };
    this.throttle = new Throttle(
      () => this.read(() => this.paging.current()),
      () => REFRESH_INTERVAL_MS,
      (error) => ctx.log.error('Instances table: refresh failed', error),
    );
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.onDidChangeViewState(
      (e) => {
        if (!e.webviewPanel.visible) this.ready = false; // it loads again (and says `ready`) when shown
      },
      null,
      this.disposables,
    );
    this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw), null, this.disposables);
    ctx.connections.onDidReceiveChange(
      (change) => (change.type === 'instance' || change.type === 'instanceDeleted') && this.throttle.request(),
      null,
      this.disposables,
    );
    ctx.connections.onDidChangeConnection(() => void this.applyFilter(this.filter), null, this.disposables);
    this.panel.webview.html = this.html();
    void this.applyFilter(filter);
  }

  get currentFilter(): TableFilter {
    return this.filter;
  }

  reveal(): void {
    this.panel.reveal(this.panel.viewColumn);
  }

  /** Sets the filter (and page size) and reads the first page; resolves once it is posted. */
  async applyFilter(filter: TableFilter, pageSize = this.paging.size): Promise<void> {
    this.filter = filter;
    this.total = undefined;
    let query;
    try {
      query = tableQuery(filter, this.now());
    } catch (error) {
      this.error = describeError(error);
      this.rows = [];
      this.loading = false;
      this.postPage();
      return;
    }
    this.paging.reset(query, filter.namePrefix, pageSize);
    await this.read(() => this.paging.first(), true);
  }

  /** Moves through the pages as the pager buttons do; resolves once the page is posted. */
  go(to: 'first' | 'previous' | 'next'): Promise<void> {
    return this.read(() =>
      to === 'next' ? this.paging.next() : to === 'previous' ? this.paging.previous() : this.paging.first(),
    );
  }

  /** What the webview shows now (asked of the webview itself). */
  describe(): Promise<TableDescription> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(new Error(`The Instances table did not answer within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.requests.set(requestId, (description) => {
        clearTimeout(timer);
        resolve(description);
      });
      this.post({ type: 'describe', requestId });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.throttle.dispose();
    this.onDispose();
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.pageEmitter.dispose();
  }

  private async read(load: () => Promise<TableRow[]>, countToo = false): Promise<void> {
    const seq = ++this.readSeq;
    this.loading = true;
    const connection = this.ctx.connections.current;
    if (!connection) {
      this.rows = [];
      this.error = 'Not connected: start the emulator or connect to a host.';
      this.loading = false;
      this.postPage();
      return;
    }
    try {
      const [rows, total] = await Promise.all([load(), countToo ? this.count() : Promise.resolve(this.total)]);
      if (seq !== this.readSeq || this.disposed) return;
      this.rows = rows;
      this.total = total;
      this.error = undefined;
    } catch (error) {
      if (seq !== this.readSeq || this.disposed) return;
      this.error = `Could not list the instances: ${describeError(error)}`;
    }
    this.loading = false;
    this.postPage();
  }

  /** The emulator counts instances by status: the total when nothing else filters. */
  private async count(): Promise<number | undefined> {
    const connection = this.ctx.connections.current;
    const { namePrefix, idPrefix, createdFrom, createdTo, statuses } = this.filter;
    if (!connection?.isEmulator || namePrefix || idPrefix || createdFrom || createdTo) return undefined;
    const summary = await connection.client.getSummary().catch(() => undefined);
    if (!summary) return undefined;
    return Object.entries(summary.instances)
      .filter(([status]) => !statuses || statuses.includes(status))
      .reduce((sum, [, n]) => sum + (n ?? 0), 0);
  }

  private page(): TablePage {
    const connection = this.ctx.connections.current;
    return {
      version: this.version,
      filter: this.filter,
      pageSize: this.paging.size,
      pageIndex: this.paging.pageIndex,
      firstRow: this.paging.firstRow,
      rows: this.rows,
      hasPrevious: this.paging.hasPrevious,
      hasNext: this.paging.hasNext,
      ...(this.total !== undefined ? { total: this.total } : {}),
      now: this.now(),
      source: connection ? `from ${connection.label}` : '',
      ...(this.error !== undefined ? { error: this.error } : {}),
      loading: this.loading,
    };
  }

  private postPage(): void {
    this.version++;
    const page = this.page();
    this.post({ type: 'page', page });
    this.pageEmitter.fire(page);
  }

  private post(message: HostToWebview): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = asTableMessage(raw);
    if (!message) {
      this.ctx.log.warn(`The Instances table sent an unknown message: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    void this.handle(message).catch((error: unknown) => {
      this.ctx.log.error('Instances table', error);
      void vscode.window.showErrorMessage(`Instances table: ${describeError(error)}`);
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'page', page: this.page() });
        return;
      case 'setFilter':
        return this.applyFilter(message.filter);
      case 'setPageSize':
        return this.applyFilter(this.filter, message.pageSize);
      case 'go':
        return this.go(message.to);
      case 'refresh':
        return this.throttle.flush();
      case 'open':
        await vscode.commands.executeCommand('durableStudio.instance.openHistory', message.instanceId);
        return;
      case 'description':
        this.requests.get(message.requestId)?.(message.description);
        this.requests.delete(message.requestId);
        return;
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, ...segments)).toString();
    const nonce = makeNonce();
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(asset('media', 'instances', 'instances.css'))}">
<title>Instances</title>
</head>
<body>
<main id="root" aria-busy="true"><p class="loading">Loading the instances…</p></main>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(asset('dist', 'webview', 'instances.js'))}"></script>
</body>
</html>
`;
  }
}

/** The page size a caller asked for, if it is one the table offers; else the explorer's page size setting. */
export function tablePageSize(asked: number | undefined): number {
  if (asked !== undefined && (PAGE_SIZES as readonly number[]).includes(asked)) return asked;
  const setting = instancesPageSize();
  return PAGE_SIZES.find((size) => size >= setting) ?? 200;
}
