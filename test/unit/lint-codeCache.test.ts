/**
 * Loading bundles through V8's code cache (src/lint/codeCache.ts): a bundle runs as `require` would run it, the cache
 * is used when it matches and ignored when it is stale, corrupt, truncated, someone else's or rejected by V8, a folder
 * that cannot be written changes nothing, concurrent writers leave one whole file, and the real CLI and language
 * server (dist/, built by `npm test`) behave the same with a cache, without one, and with a broken one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_CACHE_ENV, codeCacheDir, loadBundle, readCache } from '../../src/lint/codeCache.js';
import { StdioLanguageServer } from './lint-lsp-stdio.js';

const REPO = path.resolve(__dirname, '../..');
const CODE_CACHE = path.join(REPO, 'src/lint/codeCache.ts');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ds-code-cache-'));
}

/** A bundle that requires a sibling, uses its own module variables and has a lazily compiled function. */
function writeBundle(dir: string, extra = ''): string {
  fs.writeFileSync(path.join(dir, 'sibling.js'), 'module.exports = { answer: 42 };\n');
  const file = path.join(dir, 'bundle.js');
  fs.writeFileSync(
    file,
    `#!/usr/bin/env node
'use strict';
const { answer } = require('./sibling.js');
function lazy(n) { let total = 0; for (let i = 0; i < n; i++) total += i; return total; }
module.exports = { answer, dir: __dirname, file: __filename, sameExports: module.exports === exports, lazy };${extra}
`,
  );
  return file;
}

interface Loaded {
  answer: number;
  dir: string;
  file: string;
  sameExports: boolean;
  lazy: (n: number) => number;
}

function cacheFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** Loads and saves in a new process (tsx runs the source); resolves with its exit code. */
function childProcess(bundle: string, cacheDir: string, print = false): Promise<{ code: number | null; out: string }> {
  const script = `const { loadBundle } = require(${JSON.stringify(CODE_CACHE)});
const loaded = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)});
loaded.saveCache();
${print ? 'process.stdout.write(JSON.stringify({ cache: loaded.cache, answer: loaded.exports.answer }));' : ''}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function loadInChild(bundle: string, cacheDir: string): Promise<unknown> {
  const { code, out } = await childProcess(bundle, cacheDir, true);
  assert.equal(code, 0);
  return JSON.parse(out);
}

test('a bundle runs as require runs it; the first load writes the cache, the next one uses it', () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const cacheDir = path.join(dir, 'cache');
    const first = loadBundle(bundle, cacheDir);
    const exports = first.exports as Loaded;
    assert.equal(first.cache, 'miss');
    assert.deepEqual(
      { answer: exports.answer, dir: exports.dir, file: exports.file, same: exports.sameExports },
      { answer: 42, dir, file: bundle, same: true },
    );
    assert.equal(exports.lazy(4), 6);
    assert.deepEqual(cacheFiles(cacheDir), [], 'nothing is written before saveCache');
    first.saveCache();
    const [cacheFile, ...more] = cacheFiles(cacheDir);
    assert.match(cacheFile ?? '', /^bundle\.js-[0-9a-f]{16}\.v8cache$/);
    assert.deepEqual(more, []);
    if (process.platform !== 'win32') assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);

    const second = loadBundle(bundle, cacheDir);
    assert.equal(second.cache, 'hit');
    assert.equal((second.exports as Loaded).lazy(5), 10);
    const before = fs.statSync(path.join(cacheDir, cacheFile!)).mtimeMs;
    second.saveCache();
    assert.equal(fs.statSync(path.join(cacheDir, cacheFile!)).mtimeMs, before, 'a used cache is not rewritten');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt, truncated or foreign cache file is ignored, and the next save replaces it', () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const cacheDir = path.join(dir, 'cache');
    loadBundle(bundle, cacheDir).saveCache();
    const cacheFile = path.join(cacheDir, cacheFiles(cacheDir)[0]!);
    const good = fs.readFileSync(cacheFile);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 20]! ^= 0xff;
    const damaged: [string, Buffer][] = [
      ['a flipped byte in V8 data', flipped],
      ['a truncated file', good.subarray(0, good.length - 100)],
      ['the header alone', good.subarray(0, good.indexOf(10) + 1)],
      ['garbage', Buffer.from('not a cache file at all')],
      ['an empty file', Buffer.alloc(0)],
      [
        'a header of another format',
        Buffer.concat([Buffer.from('{"format":99}\n'), good.subarray(good.indexOf(10) + 1)]),
      ],
    ];
    for (const [what, data] of damaged) {
      fs.writeFileSync(cacheFile, data);
      const loaded = loadBundle(bundle, cacheDir);
      assert.equal(loaded.cache, 'miss', what);
      assert.equal((loaded.exports as Loaded).lazy(3), 3, what);
      loaded.saveCache();
      assert.equal(loadBundle(bundle, cacheDir).cache, 'hit', `${what}: replaced by a good cache`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a cache file others can write, or someone else's, is not used", { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const cacheDir = path.join(dir, 'cache');
    loadBundle(bundle, cacheDir).saveCache();
    const cacheFile = path.join(cacheDir, cacheFiles(cacheDir)[0]!);
    assert.equal(fs.statSync(cacheFile).mode & 0o777, 0o600);
    fs.chmodSync(cacheFile, 0o644);
    assert.equal(loadBundle(bundle, cacheDir).cache, 'hit', 'readable by others is fine');
    for (const mode of [0o664, 0o646]) {
      fs.chmodSync(cacheFile, mode);
      assert.equal(loadBundle(bundle, cacheDir).cache, 'miss', `mode ${mode.toString(8)}`);
    }
    fs.chmodSync(cacheFile, 0o600);
    if (process.getuid?.() === 0) {
      fs.chownSync(cacheFile, 65534, 65534);
      assert.equal(loadBundle(bundle, cacheDir).cache, 'miss', "another user's file");
      const replaced = loadBundle(bundle, cacheDir);
      replaced.saveCache();
      assert.equal(fs.statSync(cacheFile).uid, 0, 'replaced by our own');
      assert.equal(loadBundle(bundle, cacheDir).cache, 'hit');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed bundle does not use the old cache; data V8 rejects is replaced', async () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const cacheDir = path.join(dir, 'cache');
    loadBundle(bundle, cacheDir).saveCache();
    const [name] = cacheFiles(cacheDir);
    const cacheFile = path.join(cacheDir, name!);
    const valid = fs.readFileSync(cacheFile);

    // Same length, other code: the key (size, modification time) changes, so V8 never sees the old data.
    writeBundle(dir, '\n// 1');
    fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    const changed = loadBundle(bundle, cacheDir);
    assert.equal(changed.cache, 'miss');
    changed.saveCache();
    assert.equal(loadBundle(bundle, cacheDir).cache, 'hit');

    // A whole file with the right header but data V8 made from other code: V8 rejects it, and it is replaced. (In a
    // process of its own: V8 keeps what it compiled in this one and would not look at the data.)
    const current = fs.readFileSync(cacheFile);
    const header = JSON.parse(current.subarray(0, current.indexOf(10)).toString()) as { key: string };
    const payload = valid.subarray(valid.indexOf(10) + 1);
    const forged = { ...header, length: payload.length, sha1: crypto.createHash('sha1').update(payload).digest('hex') };
    fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(JSON.stringify(forged) + '\n'), payload]));
    assert.ok(readCache(cacheFile, bundle, header.key), 'the forged file passes the header checks');
    assert.deepEqual(await loadInChild(bundle, cacheDir), { cache: 'rejected', answer: 42 });
    assert.deepEqual(await loadInChild(bundle, cacheDir), { cache: 'hit', answer: 42 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder that cannot be made or written: the bundle runs, saving does nothing and never throws', () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    const loaded = loadBundle(bundle, path.join(blocker, 'cache')); // a folder under a file: ENOTDIR, even for root
    assert.equal(loaded.cache, 'miss');
    assert.equal((loaded.exports as Loaded).answer, 42);
    assert.doesNotThrow(() => loaded.saveCache());
    const off = loadBundle(bundle, null);
    assert.equal(off.cache, 'off');
    off.saveCache();
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      ['a-file', 'bundle.js', 'sibling.js'],
      'nothing written anywhere else',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('saving removes the caches of bundles that are gone and old temporary files, and keeps the others', () => {
  const dir = tempDir();
  try {
    const cacheDir = path.join(dir, 'cache');
    const installs = ['one', 'two', 'three'].map((name) => {
      fs.mkdirSync(path.join(dir, name));
      return writeBundle(path.join(dir, name));
    });
    for (const bundle of installs) loadBundle(bundle, cacheDir).saveCache();
    assert.equal(cacheFiles(cacheDir).length, 3);
    const stale = path.join(cacheDir, 'bundle.js-0123456789abcdef.v8cache.42-beef.tmp');
    const fresh = path.join(cacheDir, 'bundle.js-0123456789abcdef.v8cache.43-beef.tmp');
    fs.writeFileSync(stale, 'half');
    fs.writeFileSync(fresh, 'half');
    fs.utimesSync(stale, new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    fs.writeFileSync(path.join(cacheDir, 'other.js-0123456789abcdef.v8cache'), 'another bundle name: not ours');
    fs.rmSync(path.join(dir, 'two'), { recursive: true });
    fs.writeFileSync(installs[0]!, fs.readFileSync(installs[0]!, 'utf8') + '\n'); // a new build: a new key
    loadBundle(installs[0]!, cacheDir).saveCache();
    const left = cacheFiles(cacheDir);
    assert.equal(left.filter((name) => name.endsWith('.v8cache')).length, 3, left.join(', ')); // one, three, other
    assert.ok(left.includes(path.basename(fresh)), 'a temporary file of a running writer is left alone');
    assert.ok(!left.includes(path.basename(stale)));
    assert.equal(loadBundle(installs[2]!, cacheDir).cache, 'hit', "another install's cache is kept");
    assert.equal(loadBundle(installs[0]!, cacheDir).cache, 'hit');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('processes saving at once leave one whole cache file and no temporary files', async () => {
  const dir = tempDir();
  try {
    const bundle = writeBundle(dir);
    const cacheDir = path.join(dir, 'cache');
    const results = await Promise.all(Array.from({ length: 4 }, () => childProcess(bundle, cacheDir)));
    const codes = results.map((result) => result.code);
    assert.deepEqual(codes, [0, 0, 0, 0]);
    const files = cacheFiles(cacheDir);
    assert.equal(files.length, 1, files.join(', '));
    assert.equal(loadBundle(bundle, cacheDir).cache, 'hit');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the cache folder: the setting, else the platform user cache folder', () => {
  const home = () => '/home/u';
  assert.equal(codeCacheDir({ [CODE_CACHE_ENV]: 'off' }, 'linux', home), undefined);
  assert.equal(codeCacheDir({ [CODE_CACHE_ENV]: '/x/cache' }, 'linux', home), path.resolve('/x/cache'));
  assert.equal(codeCacheDir({}, 'linux', home), path.join('/home/u', '.cache', 'durable-studio', 'code-cache'));
  assert.equal(
    codeCacheDir({ XDG_CACHE_HOME: '/var/cache/u' }, 'linux', home),
    path.join('/var/cache/u', 'durable-studio', 'code-cache'),
  );
  assert.equal(
    codeCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home),
    path.join('/home/u', '.cache', 'durable-studio', 'code-cache'),
  );
  assert.equal(
    codeCacheDir({}, 'darwin', home),
    path.join('/home/u', 'Library', 'Caches', 'durable-studio', 'code-cache'),
  );
  assert.equal(
    codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', home),
    path.join('C:\\Users\\u\\AppData\\Local', 'durable-studio', 'code-cache'),
  );
  assert.equal(
    codeCacheDir({}, 'linux', () => ''),
    undefined,
  );
  assert.equal(
    codeCacheDir({}, 'linux', () => {
      throw new Error('no home');
    }),
    undefined,
  );
});

const CLI = path.join(REPO, 'dist/cli.js');
const FIXTURES = path.join(REPO, 'test/fixtures/lint');

function lint(cache: string) {
  assert.ok(fs.existsSync(path.join(REPO, 'dist/lint.js')), 'dist/lint.js is missing: run npm run build');
  const result = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', 'app', 'warnings'], {
    cwd: FIXTURES,
    encoding: 'utf8',
    env: { ...process.env, [CODE_CACHE_ENV]: cache },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the CLI: the same findings without a cache, making one, using it, past a corrupt one and an unwritable folder', () => {
  const dir = tempDir();
  try {
    const expected = lint('off');
    assert.equal(expected.code, 1, expected.stderr);
    assert.ok(JSON.parse(expected.stdout).length > 0);
    const cacheDir = path.join(dir, 'cache');
    assert.deepEqual(lint(cacheDir), expected, 'making the cache');
    const [name] = cacheFiles(cacheDir);
    assert.match(name ?? '', /^lint\.js-[0-9a-f]{16}\.v8cache$/);
    assert.deepEqual(lint(cacheDir), expected, 'using it');
    const cacheFile = path.join(cacheDir, name!);
    const data = fs.readFileSync(cacheFile);
    data[data.length - 1000]! ^= 0xff;
    fs.writeFileSync(cacheFile, data);
    assert.deepEqual(lint(cacheDir), expected, 'past a corrupt cache');
    const { key } = JSON.parse(data.subarray(0, data.indexOf(10)).toString()) as { key: string };
    assert.ok(readCache(cacheFile, path.join(REPO, 'dist/lint.js'), key), 'replaced by a good cache');
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    assert.deepEqual(lint(path.join(blocker, 'cache')), expected, 'with a folder that cannot be made');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the language server bundle (dist/lint-server.js) answers diagnostics with and without its code cache', async () => {
  assert.ok(fs.existsSync(path.join(REPO, 'dist/lint-server-main.js')), 'dist/ is missing: run npm run build');
  const dir = tempDir();
  try {
    const cacheDir = path.join(dir, 'cache');
    const file = path.join(FIXTURES, 'app/src/functions/orders.ts');
    const text = fs.readFileSync(file, 'utf8');
    const rules: unknown[][] = [];
    for (const round of ['making the cache', 'using it']) {
      const server = new StdioLanguageServer(path.join(REPO, 'dist/lint-server.js'), {
        ...process.env,
        [CODE_CACHE_ENV]: cacheDir,
      });
      try {
        await server.initialize(path.join(FIXTURES, 'app'));
        const { items } = await server.diagnostics(file, text);
        rules.push(items.map((item) => item.code).sort());
        assert.equal(await server.stop(), 0, `${round}: ${server.stderr.join('')}`);
      } finally {
        server.kill();
      }
      assert.match(cacheFiles(cacheDir).join(','), /^lint-server-main\.js-[0-9a-f]{16}\.v8cache$/, round);
    }
    assert.ok(rules[0]!.length > 0);
    assert.deepEqual(rules[1], rules[0]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
