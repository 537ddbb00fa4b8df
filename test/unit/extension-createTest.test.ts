/**
 * "Create Test for Orchestration" without VS Code: the runner and module style detected from package.json and the
 * source's extension, the test file's name, the `main` glob warning, and the generated file for each runner and
 * module style (it parses, mocks every activity, checks the happy path in the runner's idioms). The node:test files
 * are also run, with `node --test`, against a stand-in for `durable-studio/testing` that checks the app folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { OrchestrationSummary } from '../../src/lint/api.js';
import {
  freeName,
  mainLoadsTest,
  numberedName,
  planTest,
  runnerOf,
  testFileFor,
  type FileProbe,
} from '../../src/extension/createTest/detect.js';
import { quote, renderTest, type TestRunner, type TestSpec } from '../../src/extension/createTest/template.js';

const ROOT = path.resolve('/ws/app');

function memoryProbe(files: Record<string, string>): FileProbe & { files: Map<string, string> } {
  const map = new Map(Object.entries(files).map(([name, text]) => [path.join(ROOT, name), text]));
  return {
    files: map,
    read: async (file) => map.get(file),
    exists: async (file) => map.has(file),
  };
}

function orchestration(file: string, overrides: Partial<OrchestrationSummary> = {}): OrchestrationSummary {
  return { name: 'helloSequence', file: path.join(ROOT, file), line: 3, activities: ['sayHello'], ...overrides };
}

/** Syntax errors of a generated file, parsed as what its extension says (TypeScript or JavaScript). */
function syntaxErrors(text: string, fileName: string): string[] {
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, allowJs: true },
  });
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const parse = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return [...(out.diagnostics ?? []), ...parse].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('runner: Vitest, else Jest, in dependencies or devDependencies; else node:test', () => {
  assert.equal(runnerOf({ devDependencies: { vitest: '^3', jest: '^29' } }), 'vitest');
  assert.equal(runnerOf({ dependencies: { jest: '^29' } }), 'jest');
  assert.equal(runnerOf({ devDependencies: { 'jest-cli': '^29' } }), 'node');
  assert.equal(runnerOf({ devDependencies: ['vitest'] }), 'node');
  assert.equal(runnerOf(undefined), 'node');
});

test("tests go to the app's test folder; names mirror the source; module style from the extension, else the package type", () => {
  const src = (name: string) => path.join(ROOT, 'src', 'functions', name);
  const at = (name: string) => path.join(ROOT, 'test', name);
  assert.deepEqual(testFileFor(src('a.ts'), ROOT, false), { file: at('a.test.ts'), typescript: true, esm: false });
  assert.deepEqual(testFileFor(src('a.ts'), ROOT, true), { file: at('a.test.ts'), typescript: true, esm: true });
  assert.deepEqual(testFileFor(src('a.mts'), ROOT, false), { file: at('a.test.mts'), typescript: true, esm: true });
  assert.deepEqual(testFileFor(src('a.cts'), ROOT, true), { file: at('a.test.cts'), typescript: true, esm: false });
  assert.deepEqual(testFileFor(src('a.js'), ROOT, false), { file: at('a.test.js'), typescript: false, esm: false });
  assert.deepEqual(testFileFor(src('a.js'), ROOT, true), { file: at('a.test.js'), typescript: false, esm: true });
  assert.deepEqual(testFileFor(src('a.mjs'), ROOT, false), { file: at('a.test.mjs'), typescript: false, esm: true });
  assert.deepEqual(testFileFor(src('a.cjs'), ROOT, true), { file: at('a.test.cjs'), typescript: false, esm: false });
  assert.equal(numberedName(at('a.test.ts'), 2), at('a.2.test.ts'));
  assert.equal(numberedName(at('a.b.test.mjs'), 3), at('a.b.3.test.mjs'));
});

