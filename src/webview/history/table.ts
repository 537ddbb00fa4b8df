/**
 * The table of history events, virtualised: only the rows in view (plus a few) are in the DOM, each absolutely
 * placed from a prefix sum of row heights. Rows have a fixed height; an expanded row adds its details, whose
 * height is computed from line counts (every `<pre>` gets an explicit height), so nothing is measured. Keyboard:
 * the grid keeps the focus and points at the active row with `aria-activedescendant`, so the focus survives rows
 * leaving the DOM. Up/Down/PageUp/PageDown/Home/End move, Enter/Space/Right/Left expand and collapse, F12 goes to
 * the definition of the row's function.
 */
import { cssPixels, h } from './dom.js';
import type { HistoryRow } from './model.js';
import { COLUMNS, detailBlocks, detailHeight, renderRow, updateCountdowns, type DetailBlock } from './tableRow.js';
import { renderVisibleRows, type VisibleRows } from './visibleRows.js';
import { RowLayout } from './virtual.js';

/** Rows rendered above and below the viewport. */
const OVERSCAN = 8;

export interface TableActions {
  openDefinition(row: HistoryRow): void;
  openInstance(instanceId: string): void;
  /** Expanded rows, focus or scroll position changed (the view saves its state). */
  changed(): void;
  /** The current time (ms), for the time left until a pending timer is due. */
  now(): number | undefined;
}

export interface TableState {
  expanded: string[];
  anchorKey: string | undefined;
  focusedKey: string | undefined;
}

export class HistoryTable {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly rowHeight: number;
  private readonly lineHeight: number;
  private rows: readonly HistoryRow[] = [];
  private layout: RowLayout;
  private readonly expanded = new Set<string>();
  private readonly detailCache = new Map<string, DetailBlock[]>();
  private readonly elements = new Map<number, HTMLElement>();
  private get visibleRows(): VisibleRows {
    return { elements: this.elements, canvas: this.canvas, scroller: this.scroller, grid: this.grid };
  }
  private focused = 0;
  private frame = 0;
  /** The key of the row a replay debugger is paused on, and whether it was scrolled into view. */
  private replayKey: string | undefined;
  private replayRevealed = false;
  /** Restored from a saved state, applied with the first rows. */
  private pendingAnchor: string | undefined;
  private pendingFocus: string | undefined;

  constructor(private readonly actions: TableActions) {
    const fontSize = cssPixels('--vscode-font-size', 13);
    this.rowHeight = Math.max(24, Math.ceil(fontSize * 1.8));
    this.lineHeight = Math.ceil(cssPixels('--vscode-editor-font-size', 13) * 1.4);
    this.layout = new RowLayout(0, this.rowHeight);
    const header = h(
      'div',
      { class: 'row header-row', attrs: { role: 'row', 'aria-rowindex': 1 } },
      h(
        'div',
        { class: 'line' },
        ...COLUMNS.map((label) => h('span', { text: label, attrs: { role: 'columnheader' } })),
      ),
    );
    this.canvas = h('div', { class: 'canvas', attrs: { role: 'rowgroup' } });
    this.scroller = h('div', { class: 'scroller' }, this.canvas);
    this.grid = h(
      'div',
      {
        class: 'grid events',
        attrs: { role: 'grid', tabindex: 0, 'aria-label': 'History events', 'aria-rowcount': 1 },
      },
      h('div', { class: 'grid-head', attrs: { role: 'rowgroup' } }, header),
      this.scroller,
    );
    this.grid.style.setProperty('--row-height', `${this.rowHeight}px`);
    this.grid.style.setProperty('--detail-line-height', `${this.lineHeight}px`);
    this.element = this.grid;
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.canvas.addEventListener('click', (event) => this.onClick(event));
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
  }

  get state(): TableState {
    const anchor = this.rows[this.layout.indexAt(this.scroller.scrollTop)];
    return { expanded: [...this.expanded], anchorKey: anchor?.key, focusedKey: this.rows[this.focused]?.key };
  }

