/**
 * The Instances table's rows without the DOM: the order of a page's rows for a sort (the host's pages follow its own
 * order, oldest created first; a sort orders the rows of the page shown), each cell's text, and the counts line.
 * A running instance's duration is measured up to `now` and reads `… so far`, so it ticks; one that ended reads as
 * its times allow (whole seconds: `< 1 s`, `3 s`). Pure: unit-tested in plain Node.
 */
import { formatDurationBetween, formatFullTime } from '../common/timeFormat.js';
import type { SortColumn, SortState, TablePage, TableRow } from './protocol.js';

const LIVE = new Set(['Running', 'Pending', 'Suspended']);

export function isLiveStatus(status: string): boolean {
  return LIVE.has(status);
}

/** ms from creation to the last update, or to `now` while it runs. */
export function durationMs(row: TableRow, now: number): number {
  return (isLiveStatus(row.runtimeStatus) ? now : row.lastUpdatedTime) - row.createdTime;
}

export function durationText(row: TableRow, now: number): string {
  if (isLiveStatus(row.runtimeStatus)) return `${formatDurationBetween(row.createdTime, now, 's')} so far`;
  return formatDurationBetween(row.createdTime, row.lastUpdatedTime, 's');
}

export function cellText(row: TableRow, column: SortColumn, now: number): string {
  switch (column) {
    case 'instanceId':
      return row.instanceId;
    case 'name':
      return row.name;
    case 'runtimeStatus':
      return row.runtimeStatus;
    case 'createdTime':
      return formatFullTime(row.createdTime);
    case 'lastUpdatedTime':
      return formatFullTime(row.lastUpdatedTime);
    case 'duration':
      return durationText(row, now);
    case 'input':
      return row.inputPreview;
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The rows in the order of `sort` (a stable sort; the host's order without one). */
export function sortRows(rows: readonly TableRow[], sort: SortState | undefined, now: number): TableRow[] {
  if (!sort) return [...rows];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const compare = comparator(sort.column, now);
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => sign * compare(a.row, b.row) || a.index - b.index)
    .map(({ row }) => row);
}

function comparator(column: SortColumn, now: number): (a: TableRow, b: TableRow) => number {
  switch (column) {
    case 'createdTime':
    case 'lastUpdatedTime':
      return (a, b) => a[column] - b[column];
    case 'duration':
      return (a, b) => durationMs(a, now) - durationMs(b, now);
    case 'input':
      return (a, b) => collator.compare(a.inputPreview, b.inputPreview);
    default:
      return (a, b) => collator.compare(a[column], b[column]);
  }
}

/** The next sort when a column's header is clicked: ascending, then descending, then the host's order. */
export function nextSort(current: SortState | undefined, column: SortColumn): SortState | undefined {
  if (current?.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : undefined;
}

/** `Instances 11–20 of 25 · page 2 of 3`, or `Instances 1–100 · page 1 · more pages` when the host cannot count. */
export function countsText(
  page: Pick<TablePage, 'pageIndex' | 'pageSize' | 'firstRow' | 'rows' | 'hasNext' | 'total'>,
): string {
  const pageLabel = `page ${page.pageIndex + 1}`;
  if (page.rows.length === 0) {
    if (page.hasNext) return `No match among the instances read for ${pageLabel} · more pages`;
    return page.pageIndex === 0 ? 'No instance matches the filter' : `No more instances · ${pageLabel}`;
  }
  const first = page.firstRow;
  const range = `${first.toLocaleString('en-US')}–${(first + page.rows.length - 1).toLocaleString('en-US')}`;
  if (page.total !== undefined) {
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    return `Instances ${range} of ${page.total.toLocaleString('en-US')} · ${pageLabel} of ${pages.toLocaleString('en-US')}`;
  }
  return `Instances ${range} · ${pageLabel}${page.hasNext ? ' · more pages' : ''}`;
}
