/**
 * The Instances table's paging over the management API, without VS Code: one page in memory at a time, read from
 * the host with its continuation tokens, so 100,000 instances cost no more than one page. The token each page
 * starts from is kept (a stack), so *Previous* reads that page again rather than keeping every page. The API
 * filters on statuses, id prefix and the created range; the orchestration name prefix is applied here, reading
 * further host pages (at most `MAX_HOST_PAGES` per table page) until the page is full. Unit-tested in plain Node.
 */
import type { InstanceQuery, InstanceStatus, Page, RuntimeStatus } from '../api/index.js';
import { parseTimeSpec } from '../views/instanceFilter.js';
import { previewJson } from '../views/instancePresentation.js';
import type { TableFilter, TableRow } from '../../webview/instances/protocol.js';

/** Host pages read for one table page when a name prefix leaves most instances out. */
export const MAX_HOST_PAGES = 20;
const INPUT_PREVIEW_CHARS = 120;

/** Reads one page of the host's list. */
export type ListPage = (query: InstanceQuery) => Promise<Page<InstanceStatus>>;

/** The query parameters the host applies; throws (naming the field) on a time that does not parse. */
export function tableQuery(filter: TableFilter, now: number): InstanceQuery {
  const query: InstanceQuery = {};
  if (filter.statuses && filter.statuses.length > 0) query.runtimeStatus = filter.statuses as RuntimeStatus[];
  if (filter.idPrefix) query.instanceIdPrefix = filter.idPrefix;
  for (const [field, target] of [
    ['createdFrom', 'createdTimeFrom'],
    ['createdTo', 'createdTimeTo'],
  ] as const) {
    const spec = filter[field];
    if (!spec) continue;
    const parsed = parseTimeSpec(spec, now);
    if (!parsed.ok) throw new Error(`Created ${field === 'createdFrom' ? 'from' : 'to'} '${spec}': ${parsed.problem}`);
    query[target] = new Date(parsed.time);
  }
  return query;
}

export function toRow(status: InstanceStatus): TableRow {
  return {
    instanceId: status.instanceId,
    name: status.name,
    runtimeStatus: status.runtimeStatus,
    createdTime: Date.parse(status.createdTime),
    lastUpdatedTime: Date.parse(status.lastUpdatedTime),
    inputPreview: previewJson(status.input ?? undefined, INPUT_PREVIEW_CHARS),
  };
}

export interface ReadPage {
  rows: TableRow[];
  /** Where the next page starts; undefined after the last. */
  next: string | undefined;
  hostPages: number;
}

export class TablePaging {
  /** The token each page read so far starts from (undefined: the first page) and its first row's number. */
  private starts: { token: string | undefined; firstRow: number }[] = [{ token: undefined, firstRow: 1 }];
  private index = 0;
  private nextToken: string | undefined;
  private lastRows = 0;

  constructor(
    private readonly list: ListPage,
    private query: InstanceQuery,
    private namePrefix: string | undefined,
    private pageSize: number,
  ) {}

  get pageIndex(): number {
    return this.index;
  }
  get firstRow(): number {
    return this.starts[this.index]!.firstRow;
  }
  get hasPrevious(): boolean {
    return this.index > 0;
  }
  get hasNext(): boolean {
    return this.nextToken !== undefined;
  }
  get size(): number {
    return this.pageSize;
  }

  /** A new filter or page size: back to the first page. */
  reset(query: InstanceQuery, namePrefix: string | undefined, pageSize: number): void {
    this.query = query;
    this.namePrefix = namePrefix;
    this.pageSize = pageSize;
    this.starts = [{ token: undefined, firstRow: 1 }];
    this.index = 0;
    this.nextToken = undefined;
  }

  /** Reads the current page (again: a refresh). */
  async current(): Promise<TableRow[]> {
    const start = this.starts[this.index]!;
    const page = await readPage(this.list, this.query, this.namePrefix, this.pageSize, start.token);
    this.nextToken = page.next;
    this.lastRows = page.rows.length;
    return page.rows;
  }

  /** Moves to the next page (when there is one) and reads it. */
  async next(): Promise<TableRow[]> {
    if (this.nextToken === undefined) return this.current();
    const firstRow = this.firstRow + this.lastRows;
    this.starts.length = this.index + 1;
    this.starts.push({ token: this.nextToken, firstRow });
    this.index++;
    return this.current();
  }

  async previous(): Promise<TableRow[]> {
    if (this.index > 0) this.index--;
    return this.current();
  }

  async first(): Promise<TableRow[]> {
    this.index = 0;
    return this.current();
  }
}

/**
 * One table page from `token` on: one host page of `pageSize` without a name prefix; with one, host pages until
 * `pageSize` rows match (whole host pages are kept, so the page may hold a few more), the list ends, or
 * `MAX_HOST_PAGES` were read.
 */
export async function readPage(
  list: ListPage,
  query: InstanceQuery,
  namePrefix: string | undefined,
  pageSize: number,
  token: string | undefined,
): Promise<ReadPage> {
  const prefix = namePrefix?.toLowerCase();
  const rows: TableRow[] = [];
  let next = token;
  let hostPages = 0;
  do {
    const page = await list({ ...query, top: pageSize, showInput: true, ...(next ? { continuationToken: next } : {}) });
    hostPages++;
    for (const item of page.items) {
      if (prefix === undefined || item.name.toLowerCase().startsWith(prefix)) rows.push(toRow(item));
    }
    next = page.continuationToken;
  } while (next !== undefined && rows.length < pageSize && hostPages < MAX_HOST_PAGES);
  return { rows, next, hostPages };
}
