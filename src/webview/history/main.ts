/**
 * The history webview's entry (bundled to dist/webview/history.js): builds the page, applies the statuses the
 * extension host posts, and turns clicks and keys into messages back. It never talks to the Functions host: the
 * extension host does (the emulator refuses requests from a webview's origin).
 */
import { button, h } from './dom.js';
import { HistoryHeader } from './header.js';
import { buildHistoryModel, eventNumber, rowPreview, type HistoryModel, type HistoryRow } from './model.js';
import {
  asHostMessage,
  decodeStatus,
  type DriveAction,
  type HistoryDescription,
  type HistoryTab,
  type HostToWebview,
  type PersistedHistoryState,
  type WebviewToHost,
} from './protocol.js';
import { HistoryTable, type TableState } from './table.js';
import { HistoryTimeline } from './timeline.js';
import { timelineNote } from './timelineNote.js';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/**
 * Kept by VS Code while the panel lives, so a reloaded webview (the panel was hidden) looks the same, and across a
 * window reload, when the extension's serializer restores the panel on `instanceId`.
 */
interface SavedState extends Partial<PersistedHistoryState> {
  tab: HistoryTab;
  table: TableState;
  zoom: number;
  filter: string;
}

/** Typing in the filter re-filters after this pause. */
const FILTER_DELAY_MS = 120;
/** A running instance's duration and its timers' time left are brought up to date this often. */
const TICK_MS = 1000;

const TABS: readonly HistoryTab[] = ['table', 'timeline'];

