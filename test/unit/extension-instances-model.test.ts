/**
 * The Instances view's model without VS Code: grouping, sub-orchestrations under their parent, the filter applied
 * to live changes, paging bookkeeping, merging pages with changes, and what each change reports stale (with
 * 10,000 instances: one change touches one or two groups, and the other groups' sorted children are not rebuilt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstanceStatus, RuntimeStatus } from '../../src/extension/api/types.js';
import {
  InstancesModel,
  type GroupBy,
  type InstanceChange,
  type InstancesNode,
} from '../../src/extension/views/instancesModel.js';
import type { InstanceFilter } from '../../src/extension/views/instanceFilter.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function status(
  instanceId: string,
  name: string,
  runtimeStatus: RuntimeStatus,
  createdOffsetS: number,
  updatedOffsetS = createdOffsetS,
): InstanceStatus {
  return {
    instanceId,
    name,
    runtimeStatus,
    input: null,
    customStatus: null,
    output: null,
    createdTime: new Date(T0 + createdOffsetS * 1000).toISOString().slice(0, 19) + 'Z',
    lastUpdatedTime: new Date(T0 + updatedOffsetS * 1000).toISOString().slice(0, 19) + 'Z',
  };
}

function change(
  instanceId: string,
  name: string,
  runtimeStatus: RuntimeStatus,
  updatedOffsetMs: number,
  parentInstanceId?: string,
): InstanceChange {
  return {
    instanceId,
    name,
    runtimeStatus,
    lastUpdatedTime: T0 + updatedOffsetMs,
    ...(parentInstanceId ? { parentInstanceId } : {}),
  };
}

function model(groupBy: GroupBy = 'name', filter: InstanceFilter = {}): InstancesModel {
  return new InstancesModel({ groupBy, filter, now: () => T0 + 3_600_000 });
}

function labels(_m: InstancesModel, nodes: InstancesNode[]): string[] {
  return nodes.map((n) => (n.kind === 'group' ? `[${n.key}]` : n.kind === 'instance' ? n.instanceId : 'more'));
}

test('groups by name or by status, newest first, and regroups without reading again', () => {
  const m = model('name');
  m.addPage(
    m.generation,
    [
      status('a', 'helloSequence', 'Completed', 1),
      status('b', 'approvalWorkflow', 'Running', 2),
      status('c', 'helloSequence', 'Failed', 3),
    ],
    undefined,
  );
  assert.deepEqual(labels(m, m.roots()), ['[approvalWorkflow]', '[helloSequence]']);
  assert.deepEqual(labels(m, m.children(m.groupNode('helloSequence'))), ['c', 'a']);
  const dirty = m.setGroupBy('status');
  assert.equal(dirty.root, true);
  assert.deepEqual(labels(m, m.roots()), ['[Running]', '[Failed]', '[Completed]']);
  assert.deepEqual(labels(m, m.children(m.groupNode('Failed'))), ['c']);
  assert.deepEqual(m.parent(m.instanceNode('c')), m.groupNode('Failed'));
});

test('paging: "load more" while a continuation token remains; stale pages are dropped', () => {
  const m = model();
  const first = m.generation;
  m.addPage(first, [status('a', 'x', 'Completed', 1)], 'token-1');
  assert.deepEqual(m.paging, { pages: 1, continuationToken: 'token-1', complete: false });
  assert.equal(m.roots().at(-1)?.kind, 'loadMore');
  m.addPage(first, [status('b', 'x', 'Completed', 2)], undefined);
  assert.equal(m.paging.complete, true);
  assert.equal(
    m.roots().some((n) => n.kind === 'loadMore'),
    false,
  );
  m.reset();
  const stale = m.addPage(first, [status('c', 'x', 'Completed', 3)], undefined);
  assert.equal(stale.kept, 0);
  assert.equal(m.size, 0);
});

test('sub-orchestrations are listed under their parent, whichever arrives first', () => {
  const m = model('status');
  m.applyChange(change('p:0', 'helloSequence', 'Pending', 10, 'p'));
  assert.deepEqual(labels(m, m.roots()), ['[Pending]']);
  const dirty = m.applyChange(change('p', 'parentOrchestration', 'Pending', 5));
  assert.equal(dirty.root, false, 'Pending group exists already');
  assert.deepEqual(labels(m, m.children(m.groupNode('Pending'))), ['p']);
  assert.deepEqual(labels(m, m.children(m.instanceNode('p'))), ['p:0']);
  assert.deepEqual(m.parent(m.instanceNode('p:0')), m.instanceNode('p'));
  assert.equal(m.hasChildren('p'), true);
  // The child's status change stays under the parent and touches only the child.
  const childDirty = m.applyChange(change('p:0', 'helloSequence', 'Completed', 20, 'p'));
  assert.deepEqual([...childDirty.nodes], [m.instanceNode('p:0')]);
  // The parent is purged: its child moves to the top.
  m.remove('p');
  assert.deepEqual(labels(m, m.roots()), ['[Completed]']);
});

test('parents found later (listed pages do not carry them) move the child', () => {
  const m = model('name');
  m.addPage(
    m.generation,
    [status('p', 'parent', 'Running', 1), status('p:child', 'helloSequence', 'Completed', 2)],
    undefined,
  );
  assert.deepEqual(m.parentCandidates(), ['p:child']);
  const dirty = m.setParent('p:child', 'p');
  assert.equal(dirty.root, true, 'the helloSequence group became empty');
  assert.deepEqual(labels(m, m.roots()), ['[parent]']);
  assert.deepEqual(labels(m, m.children(m.instanceNode('p'))), ['p:child']);
  assert.deepEqual(m.parentCandidates(), []);
});

test('the filter applies to changes: an instance leaving the filter disappears, one entering appears', () => {
  const m = model('status', { statuses: ['Running', 'Pending'] });
  m.applyChange(change('a', 'x', 'Pending', 0));
  m.applyChange(change('a', 'x', 'Running', 10));
  assert.equal(m.entry('a')?.runtimeStatus, 'Running');
  m.applyChange(change('a', 'x', 'Completed', 20));
  assert.equal(m.entry('a'), undefined);
  assert.deepEqual(m.roots(), []);
  const named = model('name', { name: 'HELLOSEQUENCE', idPrefix: 'job-' });
  named.applyChange(change('job-1', 'helloSequence', 'Pending', 0));
  named.applyChange(change('other', 'helloSequence', 'Pending', 0));
  named.applyChange(change('job-2', 'fanOut', 'Pending', 0));
  assert.deepEqual(
    [...named.allEntries()].map((e) => e.instanceId),
    ['job-1'],
  );
  const page = named.addPage(
    named.generation,
    [status('job-3', 'helloSequence', 'Completed', 1), status('job-4', 'x', 'Completed', 1)],
    undefined,
  );
  assert.equal(page.kept, 1, 'the name is filtered here; the server cannot');
});

test('a created-time filter with a relative time checks live changes against the host clock', () => {
  // now = T0 + 1h; "30m" means created since T0 + 30 min.
  const m = model('name', { createdFrom: '30m' });
  m.applyChange(change('old', 'x', 'Pending', 10 * 60_000));
  m.applyChange(change('new', 'x', 'Pending', 45 * 60_000));
  assert.deepEqual(
    [...m.allEntries()].map((e) => e.instanceId),
    ['new'],
  );
});

test('pages and changes merge: the newer wins, deleted instances do not come back, creation times are fixed', () => {
  const m = model('status');
  const generation = m.generation;
  // A change seen after the instance's creation: its creation time is a guess.
  m.applyChange(change('a', 'x', 'Running', 5_500));
  assert.equal(m.entry('a')?.createdTimeEstimated, true);
  // A page read before that change: older status, but the real creation time.
  m.addPage(generation, [status('a', 'x', 'Pending', 1, 1), status('gone', 'x', 'Completed', 1)], 'more');
  assert.equal(m.entry('a')?.runtimeStatus, 'Running');
  assert.equal(m.entry('a')?.createdTime, T0 + 1000);
  assert.equal(m.entry('a')?.createdTimeEstimated, false);
  // Deleted, then a page read before the deletion arrives.
  m.remove('gone');
  m.addPage(generation, [status('gone', 'x', 'Completed', 1)], undefined);
  assert.equal(m.entry('gone'), undefined);
  // An older change than what is known is ignored.
  const dirty = m.applyChange(change('a', 'x', 'Pending', 2_000));
  assert.equal(dirty.isEmpty, true);
  assert.equal(m.entry('a')?.runtimeStatus, 'Running');
});

test('a status read that raced with changes does not undo them (start, then reveal)', () => {
  const m = model('name', { statuses: ['Completed'] });
  // The read went out while the instance ran (Running at 10:00:00.300, second precision: 10:00:00)...
  const read = status('a', 'x', 'Running', 0, 0);
  // ...and the change to Completed (10:00:00.900) arrived before its answer.
  m.applyChange(change('a', 'x', 'Completed', 900));
  const dirty = m.upsertStatus(read, null);
  assert.equal(m.entry('a')?.runtimeStatus, 'Completed', 'still completed');
  assert.equal(m.entry('a')?.createdTimeEstimated, false, 'the creation time comes from the read');
  assert.equal(m.entry('a')?.parentInstanceId, null);
  assert.equal(dirty.root, false);
  // A newer read does replace it, and the filter applies to it.
  m.upsertStatus(status('a', 'x', 'Running', 0, 5));
  assert.equal(m.entry('a'), undefined, 'restarted: Running does not match the filter');
});

test('pending timers mark just the instances whose flag changed', () => {
  const m = model('name');
  m.addPage(m.generation, [status('a', 'x', 'Running', 1), status('b', 'x', 'Running', 2)], undefined);
  const dirty = m.setPendingTimers(new Set(['a']));
  assert.deepEqual([...dirty.nodes], [m.instanceNode('a')]);
  assert.equal(m.entry('a')?.hasPendingTimer, true);
  assert.equal(m.setPendingTimers(new Set(['a'])).isEmpty, true);
});

test('returned states mark just the instances whose state changed, and changes and reads keep them', () => {
  const m = model('name');
  m.addPage(m.generation, [status('a', 'x', 'Running', 1), status('b', 'x', 'Running', 2)], undefined);
  const returned = {
    status: 'Completed' as const,
    at: '2024-05-01T10:00:03Z',
    openTasks: [{ kind: 'timer' as const, taskId: 1, fireAt: '2024-05-01T11:00:03Z', purpose: 'user' as const }],
  };
  const dirty = m.setReturned(new Map([['a', returned]]));
  assert.deepEqual([...dirty.nodes], [m.instanceNode('a')]);
  assert.deepEqual(m.entry('a')?.returned, returned);
  assert.equal(m.setReturned(new Map([['a', { ...returned }]])).isEmpty, true, 'an equal state is no change');
  m.applyChange(change('a', 'x', 'Running', 5000));
  assert.equal(m.entry('a')?.lastUpdatedTime, T0 + 5000);
  m.upsertStatus(status('a', 'x', 'Running', 1, 6));
  assert.equal(m.entry('a')?.lastUpdatedTime, T0 + 6000);
  assert.deepEqual(m.entry('a')?.returned, returned);
  const cleared = m.setReturned(new Map());
  assert.deepEqual([...cleared.nodes], [m.instanceNode('a')]);
  assert.equal(m.entry('a')?.returned, undefined);
});

test('node objects are stable, and removed nodes are no longer present', () => {
  const m = model('name');
  m.applyChange(change('a', 'x', 'Pending', 0));
  const node = m.instanceNode('a');
  m.applyChange(change('a', 'x', 'Running', 10));
  assert.equal(m.instanceNode('a'), node);
  assert.equal(m.children(m.groupNode('x'))[0], node);
  assert.equal(m.isPresent(node), true);
  m.remove('a');
  assert.equal(m.isPresent(node), false);
  assert.equal(m.isPresent(m.groupNode('x')), false);
});

test('10,000 instances: a change re-renders one item (by name) or two groups (by status), never the tree', () => {
  const names = ['helloSequence', 'fanOutFanIn', 'approvalWorkflow', 'monitorJob', 'eternalCounter'];
  const statuses: RuntimeStatus[] = ['Completed', 'Running', 'Failed', 'Terminated'];
  const m = model('name');
  const pageSize = 200;
  for (let page = 0; page < 50; page++) {
    const items: InstanceStatus[] = [];
    for (let i = 0; i < pageSize; i++) {
      const n = page * pageSize + i;
      items.push(status(`i-${n}`, names[n % names.length]!, statuses[n % statuses.length]!, n));
    }
    m.addPage(m.generation, items, page < 49 ? `t${page}` : undefined);
  }
  assert.equal(m.size, 10_000);
  assert.equal(m.paging.pages, 50);
  assert.equal(m.paging.complete, true);
  const cached = new Map(names.map((name) => [name, m.children(m.groupNode(name))]));
  assert.equal(cached.get('helloSequence')!.length, 2_000);

  // i-1 is fanOutFanIn, Running; it completes.
  const dirty = m.applyChange(change('i-1', 'fanOutFanIn', 'Completed', 20_000_000));
  assert.equal(dirty.root, false);
  assert.deepEqual([...dirty.nodes], [m.instanceNode('i-1')], 'just the item: its group does not change');
  for (const name of names) assert.equal(m.children(m.groupNode(name)), cached.get(name), `${name} not re-sorted`);

  // Grouped by status, the same kind of change moves the instance between exactly two groups.
  m.setGroupBy('status');
  const byStatus = new Map(statuses.map((s) => [s, m.children(m.groupNode(s))]));
  const moved = m.applyChange(change('i-5', 'fanOutFanIn', 'Completed', 20_000_001));
  assert.equal(moved.root, false);
  assert.deepEqual(new Set(moved.nodes), new Set([m.groupNode('Running'), m.groupNode('Completed')]));
  assert.equal(m.children(m.groupNode('Failed')), byStatus.get('Failed'), 'untouched group keeps its cache');
  assert.equal(m.children(m.groupNode('Terminated')), byStatus.get('Terminated'));
  assert.equal(m.children(m.groupNode('Running')).length, byStatus.get('Running')!.length - 1);
  assert.equal(m.children(m.groupNode('Completed')).length, byStatus.get('Completed')!.length + 1);

  // A new instance lands in its group; purging one leaves the others alone.
  const added = m.applyChange(change('new-1', 'helloSequence', 'Pending', 30_000_000));
  assert.equal(added.root, true, 'a new Pending group appears');
  const purged = m.remove('i-0');
  assert.deepEqual([...purged.nodes], [m.groupNode('Completed')]);
  assert.equal(m.size, 10_000);
});
