/**
 * The messages between the Instances table panel (extension host, `src/extension/instancesTable`) and its webview
 * (`src/webview/instances`), both directions, as discriminated unions, with a guard for what the webview sends. Both
 * sides import this module; no DOM, no VS Code, no Node.
 */

/** `WebviewPanel.viewType` of the Instances table. */
export const INSTANCES_TABLE_VIEW_TYPE = 'durableStudio.instancesTable';

/** Every runtime status, what needs attention first (the Instances view's filter and tree use this order too). */
export const RUNTIME_STATUS_NAMES = [
  'Running',
  'Pending',
  'Suspended',
  'Failed',
  'Terminated',
  'Completed',
  'ContinuedAsNew',
  'Canceled',
] as const;

/** What the table filters on: the host applies the statuses, id prefix and created range, the name prefix itself. */
export interface TableFilter {
  /** Orchestration name prefix, compared without regard to case. */
  namePrefix?: string;
  idPrefix?: string;
  statuses?: string[];
  /** Time specs as the Instances view's filter takes them: `30m`, `24h`, `7d`, or an ISO date-time. */
  createdFrom?: string;
  createdTo?: string;
}

export interface TableRow {
  instanceId: string;
  name: string;
  runtimeStatus: string;
  /** Epoch ms, as the host listed them (whole seconds). */
  createdTime: number;
  lastUpdatedTime: number;
  /** The input on one line, cut (the tooltip of the cell has more). */
  inputPreview: string;
}

export type SortColumn =
  'instanceId' | 'name' | 'runtimeStatus' | 'createdTime' | 'lastUpdatedTime' | 'duration' | 'input';

export interface SortState {
  column: SortColumn;
  direction: 'ascending' | 'descending';
}

/** One page as the host read it. */
export interface TablePage {
  /** Incremented for each page posted. */
  version: number;
  filter: TableFilter;
  pageSize: number;
  /** 0-based. */
  pageIndex: number;
  /** 1-based number of the page's first row among all matching instances. */
  firstRow: number;
  rows: TableRow[];
  hasPrevious: boolean;
  hasNext: boolean;
  /** Instances matching the filter when the host can count them (the emulator, without name, id or time filter). */
  total?: number;
  /** Host time (epoch ms) when the page was read: live durations tick from it. */
  now: number;
  /** Where the instances come from (`localhost:7071`, a host URL). */
  source: string;
  /** The filter could not be applied or the host could not be read. */
  error?: string;
  loading: boolean;
}

/** What the webview shows now: its answer to `describe` (tests). */
export interface TableDescription {
  version: number;
  pageIndex: number;
  /** Ids in the order the rows show. */
  rowIds: string[];
  sort: SortState | undefined;
  /** The counts line, as shown. */
  counts: string;
  /** The duration cells, as shown. */
  durations: string[];
}

export type HostToWebview = { type: 'page'; page: TablePage } | { type: 'describe'; requestId: number };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setFilter'; filter: TableFilter }
  | { type: 'setPageSize'; pageSize: number }
  | { type: 'go'; to: 'first' | 'previous' | 'next' }
  | { type: 'refresh' }
  | { type: 'open'; instanceId: string }
  | { type: 'description'; requestId: number; description: TableDescription };

export const PAGE_SIZES = [10, 25, 50, 100, 200, 500, 1000] as const;

/** The message if it is one the webview may send; undefined otherwise. */
export function asTableMessage(value: unknown): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message['type']) {
    case 'ready':
    case 'refresh':
      return { type: message['type'] };
    case 'setFilter':
      return isRecord(message['filter']) ? { type: 'setFilter', filter: cleanFilter(message['filter']) } : undefined;
    case 'setPageSize': {
      const size = message['pageSize'];
      return typeof size === 'number' && (PAGE_SIZES as readonly number[]).includes(size)
        ? { type: 'setPageSize', pageSize: size }
        : undefined;
    }
    case 'go': {
      const to = message['to'];
      return to === 'first' || to === 'previous' || to === 'next' ? { type: 'go', to } : undefined;
    }
    case 'open':
      return typeof message['instanceId'] === 'string' && message['instanceId'] !== ''
        ? { type: 'open', instanceId: message['instanceId'] }
        : undefined;
    case 'description':
      return typeof message['requestId'] === 'number' && isRecord(message['description'])
        ? {
            type: 'description',
            requestId: message['requestId'],
            description: message['description'] as unknown as TableDescription,
          }
        : undefined;
    default:
      return undefined;
  }
}

/** Only known fields, trimmed, blanks dropped. */
export function cleanFilter(raw: Record<string, unknown>): TableFilter {
  const filter: TableFilter = {};
  for (const field of ['namePrefix', 'idPrefix', 'createdFrom', 'createdTo'] as const) {
    const value = raw[field];
    if (typeof value === 'string' && value.trim() !== '') filter[field] = value.trim();
  }
  const statuses = raw['statuses'];
  if (Array.isArray(statuses)) {
    const known = RUNTIME_STATUS_NAMES.filter((s) => statuses.includes(s));
    if (known.length > 0) filter.statuses = [...known];
  }
  return filter;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
