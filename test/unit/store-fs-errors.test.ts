/**
 * Store files and folders that are not what the store expects: one line naming the path and what to do. Stray
 * files are never read, renamed or removed, whatever their names. (Unreadable and read-only stores need another
 * user than root: test/integration/store-access.test.ts runs the CLI as one.)
 * Run: node --import tsx --test test/unit/store-fs-errors.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { createFileStore } from '../../src/emulator/store/fileStore.js';
import { StoreAccessError } from '../../src/emulator/store/fsErrors.js';
import { fileNameForId, instancePath, moveAside, storeLayout } from '../../src/emulator/store/layout.js';
import { makeInstance, open, tempDir } from './store-factory.js';

function assertOneLine(err: unknown, path: string, ...patterns: RegExp[]): void {
  assert.ok(err instanceof StoreAccessError, `a StoreAccessError, got ${String(err)}`);
  assert.equal(err.message.includes('\n'), false, 'one line');
  assert.ok(err.message.includes(path), `names ${path}: ${err.message}`);
  for (const pattern of patterns) assert.match(err.message, pattern);
}

const loadError = (dir: string): Promise<unknown> =>
  createFileStore(dir)
    .load()
    .then(
      () => assert.fail('the load must fail'),
      (err: unknown) => err,
    );

/** A store holding one instance, closed (so it is in documents). */
async function storeWithOne(): Promise<string> {
  const dir = await tempDir();
  const { store } = await open(dir);
  await store.commit({ instances: [makeInstance('a', 2)] });
  await store.close();
  return dir;
}

test('a folder where the store keeps a file: the path, and to move it', async () => {
  const cases: Array<(dir: string) => string> = [
    (dir) => instancePath(storeLayout(dir), 'b'),
    (dir) => join(dir, 'entities', fileNameForId('@e@k')),
    (dir) => join(dir, 'store.json'),
    (dir) => join(dir, 'journal-00000009.jsonl'),
    (dir) => join(dir, 'store.lock'),
  ];
  for (const where of cases) {
    const dir = await storeWithOne();
    const path = where(dir);
    await rm(path, { force: true });
    await mkdir(path);
    assertOneLine(await loadError(dir), path, /is a folder where the store keeps a file: move it out of/);
  }
});

test('a file where the store keeps a folder: the path, and to move it or pass another --store', async () => {
  for (const name of ['', 'instances', 'entities']) {
    const parent = await tempDir();
    await mkdir(parent, { recursive: true });
    const dir = join(parent, 'store');
    if (name !== '') await mkdir(dir);
    const path = name === '' ? dir : join(dir, name);
    await writeFile(path, 'not a folder');
    assertOneLine(await loadError(dir), path, /is a file where the store keeps a folder/, /--store/);
    assert.equal(await readFile(path, 'utf8'), 'not a folder', 'left as it was');
  }
});

test('a journal segment that cannot be created at commit time: the commit fails naming its path', async () => {
  const dir = await tempDir();
  const { store } = await open(dir);
  const segment = join(dir, 'journal-00000001.jsonl');
  await mkdir(segment); // where the first commit creates its segment
  const err = await store.commit({ instances: [makeInstance('a')] }).then(
    () => assert.fail('the commit must fail'),
    (e: unknown) => e,
  );
  assertOneLine(err, segment, /is a folder where the store keeps a file/);
  await rm(segment, { recursive: true });
  await store.close();
});

test('stray files, whatever their names, are never read, renamed or removed', async () => {
  const dir = await storeWithOne();
  const long = 'x'.repeat(245);
  const strays = [
    join(dir, 'instances', `${long}.json`), // 250 characters, not JSON
    join(dir, 'entities', `${long}.json`),
    join(dir, `${long}.jsonl`),
    join(dir, 'instances', 'notes.json'),
    join(dir, 'instances', 'notes.tmp-1-2'), // looks like a temp file, is not one of ours
    join(dir, 'instances', `${'é'.repeat(120)}.json`), // 240 bytes
  ];
  for (const path of strays) await writeFile(path, 'my notes, not JSON');
  await mkdir(join(dir, 'instances', 'folder.json'));
  const { store, contents } = await open(dir);
  assert.deepEqual(
    contents.instances.map((r) => r.instanceId),
    ['a'],
  );
  await store.close();
  for (const path of strays) assert.equal(await readFile(path, 'utf8'), 'my notes, not JSON', basename(path));
});

test('moving a damaged file aside shortens a name that would be too long, keeping names distinct', async () => {
  const dir = await tempDir();
  await mkdir(dir, { recursive: true });
  const names = ['a'.repeat(250), 'a'.repeat(249) + 'b', 'é'.repeat(127), 'short.json'];
  const moved: string[] = [];
  for (const name of names) {
    await writeFile(join(dir, name), name);
    const target = await moveAside(join(dir, name));
    assert.ok(Buffer.byteLength(basename(target)) <= 255, `${basename(target).length} characters`);
    assert.match(basename(target), /\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    assert.equal(await readFile(target, 'utf8'), name, 'the bytes, kept');
    moved.push(basename(target));
  }
  assert.equal(new Set(moved).size, names.length, 'distinct');
  assert.equal(moved[3]!.startsWith('short.json.corrupt-'), true, 'a short name is kept whole');
  assert.deepEqual((await readdir(dir)).sort(), [...moved].sort());
});
