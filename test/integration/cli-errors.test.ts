/**
 * `durable-studio start` refuses to run, with one clear line on stderr and a non-zero exit, when: the app folder
 * is missing, `main` matches nothing, a durable package is not installed, an app file throws while loading, an
 * app setting that host.json or a binding refers to (`%Name%`) is not defined, the task hub name is invalid, the
 * port is taken or invalid, or a store file is corrupt (moved aside, never overwritten).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  FIXTURES,
  REPO,
  runCli,
  startEmulator,
  startOrchestration,
  tempDir,
  waitForStatus,
  copyFixture,
} from './harness.js';

/** Asserts a failed run: non-zero exit, exactly one non-empty line on stderr, which matches every pattern. */
function assertOneLineFailure(
  result: { code: number | null; stdout: string; stderr: string },
  ...patterns: RegExp[]
): string {
  assert.notEqual(result.code, 0, `expected a failure exit code, got ${result.code}\n${result.stderr}`);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  for (const pattern of patterns) assert.match(lines[0]!, pattern);
  return lines[0]!;
}

function writeHubName(app: string, hubName: string): void {
  fs.writeFileSync(
    path.join(app, 'host.json'),
    JSON.stringify({ version: '2.0', extensions: { durableTask: { hubName } } }),
  );
}

