/**
 * The replay runtime on golden histories recorded from the emulator running test/fixtures/js-cjs
 * (test/fixtures/replay/record.mjs): positions, suspended source lines, stepping both ways, breakpoints and
 * variables. The app runs in this test's process (one app per process: each node:test file has its own).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { historyRowKey, inlineResults } from '../../src/debugger/inlineResults.js';
import { loadHistoryFile } from '../../src/debugger/historyInput.js';
import { InProcessReplayHost, type ReplayHost } from '../../src/debugger/replayHost.js';
import { computePositions, computePositionsByPrefix, type Position } from '../../src/debugger/replayRun.js';
import { ReplayRuntime } from '../../src/debugger/replayRuntime.js';
import { eventTypeName } from '../../src/emulator/engine/history.js';
import { buildHistoryModel } from '../../src/webview/history/model.js';
import type { HistoryStatus } from '../../src/webview/history/protocol.js';

const REPO = path.resolve(__dirname, '../..');
const APP = path.join(REPO, 'test/fixtures/js-cjs');
const GOLDEN = path.join(REPO, 'test/fixtures/replay');
const FUNCTIONS = path.join(APP, 'src/functions');

let host: InProcessReplayHost;

before(async () => {
  host = new InProcessReplayHost(APP);
  await host.start();
});
after(() => host.stop());

async function replay(golden: string): Promise<{ runtime: ReplayRuntime; positions: Position[] }> {
  const instance = loadHistoryFile(path.join(GOLDEN, `${golden}.json`));
  const positions = await computePositions(host, instance);
  return { runtime: new ReplayRuntime(instance, positions), positions };
}

/** `<EventType>@<file>:<line>` per position, `-` when the orchestrator is not suspended. */
function summary(positions: Position[]): string[] {
  return positions.map((p) => {
    const site = p.observation.suspendedAt;
    const where = site ? `${path.relative(FUNCTIONS, site.file)}:${site.line}` : '-';
    return `${eventTypeName(p.event.EventType)}@${where}`;
  });
}

describe('replay positions and source lines (golden histories)', () => {
  const cases: [string, string[]][] = [
    [
      'hello',
      ['ExecutionStarted@hello.js:7', 'TaskCompleted@hello.js:8', 'TaskCompleted@hello.js:9', 'TaskCompleted@-'],
    ],
    [
      'fanout',
      ['ExecutionStarted@fanOut.js:13', 'TaskCompleted@fanOut.js:13', 'TaskCompleted@fanOut.js:13', 'TaskCompleted@-'],
    ],
    ['timer', ['ExecutionStarted@timer.js:11', 'TimerFired@-']],
    ['event', ['ExecutionStarted@events.js:12', 'EventRaised@-']],
    [
      'retry',
      ['ExecutionStarted@errors.js:16', 'TaskFailed@errors.js:16', 'TimerFired@errors.js:16', 'TaskCompleted@-'],
    ],
    ['suborch', ['ExecutionStarted@subOrchestration.js:10', 'SubOrchestrationInstanceCompleted@-']],
    ['entity', ['ExecutionStarted@counter.js:43', 'EventRaised@counter.js:44', 'EventRaised@-']],
    // The last generation of a continue-as-new chain: its history starts afresh and ends without a yield.
    ['eternal', ['ExecutionStarted@-']],
    // The same instance as `hello`, exported in the host's transformed `showHistory` form.
    [
      'hello-status',
      ['ExecutionStarted@hello.js:7', 'TaskCompleted@hello.js:8', 'TaskCompleted@hello.js:9', 'TaskCompleted@-'],
    ],
  ];
  for (const [golden, expected] of cases) {
    it(golden, async () => {
      const { positions } = await replay(golden);
      assert.deepEqual(summary(positions), expected);
      assert.equal(
        positions.find((p) => p.divergence)?.divergence?.message,
        undefined,
        'unchanged code replays without divergence',
      );
    });
  }
});

