/**
 * A damaged store never loses acknowledged data: a load refuses it and changes nothing (so every later load
 * refuses too), a dry run says what a repair would keep and drop, and a repair keeps every valid document and
 * journal line, before and after a bad one, with the damaged bytes kept aside.
 * Run: node --import tsx --test test/unit/store-damage.test.ts
 */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { AtomicJsonFileSync, DocumentParseError } from '../../src/emulator/store/atomicJsonFile.js';
import { StoreDamagedError } from '../../src/emulator/store/damage.js';
import { createFileStore, inspectStore, type FileStoreOptions } from '../../src/emulator/store/fileStore.js';
import { StoreAccessError } from '../../src/emulator/store/fsErrors.js';
import { entityPath, fileNameForId, instancePath, storeLayout } from '../../src/emulator/store/layout.js';
import { appendEvents, byId, journalFiles, makeEntity, makeInstance, open, plain, tempDir } from './store-factory.js';

/** The error a load rejects with (fails the test when it loads). */
async function loadError(dir: string, options: FileStoreOptions = {}): Promise<unknown> {
  return createFileStore(dir, options)
    .load()
    .then(
      () => assert.fail('the load must refuse'),
      (err: unknown) => err,
    );
}

/** Every file under `dir` (but the lock) with its bytes: to check that a refusal or a dry run changed nothing. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'store.lock') continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path));
  }
  return files;
}

/** The moved-aside copies of `path` (`<name>.corrupt-<time>`). */
async function asideOf(path: string): Promise<string[]> {
  const dir = join(path, '..');
  const name = relative(dir, path);
  return (await readdir(dir)).filter((n) => n.startsWith(`${name}.corrupt-`)).map((n) => join(dir, n));
}

