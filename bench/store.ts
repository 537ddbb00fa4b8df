/**
 * Store benchmark: is the cost of a commit flat as completed instances accumulate and as one history grows, and
 * how long does start-up take?
 *
 *   node --import tsx bench/store.ts
 *
 * For 0 / 1,000 / 10,000 completed hello-3 instances already stored (fsync off and on): load time of the store,
 * median and p95 ms per commit of a hello-3 lifecycle (8 commits per instance, each awaited, one instance at a
 * time), and bytes written per commit (journal plus the checkpoint at close, amortised). Then one instance
 * growing to a 2,500-activity history (2 commits per activity, 10,000 events): ms and bytes per commit at the
 * start vs the end (journal bytes only; checkpoints run in the background).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEvent } from '../src/emulator/engine/history.js';
import type { InstanceRecord } from '../src/emulator/engine/model.js';
import { createFileStore } from '../src/emulator/store/fileStore.js';

export interface Row {
  scenario: string;
  fsync: boolean;
  storedInstances: number;
  loadMs: number | null;
  commits: number;
  medianMsPerCommit: number;
  p95MsPerCommit: number;
  bytesPerCommit: number;
  note: string;
}

const T0 = Date.parse('2024-05-01T10:00:00.000Z');

function ev(type: number, extra: Record<string, unknown>, eventId = -1): HistoryEvent {
  return {
    EventType: type,
    EventId: eventId,
    IsPlayed: false,
    Timestamp: new Date(T0).toISOString(),
    ...extra,
  } as unknown as HistoryEvent;
}

function newInstance(id: string): InstanceRecord {
  return {
    instanceId: id,
    name: 'helloSequence',
    version: '',
    executionId: `${id}-exec`,
    status: 'Pending',
    input: '"x"',
    output: null,
    customStatus: null,
    failureDetails: null,
    createdTime: T0,
    lastUpdatedTime: T0,
    parent: null,
    history: [],
    historyVersion: 0,
    inbox: [
      {
        event: ev(0, {
          Name: 'helloSequence',
          Version: '',
          Input: '"x"',
          OrchestrationInstance: { InstanceId: id, ExecutionId: `${id}-exec` },
          ParentInstance: null,
        }),
      },
    ],
    nextSequenceId: 0,
    actionCount: 0,
    pending: {},
    waitingFor: [],
    lockSet: null,
    episodes: 0,
  };
}

const CITIES = ['Tokyo', 'Seattle', 'London'];

/** The 8 states of a hello-3 instance, applied in place; each is followed by one commit. */
function lifecycleStep(r: InstanceRecord, step: number): void {
  r.lastUpdatedTime++;
  if (step === 0) return; // created (Pending, ExecutionStarted in the inbox)
  if (step % 2 === 1) {
    // An episode: consumes the inbox and schedules the next activity (or completes after the third).
    const k = (step - 1) / 2;
    r.status = 'Running';
    r.episodes++;
    r.history.push(ev(12, {}));
    r.history.push(k === 0 ? r.inbox[0]!.event : ev(5, { TaskScheduledId: k - 1, Result: `"Hello ${CITIES[k - 1]}"` }));
    r.inbox = [];
    if (k < 3) {
      r.history.push(ev(4, { Name: 'sayHello', Input: `"${CITIES[k]}"` }, k));
      r.pending = { [String(k)]: { kind: 'activity', name: 'sayHello', input: `"${CITIES[k]}"` } };
      r.nextSequenceId = k + 1;
      r.actionCount = k + 1;
    } else {
      r.history.push(
        ev(1, {
          OrchestrationStatus: 'Completed',
          Result: '["Hello Tokyo","Hello Seattle","Hello London"]',
          FailureDetails: null,
        }),
      );
      r.status = 'Completed';
      r.output = '["Hello Tokyo","Hello Seattle","Hello London"]';
      r.pending = {};
    }
    r.history.push(ev(13, {}));
  } else {
    // An activity result arrives in the inbox.
    const k = step / 2 - 1;
    r.inbox = [{ executionId: r.executionId, event: ev(5, { TaskScheduledId: k, Result: `"Hello ${CITIES[k]}"` }) }];
    r.pending = {};
  }
}

