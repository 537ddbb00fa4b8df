/**
 * The timeline (Gantt) of an instance: one lane per span (the orchestration, each activity, timer, sub-orchestration,
 * entity call; raised events and signals as markers), placed on a time axis. Lanes are virtualised like the table's
 * rows and the axis draws only the ticks in view, so a history of thousands of spans stays cheap. Keyboard: Up/Down
 * move between lanes, Enter shows the span's event in the table, F12 goes to the definition, +/-/0 zoom.
 * A pending timer is drawn up to now, then dashed up to its due time when that is on the axis, or with an arrow and
 * a label giving the due time when it is not; a cancelled timer says so.
 */
import { button, cssPixels, h } from './dom.js';
import { formatDateTime, formatDuration, formatDueTime, formatElapsed, formatTimeLeft } from './format.js';
import type { TimelineSpan } from './model.js';
import { countdown, updateCountdowns } from './tableRow.js';
import { renderVisibleRows, type VisibleRows } from './visibleRows.js';
import { RowLayout, tickStep } from './virtual.js';

const LABEL_WIDTH = 220;
const OVERSCAN = 8;
const MIN_TICK_SPACING = 90;
const TRAILING_ROOM = 90;
/** Room after the axis's end for a timer's due time ("due in 2 d 23 h, 2026-11-25 22:42:34"). */
const TIMER_TRAILING_ROOM = 270;
const ZOOMS = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256];

export interface TimelineActions {
  /** Shows the span's event in the table. */
  showRow(rowIndex: number): void;
  openDefinition(span: TimelineSpan): void;
  changed(): void;
}

const KIND_LABELS: Record<TimelineSpan['kind'], string> = {
  orchestration: 'orchestration',
  activity: 'activity',
  subOrchestration: 'sub-orchestration',
  timer: 'timer',
  externalEvent: 'external event',
  entity: 'entity',
  suspended: 'suspended',
  continueAsNew: 'continue as new',
};

export class HistoryTimeline {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly zoomLabel: HTMLElement;
  private readonly note: HTMLElement;
  private now: number | undefined;
  private trailingRoom = TRAILING_ROOM;
  private readonly laneHeight: number;
  private spans: readonly TimelineSpan[] = [];
  private range = { start: 0, end: 1 };
  private layout: RowLayout;
  private readonly elements = new Map<number, HTMLElement>();
  private get visibleRows(): VisibleRows {
    return { elements: this.elements, canvas: this.canvas, scroller: this.scroller, grid: this.grid };
  }
  private zoomIndex = 0;
  private focused = 0;
  private frame = 0;
  private chartWidth = 0;
  private visible = false;
  /** The span of the event a replay debugger is paused on, -1 when none. */
  private replaySpan = -1;

