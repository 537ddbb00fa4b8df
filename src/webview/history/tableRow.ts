/**
 * One row of the history table as DOM: the line of cells and, when expanded, the details (each field pretty-printed
 * in a `<pre>` of a computed height, so the table knows every row's height without measuring).
 */
import { h } from './dom.js';
import {
  formatDateTime,
  formatDuration,
  formatElapsed,
  formatTime,
  formatTimeLeft,
  lineCount,
  prettyText,
} from './format.js';
import { eventNumber, pendingDue, rowDetails, rowPreview, type DetailField, type HistoryRow } from './model.js';

export const COLUMNS = ['#', 'Event', 'Name', 'Time (UTC)', 'Elapsed', 'Duration', 'Result / details'];
/** Lines of a detail shown before it scrolls. */
const MAX_DETAIL_LINES = 20;
// These match media/history/history.css (`.detail`, `.field-label`, `.field`, `.field pre`).
const DETAIL_PADDING = 12;
const LABEL_HEIGHT = 18;
const FIELD_GAP = 6;
const PRE_PADDING = 8;
const SCROLLBAR_ROOM = 12;

/** A field of an expanded row, formatted, with the height of its `<pre>`. */
export interface DetailBlock {
  field: DetailField;
  text: string;
  height: number;
}

export function detailBlocks(row: HistoryRow, lineHeight: number): DetailBlock[] {
  return rowDetails(row).map((field) => {
    const text = prettyText(field.value, field.jsonText);
    const lines = Math.min(lineCount(text), MAX_DETAIL_LINES);
    return { field, text, height: lines * lineHeight + PRE_PADDING + SCROLLBAR_ROOM };
  });
}

/** The height the details add to a row. */
export function detailHeight(blocks: readonly DetailBlock[]): number {
  return DETAIL_PADDING + blocks.reduce((sum, block) => sum + LABEL_HEIGHT + block.height + FIELD_GAP, 0);
}

export interface RowPlacement {
  top: number;
  height: number;
  /** The details when the row is expanded. */
  details: readonly DetailBlock[] | undefined;
  /** A replay debugger is paused on this row's event. */
  replay?: boolean;
  /** The current time (ms): a pending timer's row says how long until it is due. */
  now?: number;
}

/** The row at `position` in the table (its id and ARIA row index follow the position; `#` is the event's). */
export function renderRow(row: HistoryRow, position: number, placement: RowPlacement): HTMLElement {
  const expanded = placement.details !== undefined;
  const element = h('div', {
    class: `row tone-${row.tone}${expanded ? ' expanded' : ''}${placement.replay ? ' replay-current' : ''}`,
    id: `row-${position}`,
    attrs: { role: 'row', 'aria-rowindex': position + 2, 'aria-expanded': String(expanded), 'data-index': position },
  });
  if (placement.replay) {
    element.setAttribute('aria-current', 'step');
    element.title = 'The replay debugger is paused on this event';
  }
  element.style.top = `${placement.top}px`;
  element.style.height = `${placement.height}px`;
  const time = row.time ?? NaN;
  const chevron = h('span', { class: 'chevron', text: expanded ? '▾' : '▸', attrs: { 'aria-hidden': true } });
  element.append(
    h(
      'div',
      { class: 'line' },
      placement.replay
        ? cell(
            '',
            'c-index',
            h('span', { class: 'replay-marker', text: '▶', attrs: { 'aria-hidden': true } }),
            String(eventNumber(row)),
          )
        : cell(String(eventNumber(row)), 'c-index'),
      cell('', 'c-type', chevron, row.eventType),
      nameCell(row),
      h('span', { class: 'c-time', text: formatTime(time), title: formatDateTime(time), attrs: { role: 'gridcell' } }),
      cell(row.elapsedMs === undefined ? '' : formatElapsed(row.elapsedMs), 'c-elapsed'),
      cell(row.durationMs === undefined ? '' : formatDuration(row.durationMs), 'c-duration'),
      summaryCell(row, placement.now),
    ),
  );
  if (placement.details) element.append(renderDetails(placement.details));
  return element;
}

/**
 * The summary; a pending timer's ends with the time left (`fires 2026-11-25 22:42:34 · in 2 d 23 h`), in an element
 * marked with its due time, which the view brings up to date every second (`updateCountdowns`).
 */
function summaryCell(row: HistoryRow, now: number | undefined): HTMLElement {
  const preview = rowPreview(row);
  const due = pendingDue(row);
  if (due === undefined || now === undefined) return cell(preview, 'c-summary');
  const element = cell('', 'c-summary', preview, ' · ', countdown(due, now));
  element.title = `${preview}\nFireAt ${formatDateTime(due)}`;
  return element;
}

/** `in 2 d 23 h` until `due`, kept up to date by `updateCountdowns`. */
export function countdown(due: number, now: number, className = 'countdown'): HTMLElement {
  return h('span', { class: className, text: formatTimeLeft(due - now), attrs: { 'data-due': due } });
}

/** Brings every countdown under `root` up to `now`. */
export function updateCountdowns(root: ParentNode, now: number): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-due]')) {
    const text = formatTimeLeft(Number(element.dataset['due']) - now);
    if (element.textContent !== text) element.textContent = text;
  }
}

function nameCell(row: HistoryRow): HTMLElement {
  const parts: (Node | string)[] = [];
  if (row.target) {
    parts.push(
      h('span', {
        class: 'link',
        text: row.name,
        title: `Go to the definition of ${row.target.kind} '${row.target.name}' (F12)`,
        attrs: { 'data-action': 'definition' },
      }),
    );
  } else {
    parts.push(row.name);
  }
  if (row.instanceId) {
    parts.push(
      ' ',
      h('span', {
        class: 'link instance',
        text: row.instanceId,
        title: `Open the history of ${row.instanceId}`,
        attrs: { 'data-action': 'instance' },
      }),
    );
  }
  return cell('', 'c-name', ...parts);
}

function renderDetails(blocks: readonly DetailBlock[]): HTMLElement {
  const detail = h('div', { class: 'detail', attrs: { role: 'gridcell', 'aria-colspan': COLUMNS.length } });
  for (const block of blocks) {
    const pre = h('pre', { text: block.text, attrs: { tabindex: 0, 'aria-label': block.field.label } });
    pre.style.height = `${block.height}px`;
    detail.append(
      h(
        'div',
        { class: `field${block.field.failure ? ' failure' : ''}` },
        h('div', { class: 'field-label', text: block.field.label }),
        pre,
      ),
    );
  }
  return detail;
}

function cell(text: string, className: string, ...children: (Node | string)[]): HTMLElement {
  const element = h('span', { class: className, attrs: { role: 'gridcell' } }, ...children);
  if (text) {
    element.append(text);
    element.title = text;
  }
  return element;
}