test('a free name skips the numbers taken', async () => {
  const probe = memoryProbe({ 'src/a.test.ts': '', 'src/a.2.test.ts': '' });
  assert.equal(await freeName(path.join(ROOT, 'src/a.test.ts'), probe), path.join(ROOT, 'src/a.3.test.ts'));
});

test('main globs that would load the test as a function file', () => {
  const ts = (file: string) => ({ file: path.join(ROOT, file), typescript: true, esm: false });
  const js = (file: string) => ({ file: path.join(ROOT, file), typescript: false, esm: false });
  assert.ok(mainLoadsTest('dist/src/functions/*.js', ROOT, ts('src/functions/hello.test.ts')));
  assert.ok(mainLoadsTest('dist/**/*.js', ROOT, ts('src/functions/hello.test.ts')));
  assert.ok(!mainLoadsTest('dist/src/index.js', ROOT, ts('src/functions/hello.test.ts')));
  assert.ok(!mainLoadsTest('dist/src/functions/*.mjs', ROOT, ts('src/functions/hello.test.ts')));
  assert.ok(mainLoadsTest('src/functions/*.js', ROOT, js('src/functions/hello.test.js')));
  assert.ok(mainLoadsTest('./src/**/*.{js,mjs}', ROOT, js('src/functions/hello.test.js')));
  assert.ok(!mainLoadsTest('src/functions/*.js', ROOT, js('test/hello.test.js')));
  assert.ok(!mainLoadsTest('src/functions/!(*.test).js', ROOT, js('src/functions/hello.test.js')));
  assert.ok(!mainLoadsTest('index.js', ROOT, js('hello.test.js')));
  // Where the command writes tests: out of the usual globs' way, compiled or not.
  assert.ok(!mainLoadsTest('dist/src/functions/*.js', ROOT, ts('test/hello.test.ts')));
  assert.ok(mainLoadsTest('dist/**/*.js', ROOT, ts('test/hello.test.ts')));
});

test('plan: the app is the folder with host.json; runner, style, app path, run command and warnings', async () => {
  const probe = memoryProbe({
    'host.json': '{}',
    'package.json': JSON.stringify({ main: 'dist/src/functions/*.js', devDependencies: { vitest: '^3' } }),
    'src/functions/hello.ts': '',
  });
  const plan = await planTest(orchestration('src/functions/hello.ts'), probe, { stop: path.dirname(ROOT) });
  assert.equal(plan.appDir, ROOT);
  assert.equal(plan.target.file, path.join(ROOT, 'test/hello.test.ts'));
  assert.deepEqual(plan.spec, {
    orchestration: 'helloSequence',
    activities: ['sayHello'],
    runner: 'vitest',
    typescript: true,
    esm: false,
    runCommand: 'npx vitest run test/hello.test.ts',
  });
  assert.deepEqual(plan.warnings.length, 1, plan.warnings.join('\n'));
  assert.match(plan.warnings[0]!, /does not list durable-studio/);

  // A main glob that also takes the test's compiled file is worth a warning.
  const wide = memoryProbe({
    'host.json': '{}',
    'package.json': JSON.stringify({ main: 'dist/**/*.js', devDependencies: { 'durable-studio': '*' } }),
  });
  const widePlan = await planTest(orchestration('src/functions/hello.ts'), wide, { stop: path.dirname(ROOT) });
  assert.equal(widePlan.warnings.length, 1, widePlan.warnings.join('\n'));
  assert.match(widePlan.warnings[0]!, /"main" \(dist\/\*\*\/\*\.js\) also matches the test once compiled/);

  // The handler's file, not the registration's, decides where the test goes; package.json may be further up.
  const nested = memoryProbe({
    'package.json': JSON.stringify({ type: 'module', devDependencies: { jest: '^29', 'durable-studio': '*' } }),
    'func/host.json': '{}',
    'func/orchestrators/order.mjs': '',
  });
  const other = await planTest(
    orchestration('func/index.mjs', { name: 'order', handlerFile: path.join(ROOT, 'func/orchestrators/order.mjs') }),
    nested,
  );
  assert.equal(other.appDir, path.join(ROOT, 'func'));
  assert.equal(other.target.file, path.join(ROOT, 'func/test/order.test.mjs'));
  assert.deepEqual(
    { runner: other.spec.runner, esm: other.spec.esm, run: other.spec.runCommand },
    { runner: 'jest', esm: true, run: 'npx jest func/test/order.test.mjs' },
  );
  assert.deepEqual(other.warnings, []);
});