describe('ReplayRuntime', () => {
  it('steps forward and back, and ends', async () => {
    const { runtime } = await replay('hello');
    const stops: string[] = [];
    for (const name of ['stopOnEntry', 'stopOnStep', 'stopOnBreakpoint', 'end'] as const)
      runtime.on(name, () => stops.push(name));
    runtime.start(true);
    assert.equal(runtime.position, 0);
    assert.equal(runtime.stack()[0]?.line, 7);
    runtime.step();
    runtime.step();
    assert.equal(runtime.stack()[0]?.line, 9);
    runtime.step(true);
    assert.equal(runtime.stack()[0]?.line, 8);
    runtime.step();
    runtime.step();
    runtime.step();
    assert.deepEqual(stops, [
      'stopOnEntry',
      'stopOnStep',
      'stopOnStep',
      'stopOnStep',
      'stopOnStep',
      'stopOnStep',
      'end',
    ]);
    assert.deepEqual(
      { line: runtime.stack()[0]?.line, ended: runtime.stack()[0]?.ended },
      { line: 10, ended: 'returned' },
      'returned: the frame is the return statement',
    );
  });

  it('stops on line breakpoints, forwards and in reverse', async () => {
    const { runtime } = await replay('hello');
    const stops: string[] = [];
    runtime.on('stopOnBreakpoint', () => stops.push(`bp@${runtime.position}`));
    runtime.on('end', () => stops.push('end'));
    runtime.on('stopOnEntry', () => stops.push('entry'));
    runtime.setBreakpoints(path.join(FUNCTIONS, 'hello.js'), [9]);
    runtime.start(false);
    runtime.continue();
    runtime.continue(true);
    assert.deepEqual(stops, ['bp@2', 'end', 'bp@2']);
  });

  it('stops on event-kind breakpoints, with conditions', async () => {
    const { runtime } = await replay('retry');
    const stops: number[] = [];
    runtime.on('stopOnBreakpoint', () => stops.push(runtime.position));
    runtime.setEventBreakpoints([{ kind: 'TaskFailed' }]);
    runtime.start(false);
    assert.deepEqual(stops, [1]);
    runtime.setEventBreakpoints([{ kind: 'TaskCompleted', condition: 'flakyActivity' }]);
    runtime.restart(false);
    assert.deepEqual(stops, [1, 3]);
    runtime.setEventBreakpoints([{ kind: 'TaskCompleted', condition: 'no such activity' }]);
    let ended = false;
    runtime.on('end', () => (ended = true));
    runtime.restart(false);
    assert.equal(ended, true);
  });

  it('shows the event, the orchestration and the history so far', async () => {
    const { runtime } = await replay('hello');
    runtime.start(true);
    runtime.step();
    const variables = runtime.variables()!;
    assert.equal(variables.event.type, 'TaskCompleted');
    assert.equal(variables.event.name, 'sayHello');
    assert.deepEqual(
      variables.orchestration.completed.map((t) => [t.method, t.id, t.result]),
      [['callActivity', 0, 'Hello Tokyo!']],
    );
    assert.deepEqual(
      variables.orchestration.pending.map((t) => [t.method, t.id, t.action?.['functionName'], t.site?.line]),
      [['callActivity', 1, 'sayHello', 8]],
    );
    // One numbering: the event is row #2 of the history view (ExecutionStarted, then this completion), and the
    // history so far is the view's rows up to it.
    assert.equal(variables.event.number, 2);
    assert.deepEqual(
      variables.history.map((row) => `#${row.number} ${JSON.stringify(row.event['EventType'])}`),
      ['#1 "ExecutionStarted"', '#2 "TaskCompleted"'],
    );
  });

  it('knows custom status and entity calls', async () => {
    const { runtime } = await replay('entity');
    runtime.start(true);
    const first = runtime.variables()!;
    assert.deepEqual(
      runtime.positions[0]!.observation.tasks.map((t) => [t.method, t.id]),
      [
        ['signalEntity', 0],
        ['callEntity', 1],
      ],
    );
    assert.equal(first.orchestration.pending.length, 1);
    const { runtime: event } = await replay('event');
    event.start(true);
    assert.equal(event.variables()!.orchestration.customStatus, 'waiting');
    event.step();
    assert.equal(event.variables()!.orchestration.customStatus, 'received');
  });
});

describe('ReplayRuntime on a divergence', () => {
  it('stops as an exception at the divergent position, stepping or continuing', async () => {
    const { positions } = await replay('hello');
    const divergence = {
      eventIndex: 6,
      positionIndex: 5,
      eventNumber: 3,
      positionNumber: 2,
      sequenceId: 1,
      recorded: "activity 'sayHello'",
      now: "activity 'sayHi'",
      message: 'History event #3 recorded ...',
    };
    const changed = positions.slice(0, 2).map((p, i) => (i === 1 ? { ...p, divergence } : p));
    const runtime = new ReplayRuntime(loadHistoryFile(path.join(GOLDEN, 'hello.json')), changed);
    const seen: unknown[] = [];
    runtime.on('stopOnException', (d) => seen.push(d));
    runtime.start(false);
    assert.deepEqual(seen, [divergence]);
    assert.equal(runtime.position, 1);
    assert.equal(runtime.variables()!.divergence, divergence);
    runtime.step(true);
    runtime.step();
    assert.equal(seen.length, 2);
  });
});