describe('a damaged journal', () => {
  test('is refused with the file and line named, nothing is changed, and every later load refuses the same way', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    await store.commit({ instances: [makeInstance('a')] });
    const [segment] = await journalFiles(dir);
    const path = join(dir, segment!);
    await appendFile(path, 'this is not json\n');
    await store.commit({ instances: [makeInstance('b')] });
    const before = await snapshot(dir);
    const messages: string[] = [];
    for (let start = 0; start < 3; start++) {
      const err = await loadError(dir);
      assert.ok(err instanceof StoreDamagedError, String(err));
      assert.ok(err.message.startsWith(`${path} line 2 does not parse`), err.message);
      assert.match(err.message, /a repair keeps 2 of 3 journal lines/);
      assert.equal(err.message.includes('\n'), false, 'one line');
      assert.deepEqual(await snapshot(dir), before, 'nothing renamed, written or removed');
      messages.push(err.message);
    }
    assert.equal(new Set(messages).size, 1, 'the same message every time');
  });

  test('a repair keeps every valid line before and after the bad one and rolls back only what the gap breaks', async () => {
    const dir = await tempDir();
    const { store } = await open(dir);
    const a = makeInstance('a', 4);
    const b = makeInstance('b', 2);
    await store.commit({ instances: [a, b], entities: [makeEntity('counter', 'k', 1)] }); // line 1
    const aBeforeDamage = plain(a);
    appendEvents(a, 2);
    await store.commit({ instances: [a] }); // line 2: damaged below
    b.status = 'Completed';
    const counter = makeEntity('counter', 'k', 2);
    await store.commit({ instances: [b], entities: [counter] }); // line 3
    appendEvents(a, 1);
    await store.commit({ instances: [a] }); // line 4: a delta over the events of line 2
    const c = makeInstance('c', 3);
    await store.commit({ instances: [c] }); // line 5
    const [segment] = await journalFiles(dir);
    const path = join(dir, segment!);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = lines[1]!.slice(0, 60) + '\u0000\u0000' + lines[1]!.slice(62); // two bytes of line 2 flipped
    await writeFile(path, lines.join('\n'));
    const damaged = await readFile(path);
    const before = await snapshot(dir);

    const predicted = await inspectStore(dir);
    assert.deepEqual(await snapshot(dir), before, 'the dry run changes nothing');
    assert.deepEqual(predicted.journal, { kept: 4, dropped: 1 });
    assert.deepEqual(predicted.rolledBack, ['a']);
    assert.deepEqual(predicted.lost, { instances: [], entities: [] });
    assert.deepEqual(
      predicted.files.map((f) => [f.path, f.kind]),
      [[path, 'journal']],
    );

    const logs: string[] = [];
    const repairing = createFileStore(dir, { repair: true, log: (m) => logs.push(m) });
    const repaired = byId(await repairing.load());
    assert.deepEqual(repaired.instances.get('a'), aBeforeDamage, 'a: as it was before the dropped line');
    assert.deepEqual(repaired.instances.get('b'), plain(b), 'b: line 3, after the bad line');
    assert.deepEqual(repaired.entities.get(counter.id), plain(counter), 'the entity: line 3');
    assert.deepEqual(repaired.instances.get('c'), plain(c), 'c: line 5');
    const [moved, ...more] = await asideOf(path);
    assert.deepEqual(more, []);
    assert.deepEqual(await readFile(moved!), damaged, 'the damaged bytes, kept aside');
    for (const wanted of ['kept 4 of 5 journal lines', 'dropped 1 line', 'rolled back', '"a"', moved!])
      assert.ok(
        logs.some((l) => l.includes(wanted)),
        `${wanted} in:\n${logs.join('\n')}`,
      );

    // The repaired store works and stays repaired: later commits and plain loads, no option needed.
    const d = makeInstance('d', 1);
    await repairing.commit({ instances: [d] });
    const reloaded = byId((await open(dir)).contents);
    assert.deepEqual(reloaded.instances.get('d'), plain(d));
    assert.deepEqual(reloaded.instances.get('a'), aBeforeDamage);
    assert.equal(reloaded.instances.size, 4);
    await repairing.close();
  });

  test('an instance whose base document is missing is refused; a repair drops it and names it', async () => {
    const dir = await tempDir();
    let { store } = await open(dir);
    const a = makeInstance('a', 3);
    await store.commit({ instances: [a, makeInstance('b', 1)] });
    await store.close();
    ({ store } = await open(dir));
    appendEvents(a, 1);
    await store.commit({ instances: [a] }); // a delta over the document
    await rm(instancePath(storeLayout(dir), 'a'));
    const err = await loadError(dir);
    assert.ok(err instanceof StoreDamagedError, String(err));
    assert.match(err.message, /instance "a" .* has an incomplete history \(no base record\): a store file is missing/);
    const repaired = byId(await createFileStore(dir, { repair: true }).load());
    assert.deepEqual([...repaired.instances.keys()], ['b']);
    assert.deepEqual((await inspectStore(dir)).files, [], 'repaired');
  });
});

