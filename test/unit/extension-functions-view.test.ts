/**
 * The Functions view's pure parts: the model (the app's triggers as roots, durable functions under one node, runs
 * from `function` change events, a reload that keeps a run in progress) and how a function reads (trigger summary
 * per kind, "not run locally" for triggers only Run Now invokes, icons, context values the menus match, tooltip,
 * what Run Now asks for, the outcome text), including the fields an older emulator leaves out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FunctionChange, FunctionInfo } from '../../src/extension/api/index.js';
import {
  functionContextValue,
  functionIcon,
  functionTooltip,
  httpRoute,
  runInputPrompt,
  runOutcomeText,
  triggerSummary,
} from '../../src/extension/views/functionPresentation.js';
import { FunctionsModel } from '../../src/extension/views/functionsModel.js';

const APP: FunctionInfo[] = [
  { name: 'nightly', kind: 'timer', triggerType: 'timerTrigger', schedule: '0 */5 * * * *' },
  { name: 'orders', kind: 'queue', triggerType: 'queueTrigger', queueName: 'orders-in', connection: 'Storage' },
  { name: 'thumbnail', kind: 'blob', triggerType: 'blobTrigger', path: 'uploads/{name}' },
  { name: 'ping', kind: 'http', route: 'ping', methods: ['get'] },
  { name: 'any', kind: 'http' },
  { name: 'bus', kind: 'other', triggerType: 'serviceBusTrigger', runsLocally: false },
  { name: 'greeting', kind: 'orchestration' },
  { name: 'greet', kind: 'activity' },
  { name: 'counter', kind: 'entity' },
];

const change = (name: string, status: FunctionChange['status'], at: string | number, extra = {}): FunctionChange => ({
  type: 'function',
  name,
  status,
  reason: 'manual',
  at,
  ...extra,
});

test('functions model: own triggers by name as roots, durable ones under one node', () => {
  const m = new FunctionsModel();
  m.load(APP);
  const roots = m.roots();
  assert.deepEqual(
    roots.map((n) => (n.kind === 'function' ? n.name : n.kind)),
    ['any', 'bus', 'nightly', 'orders', 'ping', 'thumbnail', 'durableGroup'],
  );
  assert.deepEqual(
    m.children(m.durableGroup).map((n) => (n.kind === 'function' ? n.name : n.kind)),
    ['counter', 'greet', 'greeting'],
  );
  assert.equal(m.durableCount(), 3);
  assert.equal(m.parent(m.functionNode('greet')), m.durableGroup);
  assert.equal(m.parent(m.functionNode('nightly')), undefined);
  assert.equal(m.functionNode('nightly'), m.functionNode('nightly'), 'memoised');

  m.load(APP.filter((f) => f.kind === 'timer'));
  assert.deepEqual(
    m.roots().map((n) => n.kind),
    ['function'],
    'no Durable node without durable functions',
  );
  assert.equal(m.isPresent(m.durableGroup), false);
});

test('functions model: a run spins until its end, which becomes the last run; a reload keeps a run going', () => {
  const m = new FunctionsModel();
  m.load(APP);
  assert.equal(m.applyChange(change('unknown', 'Running', '2026-01-01T00:00:00.000Z')), undefined);

  const node = m.applyChange(change('nightly', 'Running', '2026-01-01T00:00:00.000Z'));
  assert.equal(node, m.functionNode('nightly'));
  assert.equal(m.get('nightly')?.runningSince, '2026-01-01T00:00:00.000Z');
  assert.equal(functionIcon(m.get('nightly')!).id, 'sync~spin');

  // The list is read again while it runs (its last run is older): still running.
  m.load(APP);
  assert.equal(m.get('nightly')?.runningSince, '2026-01-01T00:00:00.000Z');

  m.applyChange(change('nightly', 'Failed', '2026-01-01T00:00:00.000Z', { durationMs: 12, error: 'boom' }));
  const entry = m.get('nightly')!;
  assert.equal(entry.runningSince, undefined);
  assert.deepEqual(entry.info.lastRun, {
    at: '2026-01-01T00:00:00.000Z',
    status: 'Failed',
    reason: 'manual',
    durationMs: 12,
    error: 'boom',
  });
  assert.deepEqual(functionIcon(entry), { id: 'watch', color: 'list.errorForeground' });

  // Overlapping runs: the end of the first leaves the second one spinning.
  m.applyChange(change('orders', 'Running', '2026-01-01T00:00:01.000Z'));
  m.applyChange(change('orders', 'Running', '2026-01-01T00:00:02.000Z'));
  m.applyChange(change('orders', 'Succeeded', '2026-01-01T00:00:01.000Z', { durationMs: 5 }));
  assert.equal(m.get('orders')?.runningSince, '2026-01-01T00:00:02.000Z');
  assert.equal(m.get('orders')?.info.lastRun?.status, 'Succeeded');

  // The emulator sends epoch milliseconds: the times still compare as ISO strings.
  m.applyChange(change('greet', 'Running', Date.parse('2026-01-01T00:00:05.000Z')));
  assert.equal(m.get('greet')?.runningSince, '2026-01-01T00:00:05.000Z');

  // A listing whose last run is at or after the run's start ends it (its event was missed).
  m.load(
    APP.map((f) =>
      f.name === 'orders'
        ? { ...f, lastRun: { at: '2026-01-01T00:00:02.000Z', status: 'Succeeded', reason: 'queue', durationMs: 1 } }
        : f,
    ),
  );
  assert.equal(m.get('orders')?.runningSince, undefined);
});

