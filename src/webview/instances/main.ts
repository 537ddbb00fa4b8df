/**
 * The Instances table webview (browser side): a filter bar (name and id prefixes, statuses, created range), the
 * counts and the pager, and a table with sortable column headers. The host reads the pages (this script never talks
 * to the Functions host); a sort orders the rows of the page shown. Running instances' durations tick every second.
 * Keyboard: Tab between controls, the arrows, Home and End move between rows, Enter or Space opens the history.
 */
import { formatFullTime } from '../common/timeFormat.js';
import {
  PAGE_SIZES,
  RUNTIME_STATUS_NAMES,
  type HostToWebview,
  type SortColumn,
  type SortState,
  type TableDescription,
  type TableFilter,
  type TablePage,
  type WebviewToHost,
} from './protocol.js';
import { cellText, countsText, durationText, isLiveStatus, nextSort, sortRows } from './rows.js';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

const COLUMNS: { column: SortColumn; label: string }[] = [
  { column: 'instanceId', label: 'Instance id' },
  { column: 'name', label: 'Name' },
  { column: 'runtimeStatus', label: 'Status' },
  { column: 'createdTime', label: 'Created' },
  { column: 'lastUpdatedTime', label: 'Last updated' },
  { column: 'duration', label: 'Duration' },
  { column: 'input', label: 'Input' },
];

let page: TablePage | undefined;
/** `Date.now()` in the webview when the page arrived: live durations run from `page.now` by the time since. */
let receivedAt = 0;
let sort: SortState | undefined;
let focusedId: string | undefined;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function hostNow(): number {
  return page ? page.now + (Date.now() - receivedAt) : Date.now();
}

// ---- The filter bar ------------------------------------------------------------------------------------------

const nameInput = h('input', {
  type: 'text',
  id: 'filter-name',
  placeholder: 'name starts with',
  'aria-label': 'Name starts with',
});
const idInput = h('input', {
  type: 'text',
  id: 'filter-id',
  placeholder: 'id starts with',
  'aria-label': 'Instance id starts with',
});
const fromInput = h('input', {
  type: 'text',
  id: 'filter-from',
  placeholder: 'created from: 1h, 7d, 2024-05-01',
  'aria-label': 'Created from (a span before now such as 1h or 7d, or a date-time)',
});
const toInput = h('input', {
  type: 'text',
  id: 'filter-to',
  placeholder: 'created to',
  'aria-label': 'Created to (a span before now or a date-time)',
});
const statusBoxes = RUNTIME_STATUS_NAMES.map((status) => {
  const box = h('input', { type: 'checkbox', value: status, id: `status-${status}` });
  box.addEventListener('change', applyFilter);
  return {
    status,
    box,
    label: h('label', { for: `status-${status}`, class: `status-choice status-${status}` }, box, status),
  };
});

function currentFilter(): TableFilter {
  const statuses = statusBoxes.filter((s) => s.box.checked).map((s) => s.status);
  return {
    ...(nameInput.value.trim() ? { namePrefix: nameInput.value.trim() } : {}),
    ...(idInput.value.trim() ? { idPrefix: idInput.value.trim() } : {}),
    ...(statuses.length > 0 ? { statuses } : {}),
    ...(fromInput.value.trim() ? { createdFrom: fromInput.value.trim() } : {}),
    ...(toInput.value.trim() ? { createdTo: toInput.value.trim() } : {}),
  };
}

function applyFilter(): void {
  post({ type: 'setFilter', filter: currentFilter() });
}

function showFilter(filter: TableFilter): void {
  nameInput.value = filter.namePrefix ?? '';
  idInput.value = filter.idPrefix ?? '';
  fromInput.value = filter.createdFrom ?? '';
  toInput.value = filter.createdTo ?? '';
  for (const { status, box } of statusBoxes) box.checked = filter.statuses?.includes(status) ?? false;
}

for (const input of [nameInput, idInput, fromInput, toInput]) {
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') applyFilter();
  });
}

