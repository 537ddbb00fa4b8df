/**
 * The explorer's small pure parts: the Entities model (what each change reports stale), entity ids, command
 * arguments, the JSON documents' paths, and how instances read (context values the menus match, icons,
 * descriptions, tooltips, durations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityArg, instanceIdArg, optionsArg, stringArg } from '../../src/extension/actions/args.js';
import { BoundedQueue, mapLimit } from '../../src/extension/views/concurrency.js';
import { instanceIdProblem, jsonProblem } from '../../src/extension/actions/validation.js';
import {
  documentJson,
  entityStatePath,
  instanceStatusPath,
  parseEntityStatePath,
  parseInstanceStatusPath,
} from '../../src/extension/views/documentPaths.js';
import { EntitiesModel, entityIdString, parseEntityId } from '../../src/extension/views/entitiesModel.js';
import {
  formatDuration,
  formatTime,
  groupContextValue,
  instanceContextValue,
  instanceDescription,
  instanceIcon,
  instancesViewText,
  instanceTooltip,
  previewJson,
  RETURNED_ICON,
  returnedNote,
  STATUS_ICONS,
} from '../../src/extension/views/instancePresentation.js';
import { formatFullTime } from '../../src/extension/views/timeFormat.js';
import type { InstanceDetails, ReturnedState } from '../../src/extension/api/types.js';
import type { InstanceEntry } from '../../src/extension/views/instancesModel.js';
import { RUNTIME_STATUSES } from '../../src/extension/views/instanceFilter.js';

test('entities model: a new name re-renders the root, a new key its name, a new state just its key', () => {
  const m = new EntitiesModel();
  m.load([
    { entityId: { name: 'counter', key: 'b' }, lastOperationTime: '2024-05-01T10:00:00Z', state: 2 },
    { entityId: { name: 'counter', key: 'a' }, lastOperationTime: '2024-05-01T10:00:00Z', state: 1 },
  ]);
  assert.deepEqual(
    m.names().map((n) => n.name),
    ['counter'],
  );
  assert.deepEqual(
    m.keys('counter').map((n) => n.key),
    ['a', 'b'],
  );
  assert.deepEqual([...m.upsert('counter', 'a', 1, 5).nodes], [m.keyNode('counter', 'a')]);
  assert.equal(m.get('counter', 'a')?.state, 5);
  assert.deepEqual([...m.upsert('counter', 'c', 1, 0).nodes], [m.nameNode('counter')]);
  assert.equal(m.upsert('cart', 'x', 1, { items: [] }).root, true);
  assert.deepEqual([...m.remove('counter', 'c').nodes], [m.nameNode('counter')]);
  assert.equal(m.remove('cart', 'x').root, true);
  assert.equal(m.remove('cart', 'x').root, false, 'removing twice changes nothing');
  assert.deepEqual(m.parent(m.keyNode('counter', 'a')), m.nameNode('counter'));
  assert.equal(m.keyNode('counter', 'a'), m.keyNode('counter', 'a'), 'memoised');
  assert.equal(m.size, 2);
  // A state left undefined keeps the known one.
  m.upsert('counter', 'a', 2, undefined);
  assert.equal(m.get('counter', 'a')?.state, 5);
});

test('entity ids: @name@key, keys may contain @', () => {
  assert.equal(entityIdString('counter', 'k'), '@counter@k');
  assert.deepEqual(parseEntityId('@counter@my@key'), { name: 'counter', key: 'my@key' });
  assert.deepEqual(parseEntityId('@counter@'), { name: 'counter', key: '' });
  assert.equal(parseEntityId('counter'), undefined);
});

test('command arguments: nodes, ids, option objects', () => {
  assert.equal(instanceIdArg('abc'), 'abc');
  assert.equal(instanceIdArg({ kind: 'instance', instanceId: 'n1' }), 'n1');
  assert.equal(instanceIdArg({ instanceId: 'o1' }), 'o1');
  assert.equal(instanceIdArg({ kind: 'group', key: 'x' }), undefined);
  assert.equal(instanceIdArg(''), undefined);
  assert.equal(instanceIdArg(undefined), undefined);
  assert.deepEqual(entityArg({ kind: 'entity', name: 'counter', key: 'k' }), { name: 'counter', key: 'k' });
  assert.deepEqual(entityArg({ kind: 'entityName', name: 'counter' }), { name: 'counter' });
  assert.deepEqual(entityArg({ name: 'counter', key: 'k', operation: 'add' }), { name: 'counter', key: 'k' });
  assert.deepEqual(entityArg('@counter@k'), { name: 'counter', key: 'k' });
  assert.equal(entityArg(42), undefined);
  assert.equal(stringArg('r'), 'r');
  assert.equal(stringArg([{ kind: 'instance' }]), undefined);
  assert.deepEqual(optionsArg({ confirm: false }), { confirm: false });
  assert.equal(optionsArg({ kind: 'instance', instanceId: 'x' }), undefined);
});

test('input validation: JSON with the parse error, instance ids', () => {
  assert.equal(jsonProblem(''), undefined);
  assert.equal(jsonProblem('{"a": 1}'), undefined);
  assert.equal(jsonProblem('"text"'), undefined);
  assert.match(jsonProblem('{a: 1}') ?? '', /^Not valid JSON: /);
  assert.match(jsonProblem('text') ?? '', /^Not valid JSON: /);
  assert.equal(instanceIdProblem(''), undefined);
  assert.equal(instanceIdProblem('order-42'), undefined);
  assert.ok(instanceIdProblem('a/b'));
  assert.ok(instanceIdProblem('..'));
  assert.ok(instanceIdProblem('x'.repeat(257)));
});

test('document paths round-trip names, keys and ids with reserved characters', () => {
  for (const [name, key] of [
    ['counter', 'k'],
    ['counter', 'a/b#c?d e%'],
    ['counter', ''],
  ] as const) {
    assert.deepEqual(parseEntityStatePath(entityStatePath(name, key)), { name, key });
  }
  assert.equal(entityStatePath('counter', 'my-counter'), '/counter/my-counter.json');
  for (const id of ['abc', 'p:0', 'a b#?%']) assert.equal(parseInstanceStatusPath(instanceStatusPath(id)), id);
  assert.equal(parseInstanceStatusPath('/a/b.json'), undefined);
  assert.equal(documentJson({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}\n');
  assert.equal(documentJson(undefined), 'null\n');
});

const entry: InstanceEntry = {
  instanceId: 'abc',
  name: 'helloSequence',
  runtimeStatus: 'Running',
  createdTime: Date.parse('2024-05-01T10:00:00Z'),
  lastUpdatedTime: Date.parse('2024-05-01T10:00:04.200Z'),
  createdTimeEstimated: false,
  parentInstanceId: null,
  hasPendingTimer: true,
  customStatus: { step: 2 },
  output: null,
};

test('instance items: context values the menus match, an icon per status, description, tooltip', () => {
  assert.equal(instanceContextValue(entry), 'instance status:Running timer');
  assert.equal(instanceContextValue({ runtimeStatus: 'Failed', hasPendingTimer: false }), 'instance status:Failed');
  assert.doesNotMatch(groupContextValue('name'), /^instance/);
  assert.doesNotMatch(groupContextValue('status'), /^instance/);
  for (const status of RUNTIME_STATUSES) assert.ok(STATUS_ICONS[status].id, status);
  assert.equal(STATUS_ICONS.Running.id, 'sync~spin');
  const now = entry.lastUpdatedTime;
  const byStatus = instanceDescription(entry, 'status', false, now);
  assert.equal(byStatus, `helloSequence · since ${formatTime(entry.createdTime, now)}`, 'a running one: since when');
  assert.doesNotMatch(instanceDescription(entry, 'name', false, now), /helloSequence/);
  assert.match(instanceDescription(entry, 'name', true, now), /^helloSequence/);
  assert.match(instanceDescription({ ...entry, createdTimeEstimated: true }, 'name', false, now), /^since ~/);
  assert.equal(
    instanceDescription({ ...entry, runtimeStatus: 'Completed' }, 'status', false, now),
    `helloSequence · ${formatTime(entry.createdTime, now)} · 4 s`,
    'an ended one: when it started and how long it took (whole seconds: the listed times have no more)',
  );
  const tooltip = instanceTooltip(entry, {
    instanceId: 'abc',
    name: 'helloSequence',
    runtimeStatus: 'Running',
    executionId: 'e',
    parentInstanceId: 'p',
    subOrchestrations: ['abc:0'],
    waitingFor: ['Approval'],
    pendingTimers: [{ instanceId: 'abc', timerId: 3, fireAt: '2024-05-04T10:00:00Z', purpose: 'user' }],
    historyLength: 12,
    episodes: 3,
  });
  for (const part of [
    '**helloSequence**',
    '`abc`',
    'Status: **Running** (timer pending)',
    'Parent: `p`',
    'Waiting for: Approval',
    `Timer 3 (user) fires at ${formatFullTime(Date.parse('2024-05-04T10:00:00Z'))}`,
    `Running since ${formatFullTime(entry.createdTime)}`,
    'Sub-orchestrations: 1',
    '"step": 2',
  ]) {
    assert.ok(tooltip.includes(part), `${part} in\n${tooltip}`);
  }
  assert.doesNotMatch(tooltip, /Output:/, 'a null output is left out');
});

test('an instance whose orchestrator returned while its timer is open reads as waiting for that timer', () => {
  const returned: ReturnedState = {
    status: 'Completed',
    at: '2024-05-01T10:00:04.200Z',
    openTasks: [{ kind: 'timer', taskId: 1, fireAt: '2024-05-01T11:00:04.000Z', purpose: 'user' }],
  };
  const held: InstanceEntry = { ...entry, customStatus: 'decided', returned };
  const now = entry.lastUpdatedTime;
  const fires = formatTime(Date.parse('2024-05-01T11:00:04.000Z'), now);
  assert.deepEqual(instanceIcon(held), RETURNED_ICON, 'nothing spins: it only waits');
  assert.deepEqual(instanceIcon(entry), STATUS_ICONS.Running);
  const description = instanceDescription(held, 'name', false, now);
  assert.equal(description, `returned · timer fires ${fires}`);
  assert.equal(instanceDescription(held, 'status', false, now), `helloSequence · returned · timer fires ${fires}`);
  const threw: InstanceEntry = {
    ...held,
    returned: {
      status: 'Failed',
      at: returned.at,
      error: 'boom',
      openTasks: [{ kind: 'activity', taskId: 0, name: 'slow' }, ...returned.openTasks],
    },
  };
  assert.equal(instanceDescription(threw, 'name', false, now), 'threw · waits for activity +1');
  // Once it has ended (a change arrived before the next read of the returned list) the state is no longer shown.
  const ended: InstanceEntry = { ...held, runtimeStatus: 'Completed' };
  assert.doesNotMatch(instanceDescription(ended, 'name', false, now), /returned/);
  assert.deepEqual(instanceIcon(ended), STATUS_ICONS.Completed);

  const tooltip = instanceTooltip(held, undefined);
  for (const part of [
    'Status: **Running** (timer pending)',
    `The orchestrator returned at ${formatFullTime(Date.parse(returned.at), 'ms')}, but like on Azure the instance ` +
      'stays Running, without output, until these tasks are done; then it ends Completed:',
    `- timer 1 fires at ${formatFullTime(Date.parse('2024-05-01T11:00:04.000Z'))}`,
    'Call `timer.cancel()` once a `Task.any` race is decided.',
  ]) {
    assert.ok(tooltip.includes(part), `${part} in\n${tooltip}`);
  }
  // The history view's note says the same in a sentence.
  assert.equal(
    returnedNote('Running', returned, now),
    `The orchestrator returned at ${formatTime(Date.parse(returned.at), now)}, but like on Azure the instance stays ` +
      `Running, without output, until timer 1 (fires at ${fires}) is done; then it ends Completed. Call ` +
      'timer.cancel() once a Task.any race is decided.',
  );
  assert.equal(returnedNote('Completed', returned, now), undefined);
  assert.equal(returnedNote('Running', null, now), undefined);
  // The emulator's details, read on hover, are fresher than the entry.
  const details: InstanceDetails = {
    instanceId: 'abc',
    name: 'helloSequence',
    runtimeStatus: 'Running',
    executionId: 'e',
    parentInstanceId: null,
    subOrchestrations: [],
    waitingFor: [],
    pendingTimers: [],
    historyLength: 8,
    episodes: 2,
    returned: null,
  };
  assert.doesNotMatch(instanceTooltip(held, details), /The orchestrator returned/);
  assert.match(instanceTooltip(entry, { ...details, returned }), /The orchestrator returned at/);
});

test('durations and JSON previews', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(4_200), '4.2 s');
  assert.equal(formatDuration(42_000), '42 s');
  assert.equal(formatDuration(192_000), '3 min 12 s');
  assert.equal(formatDuration(7_500_000), '2 h 5 min');
  assert.equal(formatDuration(273_600_000), '3 d 4 h');
  assert.equal(formatDuration(-5), '0 ms');
  assert.equal(previewJson({ a: 1 }), '{"a":1}');
  assert.equal(previewJson('x'.repeat(100), 10), '"xxxxxxxx…');
  assert.equal(previewJson(undefined), '');
});

test('bounded queue: deduplicates, limits concurrency, drops beyond its cap; mapLimit runs all', async () => {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const queue = new BoundedQueue(2, 3, (key) => {
    started.push(key);
    return new Promise<void>((resolve) => release.set(key, resolve));
  });
  assert.equal(queue.add('a'), true);
  assert.equal(queue.add('b'), true);
  assert.deepEqual(started, ['a', 'b'], 'two run at once');
  assert.equal(queue.add('c'), true);
  assert.equal(queue.add('c'), true, 'already waiting');
  assert.equal(queue.add('d'), true);
  assert.equal(queue.add('e'), true);
  assert.equal(queue.add('f'), false, 'three wait already');
  release.get('a')!();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(started, ['a', 'b', 'c']);
  queue.clear();
  release.get('b')!();
  release.get('c')!();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(started, ['a', 'b', 'c'], 'cleared: d and e never start');

  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await Promise.resolve();
    inFlight--;
    if (n === 3) throw new Error('one failure does not stop the rest');
    done.push(n);
  });
  assert.equal(most, 2);
  assert.deepEqual(done.sort(), [1, 2, 4, 5]);
});

test('the Instances view says what it shows: filter, manual refresh, errors, loading, nothing', () => {
  const base = {
    connection: { label: 'emulator :7071', live: true },
    filter: {},
    loadError: undefined,
    streamProblem: undefined,
    loading: false,
    pages: 1,
    size: 3,
  };
  assert.deepEqual(instancesViewText(base), {});
  assert.deepEqual(instancesViewText({ ...base, connection: undefined }), {});
  assert.deepEqual(instancesViewText({ ...base, filter: { statuses: ['Failed'] }, size: 0 }), {
    description: 'filter: Failed',
    message: 'No instance matches the filter.',
  });
  assert.equal(instancesViewText({ ...base, size: 0 }).message, 'No instances yet: start one with the + button.');
  assert.equal(instancesViewText({ ...base, loading: true, pages: 0, size: 0 }).message, 'Loading instances…');
  assert.match(instancesViewText({ ...base, loadError: 'boom' }).message ?? '', /Could not list the instances: boom/);
  assert.deepEqual(instancesViewText({ ...base, connection: { label: 'my-app.azurewebsites.net', live: false } }), {
    description: 'my-app.azurewebsites.net · refresh by hand',
    message: 'my-app.azurewebsites.net sends no live updates: use Refresh to see changes.',
  });
  assert.equal(instancesViewText({ ...base, streamProblem: 'reconnecting' }).message, 'reconnecting');
});