class HistoryView {
  private model: HistoryModel | undefined;
  /** The instance the panel shows, as the host wrote it on the page (or as saved, for an older page). */
  private readonly instanceId: string | undefined;
  private version = 0;
  private live = false;
  private notice: string | undefined;
  private note: string | undefined;
  /** The row key a replay debugger is paused on. */
  private replayKey: string | undefined;
  private tab: HistoryTab = 'table';
  /** The host's clock (the emulator's, which can be moved forward) minus this page's, from the last update. */
  private clockSkew = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private filter = '';
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  /** Lower-cased text a row is searched in (its preview is computed on the first search only). */
  private readonly searchText = new WeakMap<HistoryRow, string>();
  private readonly filterInput = h('input', {
    class: 'filter',
    attrs: {
      type: 'search',
      placeholder: 'Filter events or #N',
      'aria-label': 'Filter events by type, name or content, or by number (#12)',
    },
  });
  private readonly header: HistoryHeader;
  private readonly table: HistoryTable;
  private readonly timeline: HistoryTimeline;
  private readonly noticeLine = h('div', { class: 'notice', attrs: { role: 'status', hidden: true } });
  private readonly tabButtons = new Map<HistoryTab, HTMLButtonElement>();
  private readonly panels = new Map<HistoryTab, HTMLElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly vscode: VsCodeApi,
  ) {
    this.header = new HistoryHeader({
      openDefinition: (name) => this.post({ type: 'openDefinition', target: { kind: 'orchestration', name } }),
    });
    this.table = new HistoryTable({
      openDefinition: (row) => this.openDefinition(row),
      openInstance: (instanceId) => this.post({ type: 'openInstance', instanceId }),
      changed: () => this.save(),
      now: () => (this.model?.now === undefined ? undefined : this.now()),
    });
    this.timeline = new HistoryTimeline({
      showRow: (rowIndex) => this.showRow(rowIndex),
      openDefinition: (span) => span.target && this.post({ type: 'openDefinition', target: span.target }),
      changed: () => this.save(),
    });
    const saved = this.vscode.getState() as Partial<SavedState> | undefined;
    this.instanceId = root.dataset['instanceId'] || saved?.instanceId;
    if (saved?.table) this.table.restore(saved.table);
    if (typeof saved?.zoom === 'number') this.timeline.setZoom(saved.zoom);
    if (typeof saved?.filter === 'string') this.filter = this.filterInput.value = saved.filter;
    this.build();
    this.setTab(saved?.tab === 'timeline' ? 'timeline' : 'table', false);
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = asHostMessage(event.data);
      if (message) this.receive(message);
    });
    // A hidden page ticks for nobody (VS Code also unloads a hidden webview: its timers go with it).
    document.addEventListener('visibilitychange', () => this.updateTicker());
    this.post({ type: 'ready', loadedMs: performance.now() });
  }

  /** The host's current time, as far as this page can tell. */
  private now(): number {
    return Date.now() + this.clockSkew;
  }

  /** Ticks every second while a live instance's header counts its duration and the page is visible; else not. */
  private updateTicker(): void {
    const header = this.model?.header;
    const running = this.live && header !== undefined && header.endedAt === undefined && header.startedAt !== undefined;
    const tick = running && document.visibilityState === 'visible';
    if (tick && this.ticker === undefined) {
      this.ticker = setInterval(() => this.tick(), TICK_MS);
    } else if (!tick && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    const now = this.now();
    this.header.tick(now);
    this.table.tick(now);
    this.timeline.tick(now);
  }

  private build(): void {
    const tablist = h('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'History views' } });
    for (const tab of TABS) {
      const tabButton = h('button', {
        class: 'tab',
        id: `tab-${tab}`,
        text: tab === 'table' ? 'Events' : 'Timeline',
        attrs: { type: 'button', role: 'tab', 'aria-controls': `panel-${tab}` },
      });
      tabButton.addEventListener('click', () => this.setTab(tab, true));
      tabButton.addEventListener('keydown', (event) => this.onTabKey(event));
      this.tabButtons.set(tab, tabButton);
      tablist.append(tabButton);
    }
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      tablist,
      h('span', { class: 'spacer' }),
      this.filterInput,
      button('Refresh', 'Read the history again', () => this.post({ type: 'refresh' })),
      button('Export JSON…', 'Export the history as JSON (the host format)', () => this.post({ type: 'export' })),
    );
    const tablePanel = h(
      'section',
      { class: 'tab-panel', id: 'panel-table', attrs: { role: 'tabpanel', 'aria-labelledby': 'tab-table' } },
      this.table.element,
    );
    const timelinePanel = h(
      'section',
      { class: 'tab-panel', id: 'panel-timeline', attrs: { role: 'tabpanel', 'aria-labelledby': 'tab-timeline' } },
      this.timeline.element,
    );
    this.panels.set('table', tablePanel).set('timeline', timelinePanel);
    this.filterInput.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.setFilter(this.filterInput.value), FILTER_DELAY_MS);
    });
    this.filterInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.filterInput.value !== '') {
        event.preventDefault();
        this.filterInput.value = '';
        this.setFilter('');
      } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
        event.preventDefault();
        this.setTab('table', false);
        this.table.focus();
      }
    });
    this.root.replaceChildren(this.header.element, this.noticeLine, toolbar, tablePanel, timelinePanel);
    this.root.removeAttribute('aria-busy');
  }

  private post(message: WebviewToHost): void {
    this.vscode.postMessage(message);
  }

  private save(): void {
    this.vscode.setState({
      ...(this.instanceId ? { instanceId: this.instanceId } : {}),
      tab: this.tab,
      table: this.table.state,
      zoom: this.timeline.zoomLevel,
      filter: this.filter,
    });
  }

  private receive(message: HostToWebview): void {
    switch (message.type) {
      case 'update':
        this.update(message);
        return;
      case 'notice':
        this.notice = message.message;
        this.live = message.live;
        this.noticeLine.textContent = message.message ?? '';
        this.noticeLine.hidden = message.message === undefined;
        if (this.model) this.header.render(this.model.header, this.live, this.note);
        this.updateTicker();
        return;
      case 'describe':
        this.post({ type: 'description', requestId: message.requestId, description: this.describe() });
        return;
      case 'drive':
        this.post({ type: 'driven', requestId: message.requestId, error: this.drive(message.action) });
        return;
      case 'replayPosition':
        this.replayKey = message.key;
        this.showReplayPosition();
        return;
      default:
        assertNever(message);
    }
  }

  private update(message: Extract<HostToWebview, { type: 'update' }>): void {
    const started = performance.now();
    this.clockSkew = message.now - Date.now();
    const pendingTimers = message.pendingTimers?.map((fireAt) => Date.parse(fireAt));
    const model = buildHistoryModel(decodeStatus(message.status), {
      now: message.now,
      ...(pendingTimers ? { pendingTimers } : {}),
    });
    const modelMs = performance.now() - started;
    this.model = model;
    this.version = message.version;
    this.live = message.live;
    this.note = message.note;
    this.header.render(model.header, this.live, this.note);
    this.table.setRows(this.shownRows());
    const note = timelineNote(model.rows, model.spans);
    this.timeline.setSpans(model.spans, model.range, model.now, note);
    this.showReplayPosition();
    this.updateTabLabels();
    const timelineTab = this.tabButtons.get('timeline')!;
    timelineTab.textContent = `Timeline (${model.spans.length})`;
    timelineTab.title = note ?? `${model.spans.length} lanes, one per event`;
    this.updateTicker();
    const renderMs = performance.now() - started;
    this.save();
    this.post({
      type: 'rendered',
      report: {
        version: message.version,
        totalRows: model.rows.length,
        renderedRows: this.table.describe().renderedRows,
        totalSpans: model.spans.length,
        runtimeStatus: model.header.runtimeStatus,
        modelMs,
        renderMs,
      },
    });
  }

  /** Marks the replay debugger's row in the table and its span in the timeline. */
  private showReplayPosition(): void {
    const row = this.replayRow();
    this.table.setReplayKey(row?.key);
    this.timeline.setReplaySpan(row?.spanIndex ?? -1);
  }

  private replayRow(): HistoryRow | undefined {
    const key = this.replayKey;
    return key === undefined ? undefined : this.model?.rows.find((row) => row.key === key);
  }

  private updateTabLabels(): void {
    const total = this.model?.rows.length ?? 0;
    const shown = this.filter ? `${this.table.rowCount} of ${total}` : String(total);
    this.tabButtons.get('table')!.textContent = `Events (${shown})`;
  }

  /**
   * The rows the filter lets through: every word must occur in the row's type, name, instance or summary; `#12`
   * is event number 12 (the `#` column, the position in the exported history).
   */
  private shownRows(): readonly HistoryRow[] {
    const rows = this.model?.rows ?? [];
    const words = this.filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return rows;
    return rows.filter((row) => {
      let text = this.searchText.get(row);
      if (text === undefined) {
        text = `${row.eventType} ${row.name} ${row.instanceId ?? ''} ${rowPreview(row)}`.toLowerCase();
        this.searchText.set(row, text);
      }
      return words.every((word) =>
        /^#\d+$/.test(word) ? eventNumber(row) === Number(word.slice(1)) : text.includes(word),
      );
    });
  }

  private setFilter(text: string): void {
    clearTimeout(this.filterTimer);
    if (text === this.filter) return;
    this.filter = text;
    if (this.filterInput.value !== text) this.filterInput.value = text;
    this.table.setRows(this.shownRows());
    this.updateTabLabels();
    this.save();
  }

  /** The table position of history event `index`, clearing the filter when it hides that row. */
  private positionOf(index: number): number {
    if (this.table.positionOf(index) < 0 && this.filter) this.setFilter('');
    return this.table.positionOf(index);
  }

  private setTab(tab: HistoryTab, focus: boolean): void {
    this.tab = tab;
    for (const name of TABS) {
      const selected = name === tab;
      const tabButton = this.tabButtons.get(name)!;
      tabButton.setAttribute('aria-selected', String(selected));
      tabButton.tabIndex = selected ? 0 : -1;
      this.panels.get(name)!.hidden = !selected;
    }
    this.timeline.setVisible(tab === 'timeline');
    if (focus) this.tabButtons.get(tab)!.focus();
    this.save();
  }

  private onTabKey(event: KeyboardEvent): void {
    const at = TABS.indexOf(this.tab);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(at + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(at + TABS.length - 1) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    this.setTab(next, true);
  }

  private openDefinition(row: HistoryRow): void {
    if (row.target) this.post({ type: 'openDefinition', target: row.target });
  }

  /** Switches to the table, scrolls the row to the top, expands it and gives the table the focus. */
  private showRow(index: number): void {
    this.setTab('table', false);
    const position = this.positionOf(index);
    this.table.toggle(position, true);
    this.table.focusRow(position, true);
    this.table.focus();
  }

  private rowAt(index: number): HistoryRow | string {
    const row = this.model?.rows[index];
    return row ?? `There is no row ${index} (the history has ${this.model?.rows.length ?? 0} rows).`;
  }

  /** Performs a `DriveAction`; the error text when it cannot. */
  private drive(action: DriveAction): string | undefined {
    switch (action.kind) {
      case 'showTab':
        this.setTab(action.tab, false);
        return undefined;
      case 'filter':
        this.setFilter(action.text);
        return undefined;
      case 'toggleRow': {
        const row = this.rowAt(action.index);
        if (typeof row === 'string') return row;
        this.table.toggle(this.positionOf(action.index));
        return undefined;
      }
      case 'scrollToRow': {
        const row = this.rowAt(action.index);
        if (typeof row === 'string') return row;
        this.table.focusRow(this.positionOf(action.index), true);
        return undefined;
      }
      case 'openDefinition': {
        const row = this.rowAt(action.index);
        if (typeof row === 'string') return row;
        if (!row.target) return `Row ${action.index} (${row.eventType}) names nothing to go to.`;
        this.openDefinition(row);
        return undefined;
      }
      case 'export':
        this.post({ type: 'export' });
        return undefined;
      default:
        return assertNever(action);
    }
  }

  private describe(): HistoryDescription {
    const table = this.table.describe();
    return {
      version: this.version,
      activeTab: this.tab,
      instanceId: this.model?.header.instanceId,
      runtimeStatus: this.model?.header.runtimeStatus,
      totalRows: this.model?.rows.length ?? 0,
      filter: this.filter,
      shownRows: this.table.rowCount,
      renderedRows: table.renderedRows,
      firstRenderedRow: table.firstRenderedRow,
      renderedEventTypes: table.renderedEventTypes,
      expandedKeys: this.table.expandedKeys,
      focusedRow: table.focusedRow,
      totalSpans: this.model?.spans.length ?? 0,
      renderedSpans: this.timeline.describe().renderedSpans,
      replayRow: this.replayRow()?.index ?? -1,
      notice: this.notice,
      note: this.note,
      ticking: this.ticker !== undefined,
    };
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled: ${JSON.stringify(value)}`);
}

new HistoryView(document.getElementById('root')!, acquireVsCodeApi());