function completedInstance(id: string): InstanceRecord {
  const r = newInstance(id);
  for (let step = 0; step < 8; step++) lifecycleStep(r, step);
  return r;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

export async function populate(dir: string, count: number): Promise<void> {
  const store = createFileStore(dir);
  await store.load();
  for (let i = 0; i < count; i += 500) {
    const batch: InstanceRecord[] = [];
    for (let j = i; j < Math.min(count, i + 500); j++) batch.push(completedInstance(`done-${j}`));
    await store.commit({ instances: batch });
  }
  await store.close();
}

async function storeScale(stored: number, fsync: boolean, lifecycles: number): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-bench-store-'));
  try {
    await populate(dir, stored);
    const store = createFileStore(dir, { fsync });
    const t0 = performance.now();
    const contents = await store.load();
    const loadMs = performance.now() - t0;
    if (contents.instances.length !== stored)
      throw new Error(`loaded ${contents.instances.length}, expected ${stored}`);
    const before = store.stats();
    const times: number[] = [];
    for (let i = 0; i < lifecycles; i++) {
      const r = newInstance(`bench-${i}`);
      for (let step = 0; step < 8; step++) {
        lifecycleStep(r, step);
        const s = performance.now();
        await store.commit({ instances: [r] });
        times.push(performance.now() - s);
      }
    }
    // A second store on the same directory, as after a crash: documents plus journal replay.
    const t1 = performance.now();
    await createFileStore(dir).load();
    const crashLoadMs = performance.now() - t1;
    await store.close(); // includes the checkpoint of what the lifecycles wrote
    const after = store.stats();
    return {
      scenario: 'hello-3 lifecycle',
      fsync,
      storedInstances: stored,
      loadMs: round(loadMs, 1),
      commits: times.length,
      medianMsPerCommit: round(quantile(times, 0.5)),
      p95MsPerCommit: round(quantile(times, 0.95)),
      bytesPerCommit: Math.round((after.bytesWritten - before.bytesWritten) / times.length),
      note: `${after.journalAppends - before.journalAppends} appends, ${after.fsyncs - before.fsyncs} fsyncs; load without close ${round(crashLoadMs, 1)} ms`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function longHistory(activities: number): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-bench-store-'));
  try {
    // A 1 MiB journal threshold, so that checkpoints (each rewriting the growing document) happen during the run.
    const store = createFileStore(dir, { checkpointBytes: 1024 * 1024 });
    await store.load();
    const r = newInstance('long-1');
    r.status = 'Running';
    const times: number[] = [];
    const bytes: number[] = [];
    for (let k = 0; k < activities; k++) {
      // Episode: completes activity k-1 and schedules activity k; then the result arrives in the inbox.
      r.history.push(
        ev(12, {}),
        ev(5, { TaskScheduledId: k - 1, Result: `"r${k}"` }),
        ev(4, { Name: 'step', Input: `${k}` }, k),
        ev(13, {}),
      );
      r.inbox = [];
      for (const mutate of [
        () => undefined,
        () => (r.inbox = [{ executionId: r.executionId, event: ev(5, { TaskScheduledId: k, Result: `"r${k}"` }) }]),
      ]) {
        mutate();
        r.lastUpdatedTime++;
        const b = store.stats().bytesWritten;
        const s = performance.now();
        await store.commit({ instances: [r] });
        times.push(performance.now() - s);
        bytes.push(store.stats().bytesWritten - b);
      }
    }
    const stats = store.stats();
    await store.close();
    const window = Math.max(1, Math.floor(times.length / 10));
    const row = (label: string, from: number): Row => ({
      scenario: `${activities}-activity history, ${label}`,
      fsync: false,
      storedInstances: 0,
      loadMs: null,
      commits: window,
      medianMsPerCommit: round(quantile(times.slice(from, from + window), 0.5)),
      p95MsPerCommit: round(quantile(times.slice(from, from + window), 0.95)),
      bytesPerCommit: Math.round(quantile(bytes.slice(from, from + window), 0.5)),
      note: `history ${label === 'first 10%' ? `0-${(window / 2) * 4}` : `${r.history.length - (window / 2) * 4}-${r.history.length}`} events; ${stats.checkpoints} checkpoint(s) in the run`,
    });
    return [row('first 10%', 0), row('last 10%', times.length - window)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 64 hello-3 lifecycles at once (commits of one tick share a journal append): storage capacity in orch/s. */
async function concurrent(fsync: boolean, instances: number): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-bench-store-'));
  try {
    const store = createFileStore(dir, { fsync });
    await store.load();
    const before = store.stats();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: instances }, async (_, i) => {
        const r = newInstance(`c-${i}`);
        for (let step = 0; step < 8; step++) {
          lifecycleStep(r, step);
          await store.commit({ instances: [r] });
        }
      }),
    );
    const ms = performance.now() - t0;
    const after = store.stats();
    await store.close();
    const commits = after.commits - before.commits;
    return {
      scenario: `hello-3 x${instances} concurrent`,
      fsync,
      storedInstances: 0,
      loadMs: null,
      commits,
      medianMsPerCommit: round(ms / commits),
      p95MsPerCommit: NaN,
      bytesPerCommit: Math.round((after.bytesWritten - before.bytesWritten) / commits),
      note: `${after.journalAppends - before.journalAppends} appends; ${Math.round(instances / (ms / 1000))} orch/s of storage capacity (ms/commit = wall time / commits)`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchStore(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const fsync of [false, true]) {
    for (const stored of [0, 1_000, 10_000]) rows.push(await storeScale(stored, fsync, 100));
    rows.push(await concurrent(fsync, 64));
  }
  rows.push(...(await longHistory(2_500)));
  return rows;
}

export function toMarkdown(rows: Row[]): string {
  const head =
    '| scenario | fsync | stored | load ms | commits | median ms/commit | p95 ms/commit | bytes/commit | note |';
  const sep = '|---|---|---:|---:|---:|---:|---:|---:|---|';
  const body = rows.map(
    (r) =>
      `| ${r.scenario} | ${r.fsync ? 'on' : 'off'} | ${r.storedInstances} | ${r.loadMs ?? ''} | ${r.commits} | ${r.medianMsPerCommit} | ${Number.isNaN(r.p95MsPerCommit) ? '' : r.p95MsPerCommit} | ${r.bytesPerCommit} | ${r.note} |`,
  );
  return [head, sep, ...body].join('\n');
}

// Run when executed directly (`node --import tsx bench/store.ts`), not when imported by a suite runner.
if (/[\\/]bench[\\/]store\.ts$/.test(process.argv[1] ?? '')) {
  benchStore().then(
    (rows) => process.stdout.write(`Node ${process.version}\n\n${toMarkdown(rows)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