describe('inline results and history rows at each position (golden histories)', () => {
  /** Per position: `<file>:<line> <text>` for each line that created tasks. */
  async function inline(golden: string): Promise<string[][]> {
    const { positions } = await replay(golden);
    return positions.map((p) =>
      inlineResults(p.observation.tasks).map((r) => `${path.relative(FUNCTIONS, r.file)}:${r.line} ${r.text}`),
    );
  }

  it('chaining: each yield line gets its result once it completed; the awaited one is pending', async () => {
    assert.deepEqual(await inline('hello'), [
      ['hello.js:7 … pending'],
      ['hello.js:7 = "Hello Tokyo!"', 'hello.js:8 … pending'],
      ['hello.js:7 = "Hello Tokyo!"', 'hello.js:8 = "Hello Seattle!"', 'hello.js:9 … pending'],
      ['hello.js:7 = "Hello Tokyo!"', 'hello.js:8 = "Hello Seattle!"', 'hello.js:9 = "Hello London!"'],
    ]);
  });

  it('fan-out: the loop line counts its tasks; Task.all shows the array once complete', async () => {
    assert.deepEqual(await inline('fanout'), [
      ['fanOut.js:11 ×3: 3 pending', 'fanOut.js:13 … pending'],
      ['fanOut.js:11 ×3: 1 completed, 2 pending', 'fanOut.js:13 … pending'],
      ['fanOut.js:11 ×3: 2 completed, 1 pending', 'fanOut.js:13 … pending'],
      ['fanOut.js:11 ×3 = [2,4,6]', 'fanOut.js:13 = [2,4,6]'],
    ]);
  });

  it('timers fire, Task.any names its winner, retries tell the attempt and its error', async () => {
    assert.deepEqual((await inline('timer'))[1], ['timer.js:11 = fired']);
    assert.deepEqual((await inline('event'))[1], [
      'events.js:10 = {"ok":true}',
      'events.js:11 … pending',
      'events.js:12 = [0] won: {"ok":true}',
    ]);
    assert.deepEqual(await inline('retry'), [
      ['errors.js:16 … pending'],
      ['errors.js:16 … retry timer · ✗ flaky failure 1'],
      ['errors.js:16 … attempt 2 · ✗ flaky failure 1'],
      // Too long for the line: what it is, with the whole value in the hover.
      ['errors.js:16 = {…} 2 keys'],
    ]);
  });

  it("names the history view's row of each position, raw or exported history alike", async () => {
    for (const golden of ['hello', 'hello-status']) {
      const instance = loadHistoryFile(path.join(GOLDEN, `${golden}.json`));
      const { positions } = await replay(golden);
      const keys = positions.map((p) => historyRowKey(instance.history, p.eventIndex));
      assert.deepEqual(keys, ['ExecutionStarted#0', 'TaskCompleted#0', 'TaskCompleted#1', 'TaskCompleted#2']);
    }
    // The view's own model of the exported status has exactly these rows, of the position's event type.
    const status = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'hello-status.json'), 'utf8')) as HistoryStatus;
    const rows = buildHistoryModel(status).rows;
    const { positions } = await replay('hello-status');
    const instance = loadHistoryFile(path.join(GOLDEN, 'hello-status.json'));
    for (const p of positions) {
      const row = rows.find((r) => r.key === historyRowKey(instance.history, p.eventIndex));
      assert.equal(row?.eventType, eventTypeName(p.event.EventType));
      assert.equal(row?.event['Timestamp'], p.event.Timestamp);
    }
  });
});

describe('positions from one replay of the whole history', () => {
  it('take one run, and equal one replay per prefix on every golden history', async () => {
    let runs = 0;
    const counting: ReplayHost = {
      start: () => host.start(),
      run: (instance, length, options) => {
        runs++;
        return host.run(instance, length, options);
      },
      stop: async () => undefined,
    };
    for (const golden of [
      'hello',
      'fanout',
      'timer',
      'event',
      'retry',
      'suborch',
      'entity',
      'eternal',
      'hello-status',
    ]) {
      const instance = loadHistoryFile(path.join(GOLDEN, `${golden}.json`));
      runs = 0;
      const fast = await computePositions(counting, instance);
      assert.equal(runs, 1, `${golden}: one replay`);
      const slow = await computePositionsByPrefix(host, instance);
      const view = (positions: Position[]) =>
        positions.map((p) => {
          const variables = new ReplayRuntime(instance, positions);
          variables.start(true);
          for (let i = 0; i < positions.indexOf(p); i++) variables.step();
          const { completed, pending, customStatus } = variables.variables()!.orchestration;
          return { eventIndex: p.eventIndex, observation: p.observation, completed, pending, customStatus };
        });
      assert.deepEqual(view(fast), view(slow), golden);
    }
  });
});
