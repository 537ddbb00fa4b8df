/**
 * File store and memory store. Run: node --import tsx --test test/unit/store.test.ts
 * A damaged store (refusal, repair, torn tails, file system errors): store-damage.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import { createFileStore } from '../../src/emulator/store/fileStore.js';
import { fileNameForId, instancePath, storeLayout } from '../../src/emulator/store/layout.js';
import { createMemoryStore, createMemoryStoreData } from '../../src/emulator/store/memoryStore.js';
import type { Store } from '../../src/emulator/store/types.js';
import {
  appendEvents,
  byId,
  event,
  journalFiles,
  journalLines,
  makeEntity,
  makeInstance,
  open,
  plain,
  tempDir,
} from './store-factory.js';

// ---------------------------------------------------------------------------------------------------------------
// File store

describe('file store', () => {
  test('missing directory: created, empty store, format marker written', async () => {
    const dir = await tempDir();
    const { store, contents } = await open(dir);
    assert.deepEqual(contents, { instances: [], entities: [] });
    const marker = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { format: string; version: number };
    assert.equal(marker.format, 'durable-studio-store');
    assert.equal(marker.version, 1);
    await store.close();
  });

  test('round trip of instances and entities, through the journal (no close) and through documents (close)', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const a = makeInstance('a', 15, {
      customStatus: '{"step":2}',
      pending: { '1': { kind: 'activity', name: 'x', input: null } },
    });
    const b = makeInstance('b', 3);
    const e = makeEntity('Counter', 'k1', { n: 5 });
    await store.commit({ instances: [a, b], entities: [e] });

    const crashed = byId((await open(dir)).contents);
    assert.deepEqual(crashed.instances.get('a'), plain(a));
    assert.deepEqual(crashed.instances.get('b'), plain(b));
    assert.deepEqual(crashed.entities.get(e.id), plain(e));

    await store.close();
    assert.deepEqual(await journalFiles(dir), [], 'close checkpoints and removes the journal');
    const doc = JSON.parse(await readFile(instancePath(storeLayout(dir), 'a'), 'utf8')) as InstanceRecord;
    assert.deepEqual(doc, plain(a), 'one readable document per instance');
    const reopened = byId((await open(dir)).contents);
    assert.deepEqual(reopened.instances.get('a'), plain(a));
    assert.deepEqual(reopened.entities.get(e.id), plain(e));
  });

  test('history appends journal only the new events; a new historyVersion journals the full history', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const r = makeInstance('grow', 400);
    await store.commit({ instances: [r] });
    appendEvents(r, 4);
    await store.commit({ instances: [r] });
    r.history = r.history.slice(0, 2); // continue-as-new style replacement
    r.historyVersion++;
    await store.commit({ instances: [r] });
    appendEvents(r, 3);
    r.status = 'Completed';
    await store.commit({ instances: [r] });

    const deltas = (await journalLines(dir)).map((line) => {
      const [entry] = line.instances as Array<{
        historyFrom: number;
        historyAppend: unknown[];
        record: Record<string, unknown>;
      }>;
      assert.equal('history' in entry!.record, false, 'the record head never carries the history');
      return [entry!.historyFrom, entry!.historyAppend.length];
    });
    assert.deepEqual(deltas, [
      [0, 400],
      [400, 4],
      [0, 2],
      [2, 3],
    ]);
    assert.deepEqual(byId((await open(dir)).contents).instances.get('grow'), plain(r));
    await store.close();
    assert.deepEqual(byId((await open(dir)).contents).instances.get('grow'), plain(r));
  });

  test('deletes of instances and entities, and re-creation under a deleted id', async () => {
    const dir = await tempDir();
    let { store } = await open(dir);
    const keep = makeInstance('keep');
    const gone = makeInstance('gone', 20);
    const e1 = makeEntity('c', 'gone');
    const e2 = makeEntity('c', 'keep');
    await store.commit({ instances: [keep, gone], entities: [e1, e2] });
    await store.close();
    ({ store } = await open(dir));
    await store.commit({ deletedInstances: ['gone'], deletedEntities: [e1.id] });
    let loaded = byId((await open(dir)).contents);
    assert.deepEqual([...loaded.instances.keys()], ['keep']);
    assert.deepEqual([...loaded.entities.keys()], [e2.id]);

    // Re-created with a shorter history and the same historyVersion: must be journaled in full, not as a delta.
    const again = makeInstance('gone', 5);
    await store.commit({ instances: [again] });
    assert.deepEqual(byId((await open(dir)).contents).instances.get('gone'), plain(again));
    await store.commit({ deletedInstances: ['gone'] });
    await store.close();
    loaded = byId((await open(dir)).contents);
    assert.equal(loaded.instances.has('gone'), false);
    const files = await readdir(join(dir, 'instances'));
    assert.deepEqual(files, [fileNameForId('keep')], 'the deleted document is removed at checkpoint');
  });

  test('group commit: commits of one tick become one journal append and one fsync', async () => {
    const dir = await tempDir();
    const { store } = await open(dir, { fsync: true });
    await store.commit({ instances: [makeInstance('warm-up')] }); // creates the segment (and syncs its directory)
    const before = store.stats();
    const records = Array.from({ length: 100 }, (_, i) => makeInstance(`g-${i}`));
    await Promise.all(records.map((r) => store.commit({ instances: [r] })));
    let stats = store.stats();
    assert.equal(stats.commits - before.commits, 100);
    assert.equal(stats.journalAppends - before.journalAppends, 1);
    assert.equal(stats.fsyncs - before.fsyncs, 1);

    // Commits made while a write is in flight are coalesced into the next append.
    const first = store.commit({ instances: [makeInstance('x-0')] });
    await new Promise<void>((resolve) => setImmediate(resolve)); // the first group's write has started
    const more = Array.from({ length: 20 }, (_, i) => store.commit({ instances: [makeInstance(`x-${i + 1}`)] }));
    await Promise.all([first, ...more]);
    stats = store.stats();
    assert.ok(
      stats.journalAppends - before.journalAppends <= 3,
      `appends: ${stats.journalAppends - before.journalAppends}`,
    );
    assert.equal((await journalLines(dir)).length, stats.journalAppends);
    assert.ok(stats.bytesWritten > 0);
    await store.close();
  });

  test('a commit touching an instance and an entity is one journal line', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    await store.commit({ instances: [makeInstance('i')], entities: [makeEntity('e', 'k')] });
    const lines = await journalLines(dir);
    assert.equal(lines.length, 1);
    assert.equal((lines[0]!.instances as unknown[]).length, 1);
    assert.equal((lines[0]!.entities as unknown[]).length, 1);
    await store.close();
  });

  test('records are serialised at write time: the newest in-memory state lands', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const r = makeInstance('late', 2);
    const p = store.commit({ instances: [r] });
    r.status = 'Completed'; // same tick, before the write
    appendEvents(r, 1);
    await p;
    assert.deepEqual(byId((await open(dir)).contents).instances.get('late'), plain(r));
    await store.close();
  });

  test('reopen without close (crash) loses nothing acknowledged, across checkpoints', async () => {
    const dir = await tempDir();
    const { store } = await open(dir, { checkpointBytes: 4096 });
    const records = Array.from({ length: 30 }, (_, i) => makeInstance(`r-${i}`, 5));
    for (let round = 0; round < 10; round++) {
      for (const r of records) appendEvents(r, 2);
      await Promise.all(records.map((r) => store.commit({ instances: [r] })));
    }
    // Let any background checkpoint finish: a crash in the middle of one is covered by its own test below.
    const deadline = Date.now() + 10_000;
    while (store.stats().journalBytes > 4096 * 2 && Date.now() < deadline)
      await new Promise<void>((resolve) => setImmediate(resolve));
    assert.ok(store.stats().checkpoints > 0, 'small checkpointBytes must trigger checkpoints');
    const loaded = byId((await open(dir)).contents);
    assert.equal(loaded.instances.size, 30);
    for (const r of records) assert.deepEqual(loaded.instances.get(r.instanceId), plain(r));
  });

  test('a torn last journal line is ignored, and later commits still load', async () => {
    const dir = await tempDir();
    let { store } = await open(dir);
    const r = makeInstance('t', 3);
    await store.commit({ instances: [r] });
    const [segment] = await journalFiles(dir);
    await appendFile(join(dir, segment!), '{"t":1,"instances":[{"record":{"instanceId":"t","sta'); // killed mid-append
    const logs: string[] = [];
    ({ store } = await open(dir, { log: (m) => logs.push(m) }));
    assert.ok(
      logs.some((m) => m.includes('torn')),
      logs.join('\n'),
    );
    appendEvents(r, 2);
    await store.commit({ instances: [r] });
    assert.deepEqual(byId((await open(dir)).contents).instances.get('t'), plain(r), 'after a second crash');
    await store.close();
    assert.deepEqual(byId((await open(dir)).contents).instances.get('t'), plain(r), 'after close');
  });

  test('checkpoint idempotency: crash after documents were written, before the journal was removed', async () => {
    const dir = await tempDir();
    const saved = join(dir, '..', 'saved');
    // State P0 in documents.
    let { store } = await open(dir);
    const a = makeInstance('a', 10);
    const b = makeInstance('b', 10);
    const c = makeInstance('c', 10);
    const d = makeInstance('d', 10);
    await store.commit({ instances: [a, b, c, d], entities: [makeEntity('e', '1', 1)] });
    await store.close();
    await cp(dir, join(saved, 'p0'), { recursive: true });

    // A journal with appends, a history replacement, deletes and a re-creation.
    ({ store } = await open(dir));
    appendEvents(a, 3);
    await store.commit({ instances: [a] });
    b.history = b.history.slice(0, 1);
    b.historyVersion++;
    await store.commit({ instances: [b] });
    appendEvents(b, 2);
    appendEvents(a, 1);
    await store.commit({ instances: [a, b], entities: [makeEntity('e', '1', 2)] });
    await store.commit({ deletedInstances: ['c'], deletedEntities: ['@e@1'] });
    const d2 = makeInstance('d', 2);
    await store.commit({ deletedInstances: ['d'] });
    await store.commit({ instances: [d2] });
    const journal = await journalFiles(dir);
    await cp(dir, join(saved, 'journal'), { recursive: true });
    await store.close(); // checkpoint: documents at the end of the journal, journal removed
    const expected = byId((await open(dir)).contents);
    assert.deepEqual(expected.instances.get('a'), plain(a));
    assert.deepEqual(expected.instances.get('b'), plain(b));
    assert.deepEqual(expected.instances.get('d'), plain(d2));
    assert.equal(expected.instances.has('c'), false);
    assert.equal(expected.entities.size, 0);

    // 1. All documents written, journal still there.
    for (const name of journal) await cp(join(saved, 'journal', name), join(dir, name));
    assert.deepEqual(byId((await open(dir)).contents), expected);

    // 2. Only some documents written (a and d new, b and c still as of P0), journal still there.
    for (const id of ['b', 'c'])
      await cp(instancePath(storeLayout(join(saved, 'p0')), id), instancePath(storeLayout(dir), id));
    assert.deepEqual(byId((await open(dir)).contents), expected);

    // 3. The recovered store checkpoints cleanly and stays equal.
    ({ store } = await open(dir));
    await store.close();
    assert.deepEqual(await journalFiles(dir), []);
    assert.deepEqual(byId((await open(dir)).contents), expected);
  });

  test('ids with odd characters, long ids and ids differing only in case', async () => {
    const dir = await tempDir();
    const ids = [
      'Order-1',
      'order-1',
      'ORDER-1',
      'with space and ünïcödé ✓',
      'a:b*c?d"e<f>g|h',
      '.',
      '..',
      '.hidden',
      'CON',
      '',
      'x'.repeat(256),
      'x'.repeat(255) + 'X',
      '@counter@Key With Spaces',
    ];
    let { store } = await open(dir);
    await store.commit({
      instances: ids.map((id) => makeInstance(id, 2)),
      entities: ids.map((id) => ({ ...makeEntity('n', id), id })),
    });
    await store.close();
    const names = await readdir(join(dir, 'instances'));
    assert.equal(names.length, ids.length);
    assert.equal(
      new Set(names.map((n) => n.toLowerCase())).size,
      ids.length,
      'distinct even on case-insensitive file systems',
    );
    for (const name of names) assert.ok(name.length <= 80 + 1 + 16 + 5 && !name.startsWith('.'), name);
    ({ store } = await open(dir));
    const loaded = byId(await createFileStore(dir).load());
    assert.deepEqual([...loaded.instances.keys()].sort(), [...ids].sort());
    assert.deepEqual([...loaded.entities.keys()].sort(), [...ids].sort());
    await store.close();
  });

  test('commit after close rejects with a clear error; close is idempotent', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const pending = store.commit({ instances: [makeInstance('before-close')] });
    const closing = store.close();
    await assert.rejects(store.commit({ instances: [makeInstance('after')] }), /closed/);
    await pending;
    await closing;
    await store.close();
    await assert.rejects(store.commit({ instances: [makeInstance('after')] }), /commit\(\) after close\(\)/);
    assert.deepEqual([...byId((await open(dir)).contents).instances.keys()], ['before-close']);
  });

  test('a store open in another live process is refused; a stale lock is taken over; close releases the lock', async () => {
    const dir = await tempDir();
    let { store } = await open(dir);
    await store.close();
    const lock = join(dir, 'store.lock');
    assert.equal(
      await readFile(lock).then(
        () => true,
        () => false,
      ),
      false,
      'close removes the lock',
    );
    await writeFile(lock, JSON.stringify({ pid: process.ppid, host: hostname() }));
    await assert.rejects(createFileStore(dir).load(), /in use by process/);
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() })); // above Linux pid_max: never alive
    ({ store } = await open(dir));
    assert.equal((JSON.parse(await readFile(lock, 'utf8')) as { pid: number }).pid, process.pid);
    await store.close();
  });

  // STORE_KILL_TRIALS=50 runs more trials (kill points spread from 300 to ~1,500 acks).
  const trials = Math.max(1, Number(process.env.STORE_KILL_TRIALS ?? 2));
  test(
    'kill -9 of a committing process, then torn bytes, loses no acknowledged commit',
    { timeout: 60_000 * trials },
    async () => {
      for (let trial = 0; trial < trials; trial++) {
        const killAfter = 300 + Math.round((trial * 1_237) % 1_200);
        const dir = await tempDir();
        const acked = await runAndKill(dir, killAfter);
        assert.ok(acked.length >= killAfter, `acks: ${acked.length}`);
        // Whatever the kill cut off, plus torn bytes of one more append that never finished: never acknowledged.
        const segments = await journalFiles(dir);
        if (segments.length > 0)
          await appendFile(join(dir, segments.at(-1)!), '{"t":1,"instances":[{"record":{"instanceI');
        const logs: string[] = [];
        const loaded = byId(await createFileStore(dir, { log: (m) => logs.push(m) }).load());
        const max = Math.max(...acked);
        const ackedSet = new Set(acked);
        for (const n of acked) {
          const c = loaded.instances.get(`c-${n}`);
          const deletedBy = n + 7;
          if (n % 7 === 0 && ackedSet.has(deletedBy))
            assert.equal(c, undefined, `c-${n} was deleted by acked commit ${deletedBy}`);
          else if (n % 7 !== 0) assert.ok(c, `c-${n} acknowledged but missing`);
        }
        for (let k = 0; k < 10; k++) {
          const hot = loaded.instances.get(`hot-${k}`);
          assert.ok(hot, `hot-${k}`);
          const inHistory = hot.history.map((e) => Number((e as { Input: string }).Input));
          assert.deepEqual(
            inHistory,
            [...inHistory].sort((x, y) => x - y),
            'events in commit order',
          );
          const since = inHistory[0]!; // the last replacement that landed
          for (const n of acked) {
            if (n % 10 !== k) continue;
            if (Math.floor(n / 10) % 5 === 0)
              assert.ok(since >= n, `hot-${k}: acked replacement ${n} lost (history starts at ${since})`);
            if (n >= since) assert.ok(inHistory.includes(n), `hot-${k}: acked event ${n} missing`);
          }
        }
        assert.ok(Number(JSON.parse(loaded.entities.get('@counter@k')!.state!)) >= max);
        assert.deepEqual(
          logs.filter((m) => !m.includes('torn') && !m.includes('stale lock')),
          [],
          'no suspect records',
        );
      }
    },
  );
});

/** Starts the committing child, kills it with SIGKILL after `killAfter` acks, and returns every ack it printed. */
async function runAndKill(dir: string, killAfter: number): Promise<number[]> {
  // The package is CommonJS for tsx today (__dirname); fall back to the repository layout if that changes.
  const here = typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'test', 'unit');
  const fixture = join(here, 'fixtures-store', 'killChild.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const m = /^ack (\d+)$/.exec(line);
      if (m) acked.push(Number(m[1]));
      if (acked.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  assert.equal(signal, 'SIGKILL', `child exited by itself (code ${code}): ${stderr}`);
  return acked;
}

// ---------------------------------------------------------------------------------------------------------------
// Memory store

describe('memory store', () => {
  test('deep copies on commit and load; group commit per tick; restart over the same data', async () => {
    const data = createMemoryStoreData();
    const store: Store = createMemoryStore(data);
    const r = makeInstance('m', 3);
    const e = makeEntity('c', 'k', 1);
    const commits = [store.commit({ instances: [r] }), store.commit({ entities: [e] })];
    assert.equal(data.instances.size, 0, 'nothing is stored synchronously');
    await Promise.all(commits);
    r.status = 'Completed'; // after the commit: must not leak into the store
    const loaded = await store.load();
    assert.equal(loaded.instances[0]!.status, 'Running');
    assert.notEqual(loaded.instances[0], r);
    loaded.instances[0]!.history.push(event(12)); // mutating what was loaded must not change the store either
    assert.equal((await store.load()).instances[0]!.history.length, 3);
    assert.equal(store.stats().commits, 2);
    await store.close();
    await assert.rejects(store.commit({ instances: [r] }), /closed/);
    const restarted = createMemoryStore(data);
    assert.equal((await restarted.load()).entities[0]!.state, '1');
  });

  test('rejects in-place edits of committed history events and shrinking without a new historyVersion', async () => {
    const store = createMemoryStore();
    const r = makeInstance('m', 3);
    await store.commit({ instances: [r] });
    (r.history[0] as { IsPlayed: boolean }).IsPlayed = true;
    await assert.rejects(store.commit({ instances: [r] }), /modified in place/);
    r.history = [event(12)];
    await assert.rejects(store.commit({ instances: [r] }), /shrank/);
    r.historyVersion++;
    await store.commit({ instances: [r] });
    assert.equal((await store.load()).instances[0]!.history.length, 1);
  });
});
