/**
 * Following calls from orchestrators into helpers (same file, other workspace files, transitively, with cycles), the
 * related locations that point at the offending line, and suppression comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, lint, lintBody, lintFiles, orch, rules } from './lint-harness.js';

test('a hazard in a helper of the same file is reported at the call, related to the offending line', () => {
  const text = orch('  const s = stamp();', { header: 'function stamp() {\n  return Date.now();\n}' });
  const [finding, ...rest] = lint(text);
  assert.equal(rest.length, 0);
  assert.equal(finding!.rule, 'no-current-time');
  assert.deepEqual(finding!.range.start, { line: 6, column: 13 });
  assert.match(finding!.message, /^`stamp\(\)` calls `Date\.now\(\)` \(orch\.ts:3\), which reads the clock/);
  assert.equal(finding!.related.length, 1);
  assert.equal(finding!.related[0]!.file, abs('orch.ts'));
  assert.deepEqual(finding!.related[0]!.range.start, { line: 3, column: 10 });
});

test('helpers imported from other files, transitively, with the chain in related', () => {
  const files = {
    'orch.ts': orch("  const v = yield context.df.callActivity('a', describe());", {
      header: "import { describe } from './lib/describe';",
    }),
    'lib/describe.ts': "import { now } from './clock';\nexport function describe() {\n  return `at ${now()}`;\n}",
    'lib/clock.ts': 'export const now = () => new Date().toISOString();',
  };
  const [finding] = lintFiles(files, 'orch.ts');
  assert.equal(finding!.rule, 'no-current-time');
  assert.deepEqual(
    finding!.related.map((r) => [r.file, r.range.start.line]),
    [
      [abs('lib/clock.ts'), 1],
      [abs('lib/describe.ts'), 3],
    ],
  );
  assert.match(finding!.related[1]!.message, /reached through `now\(\)`/);
  assert.deepEqual(lintFiles(files, 'lib/clock.ts'), [], 'helpers are reported at the call site, not in their file');
});

test('CommonJS helpers, namespace imports, object methods and callbacks passed by name', () => {
  const files = {
    'orch.js': orch(
      '  const a = util.id();\n  const b = helpers.read();\n  const c = [1].map(tick);\n  const d = tools.env();',
      {
        header:
          "const util = require('./util');\nimport * as helpers from './helpers';\nconst tick = () => Math.random();\nconst tools = { env() { return process.env.A; } };",
      },
    ),
    'util.js': "const { randomUUID } = require('crypto');\nmodule.exports = { id: () => randomUUID() };",
    'helpers.js': "import fs from 'fs';\nexport function read() { return fs.readFileSync('x'); }",
  };
  assert.deepEqual(rules(lintFiles(files, 'orch.js')), ['no-random', 'no-io', 'no-random', 'no-env']);
});

test('yield* generator helpers are orchestrator code: every rule applies, fixes use their own context name', () => {
  const text = orch('  const r = yield* step(context);', {
    header: "function* step(ctx: any) {\n  ctx.df.callActivity('a');\n  yield 5;\n  return Date.now();\n}",
  });
  const found = lint(text);
  // All at the same call site, so in rule order.
  assert.deepEqual(rules(found), ['no-current-time', 'unyielded-task', 'yield-non-task']);
  const time = found.find((f) => f.rule === 'no-current-time')!;
  assert.equal(time.fixes[0]!.edits[0]!.newText, 'ctx.df.currentUtcDateTime.getTime()');
  assert.equal(time.fixes[0]!.edits[0]!.file, abs('orch.ts'));
  assert.deepEqual(time.fixes[0]!.edits[0]!.range.start, { line: 5, column: 10 });
});

test('recursion and cycles terminate; hazards in a cycle are still found', () => {
  const text = orch('  const v = a(3);', {
    header:
      'function a(n: number): number { return n > 0 ? b(n - 1) : 0; }\nfunction b(n: number): number { return a(n) + Math.random(); }',
  });
  assert.deepEqual(rules(lint(text)), ['no-random']);
  const self = orch('  const v = fact(3);', {
    header: 'function fact(n: number): number { return n <= 1 ? 1 : n * fact(n - 1); }',
  });
  assert.deepEqual(lint(self), []);
  const recursiveOrch =
    "import * as df from 'durable-functions';\nfunction* o(context: any): any { yield* o(context); }\ndf.app.orchestration('o', o);";
  assert.deepEqual(lint(recursiveOrch), []);
});

test('helpers that are safe, or not followed (packages, unknown values), report nothing', () => {
  clean('const n = add(1, 2);', 'function add(a: number, b: number) { return a + b; }');
  clean("const s = path.join('a', 'b'); const j = JSON.stringify({});", "import path from 'node:path';");
  clean('const r = input.compute();', 'const input = { compute: () => 1 };');
  clean('const t = yield makeTask(context);', "function makeTask(c: any) { return c.df.callActivity('a'); }");
});

function clean(body: string, header: string): void {
  assert.deepEqual(lintBody(body, header), []);
}

test('module state written by a helper is reported at the call', () => {
  const text = orch('  record(1);', {
    header: 'const log: number[] = [];\nfunction record(n: number) { log.push(n); }',
  });
  assert.deepEqual(rules(lint(text)), ['no-shared-state-write']);
});

test('suppression: next line, listed rules, reason after --, all rules, same line, block comments', () => {
  const body = [
    '  // durable-lint-disable-next-line no-current-time -- logged only',
    '  const a = Date.now();',
    '  // durable-lint-disable-next-line no-random, no-current-time reason without dashes',
    '  const b = Math.random() + Date.now();',
    '  // durable-lint-disable-next-line',
    '  const c = Date.now() + Math.random();',
    '  // durable-lint-disable-next-line -- everything on the next line',
    '  const d = Date.now();',
    '  const e = Date.now(); // durable-lint-disable-line no-current-time',
    '  /* durable-lint-disable-next-line no-current-time */',
    '  const f = Date.now();',
  ].join('\n');
  assert.deepEqual(lint(orch(body)), []);
});

test('suppression does not reach other rules, other lines, or misspelt ids', () => {
  const body = [
    '  // durable-lint-disable-next-line no-random',
    '  const a = Date.now();',
    '  // durable-lint-disable-next-line no-current-time',
    '',
    '  const b = Date.now();',
    '  // durable-lint-disable-next-line no-curent-time',
    '  const c = Date.now();',
  ].join('\n');
  assert.deepEqual(
    lint(orch(body)).map((f) => f.range.start.line),
    [5, 8, 10],
  );
});

test('a helper hazard is suppressed at the call site, or at its own line for every caller', () => {
  const atCall = orch('  // durable-lint-disable-next-line no-current-time\n  const s = stamp();', {
    header: 'function stamp() { return Date.now(); }',
  });
  assert.deepEqual(lint(atCall), []);
  const atOrigin = orch('  const s = stamp();', {
    header:
      'function stamp() {\n  // durable-lint-disable-next-line no-current-time -- only for logs\n  return Date.now();\n}',
  });
  assert.deepEqual(lint(atOrigin), []);
});
