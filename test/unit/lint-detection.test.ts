/**
 * Orchestrator detection, however the orchestrator is written and registered: each style must find the
 * `Date.now()` inside it, and nothing registered as something else is analysed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint, lintFiles, rules } from './lint-harness.js';

const HAZARD = 'const t = Date.now();';

function detects(text: string, name = 'orch.ts'): void {
  assert.deepEqual(rules(lint(text, name)), ['no-current-time'], text);
}

test('ESM namespace, default and named imports, with aliases', () => {
  detects(`import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`);
  detects(`import df from 'durable-functions';\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`);
  detects(`import { app } from 'durable-functions';\napp.orchestration('o', function* (context) { ${HAZARD} });`);
  detects(
    `import { app as dfApp } from 'durable-functions';\ndfApp.orchestration('o', function* (context) { ${HAZARD} });`,
  );
  detects(
    `import * as durable from 'node:durable-functions-not-this';\nimport * as df from 'durable-functions';\ndf.app.orchestration('o', function* (c) { ${HAZARD} });`,
  );
});

test('CommonJS require, destructured, aliased, member', () => {
  detects(
    `const df = require('durable-functions');\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`,
    'orch.js',
  );
  detects(
    `const { app } = require('durable-functions');\napp.orchestration('o', function* (context) { ${HAZARD} });`,
    'orch.cjs',
  );
  detects(
    `const { app: a } = require('durable-functions');\na.orchestration('o', function* (context) { ${HAZARD} });`,
    'orch.js',
  );
  detects(
    `const app = require('durable-functions').app;\napp.orchestration('o', function* (context) { ${HAZARD} });`,
    'orch.js',
  );
  detects(
    `const { orchestration } = require('durable-functions').app;\norchestration('o', function* (context) { ${HAZARD} });`,
    'orch.js',
  );
  detects(
    `import df = require('durable-functions');\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`,
    'orch.cts',
  );
});

test('handler inline, named declaration, variable, handler object, shorthand, method', () => {
  const imp = "import * as df from 'durable-functions';\n";
  detects(`${imp}function* orch(context) { ${HAZARD} }\ndf.app.orchestration('o', orch);`);
  detects(`${imp}df.app.orchestration('o', orch);\nfunction* orch(context) { ${HAZARD} }`);
  detects(`${imp}const orch = function* (context) { ${HAZARD} };\ndf.app.orchestration('o', orch);`);
  detects(
    `${imp}const orch: df.OrchestrationHandler = function* (context: df.OrchestrationContext) { ${HAZARD} };\ndf.app.orchestration('o', { handler: orch });`,
  );
  detects(`${imp}const handler = function* (context) { ${HAZARD} };\ndf.app.orchestration('o', { handler });`);
  detects(`${imp}df.app.orchestration('o', { handler: function* (context) { ${HAZARD} } });`);
  detects(`${imp}df.app.orchestration('o', { *handler(context) { ${HAZARD} } });`);
  detects(`${imp}const options = { handler: function* (context) { ${HAZARD} } };\ndf.app.orchestration('o', options);`);
  detects(
    `${imp}const orchestrators = { *first(context) { ${HAZARD} } };\ndf.app.orchestration('o', orchestrators.first);`,
  );
  detects(`${imp}df.app.orchestration('o', (function* (context) { ${HAZARD} }) as df.OrchestrationHandler);`);
});

test('non-generator handlers are orchestrators too (the rules apply to whatever is registered)', () => {
  detects(`import * as df from 'durable-functions';\ndf.app.orchestration('o', (context) => { ${HAZARD} return t; });`);
  detects(`import * as df from 'durable-functions';\ndf.app.orchestration('o', function (context) { ${HAZARD} });`);
});

test('JavaScript and TypeScript flavours: .js .mjs .cjs .ts .mts .cts .tsx .jsx', () => {
  const esm = `import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`;
  for (const name of ['a.js', 'a.mjs', 'a.ts', 'a.mts', 'a.tsx', 'a.jsx']) detects(esm, name);
  const cjs = `const df = require('durable-functions');\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`;
  for (const name of ['a.cjs', 'a.cts', 'a.js']) detects(cjs, name);
  detects(
    `import * as df from 'durable-functions';\nconst el = <div />;\ndf.app.orchestration('o', function* (context) { ${HAZARD} });`,
    'a.tsx',
  );
});

test('orchestrator imported from another workspace file (ESM and CommonJS), reported in that file', () => {
  const orchTs = `export function* orch(context) { ${HAZARD} }\nexport default function* other(context) { ${HAZARD} }`;
  const index =
    "import * as df from 'durable-functions';\nimport other, { orch } from './orchestrators/orch.js';\ndf.app.orchestration('a', orch);\ndf.app.orchestration('b', other);";
  const files = { 'index.ts': index, 'orchestrators/orch.ts': orchTs };
  assert.deepEqual(lintFiles(files, 'index.ts'), []);
  const found = lintFiles(files, 'orchestrators/orch.ts');
  assert.deepEqual(rules(found), ['no-current-time', 'no-current-time']);
  assert.ok(found.every((f) => f.file.endsWith('orch.ts')));

  const cjs = {
    'index.js':
      "const df = require('durable-functions');\nconst orchs = require('./orchs');\ndf.app.orchestration('a', orchs.first);\ndf.app.orchestration('b', require('./single'));",
    'orchs.js': `exports.first = function* (context) { ${HAZARD} };`,
    'single.js': `module.exports = function* (context) { ${HAZARD} };`,
  };
  assert.equal(lintFiles(cjs, 'orchs.js').length, 1);
  assert.equal(lintFiles(cjs, 'single.js').length, 1);

  const reexport = {
    'index.ts':
      "import { app } from 'durable-functions';\nimport { orch } from './lib';\napp.orchestration('a', orch);",
    'lib/index.ts': "export * from './impl';",
    'lib/impl.ts': `export const orch = function* (context) { ${HAZARD} };`,
  };
  assert.equal(lintFiles(reexport, 'lib/impl.ts').length, 1);
  const moduleExportsObject = {
    'index.js':
      "const { app } = require('durable-functions');\nconst { orch } = require('./o');\napp.orchestration('a', { handler: orch });",
    'o.js': `function* orch(context) { ${HAZARD} }\nmodule.exports = { orch };`,
  };
  assert.equal(lintFiles(moduleExportsObject, 'o.js').length, 1);
});

test('activities, entities, HTTP functions and other functions with the same body are never orchestrators', () => {
  const text = `
import * as df from 'durable-functions';
import { app } from '@azure/functions';
function* notRegistered(context) { ${HAZARD} }
df.app.activity('a', { handler: function* (context) { ${HAZARD} } });
df.app.entity('e', function* (context) { ${HAZARD} });
app.http('h', { handler: function* (context) { ${HAZARD} } as never });
const other = { app: { orchestration(_name: string, fn: unknown) { return fn; } } };
other.app.orchestration('x', function* (context) { ${HAZARD} });
export { notRegistered };
`;
  assert.deepEqual(lint(text), []);
});

test('a local look-alike of durable-functions is not durable-functions', () => {
  const text = `
const df = { app: { orchestration(_n: string, _f: unknown) {} } };
df.app.orchestration('o', function* (context) { ${HAZARD} });
function shadow(df: { app: { orchestration(n: string, f: unknown): void } }) {
  df.app.orchestration('o', function* (context) { ${HAZARD} });
}
export { shadow };
`;
  assert.deepEqual(lint(text), []);
});

test('registration inside a function, and several registrations of one handler report once', () => {
  const text = `
import * as df from 'durable-functions';
function* orch(context) { ${HAZARD} }
export function register() {
  df.app.orchestration('a', orch);
  df.app.orchestration('b', orch);
}
`;
  assert.deepEqual(rules(lint(text)), ['no-current-time']);
});

test('files with syntax errors are linted as far as they parse', () => {
  const text = `import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (context) { ${HAZARD} const = ; });`;
  assert.ok(rules(lint(text)).includes('no-current-time'));
});