  /** Restores a saved state before the first rows arrive (the webview was reloaded). */
  restore(state: TableState): void {
    for (const key of state.expanded) this.expanded.add(key);
    this.pendingAnchor = state.anchorKey;
    this.pendingFocus = state.focusedKey;
  }

  /**
   * Shows new rows, keeping what the user had: expanded rows and focus (by key), the first visible row where it was
   * (or, when scrolled to the end, the end: a live history's new events come into view).
   */
  setRows(rows: readonly HistoryRow[]): void {
    const top = this.scroller.scrollTop;
    const viewport = this.scroller.clientHeight;
    const atEnd = this.rows.length > 0 && top > 0 && top + viewport >= this.layout.total - 2;
    const firstIndex = this.layout.indexAt(top);
    const anchorKey = this.pendingAnchor ?? this.rows[firstIndex]?.key;
    const anchorDelta = this.pendingAnchor !== undefined ? 0 : top - this.layout.top(firstIndex);
    const focusedKey = this.pendingFocus ?? this.rows[this.focused]?.key;
    this.pendingAnchor = undefined;
    this.pendingFocus = undefined;

    this.rows = rows;
    this.detailCache.clear();
    const keys = new Map(rows.map((row, index) => [row.key, index]));
    for (const key of this.expanded) if (!keys.has(key)) this.expanded.delete(key);
    this.relayout();
    this.focused = Math.min(
      focusedKey !== undefined ? (keys.get(focusedKey) ?? this.focused) : this.focused,
      rows.length - 1,
    );
    this.focused = Math.max(0, this.focused);
    this.grid.setAttribute('aria-rowcount', String(rows.length + 1));

    const anchorIndex = anchorKey !== undefined ? (keys.get(anchorKey) ?? Math.min(firstIndex, rows.length - 1)) : 0;
    const scrollTop = atEnd ? this.layout.total : this.layout.top(anchorIndex) + anchorDelta;
    this.clear();
    this.scroller.scrollTop = scrollTop;
    this.render();
  }

  /** Expands or collapses a row. */
  toggle(index: number, expand?: boolean): void {
    const row = this.rows[index];
    if (!row) return;
    const open = expand ?? !this.expanded.has(row.key);
    if (open === this.expanded.has(row.key)) return;
    const top = this.scroller.scrollTop;
    if (open) this.expanded.add(row.key);
    else this.expanded.delete(row.key);
    this.relayout();
    this.clear();
    this.scroller.scrollTop = top;
    this.render();
    this.actions.changed();
  }

  /** Moves the keyboard focus to a row and scrolls it into view (to the top when `toTop`). */
  focusRow(index: number, toTop = false): void {
    if (this.rows.length === 0) return;
    this.focused = Math.max(0, Math.min(index, this.rows.length - 1));
    const viewport = this.scroller.clientHeight;
    const target = toTop
      ? this.layout.top(this.focused)
      : this.layout.scrollToReveal(this.focused, this.scroller.scrollTop, viewport);
    if (target !== undefined) this.scroller.scrollTop = target;
    this.render();
    this.actions.changed();
  }

  focus(): void {
    this.grid.focus({ preventScroll: true });
  }

  /**
   * Marks the replay debugger's row (by key) and scrolls it into view, once per key: later updates keep the mark
   * but leave the scrolling to the user. Undefined unmarks.
   */
  setReplayKey(key: string | undefined): void {
    const position = key === undefined ? -1 : this.rows.findIndex((row) => row.key === key);
    if (key === this.replayKey && (position < 0 || this.replayRevealed)) return;
    this.replayKey = key;
    this.replayRevealed = position >= 0;
    if (position >= 0) {
      const target = this.layout.scrollToReveal(position, this.scroller.scrollTop, this.scroller.clientHeight);
      if (target !== undefined) this.scroller.scrollTop = target;
    }
    this.clear();
    this.render();
  }