  constructor(private readonly actions: TimelineActions) {
    this.laneHeight = Math.max(24, Math.ceil(cssPixels('--vscode-font-size', 13) * 1.8));
    this.layout = new RowLayout(0, this.laneHeight);
    this.zoomLabel = h('span', { class: 'zoom-label', attrs: { 'aria-live': 'polite' } });
    this.note = h('p', { class: 'timeline-note', attrs: { role: 'note', hidden: true } });
    const toolbar = h(
      'div',
      { class: 'timeline-toolbar' },
      button('−', 'Zoom out (-)', () => this.zoomBy(-1)),
      button('+', 'Zoom in (+)', () => this.zoomBy(1)),
      button('Fit', 'Fit to width (0)', () => this.setZoom(0)),
      this.zoomLabel,
      h(
        'span',
        { class: 'legend', attrs: { 'aria-hidden': true } },
        ...(['activity', 'subOrchestration', 'timer', 'entity', 'externalEvent'] as const).map((kind) =>
          h('span', { class: `legend-item kind-${kind}` }, h('span', { class: 'swatch' }), KIND_LABELS[kind]),
        ),
        h('span', { class: 'legend-item state-failed' }, h('span', { class: 'swatch' }), 'failed'),
        h('span', { class: 'legend-item state-cancelled' }, h('span', { class: 'swatch' }), 'cancelled'),
      ),
    );
    this.axis = h('div', { class: 'axis', attrs: { 'aria-hidden': true } });
    this.canvas = h('div', { class: 'canvas', attrs: { role: 'rowgroup' } });
    this.scroller = h('div', { class: 'scroller' }, this.axis, this.canvas);
    this.grid = h(
      'div',
      { class: 'grid timeline', attrs: { role: 'grid', tabindex: 0, 'aria-label': 'Timeline of the instance' } },
      this.scroller,
    );
    this.grid.style.setProperty('--row-height', `${this.laneHeight}px`);
    this.grid.style.setProperty('--label-width', `${LABEL_WIDTH}px`);
    this.element = h('div', { class: 'timeline-view' }, toolbar, this.note, this.grid);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule(true)).observe(this.scroller);
    this.canvas.addEventListener('click', (event) => this.onClick(event));
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
    this.updateZoomLabel();
  }

  /** The zoom step (0: fit to width), saved with the view's state. */
  get zoomLevel(): number {
    return this.zoomIndex;
  }

  private get zoom(): number {
    return ZOOMS[this.zoomIndex]!;
  }

  /**
   * `now`: the current time, for the time left until pending timers are due. `note`: why the lanes are fewer than
   * the events (see `timelineNote`), shown above the lanes.
   */
  setSpans(spans: readonly TimelineSpan[], range: { start: number; end: number }, now?: number, note?: string): void {
    this.spans = spans;
    this.now = now;
    this.note.textContent = note ?? '';
    this.note.hidden = note === undefined;
    const timerText = spans.some(
      (span) => span.kind === 'timer' && span.dueAt !== undefined && span.state !== 'completed',
    );
    this.trailingRoom = timerText ? TIMER_TRAILING_ROOM : TRAILING_ROOM;
    this.range = { start: range.start, end: Math.max(range.end, range.start + 1) };
    this.focused = Math.max(0, Math.min(this.focused, spans.length - 1));
    this.layout = new RowLayout(spans.length, this.laneHeight);
    this.grid.setAttribute('aria-rowcount', String(spans.length));
    this.relayout();
  }

  /** Marks the lane of the replay debugger's event (-1: none). */
  setReplaySpan(index: number): void {
    if (index === this.replaySpan) return;
    this.replaySpan = index;
    this.relayout();
  }

  /** The tab became visible (or hidden): lanes are only rendered while visible. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.relayout();
  }

  setZoom(index: number): void {
    const next = Math.max(0, Math.min(index, ZOOMS.length - 1));
    if (next === this.zoomIndex) return;
    // Keep the time at the centre of the view where it is.
    const viewport = Math.max(1, this.scroller.clientWidth - LABEL_WIDTH);
    const centre = (this.scroller.scrollLeft + viewport / 2) / Math.max(1, this.chartWidth);
    this.zoomIndex = next;
    this.updateZoomLabel();
    this.relayout();
    this.scroller.scrollLeft = Math.max(0, centre * this.chartWidth - viewport / 2);
    this.actions.changed();
  }

  focus(): void {
    this.grid.focus({ preventScroll: true });
  }

  /** Brings the pending timers' countdowns up to `now`. */
  tick(now: number): void {
    this.now = now;
    updateCountdowns(this.canvas, now);
  }

  describe(): { renderedSpans: number } {
    return { renderedSpans: this.elements.size };
  }

  private zoomBy(step: number): void {
    this.setZoom(this.zoomIndex + step);
  }

  private updateZoomLabel(): void {
    this.zoomLabel.textContent = `${this.zoom}×`;
  }

  private relayout(): void {
    const available = Math.max(200, this.scroller.clientWidth - LABEL_WIDTH - this.trailingRoom);
    this.chartWidth = available * this.zoom;
    this.canvas.style.height = `${this.layout.total}px`;
    this.canvas.style.width = `${LABEL_WIDTH + this.chartWidth + this.trailingRoom}px`;
    this.axis.style.width = this.canvas.style.width;
    this.elements.clear();
    this.canvas.replaceChildren();
    this.render();
  }

  private x(time: number): number {
    return ((time - this.range.start) / (this.range.end - this.range.start)) * this.chartWidth;
  }

  private schedule(resized = false): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (resized) this.relayout();
      else this.render();
    });
  }

  private render(): void {
    if (!this.visible) return;
    if (this.spans.length === 0) {
      if (!this.canvas.firstChild) this.canvas.append(h('div', { class: 'empty', text: 'Nothing to draw yet.' }));
      return;
    }
    renderVisibleRows(this.visibleRows, this.layout, OVERSCAN, this.focused, 'span-', (index) =>
      this.renderLane(index),
    );
    this.renderAxis();
  }

  private renderAxis(): void {
    const span = this.range.end - this.range.start;
    const step = tickStep(span / this.chartWidth, MIN_TICK_SPACING);
    const left = this.scroller.scrollLeft;
    const from = Math.max(0, Math.floor((((left - LABEL_WIDTH) / this.chartWidth) * span) / step) * step);
    const to = ((left + this.scroller.clientWidth) / this.chartWidth) * span;
    const ticks: HTMLElement[] = [];
    for (let t = from; t <= Math.min(to, span + step); t += step) {
      const tick = h('span', { class: 'tick', text: formatElapsed(t) });
      tick.style.left = `${LABEL_WIDTH + this.x(this.range.start + t)}px`;
      ticks.push(tick);
    }
    this.axis.replaceChildren(h('span', { class: 'axis-label', text: formatDateTime(this.range.start) }), ...ticks);
  }

  private renderLane(index: number): HTMLElement {
    const span = this.spans[index]!;
    const instant = span.state === 'instant';
    const duration = span.end - span.start;
    const due = this.dueText(span);
    const description = `${KIND_LABELS[span.kind]} ${span.label}, ${span.state === 'instant' ? 'at' : 'from'} ${formatElapsed(span.start - this.range.start)}${instant ? '' : `, ${formatDuration(duration)}, ${span.state}`}${due ? `, ${due}` : ''}`;
    const lane = h('div', {
      class: `lane kind-${span.kind} state-${span.state}${index === this.replaySpan ? ' replay-current' : ''}`,
      id: `span-${index}`,
      attrs: { role: 'row', 'aria-rowindex': index + 1, 'aria-label': description, 'data-index': index },
    });
    lane.style.top = `${this.layout.top(index)}px`;
    const label = h('span', {
      class: 'lane-label',
      attrs: { role: 'gridcell' },
      title: `${span.label}\n${span.detail}`,
    });
    if (span.target) {
      label.append(h('span', { class: 'link', text: span.label, attrs: { 'data-action': 'definition' } }));
    } else {
      label.append(span.label);
    }
    const left = this.x(span.start);
    const bar = h('span', {
      class: instant ? 'marker' : 'bar',
      title: `${span.label} (${span.detail})\n${formatDateTime(span.start)}${instant ? '' : ` → ${formatDuration(duration)}`}\n${span.state}${due ? `, ${due}` : ''}`,
      attrs: { 'data-action': 'show' },
    });
    bar.style.left = `${left}px`;
    const barEnd = Math.max(left + 2, this.x(span.end));
    if (!instant) bar.style.width = `${barEnd - left}px`;
    const chart = h('span', { class: 'lane-chart', attrs: { role: 'gridcell' } }, bar);
    let textLeft = instant ? left + 8 : barEnd + 4;
    const pendingTimer = span.kind === 'timer' && span.state === 'running' && span.dueAt !== undefined;
    if (pendingTimer && span.dueAt! <= this.range.end) {
      // Still to come: a dashed stretch from now to the due time.
      const dueX = Math.max(barEnd, this.x(span.dueAt!));
      const future = h('span', { class: 'future', attrs: { 'aria-hidden': true } });
      future.style.left = `${barEnd}px`;
      future.style.width = `${dueX - barEnd}px`;
      chart.append(future);
      textLeft = dueX + 4;
    } else if (pendingTimer) {
      // Due beyond the axis: an arrow at the bar's end points on to it.
      const arrow = h('span', { class: 'due-arrow', text: '⟶', attrs: { 'aria-hidden': true } });
      arrow.style.left = `${barEnd + 2}px`;
      chart.append(arrow);
      textLeft = barEnd + 26;
    }
    chart.append(this.barText(span, duration, textLeft));
    lane.append(label, chart);
    return lane;
  }

  /** The text after a bar: its duration, a pending timer's due time and time left, or that a timer was cancelled. */
  private barText(span: TimelineSpan, duration: number, left: number): HTMLElement {
    const text = h('span', { class: 'bar-text' });
    text.style.left = `${left}px`;
    if (span.state === 'instant') {
      text.textContent = span.label;
    } else if (
      span.kind === 'timer' &&
      span.state === 'running' &&
      span.dueAt !== undefined &&
      this.now !== undefined
    ) {
      text.classList.add('due');
      text.append('due ', countdown(span.dueAt, this.now), `, ${formatDueTime(span.dueAt, this.now)}`);
    } else if (span.kind === 'timer' && span.state === 'cancelled' && span.dueAt !== undefined) {
      text.textContent = `cancelled (was due ${formatDueTime(span.dueAt, span.start, this.now)})`;
    } else {
      text.textContent = `${formatDuration(duration)}${span.state === 'running' ? '…' : ''}`;
    }
    return text;
  }

  /** For tooltips and screen readers: when a timer is (or was) due. */
  private dueText(span: TimelineSpan): string {
    if (span.kind !== 'timer' || span.dueAt === undefined) return '';
    const at = formatDateTime(span.dueAt);
    if (span.state === 'running' && this.now !== undefined)
      return `due ${formatTimeLeft(span.dueAt - this.now)} (${at})`;
    return span.state === 'cancelled' ? `was due ${at}` : `due ${at}`;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : undefined;
    const lane = target?.closest<HTMLElement>('.lane');
    if (!target || !lane) return;
    const index = Number(lane.dataset['index']);
    const span = this.spans[index];
    if (!span) return;
    this.focused = index;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset['action'];
    if (action === 'definition') this.actions.openDefinition(span);
    else if (action === 'show') this.actions.showRow(span.rowIndex);
    this.render();
    if (action !== 'show') this.focus();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.grid) return;
    const span = this.spans[this.focused];
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / this.laneHeight) - 1);
    switch (event.key) {
      case 'ArrowDown':
        this.moveTo(this.focused + 1);
        break;
      case 'ArrowUp':
        this.moveTo(this.focused - 1);
        break;
      case 'PageDown':
        this.moveTo(this.focused + page);
        break;
      case 'PageUp':
        this.moveTo(this.focused - page);
        break;
      case 'Home':
        this.moveTo(0);
        break;
      case 'End':
        this.moveTo(this.spans.length - 1);
        break;
      case 'Enter':
        if (span) this.actions.showRow(span.rowIndex);
        break;
      case 'F12':
        if (span?.target) this.actions.openDefinition(span);
        break;
      case '+':
      case '=':
        this.zoomBy(1);
        break;
      case '-':
        this.zoomBy(-1);
        break;
      case '0':
        this.setZoom(0);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private moveTo(index: number): void {
    if (this.spans.length === 0) return;
    this.focused = Math.max(0, Math.min(index, this.spans.length - 1));
    const viewport = this.scroller.clientHeight - this.laneHeight; // the sticky axis covers one lane
    const target = this.layout.scrollToReveal(this.focused, this.scroller.scrollTop, viewport);
    if (target !== undefined) this.scroller.scrollTop = target;
    // Bring the span's start into view horizontally.
    const x = this.x(this.spans[this.focused]!.start);
    const width = this.scroller.clientWidth - LABEL_WIDTH;
    if (x < this.scroller.scrollLeft || x > this.scroller.scrollLeft + width - 40) {
      this.scroller.scrollLeft = Math.max(0, x - width / 3);
    }
    this.render();
  }
}
