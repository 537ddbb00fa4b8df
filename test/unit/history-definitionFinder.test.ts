import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findDefinition, findRegistrations, sourcePreference } from '../../src/extension/history/definitionFinder.js';

const APP = resolve(__dirname, '../../examples/app');
const SOURCES = join(APP, 'src/functions');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The app's TypeScript sources and, when it was built, its compiled copies in dist/. */
const appFiles = [
  ...listFiles(SOURCES),
  ...listFiles(join(APP, 'dist')).filter((file) => !file.includes('node_modules')),
];

function lineText(file: string, line: number): string {
  return readFileSync(file, 'utf8').split('\n')[line]!;
}

test('registrations in a source: literals, constants, every app method', () => {
  const source = [
    "import { app } from '@azure/functions';",
    "import * as df from 'durable-functions';",
    "const entityName: string = 'counter';",
    "df.app.orchestration('hello', function* () {});",
    'df.app.activity("say\\"Hi", { handler: h });',
    'df.app.entity(entityName, counter);',
    "app.http('ping', { handler });",
    "durable_functions_1.app.activity('compiled', { handler });",
    "df.app.client.http('starter', { handler });",
    'app.setup({ enableHttpStream: true });',
    'app.hook.appStart(() => {});',
    'df.app.activity(`tmpl${x}`, { handler });',
  ].join('\n');
  assert.deepEqual(
    findRegistrations(source).map((r) => [r.kind, r.method, r.name, r.line, r.character, r.length]),
    [
      ['orchestration', 'orchestration', 'hello', 3, 21, 7],
      ['activity', 'activity', 'say"Hi', 4, 16, 9],
      ['entity', 'entity', 'counter', 5, 14, 10],
      ['function', 'http', 'ping', 6, 9, 6],
      ['activity', 'activity', 'compiled', 7, 33, 10],
      ['function', 'http', 'starter', 8, 19, 9],
    ],
  );
});

test('TypeScript sources of the app beat JavaScript, which beats build output', () => {
  assert.ok(sourcePreference('/w/app/src/a.ts') < sourcePreference('/w/app/src/a.js'));
  assert.ok(sourcePreference('/w/app/src/a.js') < sourcePreference('/w/app/dist/src/a.js'));
  assert.ok(sourcePreference('/w/app/dist/src/a.js', '/w/app') < sourcePreference('/w/other/src/a.ts', '/w/app'));
});

test('finds activities, orchestrations and entities of examples/app in its TypeScript sources', async () => {
  const cases = [
    { target: { kind: 'activity', name: 'sayHello' }, file: 'helloSequence.ts', text: 'df.app.activity(activityName' },
    {
      target: { kind: 'orchestration', name: 'fanOutFanIn' },
      file: 'fanOutFanIn.ts',
      text: "orchestration('fanOutFanIn'",
    },
    { target: { kind: 'entity', name: 'counter' }, file: 'counter.ts', text: 'df.app.entity(entityName' },
    { target: { kind: 'activity', name: 'flakyActivity' }, file: 'retryOrchestration.ts', text: "'flakyActivity'" },
    { target: { kind: 'function', name: 'ping' }, file: 'httpCaller.ts', text: "app.http('ping'" },
    // Case-insensitive, like the Functions host (entity ids arrive lower-cased).
    { target: { kind: 'orchestration', name: 'HELLOSEQUENCE' }, file: 'helloSequence.ts', text: "'helloSequence'" },
  ] as const;
  for (const { target, file, text } of cases) {
    const found = await findDefinition(target, appFiles, (f) => readFile(f, 'utf8'), { appDir: APP });
    assert.ok(found, `${target.name} found`);
    assert.equal(found.file, join(SOURCES, file), target.name);
    assert.ok(lineText(found.file, found.line).includes(text), `${target.name}: ${lineText(found.file, found.line)}`);
    const argument = lineText(found.file, found.line).slice(found.character, found.character + found.length);
    assert.ok(/^['"]?[\w]+['"]?$/.test(argument), argument);
  }
});

test('the kind must agree, unknown names are not found, unreadable files are skipped', async () => {
  const read = (f: string) => (f.endsWith('counter.ts') ? Promise.reject(new Error('gone')) : readFile(f, 'utf8'));
  assert.equal(await findDefinition({ kind: 'activity', name: 'helloSequence' }, appFiles, read), undefined);
  assert.equal(await findDefinition({ kind: 'activity', name: 'noSuchActivity' }, appFiles, read), undefined);
  assert.equal(
    await findDefinition(
      { kind: 'entity', name: 'counter' },
      appFiles.filter((f) => f.endsWith('.ts')),
      read,
    ),
    undefined,
  );
});

test('only compiled JavaScript: the dist copy is found', async () => {
  const compiled = appFiles.filter((file) => file.endsWith('.js'));
  if (compiled.length === 0) return; // examples/app not built (npm run example:setup builds it)
  const found = await findDefinition({ kind: 'activity', name: 'getWorkItems' }, compiled, (f) => readFile(f, 'utf8'));
  assert.ok(found?.file.endsWith(join('dist', 'src', 'functions', 'fanOutFanIn.js')), found?.file);
});
