/**
 * A store the emulator's user cannot read or write: one line on stderr naming the path and the fix, exit code 1,
 * and a store that becomes read-only while running makes commits fail with the journal's path.
 *
 * Permission bits do not bind root, so when these tests run as root the CLI runs as the unprivileged user
 * `nobody` (uid/gid 65534), for whom the kernel enforces them; as any other user the CLI runs as that user.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, runCli, startEmulator, tempDir, waitFor, WEBHOOK, type RunAs } from './harness.js';

const APP = path.join(FIXTURES, 'js-cjs');
const asRoot = process.getuid?.() === 0;
const user: RunAs | undefined = asRoot ? { uid: 65534, gid: 65534 } : undefined;

/** A folder the test user owns, inside a parent that user can reach. */
function ownedDir(): string {
  const parent = tempDir('ds-access-');
  fs.chmodSync(parent, 0o755);
  const dir = path.join(parent, 'store');
  fs.mkdirSync(dir);
  if (user) fs.chownSync(dir, user.uid, user.gid);
  return dir;
}

/** Gives every file under `dir` to the test user (root only). */
function chownTree(dir: string): void {
  if (!user) return;
  fs.chownSync(dir, user.uid, user.gid);
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    fs.chownSync(path.join(dir, name), user.uid, user.gid);
}

/** A store with one instance document, created by a run of the emulator as the test user. */
async function populatedStore(): Promise<string> {
  const storeDir = ownedDir();
  const emu = await startEmulator({ app: APP, storeDir, ...(user ? { user } : {}) });
  const res = await fetch(`${emu.url}${WEBHOOK}/orchestrators/helloSequence/readable`, { method: 'POST' });
  assert.equal(res.status, 202);
  await waitFor(async () => {
    const status = await fetch(`${emu.url}${WEBHOOK}/instances/readable`);
    return ((await status.json()) as { runtimeStatus: string }).runtimeStatus === 'Completed';
  }, 'the instance to complete');
  assert.equal(await emu.stop(), 0);
  chownTree(storeDir);
  return storeDir;
}

function oneLine(result: { code: number | null; stderr: string }, ...patterns: RegExp[]): string {
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, result.stderr);
  for (const pattern of patterns) assert.match(lines[0]!, pattern);
  return lines[0]!;
}

const start = (storeDir: string) => runCli(['start', '--app', APP, '--port', '0', '--store', storeDir], 30_000, user);

describe('store permissions', () => {
  const restore: Array<() => void> = [];
  before(() => {
    // The CLI must be able to read the repository as the test user (it can: the checkout is world-readable).
    assert.ok(fs.statSync(APP).mode & 0o005, 'the fixture app is world-readable');
  });
  after(() => restore.forEach((undo) => undo()));

  test('an unreadable document', async () => {
    const storeDir = await populatedStore();
    const [doc] = fs.readdirSync(path.join(storeDir, 'instances'));
    const file = path.join(storeDir, 'instances', doc!);
    fs.chmodSync(file, 0o000);
    restore.push(() => fs.chmodSync(file, 0o644));
    const line = oneLine(await start(storeDir), /cannot read/, /permission denied/, /chmod -R u\+rwX/);
    assert.ok(line.includes(file), line);
  });

  test('an unreadable store folder', async () => {
    const storeDir = await populatedStore();
    const instances = path.join(storeDir, 'instances');
    fs.chmodSync(instances, 0o000);
    restore.push(() => fs.chmodSync(instances, 0o755));
    const line = oneLine(await start(storeDir), /cannot read/, /permission denied/);
    assert.ok(line.includes(instances), line);
  });

  test('a read-only store: the lock file cannot be created', async () => {
    const storeDir = await populatedStore();
    fs.chmodSync(storeDir, 0o555);
    restore.push(() => fs.chmodSync(storeDir, 0o755));
    const line = oneLine(await start(storeDir), /the store is not writable/, /permission denied/, /--store/);
    assert.ok(line.includes(path.join(storeDir, 'store.lock')), line);
  });

  test('a store that becomes read-only while running: the commit fails naming the journal', async () => {
    const storeDir = ownedDir();
    const emu = await startEmulator({ app: APP, storeDir, ...(user ? { user } : {}) });
    try {
      fs.chmodSync(storeDir, 0o555); // the first commit creates the first journal segment
      restore.push(() => fs.chmodSync(storeDir, 0o755));
      const res = await fetch(`${emu.url}${WEBHOOK}/orchestrators/helloSequence/never-stored`, { method: 'POST' });
      assert.notEqual(res.status, 202, 'not acknowledged');
      const journal = path.join(storeDir, 'journal-00000001.jsonl');
      await waitFor(() => emu.output().includes(`cannot create ${journal} (permission denied)`), 'the log line');
    } finally {
      fs.chmodSync(storeDir, 0o755);
      await emu.stop('SIGKILL');
    }
  });
});