/** Temp folders this file made, removed at the end. */
const temps: string[] = [];
after(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
function temp(prefix: string): string {
  const dir = tempDir(prefix);
  temps.push(dir);
  return dir;
}

const start = (app: string, ...extra: string[]) =>
  runCli(['start', '--app', app, '--port', '0', '--store', temp('ds-store-'), ...extra]);

describe('CLI start-up errors', () => {
  test('no --app', async () => {
    assertOneLineFailure(await runCli(['start', '--port', '0']), /--app/);
  });

  test('app folder that does not exist', async () => {
    const missing = path.join(temp('ds-'), 'nope');
    assertOneLineFailure(
      await start(missing),
      /app folder not found/,
      new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    );
  });

  test('main matching no file suggests npm run build', async () => {
    assertOneLineFailure(await start(path.join(FIXTURES, 'broken/no-main-match')), /dist\/\*\.js/, /npm run build/);
  });

  test('@azure/functions not installed (app outside the repository)', async () => {
    const app = temp('ds-app-');
    fs.cpSync(path.join(FIXTURES, 'broken/no-durable'), app, { recursive: true });
    assertOneLineFailure(await start(app), /"@azure\/functions"/, /npm install/);
  });

  test('durable-functions not installed (only @azure/functions is)', async () => {
    const app = temp('ds-app-');
    fs.cpSync(path.join(FIXTURES, 'broken/no-durable'), app, { recursive: true });
    fs.mkdirSync(path.join(app, 'node_modules/@azure'), { recursive: true });
    fs.symlinkSync(
      path.join(REPO, 'node_modules/@azure/functions'),
      path.join(app, 'node_modules/@azure/functions'),
      'dir',
    );
    assertOneLineFailure(await start(app), /"durable-functions"/, /npm install durable-functions/);
  });

  test('an app file that throws while loading names the file and the module', async () => {
    assertOneLineFailure(
      await start(path.join(FIXTURES, 'broken/load-error')),
      /needsMissingModule\.js/,
      /this-module-is-not-installed/,
    );
  });

  test('invalid host.json and functionTimeout', async () => {
    // Inside the repository, so that the packages resolve and only the host.json problem remains.
    const app = copyFixture('js-esm', 'cli');
    const hostFile = path.join(app, 'host.json');
    fs.writeFileSync(hostFile, '{ "version": "2.0", ');
    assertOneLineFailure(await start(app), /host\.json is not valid JSON/);
    fs.writeFileSync(hostFile, JSON.stringify({ version: '2.0', functionTimeout: 'ten minutes' }));
    assertOneLineFailure(await start(app), /functionTimeout "ten minutes"/);
  });

  test('host.json hubName naming an app setting that is not defined', async () => {
    const app = copyFixture('js-esm', 'cli');
    writeHubName(app, '%TASKHUB_NAME%');
    const line = assertOneLineFailure(await start(app));
    assert.equal(
      line,
      'durable-studio: host.json extensions.durableTask.hubName "%TASKHUB_NAME%": the app setting TASKHUB_NAME is not ' +
        'defined (add it to local.settings.json Values or the environment)',
    );
  });

  test('an invalid task hub name, written or resolved, gets the host message', async () => {
    const app = copyFixture('js-esm', 'cli');
    writeHubName(app, 'my-hub');
    assert.equal(
      assertOneLineFailure(await start(app)),
      "durable-studio: host.json extensions.durableTask.hubName: Task hub name 'my-hub' should contain only " +
        'alphanumeric characters, start with a letter, and have length between 3 and 45.',
    );
    writeHubName(app, '%TASKHUB_NAME%');
    const settingsFile = path.join(app, 'local.settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { Values: Record<string, string> };
    settings.Values['TASKHUB_NAME'] = '2ndHub';
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    assert.equal(
      assertOneLineFailure(await start(app)),
      `durable-studio: host.json extensions.durableTask.hubName "%TASKHUB_NAME%": Task hub name '2ndHub' should ` +
        'contain only alphanumeric characters, start with a letter, and have length between 3 and 45.',
    );
  });

  test('a binding property naming an app setting that is not defined', async () => {
    const app = copyFixture('bindings', 'cli');
    const settingsFile = path.join(app, 'local.settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { Values: Record<string, string> };
    delete settings.Values['WORK_QUEUE'];
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    assertOneLineFailure(
      await start(app),
      /^durable-studio: function 'queueWorker' binding '\w+' \(queueTrigger\) queueName "%WORK_QUEUE%": the app setting WORK_QUEUE is not defined \(add it to local\.settings\.json Values or the environment\)$/,
    );
  });

  test('invalid --port values', async () => {
    for (const port of ['abc', '70000', '-1', '1.5', '', ' ', '0x50']) {
      assertOneLineFailure(await runCli(['start', '--app', path.join(FIXTURES, 'js-cjs'), '--port', port]), /port/);
    }
  });

  test('port already in use', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;
    const result = await runCli([
      'start',
      '--app',
      path.join(FIXTURES, 'js-cjs'),
      '--port',
      String(port),
      '--store',
      temp('ds-store-'),
    ]);
    assertOneLineFailure(result, new RegExp(`port ${port}`), /in use/);
  });
});

describe('corrupt store', () => {
  /**
   * Runs a hello sequence to completion on a fresh store and returns the store folder. A clean stop folds the
   * journal into the documents; a SIGKILL leaves the journal segments in place.
   */
  async function populatedStore(signal: NodeJS.Signals): Promise<string> {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
    const id = await startOrchestration(emu, 'helloSequence', undefined, 'corrupt-me');
    assert.equal((await waitForStatus(emu, id)).runtimeStatus, 'Completed');
    assert.equal(await emu.stop(signal), signal === 'SIGKILL' ? 'SIGKILL' : 0);
    temps.push(emu.storeDir);
    return emu.storeDir;
  }

  function listFiles(dir: string): string[] {
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .sort();
  }

  async function expectRefusal(storeDir: string, file: string, garbage: Buffer): Promise<void> {
    // The lock file of a killed emulator is stale: the failed start may take it over, but must release it.
    const before = new Map<string, Buffer>(
      listFiles(storeDir)
        .filter((f) => f !== 'store.lock')
        .map((f) => [f, fs.readFileSync(path.join(storeDir, f))]),
    );
    fs.writeFileSync(file, garbage);
    before.set(path.relative(storeDir, file), garbage);
    const result = await runCli(['start', '--app', path.join(FIXTURES, 'js-cjs'), '--port', '0', '--store', storeDir]);
    const line = assertOneLineFailure(result, /[Cc]orrupt/);
    assert.ok(line.includes(file), `the message names ${file}: ${line}`);
    const moved = /moved it to (\S+)$/.exec(line)?.[1];
    assert.ok(moved, `the message says where the file went: ${line}`);
    assert.ok(fs.existsSync(moved), `${moved} exists`);
    assert.deepEqual(fs.readFileSync(moved), garbage, 'the corrupt bytes are kept in the moved file');
    assert.ok(!fs.existsSync(file), 'the corrupt file itself was moved, not rewritten');
    // Nothing else changed: every other file is byte for byte what it was (no write happened).
    const after = listFiles(storeDir);
    assert.ok(!after.includes('store.lock'), 'the failed start released the store lock');
    for (const [name, bytes] of before) {
      if (name === path.relative(storeDir, file)) continue;
      assert.ok(after.includes(name), `${name} still exists`);
      assert.deepEqual(fs.readFileSync(path.join(storeDir, name)), bytes, `${name} unchanged`);
    }
    assert.deepEqual(
      after.filter((name) => !before.has(name)),
      [path.relative(storeDir, moved)],
      'the only new file is the moved-aside one',
    );
  }

  test('garbage in a journal segment', async () => {
    const storeDir = await populatedStore('SIGKILL');
    const journals = fs.readdirSync(storeDir).filter((f) => /^journal-\d+\.jsonl$/.test(f));
    assert.ok(journals.length > 0, `a journal segment exists in ${fs.readdirSync(storeDir).join(', ')}`);
    const file = path.join(storeDir, journals.sort().at(-1)!);
    await expectRefusal(storeDir, file, Buffer.from('{"instances": [ this is not json\n\u0000\u0001garbage\n'));
  });

  test('garbage in an instance document', async () => {
    const storeDir = await populatedStore('SIGTERM');
    const docs = fs.readdirSync(path.join(storeDir, 'instances')).filter((f) => f.endsWith('.json'));
    if (docs.length === 0) {
      // The journal may not have been checkpointed into documents yet: write a document of our own.
      docs.push('corrupt-me.0000000000000000.json');
    }
    await expectRefusal(
      storeDir,
      path.join(storeDir, 'instances', docs[0]!),
      Buffer.from('{"instanceId": "corrupt-me", "history": [ garbage'),
    );
  });
});