test('trigger summaries: timer, queue, blob, http, durable kinds; others are marked as Run Now only', () => {
  const summary = (name: string) => triggerSummary(APP.find((f) => f.name === name)!);
  assert.equal(summary('nightly'), 'timer · 0 */5 * * * *');
  assert.equal(summary('orders'), 'queue · orders-in');
  assert.equal(summary('thumbnail'), 'blob · uploads/{name}');
  assert.equal(summary('ping'), 'http · GET /api/ping');
  assert.equal(summary('any'), 'http · /api/any', 'no methods: all of them, the name as route');
  assert.equal(summary('bus'), 'serviceBus · not run locally · Run Now to invoke');
  assert.equal(summary('greeting'), 'orchestration');
  assert.equal(summary('greet'), 'activity');
  // What an emulator without the new fields sends.
  assert.equal(triggerSummary({ name: 't', kind: 'timer' }), 'timer');
  assert.equal(triggerSummary({ name: 'o', kind: 'other' }), 'other · not run locally · Run Now to invoke');
  assert.equal(
    triggerSummary({ name: 'q', kind: 'queue', queueName: 'x', runsLocally: false }).endsWith('Run Now to invoke'),
    true,
  );
  assert.equal(
    httpRoute({ name: 'a', kind: 'http', route: '/orders/{id}', methods: ['GET', 'post'] }, ''),
    'GET,POST /orders/{id}',
  );
});

test('context values: Run Now on timer, queue, blob, other and orchestrations; Copy URL on HTTP', () => {
  const value = (name: string) => functionContextValue(APP.find((f) => f.name === name)!);
  assert.equal(value('nightly'), 'function kind:timer runnable');
  assert.equal(value('bus'), 'function kind:other runnable');
  assert.equal(value('greeting'), 'function kind:orchestration runnable');
  assert.equal(value('greet'), 'function kind:activity');
  assert.equal(value('ping'), 'function kind:http');
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const menus = pkg.contributes.menus['view/item/context'] as { command: string; when: string }[];
  const shows = (command: string, contextValue: string) =>
    menus.some((m) => {
      if (m.command !== command || !m.when.includes('view == durableStudio.functions')) return false;
      const regex = /viewItem =~ \/(.*)\/$/.exec(m.when)?.[1];
      return regex !== undefined && new RegExp(regex).test(contextValue);
    });
  for (const name of ['nightly', 'orders', 'thumbnail', 'bus', 'greeting']) {
    assert.ok(shows('durableStudio.function.runNow', value(name)), name);
  }
  for (const name of ['greet', 'counter', 'ping'])
    assert.ok(!shows('durableStudio.function.runNow', value(name)), name);
  assert.ok(shows('durableStudio.function.copyUrl', value('ping')));
  assert.ok(!shows('durableStudio.function.copyUrl', value('nightly')));
});

test('tooltip: schedule, next run, trigger details, last run with its error, and the Run Now note', () => {
  const now = Date.parse('2026-01-01T12:00:00.000Z');
  const tooltip = functionTooltip(
    {
      info: {
        ...APP[0]!,
        nextRun: '2026-01-01T12:05:00.000Z',
        lastRun: {
          at: '2026-01-01T11:55:00.000Z',
          status: 'Failed',
          reason: 'timer',
          durationMs: 1500,
          error: 'disk full',
        },
      },
    },
    now,
  );
  assert.match(tooltip, /\*\*nightly\*\* · timer \(timerTrigger\)/);
  assert.match(tooltip, /Schedule: `0 \*\/5 \* \* \* \*`/);
  assert.match(tooltip, /Next run: \d\d:05:00 \(in 5 min 0 s\)/);
  assert.match(tooltip, /Last run: \d\d:55:00 · Failed · 1\.5 s · timer/);
  assert.match(tooltip, /Error: disk full/);
  const bus = functionTooltip({ info: APP.find((f) => f.name === 'bus')! }, now);
  assert.match(bus, /Not run yet/);
  assert.match(bus, /Run Now\* invokes it by hand/);
  const queue = functionTooltip({ info: APP[1]!, runningSince: '2026-01-01T12:00:00.000Z' }, now);
  assert.match(queue, /Queue: `orders-in`/);
  assert.match(queue, /Connection: `Storage`/);
  assert.match(queue, /Running since \d\d:00:00 \(now\)/);
});

test('Run Now asks for a message, a blob path or an input; nothing for timers; outcome texts', () => {
  assert.equal(runInputPrompt(APP[0]!), undefined);
  assert.match(runInputPrompt(APP[1]!)!.prompt, /message text orders gets \(as if from queue 'orders-in'\)/);
  const blob = runInputPrompt(APP[2]!)!;
  assert.equal(blob.value, 'uploads/', 'the path pattern without its {name} parts');
  assert.match(runInputPrompt(APP[5]!)!.prompt, /serviceBus trigger value/);
  assert.equal(runOutcomeText('nightly', 'Succeeded', 12), 'nightly succeeded in 12 ms.');
  assert.equal(runOutcomeText('nightly', 'Failed', 3, 'boom'), 'nightly failed after 3 ms: boom');
  assert.equal(runOutcomeText('nightly', 'Failed'), 'nightly failed after 0 ms.');
});
