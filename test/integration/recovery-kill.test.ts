/**
 * kill -9 in the middle of a 300-way fan-out, with a durable timer pending and an external event acknowledged
 * just before the kill. After a restart on the same store: the fan-out completes with the exact sum, every
 * activity appears exactly once in the history (re-run activities are at-least-once in execution, exactly-once
 * in history), the timer re-arms and fires, and the event is not lost, even with the torn bytes of one more
 * append after the last acknowledged line.
 * Runs on a copy of js-cjs whose `double` activity is slower and whose activity concurrency is capped, so the
 * fan-out is still running when the kill lands (under test/fixtures/ so the packages resolve from the repo root).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  WEBHOOK,
  getStatus,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
  copyFixture,
  tuneFanOutFixture,
} from './harness.js';

const N = 300;
const app = copyFixture('js-cjs', 'kill');

before(() => tuneFanOutFixture(app, { doubleMs: 60 }));

type HistoryItem = Record<string, unknown>;

/** Alive and not a zombie (an orphan that exited may wait for a reaper that never comes in a container). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function history(emu: Emulator, id: string): Promise<HistoryItem[]> {
  const status = await getStatus(emu, id, '?showHistory=true&showHistoryOutput=true&showInput=true');
  return status?.historyEvents ?? [];
}

test('kill -9 mid fan-out: restart completes everything exactly once', async (t) => {
  const emu = await startEmulator({ app });
  t.after(() => emu.stop('SIGKILL'));

  const waiting = await startOrchestration(emu, 'waitForGo', undefined, 'kill-go');
  await waitFor(async () => (await getStatus(emu, waiting))?.customStatus === 'waiting', 'waitForGo waiting');
  const timer = await startOrchestration(emu, 'timerOrchestration', 3, 'kill-timer');
  const fan = await startOrchestration(emu, 'fanOutFanIn', N, 'kill-fan');
  await waitFor(
    async () => (await history(emu, fan)).filter((e) => e['EventType'] === 'TaskCompleted').length >= 30,
    'some TaskCompleted events in the fan-out history',
  );
  const raised = await fetch(`${emu.url}${WEBHOOK}/instances/${waiting}/raiseEvent/Go`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ acknowledged: 'before the kill' }),
  });
  assert.equal(raised.status, 202);
  const worker = Number(
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(emu.process.pid)])
      .toString()
      .trim(),
  );
  assert.equal(await emu.stop('SIGKILL'), 'SIGKILL');
  // The worker notices its parent is gone and exits: no orphan keeps running activities.
  await waitFor(() => !running(worker), `the orphaned worker ${worker} to exit`);
  // The bytes a kill in the middle of one more append would leave (a line without its newline): a commit that was
  // never acknowledged, so the restart ignores it and loses nothing that was (checked below).
  const segments = fs.readdirSync(emu.storeDir).filter((f) => /^journal-\d+\.jsonl$/.test(f));
  assert.ok(segments.length > 0, 'the killed emulator left its journal');
  fs.appendFileSync(
    path.join(emu.storeDir, segments.sort().at(-1)!),
    '{"t":1,"instances":[{"record":{"instanceId":"kill-fan","status":"Compl',
  );

  // Where things stood: the store on disk is all there is now (read through a fresh emulator below).
  const again = await startEmulator({ app, storeDir: emu.storeDir });
  t.after(() => again.stop('SIGKILL'));
  assert.match(again.output(), /ignoring a torn last line \(\d+ bytes without a newline/);
  const before = await history(again, fan);
  const completedAtKill = before.filter((e) => e['EventType'] === 'TaskCompleted').length;
  assert.ok(completedAtKill >= 30, `${completedAtKill} activities had completed before the kill`);
  assert.ok(completedAtKill < N, 'the kill landed before the fan-out finished');
  assert.equal((await getStatus(again, timer))?.runtimeStatus, 'Running', 'the timer was pending at the kill');

  const done = await waitForStatus(again, fan, undefined, 30_000);
  assert.equal(done.runtimeStatus, 'Completed', JSON.stringify(done.output));
  const output = done.output as { count: number; results: number[]; sum: number };
  assert.equal(output.count, N);
  assert.equal(output.sum, N * (N + 1));
  assert.deepEqual(
    output.results,
    Array.from({ length: N }, (_, i) => 2 * (i + 1)),
  );

  // Through the management API: each activity input completed once, and no scheduled task is left unmatched.
  const events = await history(again, fan);
  const completed = events.filter((e) => e['EventType'] === 'TaskCompleted');
  assert.equal(completed.length, N);
  assert.deepEqual(
    completed.map((e) => Number(e['Input'])).sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i + 1),
  );
  assert.equal(events.filter((e) => e['EventType'] === 'TaskScheduled').length, 0);
  assert.equal(events.filter((e) => e['EventType'] === 'ExecutionCompleted').length, 1);

  const timerDone = await waitForStatus(again, timer, undefined, 10_000);
  assert.equal(timerDone.runtimeStatus, 'Completed');
  const { startedAt, firedAt } = timerDone.output as { startedAt: string; firedAt: string };
  assert.ok(Date.parse(firedAt) - Date.parse(startedAt) >= 3000, `${startedAt} -> ${firedAt}`);

  const go = await waitForStatus(again, waiting);
  assert.equal(go.runtimeStatus, 'Completed');
  assert.deepEqual(go.output, { event: 'Go', data: { acknowledged: 'before the kill' } });

  // In the stored history itself (after a clean stop folds the journal into the documents), no
  // TaskScheduled or TaskCompleted event id appears twice.
  assert.equal(await again.stop('SIGTERM'), 0);
  const docs = fs
    .readdirSync(path.join(emu.storeDir, 'instances'))
    .filter((f) => f.startsWith('kill-fan.') && f.endsWith('.json'));
  assert.equal(docs.length, 1, `one document for kill-fan: ${docs.join(', ')}`);
  const record = JSON.parse(fs.readFileSync(path.join(emu.storeDir, 'instances', docs[0]!), 'utf8')) as {
    history: HistoryItem[];
  };
  const raw = record.history;
  // Event types as numbers (durable-functions' HistoryEventType): TaskScheduled 4, TaskCompleted 5.
  const scheduledIds = raw.filter((e) => e['EventType'] === 4).map((e) => e['EventId']);
  const completedIds = raw.filter((e) => e['EventType'] === 5).map((e) => e['TaskScheduledId']);
  assert.equal(scheduledIds.length, N);
  assert.equal(new Set(scheduledIds).size, N, 'no TaskScheduled event id twice');
  assert.equal(completedIds.length, N);
  assert.equal(new Set(completedIds).size, N, 'no TaskCompleted for the same task twice');
  assert.deepEqual([...completedIds].sort(), [...scheduledIds].sort());
});