const applyButton = h('button', { type: 'button', id: 'filter-apply' }, 'Apply');
applyButton.addEventListener('click', applyFilter);
const clearButton = h('button', { type: 'button', id: 'filter-clear', class: 'secondary' }, 'Clear');
clearButton.addEventListener('click', () => {
  showFilter({});
  applyFilter();
});

const filterBar = h(
  'form',
  { class: 'filter-bar', role: 'search', 'aria-label': 'Filter instances' },
  nameInput,
  idInput,
  fromInput,
  toInput,
  applyButton,
  clearButton,
  h(
    'fieldset',
    { class: 'statuses' },
    h('legend', { class: 'visually-hidden' }, 'Statuses'),
    ...statusBoxes.map((s) => s.label),
  ),
);
filterBar.addEventListener('submit', (event) => event.preventDefault());

// ---- Counts and pager ----------------------------------------------------------------------------------------

const counts = h('span', { class: 'counts', role: 'status', 'aria-live': 'polite' });
const firstButton = h('button', { type: 'button', class: 'secondary', 'aria-label': 'First page' }, 'First');
const previousButton = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Previous page' }, '◀ Previous');
const nextButton = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Next page' }, 'Next ▶');
const refreshButton = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Refresh' }, '⟳ Refresh');
firstButton.addEventListener('click', () => post({ type: 'go', to: 'first' }));
previousButton.addEventListener('click', () => post({ type: 'go', to: 'previous' }));
nextButton.addEventListener('click', () => post({ type: 'go', to: 'next' }));
refreshButton.addEventListener('click', () => post({ type: 'refresh' }));
const pageSizeSelect = h(
  'select',
  { id: 'page-size', 'aria-label': 'Instances per page' },
  ...PAGE_SIZES.map((size) => h('option', { value: String(size) }, String(size))),
);
pageSizeSelect.addEventListener('change', () => post({ type: 'setPageSize', pageSize: Number(pageSizeSelect.value) }));
const sortNote = h('span', { class: 'note' });
const source = h('span', { class: 'note' });
const errorLine = h('div', { class: 'error', role: 'alert' });

const pager = h(
  'div',
  { class: 'pager' },
  counts,
  firstButton,
  previousButton,
  nextButton,
  h('label', { class: 'page-size' }, 'Per page ', pageSizeSelect),
  refreshButton,
  sortNote,
  source,
);

// ---- The table -----------------------------------------------------------------------------------------------

const headerRow = h('tr');
const body = h('tbody');
const table = h('table', { class: 'instances', 'aria-label': 'Instances' }, h('thead', {}, headerRow), body);

function renderHeader(): void {
  headerRow.replaceChildren(
    ...COLUMNS.map(({ column, label }) => {
      const active = sort?.column === column;
      const button = h(
        'button',
        { type: 'button', class: 'sort', 'data-column': column, title: `Sort the page by ${label.toLowerCase()}` },
        label,
        h(
          'span',
          { class: 'sort-mark', 'aria-hidden': 'true' },
          active ? (sort!.direction === 'ascending' ? ' ▲' : ' ▼') : '',
        ),
      );
      button.addEventListener('click', () => {
        sort = nextSort(sort, column);
        render();
      });
      return h('th', { scope: 'col', 'aria-sort': active ? sort!.direction : 'none', class: `col-${column}` }, button);
    }),
  );
}

function renderRows(): void {
  if (!page) return;
  const now = hostNow();
  const rows = sortRows(page.rows, sort, now);
  if (focusedId === undefined || !rows.some((r) => r.instanceId === focusedId)) focusedId = rows[0]?.instanceId;
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = h('tr', {
        'data-id': row.instanceId,
        tabindex: row.instanceId === focusedId ? '0' : '-1',
        title: `Open the history of ${row.instanceId}`,
      });
      for (const { column } of COLUMNS) {
        const text = cellText(row, column, now);
        const td = h('td', { class: `col-${column}` }, text);
        if (column === 'runtimeStatus') td.classList.add(`status-${row.runtimeStatus}`);
        if (column === 'duration' && isLiveStatus(row.runtimeStatus)) td.classList.add('live');
        if (column === 'instanceId' || column === 'input' || column === 'name') td.title = text;
        if (column === 'createdTime' || column === 'lastUpdatedTime')
          td.title = `${formatFullTime(row[column])} (local time)`;
        tr.append(td);
      }
      tr.addEventListener('click', () => open(row.instanceId));
      tr.addEventListener('focus', () => setFocus(row.instanceId, false));
      return tr;
    }),
  );
}

