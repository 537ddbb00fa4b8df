/**
 * The language server's pure parts: findings to diagnostics and fixes to workspace edits (1-based to 0-based), the
 * stable keys, the settings it accepts, the documents host (buffer before disk, untitled paths), rule links into the
 * catalogue, the record of findings and their dependents, which findings a quick fix request is for, batching with
 * a failing linter, the workspace walk, and the package.json settings schema agreeing with the rule ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Linter } from '../../src/lint/api.js';
import { lintInBatches } from '../../src/lint/server/batches.js';
import {
  findingKeys,
  keyOf,
  toCodeActions,
  toDiagnostic,
  toLspRange,
  toSuppressAction,
  toWorkspaceEdit,
} from '../../src/lint/server/convert.js';
import { DocumentHost, pathOfUri } from '../../src/lint/server/documentHost.js';
import { FindingStore } from '../../src/lint/server/findingStore.js';
import { DIAGNOSTIC_SOURCE, parseSettings, RULE_IDS } from '../../src/lint/server/protocol.js';
import { quickFixTargets, rangesTouch } from '../../src/lint/server/quickFixTargets.js';
import { ruleDocLinks, ruleHeadingLines } from '../../src/lint/server/ruleDocs.js';
import { isSourceFile, workspaceSourceFiles } from '../../src/lint/server/workspaceFiles.js';

const ORCH = path.resolve('/app/src/orch.ts');
const HELPER = path.resolve('/app/src/helper.ts');
const uriOf = (file: string) => pathToFileURL(file).href;

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    file: ORCH,
    range: { start: { line: 3, column: 17 }, end: { line: 3, column: 27 } },
    rule: 'no-current-time',
    severity: 'error',
    message: 'Orchestrators must not read the clock',
    related: [],
    fixes: [
      {
        title: 'Use context.df.currentUtcDateTime',
        edits: [
          {
            file: ORCH,
            range: { start: { line: 3, column: 17 }, end: { line: 3, column: 27 } },
            newText: 'context.df.currentUtcDateTime.getTime()',
          },
        ],
      },
    ],
    ...overrides,
  };
}

test('ranges: 1-based line/column become 0-based line/character', () => {
  assert.deepEqual(toLspRange({ start: { line: 1, column: 1 }, end: { line: 2, column: 5 } }), {
    start: { line: 0, character: 0 },
    end: { line: 1, character: 4 },
  });
});

test('a finding becomes a diagnostic with rule code, doc link, source, related information and its key', () => {
  const f = finding({
    severity: 'warning',
    related: [
      {
        file: HELPER,
        range: { start: { line: 10, column: 3 }, end: { line: 10, column: 13 } },
        message: 'Date.now() here',
      },
    ],
  });
  const d = toDiagnostic(f, 'k1', uriOf, (rule) => `file:///docs/lint-rules.md#${rule}`);
  assert.deepEqual(d.range, { start: { line: 2, character: 16 }, end: { line: 2, character: 26 } });
  assert.equal(d.severity, 2);
  assert.equal(d.code, 'no-current-time');
  assert.deepEqual(d.codeDescription, { href: 'file:///docs/lint-rules.md#no-current-time' });
  assert.equal(d.source, DIAGNOSTIC_SOURCE);
  assert.deepEqual(d.relatedInformation, [
    {
      location: { uri: uriOf(HELPER), range: { start: { line: 9, character: 2 }, end: { line: 9, character: 12 } } },
      message: 'Date.now() here',
    },
  ]);
  assert.equal(keyOf(d), 'k1');
  const bare = toDiagnostic(finding({ severity: 'info' }), 'k2', uriOf, () => undefined);
  assert.equal(bare.severity, 3);
  assert.equal('codeDescription' in bare, false);
  assert.equal('relatedInformation' in bare, false);
  assert.equal(keyOf({ ...bare, source: 'eslint' }), undefined, 'other sources are not ours');
  const { data: _data, ...withoutData } = d;
  assert.equal(keyOf(withoutData), findingKeys([f])[0], 'without data, the rule and range make the key');
});

test('keys are stable for equal findings and tell apart the same rule reported twice at one range', () => {
  const a = finding();
  const b = finding({ rule: 'no-random' });
  assert.deepEqual(findingKeys([a, b, a]), [
    'no-current-time@3:17-3:27',
    'no-random@3:17-3:27',
    'no-current-time@3:17-3:27#1',
  ]);
  assert.deepEqual(findingKeys([finding()]), findingKeys([finding()]));
});

test('fixes become quick fixes with workspace edits grouped by file; the first is preferred', () => {
  const second = {
    title: 'Move it into an activity',
    edits: [
      { file: HELPER, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, newText: 'x' },
      { file: ORCH, range: { start: { line: 2, column: 1 }, end: { line: 2, column: 4 } }, newText: 'y' },
    ],
  };
  const f = finding({ fixes: [...finding().fixes, second] });
  const d = toDiagnostic(f, 'k', uriOf, () => undefined);
  const actions = toCodeActions(f, d, uriOf);
  assert.equal(actions.length, 2);
  assert.equal(actions[0]!.kind, 'quickfix');
  assert.equal(actions[0]!.isPreferred, true);
  assert.equal(actions[1]!.isPreferred, false);
  assert.deepEqual(actions[0]!.diagnostics, [d]);
  assert.deepEqual(actions[0]!.edit, {
    changes: {
      [uriOf(ORCH)]: [
        {
          range: { start: { line: 2, character: 16 }, end: { line: 2, character: 26 } },
          newText: 'context.df.currentUtcDateTime.getTime()',
        },
      ],
    },
  });
  assert.deepEqual(Object.keys(toWorkspaceEdit(second, uriOf).changes!).sort(), [uriOf(HELPER), uriOf(ORCH)].sort());
});

test("the suppression quick fix puts the comment above the finding, indented like it, in the file's line ending", () => {
  const f = finding({ range: { start: { line: 2, column: 9 }, end: { line: 2, column: 19 } } });
  const d = toDiagnostic(f, 'k', uriOf, () => undefined);
  const action = toSuppressAction(f, d, 'function* o(context) {\r\n\t  x = Date.now();\r\n}\r\n', 'file:///o.ts')!;
  assert.equal(action.title, 'Suppress no-current-time on this line');
  assert.equal(action.isPreferred, false);
  assert.deepEqual(action.edit!.changes!['file:///o.ts'], [
    {
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      newText: '\t  // durable-lint-disable-next-line no-current-time -- TODO: say why this is replay-safe\r\n',
    },
  ]);
  assert.equal(toSuppressAction(f, d, undefined, 'file:///o.ts'), undefined, 'no text, no action');
  assert.equal(toSuppressAction(f, d, 'one line', 'file:///o.ts'), undefined, 'no such line');
});

test('settings: known rules with valid severities are kept; anything else is dropped; enable defaults to on', () => {
  assert.deepEqual(parseSettings(undefined), { enable: true, rules: {}, knownFunctions: {} });
  assert.deepEqual(parseSettings('nonsense'), { enable: true, rules: {}, knownFunctions: {} });
  assert.deepEqual(
    parseSettings({
      enable: false,
      rules: { 'no-current-time': 'off', 'no-env': 'warning', 'no-such-rule': 'error', 'no-random': 'loud' },
    }),
    { enable: false, rules: { 'no-current-time': 'off', 'no-env': 'warning' }, knownFunctions: {} },
  );
  assert.deepEqual(
    parseSettings({ knownFunctions: { activities: ['sendEmail', 3], entities: 'auditLog', other: ['x'] } })
      .knownFunctions,
    { activities: ['sendEmail'] },
  );
  assert.deepEqual(parseSettings({ rules: null }), { enable: true, rules: {}, knownFunctions: {} });
});

test('the host reads an open buffer before the disk, and the disk again once the buffer closes', () => {
  const disk = new Map([[ORCH, 'on disk']]);
  const host = new DocumentHost((file) => {
    const text = disk.get(file);
    if (text === undefined) throw new Error('ENOENT');
    return text;
  });
  assert.equal(host.readFile(ORCH), 'on disk');
  assert.equal(host.readFile(HELPER), undefined, 'a missing file reads as undefined');
  const uri = uriOf(ORCH);
  assert.equal(host.opened({ uri, languageId: 'typescript', getText: () => 'in the buffer' }), ORCH);
  assert.equal(host.readFile(ORCH), 'in the buffer');
  assert.ok(host.isOpen(ORCH));
  assert.equal(host.uriOf(ORCH), uri);
  host.closed(uri, 'typescript');
  assert.equal(host.readFile(ORCH), 'on disk');
  assert.equal(host.opened({ uri: 'git:/x.ts', languageId: 'typescript', getText: () => '' }), undefined);
});

test('untitled buffers get a made-up path with their language extension, and keep their own URI', () => {
  const ts = pathOfUri('untitled:Untitled-1', 'typescript')!;
  assert.ok(path.isAbsolute(ts) && ts.endsWith(`${path.sep}Untitled-1.ts`), ts);
  assert.ok(pathOfUri('untitled:Untitled-2', 'javascript')!.endsWith('Untitled-2.js'));
  assert.ok(pathOfUri('untitled:Untitled-3', 'typescriptreact')!.endsWith('Untitled-3.tsx'));
  assert.equal(pathOfUri('not a uri', 'typescript'), undefined);
  assert.equal(pathOfUri('https://example.com/a.ts', 'typescript'), undefined);
  const host = new DocumentHost(() => 'disk');
  host.opened({ uri: 'untitled:Untitled-1', languageId: 'typescript', getText: () => 'buffer' });
  assert.equal(host.uriOf(ts), 'untitled:Untitled-1');
  assert.equal(host.readFile(ts), 'buffer');
});

test('rule links point at the heading line of each rule in the catalogue', () => {
  const markdown = [
    '# Determinism rules',
    '',
    'no-current-time is mentioned in text, which is not a heading.',
    '## `no-current-time`',
    'text',
    '## no-random — random values',
    '### no-io-helper (not a rule id)',
  ].join('\n');
  const lines = ruleHeadingLines(markdown);
  assert.equal(lines.get('no-current-time'), 4);
  assert.equal(lines.get('no-random'), 6);
  assert.equal(lines.has('no-io'), false);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-docs-'));
  try {
    const file = path.join(dir, 'lint-rules.md');
    fs.writeFileSync(file, markdown);
    const links = ruleDocLinks(file);
    assert.equal(links('no-current-time'), `${pathToFileURL(file).href}#L4`);
    assert.equal(links('no-io'), pathToFileURL(file).href, 'a rule without a heading links to the file');
    assert.equal(ruleDocLinks(path.join(dir, 'missing.md'))('no-io'), undefined);
    assert.equal(ruleDocLinks(undefined)('no-io'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the store answers by key and knows which files point into a helper', () => {
  const store = new FindingStore();
  const related = [{ file: HELPER, range: finding().range, message: 'here' }];
  const f = finding({ related });
  const keys = findingKeys([f]);
  const report = store.record(ORCH, [f], keys, [toDiagnostic(f, keys[0]!, uriOf, () => undefined)]);
  assert.equal(store.finding(ORCH, keys[0]!), f);
  assert.equal(store.finding(ORCH, 'other'), undefined);
  assert.deepEqual(store.dependentsOf(HELPER), [ORCH]);
  const again = store.record(ORCH, [f], keys, [toDiagnostic(f, keys[0]!, uriOf, () => undefined)]);
  assert.equal(again.resultId, report.resultId, 'the same diagnostics have the same result id');
  const clean = store.record(ORCH, [], [], []);
  assert.notEqual(clean.resultId, report.resultId);
  assert.deepEqual(store.dependentsOf(HELPER), [], 'a clean orchestrator no longer depends on the helper');
});

test('quick fix targets: findings touching the cursor or named by the client, from the current report only', () => {
  const store = new FindingStore();
  const first = finding(); // line 3, columns 17-27 → 0-based line 2, characters 16-26
  const second = finding({
    rule: 'no-random',
    range: { start: { line: 5, column: 3 }, end: { line: 5, column: 16 } },
    fixes: [],
  });
  const keys = findingKeys([first, second]);
  const diagnostics = [first, second].map((f, i) => toDiagnostic(f, keys[i]!, uriOf, () => undefined));
  const report = store.record(ORCH, [first, second], keys, diagnostics);
  const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });

  // The cursor right after the hazard, with no diagnostics from the client (it has not pulled the new text yet).
  assert.deepEqual(quickFixTargets(report, at(2, 26), []), [{ finding: first, diagnostic: diagnostics[0] }]);
  assert.deepEqual(quickFixTargets(report, at(2, 16), []).length, 1, 'the cursor right before it');
  assert.deepEqual(quickFixTargets(report, at(2, 27), []), [], 'one character past it');
  const both = { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } };
  assert.deepEqual(
    quickFixTargets(report, both, []).map((t) => t.finding),
    [first, second],
    'a selection over both, in file order',
  );

  // The client names a finding elsewhere (the Problems panel): its own diagnostic is echoed in the actions.
  const echoed = { ...diagnostics[1]!, message: 'as the client shows it' };
  assert.deepEqual(quickFixTargets(report, at(0, 0), [echoed]), [{ finding: second, diagnostic: echoed }]);
  // A stale diagnostic of the previous text (a range the edit moved), or anybody else's: nothing.
  const moved = { ...diagnostics[0]!, range: at(7, 1), data: { key: 'no-current-time@8:2-8:2' } };
  assert.deepEqual(quickFixTargets(report, at(7, 1), [moved, { ...diagnostics[0]!, source: 'eslint' }]), []);

  assert.equal(rangesTouch(at(1, 5), { start: { line: 1, character: 5 }, end: { line: 3, character: 0 } }), true);
  assert.equal(rangesTouch(at(3, 1), { start: { line: 1, character: 5 }, end: { line: 3, character: 0 } }), false);
});

test('batches: a linter that throws on a batch loses only the broken file; cancellation stops between batches', async () => {
  const files = Array.from({ length: 60 }, (_, i) => `/f${i}.ts`);
  const calls: string[] = [];
  const linter: Linter = {
    lintFile(file) {
      calls.push(file);
      if (file === '/f3.ts') throw new Error('broken');
      return [finding({ file })];
    },
    lintFiles(batch) {
      if (batch.includes('/f3.ts')) throw new Error('broken batch');
      return batch.map((file) => finding({ file }));
    },
    invalidate() {},
    configure() {},
    orchestrations: () => [],
  };
  const seen = new Map<string, number>();
  const errors: string[] = [];
  const progress: number[] = [];
  const finished = await lintInBatches(linter, files, {
    onFile: (file, findings) => seen.set(file, findings.length),
    onBatch: ({ done }) => progress.push(done),
    onError: (file) => errors.push(file),
  });
  assert.equal(finished, true);
  assert.equal(seen.size, 60);
  assert.equal(seen.get('/f3.ts'), 0);
  assert.equal(seen.get('/f4.ts'), 1);
  assert.deepEqual(errors, ['/f3.ts']);
  assert.deepEqual(progress, [25, 50, 60]);
  assert.equal(calls.length, 25, 'only the failing batch is linted file by file');

  let batches = 0;
  const stopped = await lintInBatches(linter, files, {
    onFile: () => {},
    onBatch: () => batches++,
    onError: () => {},
    cancelled: () => batches >= 1,
  });
  assert.equal(stopped, false);
  assert.equal(batches, 1);
});

test('the workspace walk finds JS and TS sources and skips dependencies, build output and declarations', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-walk-'));
  try {
    const files = [
      'src/a.ts',
      'src/b.mts',
      'src/c.cjs',
      'src/d.jsx',
      'src/types.d.ts',
      'node_modules/x/index.js',
      'dist/a.js',
      'out/a.js',
      'build/a.js',
      '.durable-studio/x.js',
      'README.md',
    ];
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '');
    }
    const found = (await workspaceSourceFiles([root, path.join(root, 'src')])).map((f) => path.relative(root, f));
    assert.deepEqual(
      found,
      ['src/a.ts', 'src/b.mts', 'src/c.cjs', 'src/d.jsx'].map((f) => path.normalize(f)),
    );
    assert.ok(isSourceFile('/x/a.cts') && !isSourceFile('/x/a.d.ts') && !isSourceFile('/x/a.json'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('package.json: the lint settings list every rule id with the four settings; the server has a bundle entry in the .vsix', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const properties = pkg.contributes.configuration.properties;
  const rules = properties['durableStudio.lint.rules'];
  assert.deepEqual(Object.keys(rules.properties).sort(), [...RULE_IDS].sort());
  for (const schema of Object.values(rules.properties) as { enum: string[] }[]) {
    assert.deepEqual(schema.enum, ['error', 'warning', 'info', 'off']);
  }
  assert.equal(properties['durableStudio.lint.enable'].default, true);
  assert.deepEqual(properties['durableStudio.lint.trace.server'].enum, ['off', 'messages', 'verbose']);
  for (const language of ['typescript', 'javascript', 'typescriptreact', 'javascriptreact']) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${language}`), language);
  }
  const esbuild = fs.readFileSync(path.resolve(__dirname, '../../esbuild.mjs'), 'utf8');
  // dist/lint-server.js (what the client starts) loads dist/lint-server-main.js through the code cache.
  assert.match(esbuild, /'lint-server': 'src\/lint\/server\/boot\.ts'/);
  assert.match(esbuild, /'lint-server-main': 'src\/lint\/server\/main\.ts'/);
  const vscodeignore = fs.readFileSync(path.resolve(__dirname, '../../.vscodeignore'), 'utf8');
  assert.match(vscodeignore, /^!dist\/lint-server\.js$/m);
  assert.match(vscodeignore, /^!dist\/lint-server-main\.js$/m);
});