describe('damaged documents', () => {
  test('anything but a record of its kind is damaged: null, [], 42, "x", 0, false, {}', async () => {
    for (const content of ['null', '[]', '42', '"x"', '0', 'false', '""', '{}', '{"instanceId": "p"}']) {
      const dir = await tempDir();
      const { store } = await open(dir);
      await store.commit({ instances: [makeInstance('keep')] });
      await store.close();
      const path = instancePath(storeLayout(dir), 'p');
      await writeFile(path, content);
      const err = await loadError(dir);
      assert.ok(err instanceof StoreDamagedError, `${content}: ${String(err)}`);
      assert.ok(err.message.startsWith(path), err.message);
      assert.deepEqual(await readFile(path, 'utf8'), content, 'left where it is');
    }
  });

  test('a repair rebuilds a damaged document from the journal, else drops it and names what it held', async () => {
    const dir = await tempDir();
    const layout = storeLayout(dir);
    let { store } = await open(dir);
    const x = makeInstance('x', 5);
    const y = makeInstance('y', 2);
    const z = makeInstance('z', 2);
    await store.commit({ instances: [x, y, z], entities: [makeEntity('counter', 'k', 1)] });
    await store.close();
    ({ store } = await open(dir));
    x.history = x.history.slice(0, 1); // replaced: the journal holds its full history
    x.historyVersion++;
    const counter = makeEntity('counter', 'k', 7);
    await store.commit({ instances: [x], entities: [counter] });
    const damage = new Map<string, string>([
      [instancePath(layout, 'x'), 'null'],
      [instancePath(layout, 'y'), '{\n  "instanceId": "y",\n  "history": [ {"EventType": 12,'],
      [entityPath(layout, counter.id), '{\n  "id": "@counter@k", "state": '],
      [instancePath(layout, 'unknown'), '42'],
    ]);
    for (const [path, content] of damage) await writeFile(path, content);

    const report = await inspectStore(dir);
    assert.deepEqual(report.files.map((f) => f.path).sort(), [...damage.keys()].sort());
    assert.deepEqual(report.documents, { kept: 1, dropped: 2, rebuilt: 2 });
    assert.deepEqual(report.lost, { instances: ['y'], entities: [] });
    assert.deepEqual(report.unidentified, [instancePath(layout, 'unknown')]);

    const repaired = byId(await createFileStore(dir, { repair: true }).load());
    assert.deepEqual(repaired.instances.get('x'), plain(x), 'rebuilt from the journal');
    assert.deepEqual(repaired.entities.get(counter.id), plain(counter), 'rebuilt from the journal');
    assert.deepEqual(repaired.instances.get('z'), plain(z), 'untouched');
    assert.equal(repaired.instances.has('y'), false);
    for (const [path, content] of damage) {
      const [moved] = await asideOf(path);
      assert.ok(moved, `${path} moved aside`);
      assert.equal(await readFile(moved, 'utf8'), content);
    }
    assert.deepEqual(byId((await open(dir)).contents), repaired, 'a plain load after the repair');
  });
});

describe('a damaged marker', () => {
  test('store.json holding null is refused, not rewritten; a repair rewrites it and keeps the data', async () => {
    const dir = await tempDir();
    let { store } = await open(dir);
    const a = makeInstance('a');
    await store.commit({ instances: [a] });
    await store.close();
    const marker = join(dir, 'store.json');
    await writeFile(marker, 'null');
    const err = await loadError(dir);
    assert.ok(err instanceof StoreDamagedError, String(err));
    assert.ok(err.message.startsWith(`${marker} holds JSON null`), err.message);
    assert.equal(await readFile(marker, 'utf8'), 'null');
    ({ store } = await open(dir, { repair: true }));
    assert.equal((JSON.parse(await readFile(marker, 'utf8')) as { format: string }).format, 'durable-studio-store');
    assert.equal(await readFile((await asideOf(marker))[0]!, 'utf8'), 'null');
    assert.deepEqual(byId((await open(dir)).contents).instances.get('a'), plain(a));
    await store.close();
  });

  test('a marker of another tool or a newer version is never repaired', async () => {
    for (const content of [
      '{"format": "other-tool", "version": 1}',
      '{"format": "durable-studio-store", "version": 99}',
    ]) {
      const dir = await tempDir();
      const { store } = await open(dir);
      await store.close();
      await writeFile(join(dir, 'store.json'), content);
      const err = await loadError(dir, { repair: true });
      assert.ok(err instanceof StoreAccessError, String(err));
      assert.match(err.message, /other-tool|format version 99/);
      assert.equal(await readFile(join(dir, 'store.json'), 'utf8'), content);
      assert.equal((await stat(dir)).isDirectory(), true);
    }
  });
});

test('the document adapter: a file that vanished (ENOENT) reads as missing, one that holds null is damaged', async () => {
  const dir = await tempDir();
  const { store } = await open(dir);
  await store.close();
  const path = join(dir, 'instances', fileNameForId('n'));
  await writeFile(path, 'null');
  assert.throws(() => new AtomicJsonFileSync<unknown>(path).read(), DocumentParseError);
  await rm(path);
  assert.equal(new AtomicJsonFileSync<unknown>(path).read(), null);
});
