/**
 * `durable-studio start` refuses to run, with one clear line on stderr and a non-zero exit, when: the app folder
 * is missing, `main` matches nothing, a durable package is not installed, an app file throws while loading, an
 * app setting that host.json or a binding refers to (`%Name%`) is not defined, the task hub name is invalid, a timer
 * schedule or `WEBSITE_TIME_ZONE` is invalid, the port is taken or invalid, a store file or folder is not what the
 * store expects, or the store is damaged (exit code 3, nothing changed, on every start until `--repair`).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  FIXTURES,
  REPO,
  getStatus,
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
  test('no --app outside a function app folder', async () => {
    assertOneLineFailure(await runCli(['start', '--port', '0']), /no host\.json in .*give --app <dir>/);
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
      /^durable-studio: function 'queueWorker' binding '\w+' \(serviceBusTrigger\) queueName "%WORK_QUEUE%": the app setting WORK_QUEUE is not defined \(add it to local\.settings\.json Values or the environment\)$/,
    );
  });

  test('an invalid timer schedule or time zone names the function and the expression', async () => {
    const app = copyFixture('triggers', 'cli');
    const settingsFile = path.join(app, 'local.settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { Values: Record<string, string> };
    settings.Values['REPORT_SCHEDULE'] = '0 */5 * * *  * *';
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    assertOneLineFailure(
      await start(app),
      /^durable-studio: function 'report': invalid timer schedule '0 \*\/5 \* \* \*  \* \*': a schedule is an NCRONTAB expression of six fields .* this one has 7 field\(s\)$/,
    );
    settings.Values['REPORT_SCHEDULE'] = '0 */5 * * * *';
    settings.Values['WEBSITE_TIME_ZONE'] = 'Pacific Standard Time';
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    assertOneLineFailure(
      await start(app),
      /^durable-studio: WEBSITE_TIME_ZONE 'Pacific Standard Time' is not a time zone/,
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

describe('damaged store', () => {
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

  /** Every file under `dir` but the lock, with its bytes. */
  function snapshot(dir: string): Map<string, Buffer> {
    return new Map(
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f !== 'store.lock' && fs.statSync(path.join(dir, f)).isFile())
        .sort()
        .map((f) => [f, fs.readFileSync(path.join(dir, f))]),
    );
  }

  const startOn = (storeDir: string, ...extra: string[]) =>
    runCli(['start', '--app', path.join(FIXTURES, 'js-cjs'), '--port', '0', '--store', storeDir, ...extra]);

  /**
   * Damages `file` with `bytes`, then checks that a start refuses (exit code 3, one line naming the file and the
   * option), and that so does the next one (what Restart in the editor does): the store is left byte for byte as
   * it was, with no file added and the lock released. `--repair --dry-run` lists what a repair would drop, also
   * changing nothing. Returns the dry run's output.
   */
  async function expectRefusal(storeDir: string, file: string, bytes: Buffer, ...patterns: RegExp[]): Promise<string> {
    fs.writeFileSync(file, bytes);
    const before = snapshot(storeDir);
    const lines: string[] = [];
    for (let start = 0; start < 2; start++) {
      const result = await startOn(storeDir);
      assert.equal(result.code, 3, `exit code 3 for a damaged store\n${result.stderr}`);
      const line = assertOneLineFailure(result, /^durable-studio: store damaged: /, /start with --repair/, ...patterns);
      assert.ok(line.includes(file), `the message names ${file}: ${line}`);
      assert.deepEqual(snapshot(storeDir), before, 'nothing renamed, written or removed');
      assert.ok(!fs.existsSync(path.join(storeDir, 'store.lock')), 'the failed start released the store lock');
      lines.push(line);
    }
    assert.equal(lines[0], lines[1], 'every start refuses the same way');
    const dryRun = await startOn(storeDir, '--repair', '--dry-run');
    assert.equal(dryRun.code, 3, dryRun.stderr);
    assert.match(dryRun.stdout, /A repair \(--repair\) would:/);
    assert.ok(dryRun.stdout.includes(file), dryRun.stdout);
    assert.deepEqual(snapshot(storeDir), before, 'the dry run changed nothing');
    return dryRun.stdout;
  }

  /** Starts with --repair, checks the damaged bytes were kept next to `file`, and returns the running emulator. */
  async function repairAndStart(storeDir: string, file: string, bytes: Buffer) {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs'), storeDir, args: ['--repair'] });
    assert.match(emu.output(), /Repaired the store/);
    const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));
    assert.equal(aside.length, 1, `one moved-aside copy of ${file}`);
    assert.deepEqual(fs.readFileSync(path.join(path.dirname(file), aside[0]!)), bytes, 'the damaged bytes, kept');
    return emu;
  }

  test('a bad line in a journal segment: refused on every start; --repair keeps the lines around it', async () => {
    const storeDir = await populatedStore('SIGKILL');
    const journals = fs.readdirSync(storeDir).filter((f) => /^journal-\d+\.jsonl$/.test(f));
    assert.ok(journals.length > 0, `a journal segment exists in ${fs.readdirSync(storeDir).join(', ')}`);
    const file = path.join(storeDir, journals.sort().at(-1)!);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.ok(lines.length > 3, `several lines in ${file}`);
    lines.splice(1, 0, '{"instances": [ this is not json \u0000\u0001garbage');
    const damaged = Buffer.from(lines.join('\n'));
    const report = await expectRefusal(storeDir, file, damaged, / line 2 does not parse/);
    assert.match(report, /drop 1 line and 0 documents/);

    const emu = await repairAndStart(storeDir, file, damaged);
    try {
      const status = await getStatus(emu, 'corrupt-me');
      assert.equal(status?.runtimeStatus, 'Completed', 'the instance, from the lines after the bad one');
      assert.deepEqual(status?.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    } finally {
      assert.equal(await emu.stop(), 0);
    }
    // Repaired for good: a plain start runs.
    const again = await startEmulator({ app: path.join(FIXTURES, 'js-cjs'), storeDir });
    assert.equal((await getStatus(again, 'corrupt-me'))?.runtimeStatus, 'Completed');
    assert.equal(await again.stop(), 0);
  });

  test('garbage in an instance document: refused; --repair drops it and names the instance', async () => {
    const storeDir = await populatedStore('SIGTERM');
    const docs = fs.readdirSync(path.join(storeDir, 'instances')).filter((f) => f.startsWith('corrupt-me.'));
    assert.equal(docs.length, 1, 'a clean stop wrote the document');
    const file = path.join(storeDir, 'instances', docs[0]!);
    const garbage = Buffer.from('{"instanceId": "corrupt-me", "history": [ garbage');
    const report = await expectRefusal(storeDir, file, garbage, /does not parse/);
    assert.match(report, /lose the instances: "corrupt-me"/);
    const emu = await repairAndStart(storeDir, file, garbage);
    assert.equal(await getStatus(emu, 'corrupt-me'), undefined);
    assert.equal(await emu.stop(), 0);
  });

  test('an instance document holding null is damaged, not a missing file', async () => {
    const storeDir = await populatedStore('SIGTERM');
    const [doc] = fs.readdirSync(path.join(storeDir, 'instances')).filter((f) => f.startsWith('corrupt-me.'));
    await expectRefusal(storeDir, path.join(storeDir, 'instances', doc!), Buffer.from('null'), /holds JSON null/);
  });

  test('a folder where the store keeps a file, or a file where it keeps a folder: exit 1, the path, what to do', async () => {
    const storeDir = temp('ds-store-');
    fs.mkdirSync(path.join(storeDir, 'store.json'));
    const result = await startOn(storeDir);
    assert.equal(result.code, 1);
    assertOneLineFailure(result, /store\.json is a folder where the store keeps a file: move it out of/);
    const file = path.join(temp('ds-'), 'store-file');
    fs.writeFileSync(file, '');
    assertOneLineFailure(await startOn(file), /store-file is a file where the store keeps a folder/, /--store/);
  });

  test('stray files with 250-character names in the store folders are left alone', async () => {
    const storeDir = temp('ds-store-');
    const names = [
      path.join(storeDir, 'instances', `${'n'.repeat(245)}.json`),
      path.join(storeDir, 'entities', `${'n'.repeat(245)}.json`),
      path.join(storeDir, `${'n'.repeat(250)}`),
    ];
    fs.mkdirSync(path.join(storeDir, 'instances'));
    fs.mkdirSync(path.join(storeDir, 'entities'));
    for (const name of names) fs.writeFileSync(name, 'not JSON');
    const emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs'), storeDir });
    assert.equal(await emu.stop(), 0);
    for (const name of names) assert.equal(fs.readFileSync(name, 'utf8'), 'not JSON');
  });
});