const STYLES: { name: string; file: string; typescript: boolean; esm: boolean }[] = [
  { name: 'TypeScript, CommonJS', file: 'hello.test.ts', typescript: true, esm: false },
  { name: 'TypeScript, ESM', file: 'hello.test.ts', typescript: true, esm: true },
  { name: 'JavaScript, CommonJS', file: 'hello.test.js', typescript: false, esm: false },
  { name: 'JavaScript, ESM (.mjs)', file: 'hello.test.mjs', typescript: false, esm: true },
];
const RUNNERS: TestRunner[] = ['vitest', 'jest', 'node'];
const ACTIVITIES = ['sayHello', "it's", 'audit'];

for (const runner of RUNNERS) {
  for (const style of STYLES) {
    test(`template: ${runner}, ${style.name}: parses, mocks each activity, checks the happy path`, () => {
      const spec: TestSpec = {
        orchestration: 'helloSequence',
        activities: ACTIVITIES,
        runner,
        typescript: style.typescript,
        esm: style.esm,
        runCommand: 'run me',
      };
      const text = renderTest(spec);
      assert.deepEqual(syntaxErrors(text, style.file), [], text);
      for (const activity of ACTIVITIES) {
        assert.ok(text.includes(`host.mockActivity(${quote(activity)}, `), `${activity} mocked:\n${text}`);
        assert.ok(text.includes(`host.calls(${quote(activity)}).length`), `${activity} checked:\n${text}`);
      }
      assert.equal(text.match(/\/\/ TODO: replace the placeholder with what/g)?.length, ACTIVITIES.length);
      assert.ok(text.includes("const result = await host.run('helloSequence', { input });"), text);
      assert.ok(text.includes('// Run it with: run me'), text);
      assert.ok(text.includes('await host?.reset();') && text.includes('await host?.stop();'), text);
      const usesImport = style.typescript || style.esm || runner === 'vitest';
      assert.equal(/^import /m.test(text), usesImport, text);
      assert.equal(/require\(/.test(text), !usesImport, text);
      assert.ok(
        text.includes(
          style.esm
            ? "TestHost.start({ app: fileURLToPath(new URL('.', import.meta.url)) })"
            : 'TestHost.start({ app: __dirname })',
        ),
        text,
      );
      if (runner === 'vitest') {
        assert.match(text, /^import \{ afterAll, afterEach, beforeAll, describe, expect, it \} from 'vitest';$/m);
      }
      if (runner === 'jest') assert.ok(!/from 'jest'|'@jest\/globals'/.test(text), 'Jest globals');
      if (runner === 'node') {
        assert.match(
          text,
          /\b(import|const) \{ after, afterEach, before, describe, it \} (from |= require\()'node:test'/,
        );
        assert.match(text, /node:assert\/strict/);
        assert.match(text, /assert\.equal\(result\.runtimeStatus, 'Completed', result\.summary\);/);
      } else if (runner === 'vitest') {
        assert.match(text, /expect\(result\.runtimeStatus, result\.summary\)\.toBe\('Completed'\);/);
        assert.match(text, /beforeAll\(async \(\) => \{[^]*\}, 30_000\);/);
      } else {
        assert.match(text, /expect\(result\)\.toMatchObject\(\{ runtimeStatus: 'Completed' \}\);/);
        assert.match(text, /beforeAll\(async \(\) => \{[^]*\}, 30_000\);/);
      }
    });
  }
}

test('template: no activity known by name leaves a hint and no call checks', () => {
  const text = renderTest({
    orchestration: 'dynamic',
    activities: [],
    runner: 'node',
    typescript: true,
    esm: false,
  });
  assert.deepEqual(syntaxErrors(text, 'x.test.ts'), []);
  assert.ok(!text.includes('host.calls('));
  assert.ok(text.includes("// host.mockActivity('name', (input) => result);"));
  assert.ok(text.includes('TestHost.start({ app: __dirname })'));
});

/** A stand-in for durable-studio/testing: checks the app folder has host.json and records what the test did. */
const FAKE_TESTING = `
const fs = require('node:fs');
const path = require('node:path');
class TestHost {
  static async start({ app }) {
    for (let dir = app; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'host.json'))) return new TestHost(dir);
      if (path.dirname(dir) === dir) throw new Error('not in a function app: ' + app);
    }
  }
  constructor(app) { this.app = app; this.mocks = new Map(); this.log = new Map(); }
  mockActivity(name, fn) { this.mocks.set(name, fn); }
  async run(name, { input }) {
    for (const [activity, fn] of this.mocks) {
      const result = fn(input, { instanceId: 'i1', attempt: 1 });
      this.log.set(activity, [...(this.log.get(activity) ?? []), { instanceId: 'i1', input, attempt: 1, result }]);
    }
    return { instanceId: 'i1', name, runtimeStatus: 'Completed', input, output: null, history: [], summary: 'done' };
  }
  calls(name) { return this.log.get(name) ?? []; }
  async reset() { fs.appendFileSync(path.join(this.app, 'events.log'), 'reset\\n'); }
  async stop() { fs.appendFileSync(path.join(this.app, 'events.log'), 'stop\\n'); }
}
module.exports = { TestHost };
`;

function runNode(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  // Without the parent's test-runner context, the child runs its file as a test run of its own.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

const TSX_LOADER = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'));

for (const { source, type } of [
  { source: 'hello.js', type: undefined },
  { source: 'hello.js', type: 'module' },
  { source: 'hello.mjs', type: undefined },
  { source: 'hello.ts', type: undefined },
  { source: 'hello.ts', type: 'module' },
]) {
  test(`the node:test file runs: ${source}${type ? ', "type": "module"' : ''}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'create-test-'));
    try {
      const app = path.join(dir, 'app');
      const testing = path.join(app, 'node_modules', 'durable-studio');
      fs.mkdirSync(path.join(app, 'src', 'functions'), { recursive: true });
      fs.mkdirSync(testing, { recursive: true });
      fs.writeFileSync(path.join(app, 'host.json'), '{}');
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ ...(type ? { type } : {}), main: 'x.js' }));
      fs.writeFileSync(
        path.join(testing, 'package.json'),
        JSON.stringify({ name: 'durable-studio', exports: { './testing': './testing.cjs' } }),
      );
      fs.writeFileSync(path.join(testing, 'testing.cjs'), FAKE_TESTING);
      const probe: FileProbe = {
        read: async (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
        exists: async (file) => fs.existsSync(file),
      };
      const plan = await planTest(
        { name: 'hello', file: path.join(app, 'src', 'functions', source), line: 1, activities: ['sayHello', 'audit'] },
        probe,
        { stop: dir },
      );
      assert.equal(plan.spec.runner, 'node');
      fs.mkdirSync(path.dirname(plan.target.file), { recursive: true });
      fs.writeFileSync(plan.target.file, renderTest(plan.spec));
      const args = plan.target.typescript ? ['--import', TSX_LOADER.href] : [];
      const run = await runNode([...args, '--test', plan.target.file], app);
      assert.equal(run.code, 0, `${run.output}\n${fs.readFileSync(plan.target.file, 'utf8')}`);
      assert.match(run.output, /# pass 1\b/);
      assert.equal(fs.readFileSync(path.join(app, 'events.log'), 'utf8'), 'reset\nstop\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
