/**
 * One event numbering for the replay debugger and replay-check: "event #N" is the N-th entry of the host's
 * `historyEvents` (the history view's `#` column, an exported file's `historyEvents[N-1]`), whatever form the
 * history was loaded from. Also: a divergence at the first position stops as an exception with or without
 * stopOnEntry, and the last position's frame points at the line that returned or threw. The app runs in this
 * test's process (one app per node:test file).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EventNumbers } from '../../src/debugger/eventNumbers.js';
import { historyFromJson, loadHistoryFile, type LoadedInstance } from '../../src/debugger/historyInput.js';
import { InProcessReplayHost } from '../../src/debugger/replayHost.js';
import { checkInstance, computePositions } from '../../src/debugger/replayRun.js';
import { ReplayRuntime } from '../../src/debugger/replayRuntime.js';
import { stopDescription } from '../../src/debugger/dap/replaySession.js';
import { EventType, eventTypeName, type HistoryEvent } from '../../src/emulator/engine/history.js';
import { transformHistory } from '../../src/emulator/http/statusPayload.js';

const REPO = path.resolve(__dirname, '../..');
const APP = path.join(REPO, 'test/fixtures/js-cjs');
const GOLDEN = path.join(REPO, 'test/fixtures/replay');
const GOLDENS = ['hello', 'fanout', 'timer', 'event', 'retry', 'suborch', 'entity', 'eternal', 'hello-status'];

let host: InProcessReplayHost;

before(async () => {
  host = new InProcessReplayHost(APP);
  await host.start();
});
after(() => host.stop());

function golden(name: string): LoadedInstance {
  return loadHistoryFile(path.join(GOLDEN, `${name}.json`));
}

/** The host-format rows of the instance, as the history view and *Export JSON…* have them. */
function hostRows(instance: LoadedInstance): Record<string, unknown>[] {
  return transformHistory(instance.history, { showHistoryOutput: true, showInput: true });
}

/** hello.json with the input of one scheduled `sayHello` changed (today's code then diverges there). */
function helloWithInput(from: string, to: string): LoadedInstance {
  const instance = golden('hello');
  const history = structuredClone(instance.history);
  const scheduled = history.find((e) => e.EventType === EventType.TaskScheduled && e.Input === JSON.stringify(from));
  assert.ok(scheduled, `hello.json schedules sayHello(${from})`);
  (scheduled as { Input: string }).Input = JSON.stringify(to);
  return { ...instance, history };
}

describe('EventNumbers: the history view’s # for every stored event', () => {
  it('an event with a row of its own is numbered by that row (every golden history)', () => {
    for (const name of GOLDENS) {
      const instance = golden(name);
      const numbers = new EventNumbers(instance.history);
      const rows = hostRows(instance);
      assert.equal(numbers.rowCount, rows.length, name);
      instance.history.forEach((event, index) => {
        const own = numbers.ownRow(index);
        if (own === undefined) return;
        assert.equal(rows[own - 1]!['EventType'], eventTypeName(event.EventType), `${name}[${index}]`);
      });
    }
  });

  it('a completed task’s scheduling is named by its completion row; the orchestrator’s markers by the next row', () => {
    const instance = golden('hello');
    const numbers = new EventNumbers(instance.history);
    const history = instance.history;
    const seattle = history.findIndex((e) => e.EventType === EventType.TaskScheduled && e.Input === '"Seattle"');
    assert.equal(numbers.ownRow(seattle), undefined);
    assert.equal(numbers.numberOf(seattle), 3);
    assert.equal(numbers.label(seattle), 'event #3 (TaskCompleted, with its ScheduledTime)');
    assert.equal(hostRows(instance)[2]!['Input'], '"Seattle"', 'row #3 shows that scheduling');
    assert.equal(history[0]!.EventType, EventType.OrchestratorStarted);
    assert.equal(numbers.label(0), 'before event #1');
    // A running instance: its last scheduling has no completion yet, so it is a row of its own.
    const running = new EventNumbers(history.slice(0, 4));
    assert.equal(history[3]!.EventType, EventType.OrchestratorCompleted);
    assert.deepEqual([running.label(2), running.label(3)], ['event #2', 'after event #2']);
  });

  it('numbers a position as the exported file does (historyEvents[N-1])', async () => {
    const file = path.join(GOLDEN, 'hello-status.json');
    const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as { historyEvents: Record<string, unknown>[] };
    const instance = loadHistoryFile(file);
    const runtime = new ReplayRuntime(instance, await computePositions(host, instance));
    const seen: string[] = [];
    runtime.start(true);
    for (let i = 0; i < runtime.positions.length; i++) {
      const { event } = runtime.variables()!;
      const entry = exported.historyEvents[event.number - 1]!;
      assert.equal(entry['EventType'], event.type);
      assert.equal(Date.parse(String(entry['Timestamp'])), Date.parse(String(event.timestamp)));
      seen.push(`#${event.number} ${event.type}`);
      if (i < runtime.positions.length - 1) runtime.step();
    }
    assert.deepEqual(seen, ['#1 ExecutionStarted', '#2 TaskCompleted', '#3 TaskCompleted', '#4 TaskCompleted']);
  });
});

