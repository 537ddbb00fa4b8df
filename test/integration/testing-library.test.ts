/**
 * `durable-studio/testing` as a user gets it: the repository packed by `npm pack`, installed from that tarball into
 * copies of test/fixtures/testing-js and test/fixtures/testing-ts outside the repository (so nothing resolves from
 * its node_modules), next to the apps' own durable-functions, @azure/functions and test runners from the registry.
 * The fixtures' own tests then run under node:test and Jest in CommonJS, and under Vitest, Jest and node:test in
 * ES modules (the TypeScript app built by its own tsc first); each runner must pass exactly the tests it has. Also
 * the packaged CLI (`npx durable-studio lint`, `replay-check --help`), and that no app worker outlives the runs.
 *
 * Needs dist/ built (`npm test` builds it) and the npm registry for the installs (with the npm cache that the
 * repository's `npm ci` filled, they take what they can from there: `--prefer-offline`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FIXTURES, REPO, tempDir } from './harness.js';
import { renderTest, type TestRunner } from '../../src/extension/createTest/template.js';
import { createLinter } from '../../src/lint/linter.js';

/** Tests in each fixture test file (the same nine scenarios in every runner). */
const TESTS_PER_FILE = 9;
const INSTALL_TIMEOUT_MS = 240_000;
const RUNNER_TIMEOUT_MS = 90_000;

/** What each phase took, printed at the end. */
const timings: [string, number][] = [];

interface Run {
  code: number | string | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr without colours. */
  output: string;
  ms: number;
}

/**
 * Runs a command to its end in its own process group (killed whole on timeout), with an environment that does not
 * leak this test run into it: no node:test child protocol, no npm script variables of an outer `npm test`.
 */
function run(command: string, args: string[], cwd: string, timeoutMs: number, phase?: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env['NODE_TEST_CONTEXT'];
  delete env['INIT_CWD'];
  delete env['npm_config_local_prefix'];
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && !key.startsWith('npm_config_')) delete env[key];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`${command} ${args.join(' ')} did not end within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (phase) timings.push([phase, ms]);
      const output = `${stdout}\n${stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
      resolve({ code: code ?? signal, stdout, stderr, output, ms });
    });
  });
}

function npm(args: string[], cwd: string, timeoutMs: number, phase?: string): Promise<Run> {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd, timeoutMs, phase);
}

function tail(result: Run, lines = 60): string {
  return result.output.split('\n').slice(-lines).join('\n');
}

/** How many tests a runner says passed (and failed), from its closing lines. */
function counts(runner: 'node' | 'jest' | 'vitest', output: string): { passed: number; total: number } {
  if (runner === 'node') {
    // TAP ("# pass 9") or spec ("ℹ pass 9"), whichever reporter the Node version picks.
    const number = (label: string) => Number(new RegExp(`^(?:#|ℹ) ${label} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
    return { passed: number('pass'), total: number('tests') };
  }
  if (runner === 'jest') {
    const line = /^Tests:\s+(.*)$/m.exec(output)?.[1] ?? '';
    return {
      passed: Number(/(\d+) passed/.exec(line)?.[1] ?? NaN),
      total: Number(/(\d+) total/.exec(line)?.[1] ?? NaN),
    };
  }
  const line = /^\s*Tests\s+(.*)$/m.exec(output)?.[1] ?? '';
  return {
    passed: Number(/(\d+) passed/.exec(line)?.[1] ?? NaN),
    total: Number(/\((\d+)\)/.exec(line)?.[1] ?? NaN),
  };
}

let work: string;
let tarball: string;
/** Both fixtures install at once (npm mostly waits on the cache and the registry); their tests await them. */
const installs = new Map<string, Promise<string>>();

before(async () => {
  for (const file of ['testing.js', 'testing.mjs', 'worker.js', 'replay.js', 'cli.js', 'lint.js']) {
    if (!fs.existsSync(path.join(REPO, 'dist', file)))
      throw new Error(
        `dist/${file} is missing: build first with \`npm run build\` (\`npm test\` and \`npm run test:integration\` do)`,
      );
  }
  work = tempDir('ds-testing-library-');
  const started = Date.now();
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build-types.mjs')], { cwd: REPO, stdio: 'pipe' });
  timings.push(['declarations (scripts/build-types.mjs)', Date.now() - started]);
  const packed = await npm(
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    REPO,
    120_000,
    'npm pack',
  );
  assert.equal(packed.code, 0, tail(packed));
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(work, info.filename);
  const files = info.files.map((file) => file.path);
  const needed = [
    'testing.js',
    'testing.mjs',
    'types/testing/index.d.ts',
    'worker.js',
    'replay.js',
    'cli.js',
    'lint.js',
  ];
  for (const file of needed.map((name) => `dist/${name}`))
    assert.ok(files.includes(file), `the package has ${file}: ${files.join(', ')}`);
  assert.deepEqual(
    files.filter((file) => /^(src|test|examples)\/|\.map$|^dist\/extension\.js$/.test(file)),
    [],
    'the package ships no sources, tests, examples, source maps or the VS Code extension',
  );
  for (const name of ['testing-js', 'testing-ts']) {
    const installing = installFixture(name);
    installing.catch(() => undefined); // Awaited by the fixture's first test, which reports the failure.
    installs.set(name, installing);
  }
});

