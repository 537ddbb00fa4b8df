/**
 * `node dist/cli.js lint` end to end, through the built bundle (npm test builds first): exit codes, the text, json
 * and SARIF outputs on test/fixtures/lint, the folders it skips, usage errors, and `examples/app` linting clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RULE_IDS, RULES } from '../../src/lint/policy.js';

const REPO = path.resolve(__dirname, '../..');
const CLI = path.join(REPO, 'dist/cli.js');
const FIXTURES = path.join(REPO, 'test/fixtures/lint');

function run(args: string[], cwd = FIXTURES) {
  assert.ok(fs.existsSync(path.join(REPO, 'dist/lint.js')), 'dist/lint.js is missing: run npm run build');
  const result = spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const APP_FINDINGS = [
  'app/src/functions/orders.ts:6:20 error no-current-time',
  'app/src/functions/orders.ts:7:24 error no-random',
  'app/src/functions/orders.ts:9:3 error unyielded-task',
];

test('text: one line per finding (file:line:col  severity  message  rule), a summary, exit 1 on errors', () => {
  const { code, stdout } = run(['app', 'warnings', 'clean']);
  assert.equal(code, 1);
  const lines = stdout.trimEnd().split('\n');
  const findingLines = lines.filter((line) => /^\S+:\d+:\d+ {2}/.test(line));
  assert.deepEqual(
    findingLines.map((line) => {
      const match = /^(\S+:\d+:\d+) {2}(\w+) {2}.+ {2}([a-z-]+)$/.exec(line);
      assert.ok(match, line);
      return `${match[1]} ${match[2]} ${match[3]}`;
    }),
    [...APP_FINDINGS, 'warnings/index.js:4:18 warning no-env'],
  );
  assert.equal(lines.at(-1), '4 problems (3 errors, 1 warning, 0 info) in 2 of 5 files.');
});

test('exit 0 with only warnings, or nothing; default path is the working directory', () => {
  const warnings = run([], path.join(FIXTURES, 'warnings'));
  assert.equal(warnings.code, 0);
  assert.match(warnings.stdout, /^index\.js:4:18 {2}warning {2}/);
  const clean = run(['clean']);
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, 'No problems in 1 file.\n');
});

test('json: an array of findings with 1-based positions, related locations and fixes', () => {
  const { code, stdout } = run(['--format', 'json', 'app']);
  assert.equal(code, 1);
  const findings = JSON.parse(stdout);
  assert.deepEqual(
    findings.map(
      (f: { file: string; line: number; column: number; severity: string; rule: string }) =>
        `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}`,
    ),
    APP_FINDINGS,
  );
  const [time, random] = findings;
  assert.deepEqual(
    { endLine: time.endLine, endColumn: time.endColumn, message: typeof time.message },
    { endLine: 6, endColumn: 30, message: 'string' },
  );
  assert.deepEqual(time.fixes[0].edits[0], {
    file: 'app/src/functions/orders.ts',
    line: 6,
    column: 20,
    endLine: 6,
    endColumn: 30,
    newText: 'context.df.currentUtcDateTime.getTime()',
  });
  assert.deepEqual(
    random.related.map((r: { file: string; line: number }) => `${r.file}:${r.line}`),
    ['app/src/lib/describe.ts:2'],
  );
});

test('sarif: SARIF 2.1.0 with the rule catalogue, results, relative locations, related locations and fixes', () => {
  const { code, stdout } = run(['--format', 'sarif', 'app', 'warnings']);
  assert.equal(code, 1);
  const log = JSON.parse(stdout);
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  const runEntry = log.runs[0];
  const driver = runEntry.tool.driver;
  assert.equal(driver.name, 'durable-studio-lint');
  // No public address exists for the project yet: the rules carry their whole help text instead of links.
  assert.equal(driver.informationUri, undefined);
  assert.deepEqual(
    driver.rules.map((r: { id: string }) => r.id),
    RULE_IDS,
  );
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text, rule.id);
    const expected = { error: 'error', warning: 'warning', info: 'note' }[
      RULES[rule.id as keyof typeof RULES].defaultSeverity
    ];
    assert.equal(rule.defaultConfiguration.level, expected);
  }
  assert.equal(runEntry.originalUriBaseIds['%SRCROOT%'].uri, `file://${FIXTURES}/`);
  const results = runEntry.results;
  assert.deepEqual(
    results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`),
    ['no-current-time error', 'no-random error', 'unyielded-task error', 'no-env warning'],
  );
  for (const result of results) {
    assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
    assert.ok(result.message.text);
    const location = result.locations[0].physicalLocation;
    assert.equal(location.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(!path.isAbsolute(location.artifactLocation.uri));
    const region = location.region;
    assert.ok(
      region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine && region.endColumn >= 1,
    );
  }
  assert.deepEqual(results[0].locations[0].physicalLocation, {
    artifactLocation: { uri: 'app/src/functions/orders.ts', uriBaseId: '%SRCROOT%' },
    region: { startLine: 6, startColumn: 20, endLine: 6, endColumn: 30 },
  });
  assert.equal(results[1].relatedLocations[0].physicalLocation.artifactLocation.uri, 'app/src/lib/describe.ts');
  assert.equal(
    results[0].fixes[0].artifactChanges[0].replacements[0].insertedContent.text,
    'context.df.currentUtcDateTime.getTime()',
  );
});

test('--rule changes severities or turns rules off; exit codes follow', () => {
  assert.equal(run(['--rule', 'no-env=error', 'warnings']).code, 1);
  const off = run([
    '--format',
    'json',
    '--rule',
    'no-current-time=off',
    '--rule',
    'no-random=warning',
    '--rule',
    'unyielded-task=info',
    'app',
  ]);
  assert.equal(off.code, 0);
  assert.deepEqual(
    JSON.parse(off.stdout).map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`),
    ['no-random warning', 'unyielded-task info'],
  );
});

test('usage errors exit 2 with a message', () => {
  for (const args of [
    ['--rule', 'no-such-rule=error'],
    ['--rule', 'no-env=fatal'],
    ['--rule', 'no-env'],
    ['--format', 'xml'],
    ['--no-such-option'],
    ['does-not-exist'],
    ['README.md'],
  ]) {
    const { code, stderr } = run(args);
    assert.equal(code, 2, args.join(' '));
    assert.ok(stderr.trim().length > 0, args.join(' '));
  }
  const help = run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--format <format>/);
});

test('folders walked skip node_modules, dist, out, build, .git and .durable-studio; explicit files are linted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-'));
  try {
    fs.cpSync(path.join(FIXTURES, 'app'), dir, { recursive: true });
    const hazard =
      "const df = require('durable-functions');\ndf.app.orchestration('x', function* () { Date.now(); });\n";
    for (const skipped of [
      'node_modules/pkg',
      'dist',
      'out',
      'build',
      '.git',
      '.durable-studio',
      'src/nested/node_modules',
    ]) {
      fs.mkdirSync(path.join(dir, skipped), { recursive: true });
      fs.writeFileSync(path.join(dir, skipped, 'index.js'), hazard);
    }
    fs.mkdirSync(path.join(dir, '.hidden'));
    fs.writeFileSync(path.join(dir, '.hidden', 'index.js'), hazard);
    fs.writeFileSync(path.join(dir, 'types.d.ts'), hazard);
    const { stdout } = run(['--format', 'json'], dir);
    const files = [...new Set(JSON.parse(stdout).map((f: { file: string }) => f.file))];
    assert.deepEqual(files, ['.hidden/index.js', 'src/functions/orders.ts']);
    const explicit = run(['--format', 'json', 'dist/index.js'], dir);
    assert.equal(JSON.parse(explicit.stdout).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('examples/app lints clean (no false positives on real code)', () => {
  const { code, stdout } = run(['examples/app/src'], REPO);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /^No problems in \d+ files\.\n$/);
});

test('the emulator CLI bundle does not carry the TypeScript compiler', () => {
  const cli = fs.readFileSync(CLI, 'utf8');
  assert.ok(!cli.includes('createSourceFile'), 'dist/cli.js must require dist/lint.js at run time, not bundle it');
  assert.ok(fs.readFileSync(path.join(REPO, 'dist/lint.js'), 'utf8').includes('createSourceFile'));
});

test('linting one file indexes its whole app (the folder with host.json); --known declares other functions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-app-'));
  try {
    fs.mkdirSync(path.join(dir, 'src/functions'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'src/functions/activities.ts'),
      "import * as df from 'durable-functions';\ndf.app.activity('sayHello', { handler: (name: string) => name });\n",
    );
    fs.writeFileSync(
      path.join(dir, 'src/functions/orch.ts'),
      "import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (context) {\n" +
        "  yield context.df.callActivity('sayHello', 'a');\n  yield context.df.callActivity('sendEmail', 'b');\n});\n",
    );
    const orch = 'src/functions/orch.ts';
    // Without host.json the linted file is all the linter knows: it registers no activity, so nothing is checked.
    assert.deepEqual(JSON.parse(run(['--format', 'json', orch], dir).stdout), []);
    fs.writeFileSync(path.join(dir, 'host.json'), '{ "version": "2.0" }\n');
    const found = run(['--format', 'json', orch], dir);
    assert.equal(found.code, 1);
    assert.deepEqual(
      JSON.parse(found.stdout).map(
        (f: { rule: string; line: number; message: string }) => `${f.rule} ${f.line} ${f.message}`,
      ),
      [
        "unknown-function 4 Unknown activity 'sendEmail': the workspace registers no activity of that name (df.app.activity). Registered: 'sayHello'.",
      ],
    );
    const known = run(['--known', 'activity:sendEmail', orch], dir);
    assert.equal(known.code, 0, known.stdout);
    assert.equal(run(['--known', 'sendEmail', orch], dir).code, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('activity-input-type through the bundle: its type checker finds the lib files next to it (dist/typescript-lib)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-types-'));
  try {
    fs.writeFileSync(path.join(dir, 'host.json'), '{ "version": "2.0" }\n');
    // The app's node_modules: the durable-functions declarations type the orchestration context.
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
    fs.writeFileSync(
      path.join(dir, 'activities.ts'),
      "import * as df from 'durable-functions';\n" +
        "df.app.activity('sayHello', { handler: async (name: string): Promise<string> => `Hello ${name}` });\n",
    );
    fs.writeFileSync(
      path.join(dir, 'orch.ts'),
      "import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (context) {\n" +
        '  const input = context.df.getInput<{ count: number }>();\n' +
        "  const greeting: string = yield context.df.callActivity('sayHello', input.count);\n" +
        "  const length: number = yield context.df.callActivity('sayHello', 'x');\n" +
        '  return [greeting, length];\n});\n',
    );
    const { code, stdout } = run(['--format', 'json', '.'], dir);
    assert.equal(code, 1, stdout);
    assert.deepEqual(
      JSON.parse(stdout).map((f: { rule: string; line: number; message: string }) => `${f.line} ${f.message}`),
      [
        "4 `callActivity('sayHello', input.count)` passes number, but activity 'sayHello' takes string (activities.ts:2).",
        "5 `length` is declared number, but activity 'sayHello' returns string (activities.ts:2).",
      ],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