describe('divergence messages use the same numbers', () => {
  it('stored history: the recorded scheduling is found in its completion row', async () => {
    const { divergence } = await checkInstance(host, helloWithInput('Seattle', 'Paris'));
    assert.ok(divergence);
    assert.equal(divergence.eventNumber, 3);
    assert.equal(divergence.positionNumber, 2);
    assert.match(
      divergence.message,
      /^History event #3 \(TaskCompleted, with its ScheduledTime\) recorded activity 'sayHello' with input "Paris" \(sequence id 1\), but the code now schedules activity 'sayHello' with input "Seattle" \(.*hello\.js:8\): a different input\.$/,
    );
  });

  it('exported history: event #N is historyEvents[N-1] of the file', async () => {
    const exported = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'hello-status.json'), 'utf8')) as {
      historyEvents: Record<string, unknown>[];
    };
    const changed = structuredClone(exported);
    const entry = changed.historyEvents.find((e) => e['Input'] === '"Seattle"')!;
    entry['Input'] = '"Paris"';
    const { divergence } = await checkInstance(host, historyFromJson(changed, 'changed.json'));
    assert.ok(divergence);
    const named = changed.historyEvents[divergence.eventNumber - 1]!;
    assert.equal(named['Input'], '"Paris"', 'the entry the message names is the one that differs');
    assert.equal(named['FunctionName'], 'sayHello');
  });
});

describe('stops and frames', () => {
  it('a divergence at the first position stops as an exception with stopOnEntry, and without', async () => {
    const instance = helloWithInput('Tokyo', 'Paris');
    const positions = await computePositions(host, instance);
    assert.equal(positions.length, 1, 'the replay ends at the divergence');
    assert.ok(positions[0]!.divergence);
    for (const stopOnEntry of [true, false]) {
      const runtime = new ReplayRuntime(instance, positions);
      const stops: string[] = [];
      for (const name of ['stopOnEntry', 'stopOnStep', 'stopOnException', 'end'] as const)
        runtime.on(name, () => stops.push(name));
      runtime.start(stopOnEntry);
      runtime.step();
      assert.deepEqual(stops, ['stopOnException', 'end'], `stopOnEntry: ${stopOnEntry}`);
      assert.equal(
        stopDescription(runtime, 'exception', positions[0]!.divergence),
        'Non-determinism at event #2',
        'the scheduling of sayHello(Tokyo) is recorded in row #2',
      );
    }
  });

  it('the last position’s frame is the line that returned', async () => {
    const instance = golden('hello');
    const runtime = new ReplayRuntime(instance, await computePositions(host, instance));
    runtime.start(true);
    while (runtime.position < runtime.positions.length - 1) runtime.step();
    const [frame] = runtime.stack();
    assert.equal(frame?.file, path.join(APP, 'src/functions/hello.js'));
    assert.equal(frame?.line, 10, 'return outputs;');
    assert.equal(frame?.ended, 'returned');
    assert.equal(stopDescription(runtime, 'step'), 'Paused on event #4 TaskCompleted sayHello');
  });

  it('the last position’s frame is the line that threw', async () => {
    const base = golden('hello');
    const history: HistoryEvent[] = structuredClone(base.history.slice(0, 6));
    const started = history[1] as { Name: string };
    started.Name = 'failingOrchestrator';
    (history[2] as { Input: string }).Input = '"before failure"';
    (history[5] as { Result: string }).Result = '"Hello before failure!"';
    const instance = { ...base, name: 'failingOrchestrator', history };
    const runtime = new ReplayRuntime(instance, await computePositions(host, instance));
    runtime.start(true);
    runtime.step();
    const [frame] = runtime.stack();
    assert.equal(frame?.file, path.join(APP, 'src/functions/errors.js'));
    assert.equal(frame?.line, 65, "throw new Error('Orchestrator failed on purpose');");
    assert.equal(frame?.ended, 'threw');
  });
});