after(() => {
  const width = Math.max(...timings.map(([phase]) => phase.length));
  console.log(
    ['phase timings:', ...timings.map(([phase, ms]) => `  ${phase.padEnd(width)}  ${(ms / 1000).toFixed(1)} s`)].join(
      '\n',
    ),
  );
});

/**
 * Copies a fixture app out of the repository and installs its dependencies with the packed library as a
 * devDependency, the way a user adds it.
 */
async function installFixture(name: string): Promise<string> {
  const app = path.join(work, name);
  fs.cpSync(path.join(FIXTURES, name), app, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
  });
  const installed = await npm(
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '-D', tarball],
    app,
    INSTALL_TIMEOUT_MS,
    `npm install (${name})`,
  );
  assert.equal(installed.code, 0, tail(installed));
  const appRequire = createRequire(path.join(app, 'package.json'));
  for (const specifier of ['durable-studio/testing', 'durable-functions']) {
    const resolved = appRequire.resolve(specifier);
    assert.ok(resolved.startsWith(app + path.sep), `${specifier} resolves inside the app: ${resolved}`);
  }
  return app;
}

/** Runs one of the app's test scripts; it must pass all the tests of its file and nothing else. */
async function runTests(app: string, script: string, runner: 'node' | 'jest' | 'vitest'): Promise<void> {
  assert.ok(app, 'the app was installed');
  const result = await npm(['run', script], app, RUNNER_TIMEOUT_MS, `${path.basename(app)}: npm run ${script}`);
  assert.equal(result.code, 0, tail(result));
  assert.deepEqual(counts(runner, result.output), { passed: TESTS_PER_FILE, total: TESTS_PER_FILE }, tail(result));
  assert.doesNotMatch(result.output, /did not exit one second after|failed to exit gracefully/, tail(result));
}

/**
 * What *Create Test for Orchestration* writes for the app's helloChain (its activities found by the linter, as the
 * command finds them), rendered for `runner` and placed where that runner's script finds it; the script is then run
 * on that file alone and its one test must pass against the real library.
 */
async function runGeneratedTest(
  app: string,
  source: string,
  runner: TestRunner,
  target: { file: string; typescript: boolean; esm: boolean },
  /** `['node', ...args]` or `['npm', ...args]`. */
  command: string[],
): Promise<void> {
  assert.ok(app, 'the app was installed');
  const file = path.join(app, source);
  const linter = createLinter({
    readFile: (name) => (fs.existsSync(name) ? fs.readFileSync(name, 'utf8') : undefined),
    listFiles: () => [file],
  });
  const helloChain = linter.orchestrations([file]).find((orchestration) => orchestration.name === 'helloChain');
  assert.deepEqual(helloChain?.activities, ['greet'], 'the linter finds the activity helloChain calls');
  const text = renderTest({ orchestration: 'helloChain', activities: helloChain.activities, runner, ...target });
  fs.writeFileSync(path.join(app, target.file), text);
  const label = `${path.basename(app)}: generated ${runner} test`;
  const [program, ...args] = command;
  const result =
    program === 'node'
      ? await run(process.execPath, args, app, RUNNER_TIMEOUT_MS, label)
      : await npm(command.slice(1), app, RUNNER_TIMEOUT_MS, label);
  assert.equal(result.code, 0, `${tail(result)}\n${text}`);
  assert.deepEqual(counts(runner, result.output), { passed: 1, total: 1 }, tail(result));
}

/** `npx durable-studio ...` from the app's own node_modules/.bin (`--no`: never from the registry). */
function npx(app: string, args: string[], label: string): Promise<Run> {
  const command = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return run(command, ['--no', 'durable-studio', ...args], app, 60_000, `${path.basename(app)}: ${label}`);
}

async function checkCli(app: string): Promise<void> {
  assert.ok(app, 'the app was installed');
  const lint = await npx(app, ['lint', app], 'npx durable-studio lint <app>');
  assert.equal(lint.code, 0, tail(lint));
  // The linter really runs: an orchestrator reading the wall clock is an error (exit code 1).
  const hazard = path.join(work, `${path.basename(app)}-hazard.js`);
  fs.writeFileSync(
    hazard,
    "const df = require('durable-functions');\n" +
      "df.app.orchestration('stamp', function* () {\n  return Date.now();\n});\n",
  );
  const found = await npx(app, ['lint', hazard], 'npx durable-studio lint <hazard>');
  assert.equal(found.code, 1, tail(found));
  assert.match(found.output, /no-current-time/);
  const help = await npx(app, ['replay-check', '--help'], 'npx durable-studio replay-check --help');
  assert.equal(help.code, 0, tail(help));
  assert.match(help.output, /--app/);
  await checkStart(app);
}

