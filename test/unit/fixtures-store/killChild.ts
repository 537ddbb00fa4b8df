/**
 * Child process for the kill -9 test in store.test.ts: commits in a loop on the store in argv[2] and prints
 * `ack <n>` for every commit whose promise resolved. The parent kills it with SIGKILL at some point and checks
 * that every acknowledged commit survived. Three commits are in flight at a time so group commit is exercised,
 * and the checkpoint threshold is tiny so the kill often lands in the middle of a checkpoint.
 *
 * Commit n: appends an event with Input "<n>" to hot-(n % 10) (replacing that history, historyVersion + 1, when
 * floor(n / 10) % 5 === 0), creates c-<n>, deletes c-<n - 7> when n % 7 === 0, and sets entity @counter@k to n.
 */
import type { HistoryEvent } from '../../../src/emulator/engine/history.js';
import type { EntityRecord, InstanceRecord } from '../../../src/emulator/engine/model.js';
import { createFileStore } from '../../../src/emulator/store/fileStore.js';

function event(n: number): HistoryEvent {
  return {
    EventType: 15,
    EventId: -1,
    IsPlayed: false,
    Timestamp: new Date(n).toISOString(),
    Name: 'e',
    Input: String(n),
  } as HistoryEvent;
}

function instance(id: string, history: HistoryEvent[]): InstanceRecord {
  return {
    instanceId: id,
    name: 'orch',
    version: '',
    executionId: `${id}-x`,
    status: 'Running',
    input: null,
    output: null,
    customStatus: null,
    failureDetails: null,
    createdTime: 0,
    lastUpdatedTime: 0,
    parent: null,
    history,
    historyVersion: 0,
    inbox: [],
    nextSequenceId: 0,
    actionCount: 0,
    pending: {},
    waitingFor: [],
    lockSet: null,
    episodes: 0,
  } as InstanceRecord;
}

async function main(): Promise<void> {
  const store = createFileStore(process.argv[2]!, { checkpointBytes: 24 * 1024 });
  const loaded = await store.load();
  if (loaded.instances.length > 0) throw new Error('expected an empty store');
  const hot = Array.from({ length: 10 }, (_, k) => instance(`hot-${k}`, []));
  const counter: EntityRecord = {
    id: '@counter@k',
    name: 'counter',
    key: 'k',
    exists: true,
    state: '0',
    queue: [],
    lockedBy: null,
    lastOperationTime: 0,
  } as unknown as EntityRecord;
  const commitOne = async (n: number): Promise<void> => {
    const r = hot[n % 10]!;
    if (Math.floor(n / 10) % 5 === 0) {
      r.history = [event(n)];
      r.historyVersion++;
    } else {
      r.history.push(event(n));
    }
    r.lastUpdatedTime = n;
    counter.state = String(n);
    const deleted = n % 7 === 0 && n > 7 ? [`c-${n - 7}`] : [];
    await store.commit({
      instances: [r, instance(`c-${n}`, [event(n)])],
      entities: [counter],
      deletedInstances: deleted,
    });
    process.stdout.write(`ack ${n}\n`);
  };
  for (let n = 1; ; n += 3) await Promise.all([commitOne(n), commitOne(n + 1), commitOne(n + 2)]);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