  /** What is in the DOM; rows are named by their event's index in the history. */
  describe(): { renderedRows: number; firstRenderedRow: number; renderedEventTypes: string[]; focusedRow: number } {
    const positions = [...this.elements.keys()].sort((a, b) => a - b);
    return {
      renderedRows: positions.length,
      firstRenderedRow: this.rows[positions[0] ?? -1]?.index ?? -1,
      renderedEventTypes: positions.map((position) => this.rows[position]?.eventType ?? ''),
      focusedRow: this.rows[this.focused]?.index ?? -1,
    };
  }

  /** The position of the row of history event `eventIndex`, -1 when it is not shown (filtered out). */
  positionOf(eventIndex: number): number {
    let low = 0;
    let high = this.rows.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = this.rows[mid]!.index;
      if (at === eventIndex) return mid;
      if (at < eventIndex) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** Brings the rows' countdowns (time left until a pending timer is due) up to `now`. */
  tick(now: number): void {
    updateCountdowns(this.canvas, now);
  }

  /** Rows shown (after the filter). */
  get rowCount(): number {
    return this.rows.length;
  }

  get expandedKeys(): string[] {
    return [...this.expanded];
  }

  private relayout(): void {
    this.layout = new RowLayout(this.rows.length, this.rowHeight, (index) => {
      const row = this.rows[index]!;
      return this.expanded.has(row.key) ? detailHeight(this.blocks(row)) : 0;
    });
    this.canvas.style.height = `${this.layout.total}px`;
  }

  private blocks(row: HistoryRow): DetailBlock[] {
    let blocks = this.detailCache.get(row.key);
    if (!blocks) {
      blocks = detailBlocks(row, this.lineHeight);
      this.detailCache.set(row.key, blocks);
    }
    return blocks;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private clear(): void {
    this.canvas.replaceChildren();
    this.elements.clear();
  }

  /** Adds the rows that came into view, removes those that left; marks the focused one. */
  private render(): void {
    if (this.rows.length === 0) {
      if (!this.canvas.firstChild) this.canvas.append(h('div', { class: 'empty', text: 'No history events yet.' }));
      this.grid.removeAttribute('aria-activedescendant');
      return;
    }
    if (this.canvas.firstChild && !this.elements.size) this.canvas.replaceChildren();
    renderVisibleRows(this.visibleRows, this.layout, OVERSCAN, this.focused, 'row-', (index) => this.renderRow(index));
  }

  private renderRow(position: number): HTMLElement {
    const row = this.rows[position]!;
    const expanded = this.expanded.has(row.key);
    return renderRow(row, position, {
      top: this.layout.top(position),
      height: this.layout.height(position),
      details: expanded ? this.blocks(row) : undefined,
      replay: row.key === this.replayKey,
      now: this.actions.now(),
    });
  }

  private onClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : undefined;
    const rowElement = target?.closest<HTMLElement>('.row');
    if (!target || !rowElement) return;
    const index = Number(rowElement.dataset['index']);
    const row = this.rows[index];
    if (!row) return;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset['action'];
    this.focused = index;
    if (action === 'definition') this.actions.openDefinition(row);
    else if (action === 'instance' && row.instanceId) this.actions.openInstance(row.instanceId);
    else if (!target.closest('.detail')) this.toggle(index);
    this.render();
    if (!target.closest('.detail')) this.focus();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.grid || this.rows.length === 0) return;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.rowHeight) - 1);
    const row = this.rows[this.focused];
    switch (event.key) {
      case 'ArrowDown':
        this.focusRow(this.focused + 1);
        break;
      case 'ArrowUp':
        this.focusRow(this.focused - 1);
        break;
      case 'PageDown':
        this.focusRow(this.focused + page);
        break;
      case 'PageUp':
        this.focusRow(this.focused - page);
        break;
      case 'Home':
        this.focusRow(0);
        break;
      case 'End':
        this.focusRow(this.rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        this.toggle(this.focused);
        break;
      case 'ArrowRight':
        this.toggle(this.focused, true);
        break;
      case 'ArrowLeft':
        this.toggle(this.focused, false);
        break;
      case 'F12':
        if (row?.target) this.actions.openDefinition(row);
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
