/**
 * The Instances table's model without VS Code or the DOM: paging through the host with continuation tokens (one
 * page in memory, 100,000 instances read page by page, Previous re-reading from the kept token), the filter split
 * between the host (statuses, id prefix, created range) and the table (name prefix, reading further host pages),
 * the sort of a page's rows, live durations, the counts line and the messages the webview may send.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceQuery, InstanceStatus, Page } from '../../src/extension/api/types.js';
import { MAX_HOST_PAGES, readPage, tableQuery, TablePaging } from '../../src/extension/instancesTable/tablePaging.js';
import { asTableMessage, type TableRow } from '../../src/webview/instances/protocol.js';
import { countsText, durationText, nextSort, sortRows } from '../../src/webview/instances/rows.js';

const T0 = Date.parse('2026-12-05T10:00:00Z');

/** A host with `count` instances (every third a `fanOut`, the rest `hello`), listed oldest first like the emulator. */
function fakeHost(count: number): {
  list: (q: InstanceQuery) => Promise<Page<InstanceStatus>>;
  queries: InstanceQuery[];
} {
  const queries: InstanceQuery[] = [];
  const statusAt = (i: number): InstanceStatus => ({
    instanceId: `i-${String(i).padStart(6, '0')}`,
    name: i % 3 === 0 ? 'fanOut' : 'hello',
    runtimeStatus: i % 10 === 0 ? 'Failed' : 'Completed',
    input: { n: i },
    customStatus: null,
    output: null,
    createdTime: new Date(T0 + i * 1000).toISOString().slice(0, 19) + 'Z',
    lastUpdatedTime: new Date(T0 + i * 1000 + (i % 7) * 1000).toISOString().slice(0, 19) + 'Z',
  });
  return {
    queries,
    list(query) {
      queries.push(query);
      const start = query.continuationToken ? Number(query.continuationToken) : 0;
      const items: InstanceStatus[] = [];
      let i = start;
      for (; i < count && items.length < (query.top ?? 100); i++) {
        const status = statusAt(i);
        if (query.runtimeStatus && !query.runtimeStatus.includes(status.runtimeStatus)) continue;
        items.push(status);
      }
      return Promise.resolve({ items, ...(i < count ? { continuationToken: String(i) } : {}) });
    },
  };
}

test('pages through 100,000 instances one page at a time, with the tokens the host gave', async () => {
  const host = fakeHost(100_000);
  const paging = new TablePaging(host.list, {}, undefined, 500);
  const first = await paging.first();
  assert.equal(first.length, 500);
  assert.equal(first[0]?.instanceId, 'i-000000');
  assert.ok(paging.hasNext && !paging.hasPrevious);
  for (let page = 1; page < 4; page++) await paging.next();
  const fourth = await paging.current();
  assert.equal(paging.pageIndex, 3);
  assert.equal(paging.firstRow, 1501);
  assert.equal(fourth[0]?.instanceId, 'i-001500');
  assert.ok(
    host.queries.every((q) => q.top === 500 && q.showInput === true),
    'one host page per table page',
  );
  const back = await paging.previous();
  assert.equal(back[0]?.instanceId, 'i-001000', 'Previous reads its page again from the kept token');
  assert.equal(host.queries.at(-1)?.continuationToken, '1000');
  assert.equal(paging.firstRow, 1001);
  await paging.first();
  assert.equal(paging.pageIndex, 0);
  // The last page: no Next.
  const small = new TablePaging(fakeHost(25).list, {}, undefined, 10);
  await small.first();
  await small.next();
  const last = await small.next();
  assert.equal(last.length, 5);
  assert.equal(small.firstRow, 21);
  assert.ok(!small.hasNext);
  assert.equal((await small.next()).length, 5, 'Next on the last page stays there');
});

test('the filter: statuses, id prefix and created range go to the host; a name prefix reads on', async () => {
  const now = T0 + 3_600_000;
  const query = tableQuery(
    { statuses: ['Failed'], idPrefix: 'i-00', createdFrom: '1h', createdTo: '2026-12-05T10:30:00Z' },
    now,
  );
  assert.deepEqual(query.runtimeStatus, ['Failed']);
  assert.equal(query.instanceIdPrefix, 'i-00');
  assert.equal(query.createdTimeFrom?.getTime(), T0);
  assert.equal(query.createdTimeTo?.toISOString(), '2026-12-05T10:30:00.000Z');
  assert.throws(() => tableQuery({ createdFrom: 'yesterday' }, now), /Created from 'yesterday'/);

  const host = fakeHost(1000);
  const page = await readPage(host.list, {}, 'FAN', 10, undefined);
  assert.ok(
    page.rows.every((row) => row.name === 'fanOut'),
    'compared without case',
  );
  assert.ok(page.rows.length >= 10);
  assert.equal(page.hostPages, 3, 'read on until the page is full');
  const none = await readPage(host.list, {}, 'nothing', 10, undefined);
  assert.equal(none.rows.length, 0);
  assert.equal(none.hostPages, MAX_HOST_PAGES, 'a bounded scan; Next goes on from there');
  assert.ok(none.next !== undefined);
});