/**
 * `npx durable-studio start` in the app folder, without --app (as the README says): the emulator comes up on the
 * app and runs an orchestration to completion; SIGTERM stops it cleanly.
 */
async function checkStart(app: string): Promise<void> {
  const started = Date.now();
  const command = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const child = spawn(command, ['--no', 'durable-studio', 'start', '--port', '0'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    let url: string | undefined;
    while (!url) {
      url = /running at (http:\/\/\S+)/.exec(output)?.[1];
      if (!url && Date.now() > deadline) throw new Error(`the emulator did not start:\n${output}`);
      if (!url) await Promise.race([exited, new Promise((resolve) => child.stdout.once('data', resolve))]);
    }
    assert.match(output, new RegExp(`app: ${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const create = await fetch(`${url}/runtime/webhooks/durabletask/orchestrators/helloChain`, { method: 'POST' });
    assert.equal(create.status, 202);
    const { statusQueryGetUri } = (await create.json()) as { statusQueryGetUri: string };
    let status = '';
    while (status !== 'Completed') {
      if (Date.now() > deadline) throw new Error(`helloChain is ${status} after 60 s:\n${output}`);
      const answer = (await (await fetch(statusQueryGetUri)).json()) as { runtimeStatus: string };
      status = answer.runtimeStatus;
      if (status === 'Failed') throw new Error(`helloChain failed:\n${output}`);
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
    timings.push([
      `${path.basename(app)}: npx durable-studio start (no --app), one orchestration`,
      Date.now() - started,
    ]);
  }
}

/** Processes started from the installed packages (app workers, replay workers) that are still alive. */
function leftoverWorkers(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((line) => line.includes(work) && /node_modules[\\/]durable-studio[\\/]dist[\\/]/.test(line));
}

describe('durable-studio/testing installed from the packed tarball', () => {
  describe('testing-js (CommonJS)', () => {
    let app: string;

    test('installs with the tarball, resolving durable-studio inside the app', async () => {
      app = await installs.get('testing-js')!;
    });

    test('node:test', () => runTests(app, 'test:node', 'node'));

    test('Jest', () => runTests(app, 'test:jest', 'jest'));

    test('the test Create Test writes passes: node:test and Jest, CommonJS', async () => {
      const source = 'src/functions/helloChain.js';
      const node = { file: 'test/node/generated.test.js', typescript: false, esm: false };
      await runGeneratedTest(app, source, 'node', node, ['node', '--test', node.file]);
      const jest = { file: 'test/jest/generated.test.js', typescript: false, esm: false };
      await runGeneratedTest(app, source, 'jest', jest, ['npm', 'run', 'test:jest', '--', 'generated']);
    });

    test('the packaged CLI: lint and replay-check', () => checkCli(app));
  });

  describe('testing-ts (TypeScript compiled to CommonJS, tests in ES modules)', () => {
    let app: string;

    test('installs with the tarball, builds with tsc and type-checks its tests against the declarations', async () => {
      app = await installs.get('testing-ts')!;
      const built = await npm(['run', 'build'], app, RUNNER_TIMEOUT_MS, 'testing-ts: npm run build (tsc)');
      assert.equal(built.code, 0, tail(built));
      assert.ok(fs.existsSync(path.join(app, 'dist/src/functions/helloChain.js')));
      const checked = await npm(['run', 'typecheck'], app, RUNNER_TIMEOUT_MS, 'testing-ts: npm run typecheck');
      assert.equal(checked.code, 0, tail(checked));
    });

    test('Vitest', () => runTests(app, 'test:vitest', 'vitest'));

    test('Jest (ES modules)', () => runTests(app, 'test:jest', 'jest'));

    test('node:test (ES modules)', () => runTests(app, 'test:node', 'node'));

    test('the test Create Test writes passes: Vitest (TypeScript), Jest and node:test (ES modules)', async () => {
      const source = 'src/functions/helloChain.ts';
      const ts = { file: 'test/vitest/generated.test.ts', typescript: true, esm: true };
      await runGeneratedTest(app, source, 'vitest', ts, ['npm', 'run', 'test:vitest', '--', 'generated']);
      const jest = { file: 'test/jest/generated.test.mjs', typescript: false, esm: true };
      await runGeneratedTest(app, source, 'jest', jest, ['npm', 'run', 'test:jest', '--', 'generated']);
      const node = { file: 'test/node/generated.test.mjs', typescript: false, esm: true };
      await runGeneratedTest(app, source, 'node', node, ['node', '--test', node.file]);
    });

    test('the packaged CLI: lint and replay-check', () => checkCli(app));
  });

  test('no app or replay worker outlives the runs', async () => {
    let left = leftoverWorkers();
    for (let i = 0; left.length > 0 && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = leftoverWorkers();
    }
    assert.deepEqual(left, []);
  });
});
