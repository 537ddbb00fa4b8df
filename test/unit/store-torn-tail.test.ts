/**
 * A torn journal tail is the unterminated end of the last append of a process that died: a commit that was
 * never acknowledged (a commit is acknowledged only after its whole line, newline included, is written). These
 * tests pin the other side of that rule: an acknowledged line is never taken for a torn tail, a complete final
 * line is always applied, and a bad terminated line is damage (refused), never a torn tail.
 * Run: node --import tsx --test test/unit/store-torn-tail.test.ts
 */
import assert from 'node:assert/strict';
import { appendFile, cp, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { StoreDamagedError } from '../../src/emulator/store/damage.js';
import { createFileStore } from '../../src/emulator/store/fileStore.js';
import { byId, journalFiles, makeEntity, makeInstance, open, plain, tempDir } from './store-factory.js';

test('every acknowledged commit survives a crash followed by torn bytes, at every cut of an unacknowledged line', async () => {
  const dir = await tempDir();
  const { store } = await open(dir);
  const acked = [];
  for (let n = 0; n < 12; n++) {
    const record = makeInstance(`k-${n}`, 2);
    await store.commit({ instances: [record], entities: [makeEntity('counter', 'k', n)] }); // acknowledged
    acked.push(plain(record));
  }
  // The store is dropped without close: the process died. Its last append was cut somewhere: simulated by the
  // line a commit of `never-acked` would have written, cut at each of its bytes in turn.
  const [segment] = await journalFiles(dir);
  const path = join(dir, segment!);
  const ackedBytes = (await readFile(path)).length;
  const unacked = makeInstance('never-acked', 1);
  const line = Buffer.from(
    `${JSON.stringify({ t: 1, instances: [{ record: { ...unacked, history: undefined }, historyFrom: 0, historyAppend: unacked.history }] })}\n`,
  );
  await appendFile(path, line);
  const whole = await readFile(path);
  const trial = join(dir, '..', 'trial');
  for (let cut = 0; cut <= line.length; cut++) {
    await cp(dir, trial, { recursive: true, force: true });
    const trialSegment = join(trial, segment!);
    await writeFile(trialSegment, whole);
    await truncate(trialSegment, ackedBytes + cut);
    const logs: string[] = [];
    const loaded = byId(await createFileStore(trial, { log: (m) => logs.push(m) }).load());
    for (const record of acked) assert.deepEqual(loaded.instances.get(record.instanceId), record, `cut ${cut}`);
    assert.equal(JSON.parse(loaded.entities.get('@counter@k')!.state!), 11, `cut ${cut}: the last acknowledged state`);
    if (cut === line.length) {
      // The whole line with its newline: complete, so applied (acknowledged or not, it is a whole commit).
      assert.deepEqual(loaded.instances.get('never-acked'), plain(unacked));
      assert.equal(
        logs.some((m) => m.includes('torn')),
        false,
      );
    } else {
      assert.equal(loaded.instances.has('never-acked'), false, `cut ${cut}: an unacknowledged commit`);
      assert.equal(
        logs.some((m) => m.includes('torn')),
        cut > 0,
        `cut ${cut}: ${logs.join('; ')}`,
      );
    }
  }
});

test('a complete final line is applied even when nothing follows it', async () => {
  const dir = await tempDir();
  const { store } = await open(dir);
  const records = [makeInstance('first', 1), makeInstance('last', 3)];
  for (const record of records) await store.commit({ instances: [record] });
  const [segment] = await journalFiles(dir);
  const bytes = await readFile(join(dir, segment!));
  assert.equal(bytes.at(-1), 0x0a, 'the last acknowledged line ends with its newline');
  const loaded = byId((await open(dir)).contents);
  assert.deepEqual(loaded.instances.get('last'), plain(records[1]!));
});

test('a bad terminated line is damage, never a torn tail: in the middle, at the end, or two lines run together', async () => {
  const damages: Array<[string, (lines: string[]) => string]> = [
    ['garbage in the middle', (lines) => [lines[0], 'garbage', lines[1], ''].join('\n')],
    ['a bad last line with its newline', (lines) => [lines[0], lines[1], '{"t": 1, "instances": [', ''].join('\n')],
    ['a lost newline between two lines', (lines) => `${lines[0]}${lines[1]}\n`],
    ['a line that is JSON but not a journal line', (lines) => [lines[0], '[1, 2]', lines[1], ''].join('\n')],
  ];
  for (const [what, damage] of damages) {
    const dir = await tempDir();
    const { store } = await open(dir);
    await store.commit({ instances: [makeInstance('a', 1)] });
    await store.commit({ instances: [makeInstance('b', 1)] });
    const [segment] = await journalFiles(dir);
    const path = join(dir, segment!);
    const lines = (await readFile(path, 'utf8')).split('\n');
    await writeFile(path, damage(lines));
    const logs: string[] = [];
    for (let start = 0; start < 2; start++) {
      // Not once: every load refuses, none goes on without the damaged segment's lines.
      const err = await createFileStore(dir, { log: (m) => logs.push(m) })
        .load()
        .then(
          () => assert.fail(`${what}: load ${start + 1} must refuse`),
          (e: unknown) => e,
        );
      assert.ok(err instanceof StoreDamagedError, `${what}: ${String(err)}`);
      assert.ok(err.message.startsWith(`${path} line `), err.message);
    }
    assert.equal(
      logs.some((m) => m.includes('torn')),
      false,
      what,
    );
  }
});