function row(partial: Partial<TableRow>): TableRow {
  return {
    instanceId: 'a',
    name: 'hello',
    runtimeStatus: 'Completed',
    createdTime: T0,
    lastUpdatedTime: T0 + 3000,
    inputPreview: '',
    ...partial,
  };
}

test('sorting a page: every column, both ways, stable; the host order without a sort', () => {
  const rows = [
    row({
      instanceId: 'b-10',
      name: 'Zeta',
      runtimeStatus: 'Failed',
      createdTime: T0 + 2000,
      lastUpdatedTime: T0 + 2000,
      inputPreview: '2',
    }),
    row({
      instanceId: 'b-9',
      name: 'alpha',
      runtimeStatus: 'Running',
      createdTime: T0,
      lastUpdatedTime: T0 + 1000,
      inputPreview: '10',
    }),
    row({
      instanceId: 'a-1',
      name: 'beta',
      runtimeStatus: 'Completed',
      createdTime: T0 + 1000,
      lastUpdatedTime: T0 + 61_000,
      inputPreview: '1',
    }),
  ];
  const now = T0 + 120_000;
  const ids = (column: Parameters<typeof nextSort>[1], direction: 'ascending' | 'descending' = 'ascending') =>
    sortRows(rows, { column, direction }, now).map((r) => r.instanceId);
  assert.deepEqual(ids('instanceId'), ['a-1', 'b-9', 'b-10'], 'numeric-aware');
  assert.deepEqual(ids('name'), ['b-9', 'a-1', 'b-10'], 'without case');
  assert.deepEqual(ids('runtimeStatus'), ['a-1', 'b-10', 'b-9']);
  assert.deepEqual(ids('createdTime', 'descending'), ['b-10', 'a-1', 'b-9']);
  assert.deepEqual(ids('lastUpdatedTime'), ['b-9', 'b-10', 'a-1']);
  assert.deepEqual(ids('duration', 'descending'), ['b-9', 'a-1', 'b-10'], 'a running one measured up to now');
  assert.deepEqual(ids('input'), ['a-1', 'b-10', 'b-9']);
  assert.deepEqual(
    sortRows(rows, undefined, now).map((r) => r.instanceId),
    ['b-10', 'b-9', 'a-1'],
  );
  // Header clicks: ascending, descending, then the host's order again.
  const first = nextSort(undefined, 'name');
  assert.deepEqual(first, { column: 'name', direction: 'ascending' });
  const second = nextSort(first, 'name');
  assert.deepEqual(second, { column: 'name', direction: 'descending' });
  assert.equal(nextSort(second, 'name'), undefined);
  assert.deepEqual(nextSort(second, 'duration'), { column: 'duration', direction: 'ascending' });
});

test('durations: whole seconds from the listed times; a running one ticks "so far"', () => {
  assert.equal(durationText(row({ lastUpdatedTime: T0 }), T0), '< 1 s');
  assert.equal(durationText(row({}), T0), '3 s');
  const running = row({ runtimeStatus: 'Running' });
  assert.equal(durationText(running, T0 + 5_000), '5 s so far');
  assert.equal(durationText(running, T0 + 125_000), '2 min 5 s so far');
});

test('the counts line', () => {
  const rows = Array.from({ length: 10 }, (_, i) => row({ instanceId: String(i) }));
  assert.equal(
    countsText({ pageIndex: 1, pageSize: 10, firstRow: 11, rows, hasNext: true, total: 25 }),
    'Instances 11–20 of 25 · page 2 of 3',
  );
  assert.equal(
    countsText({ pageIndex: 0, pageSize: 10, firstRow: 1, rows, hasNext: true }),
    'Instances 1–10 · page 1 · more pages',
  );
  assert.equal(
    countsText({ pageIndex: 0, pageSize: 100, firstRow: 1, rows: [], hasNext: false }),
    'No instance matches the filter',
  );
  assert.equal(
    countsText({ pageIndex: 3, pageSize: 100, firstRow: 1, rows: [], hasNext: true }),
    'No match among the instances read for page 4 · more pages',
  );
  assert.equal(
    countsText({ pageIndex: 0, pageSize: 500, firstRow: 1, rows, hasNext: true, total: 100_000 }),
    'Instances 1–10 of 100,000 · page 1 of 200',
  );
});

test('only well-formed messages from the webview are taken', () => {
  assert.deepEqual(asTableMessage({ type: 'go', to: 'next' }), { type: 'go', to: 'next' });
  assert.equal(asTableMessage({ type: 'go', to: 'last' }), undefined);
  assert.deepEqual(asTableMessage({ type: 'setPageSize', pageSize: 10 }), { type: 'setPageSize', pageSize: 10 });
  assert.equal(asTableMessage({ type: 'setPageSize', pageSize: 7 }), undefined);
  assert.deepEqual(
    asTableMessage({ type: 'setFilter', filter: { namePrefix: ' fan ', statuses: ['Failed', 'Bogus'], extra: 1 } }),
    { type: 'setFilter', filter: { namePrefix: 'fan', statuses: ['Failed'] } },
  );
  assert.equal(asTableMessage({ type: 'open', instanceId: '' }), undefined);
  assert.equal(asTableMessage('ready'), undefined);
});