function open(instanceId: string): void {
  setFocus(instanceId, false);
  post({ type: 'open', instanceId });
}

function rowElements(): HTMLTableRowElement[] {
  return [...body.querySelectorAll<HTMLTableRowElement>('tr[data-id]')];
}

function setFocus(instanceId: string, moveFocus: boolean): void {
  focusedId = instanceId;
  for (const tr of rowElements()) {
    const mine = tr.dataset['id'] === instanceId;
    tr.tabIndex = mine ? 0 : -1;
    if (mine && moveFocus) tr.focus();
  }
}

body.addEventListener('keydown', (event) => {
  const rows = rowElements();
  const at = rows.findIndex((tr) => tr.dataset['id'] === focusedId);
  let target = at;
  switch (event.key) {
    case 'ArrowDown':
      target = Math.min(rows.length - 1, at + 1);
      break;
    case 'ArrowUp':
      target = Math.max(0, at - 1);
      break;
    case 'Home':
      target = 0;
      break;
    case 'End':
      target = rows.length - 1;
      break;
    case 'Enter':
    case ' ':
      if (focusedId) open(focusedId);
      event.preventDefault();
      return;
    default:
      return;
  }
  event.preventDefault();
  const id = rows[target]?.dataset['id'];
  if (id) setFocus(id, true);
});

// ---- Rendering -----------------------------------------------------------------------------------------------

function render(): void {
  renderHeader();
  if (!page) return;
  counts.textContent = page.loading ? 'Loading…' : countsText(page);
  firstButton.disabled = !page.hasPrevious;
  previousButton.disabled = !page.hasPrevious;
  nextButton.disabled = !page.hasNext;
  pageSizeSelect.value = String(page.pageSize);
  sortNote.textContent = sort ? 'sorted within this page; pages follow the host (oldest first)' : 'oldest first';
  source.textContent = page.source;
  errorLine.textContent = page.error ?? '';
  errorLine.hidden = page.error === undefined;
  renderRows();
}

/** Running instances' durations, every second (no re-read: the host's page stays as it is). */
setInterval(() => {
  if (!page) return;
  const now = hostNow();
  const byId = new Map(page.rows.map((row) => [row.instanceId, row]));
  for (const tr of rowElements()) {
    const row = byId.get(tr.dataset['id'] ?? '');
    const cell = tr.querySelector('td.col-duration.live');
    if (row && cell) cell.textContent = durationText(row, now);
  }
}, 1000);

function describe(): TableDescription {
  return {
    version: page?.version ?? 0,
    pageIndex: page?.pageIndex ?? 0,
    rowIds: rowElements().map((tr) => tr.dataset['id'] ?? ''),
    sort,
    counts: counts.textContent ?? '',
    durations: rowElements().map((tr) => tr.querySelector('td.col-duration')?.textContent ?? ''),
  };
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'page': {
      const filterChanged = JSON.stringify(message.page.filter) !== JSON.stringify(page?.filter);
      page = message.page;
      receivedAt = Date.now();
      if (filterChanged) showFilter(page.filter);
      render();
      return;
    }
    case 'describe':
      post({ type: 'description', requestId: message.requestId, description: describe() });
      return;
  }
});

root.replaceChildren(
  h('h1', { class: 'visually-hidden' }, 'Instances'),
  filterBar,
  errorLine,
  pager,
  h('div', { class: 'table-scroll' }, table),
);
root.removeAttribute('aria-busy');
errorLine.hidden = true;
renderHeader();
post({ type: 'ready' });
