/**
 * The Linter contract (createLinter): reads and parses once per text version, `invalidate` after edits (also of
 * helper files), `configure`, registrations found through `listFiles`, ordering; robustness on real code; and the
 * catalogue documented in docs/lint-rules.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Analyzer } from '../../src/lint/analyze.js';
import { createLinter } from '../../src/lint/linter.js';
import { RULE_IDS, RULES } from '../../src/lint/policy.js';
import { CATALOGUE_END, CATALOGUE_START, renderCatalogue } from '../../src/lint/policyDoc.js';
import { Resolver } from '../../src/lint/resolve.js';
import { isFunctionNode, isLintable } from '../../src/lint/syntax.js';
import { Workspace } from '../../src/lint/workspace.js';
import { abs, orch, rules } from './lint-harness.js';

const REPO = path.resolve(__dirname, '../..');

function memoryHost(files: Record<string, string>, list = true) {
  const map = new Map(Object.entries(files).map(([name, text]) => [abs(name), text]));
  const reads = new Map<string, number>();
  return {
    map,
    reads,
    host: {
      readFile(file: string) {
        reads.set(file, (reads.get(file) ?? 0) + 1);
        return map.get(file);
      },
      ...(list ? { listFiles: () => [...map.keys()] } : {}),
    },
  };
}

test('a file is read once until invalidated; invalidate picks up the new text', () => {
  const { map, reads, host } = memoryHost({ 'orch.ts': orch('  const t = Date.now();') });
  const linter = createLinter(host);
  assert.deepEqual(rules(linter.lintFile(abs('orch.ts'))), ['no-current-time']);
  assert.deepEqual(rules(linter.lintFile(abs('orch.ts'))), ['no-current-time']);
  assert.equal(reads.get(abs('orch.ts')), 1);
  map.set(abs('orch.ts'), orch('  const t = context.df.currentUtcDateTime;'));
  assert.deepEqual(rules(linter.lintFile(abs('orch.ts'))), ['no-current-time'], 'cached until invalidated');
  linter.invalidate(abs('orch.ts'));
  assert.deepEqual(linter.lintFile(abs('orch.ts')), []);
  assert.equal(reads.get(abs('orch.ts')), 2);
});

test('editing a helper in another file changes the orchestrator findings after invalidate', () => {
  const { map, host } = memoryHost({
    'orch.ts': orch('  const s = stamp();', { header: "import { stamp } from './stamp';" }),
    'stamp.ts': 'export const stamp = () => 1;',
  });
  const linter = createLinter(host);
  assert.deepEqual(linter.lintFile(abs('orch.ts')), []);
  map.set(abs('stamp.ts'), 'export const stamp = () => Date.now();');
  linter.invalidate(abs('stamp.ts'));
  assert.deepEqual(rules(linter.lintFile(abs('orch.ts'))), ['no-current-time']);
  map.delete(abs('stamp.ts'));
  linter.invalidate(abs('stamp.ts'));
  assert.deepEqual(linter.lintFile(abs('orch.ts')), [], 'a deleted helper is no longer followed');
});

test('an orchestrator registered elsewhere is found through listFiles, or once the registering file was linted', () => {
  const files = {
    'orch.ts': `export function* orch(context) { const t = Date.now(); }`,
    'index.ts':
      "import * as df from 'durable-functions';\nimport { orch } from './orch';\ndf.app.orchestration('o', orch);",
  };
  assert.deepEqual(rules(createLinter(memoryHost(files).host).lintFile(abs('orch.ts'))), ['no-current-time']);
  const unlisted = createLinter(memoryHost(files, false).host);
  assert.deepEqual(unlisted.lintFile(abs('orch.ts')), [], 'without listFiles the registration is not known yet');
  assert.deepEqual(unlisted.lintFile(abs('index.ts')), []);
  assert.deepEqual(rules(unlisted.lintFile(abs('orch.ts'))), ['no-current-time']);
});

test('configure replaces the rule settings', () => {
  const { host } = memoryHost({ 'orch.ts': orch('  const t = Date.now(); const v = process.env.A;') });
  const linter = createLinter(host, { rules: { 'no-env': 'off' } });
  assert.deepEqual(rules(linter.lintFile(abs('orch.ts'))), ['no-current-time']);
  linter.configure({ rules: { 'no-current-time': 'info' } });
  assert.deepEqual(
    linter.lintFile(abs('orch.ts')).map((f) => `${f.rule} ${f.severity}`),
    ['no-current-time info', 'no-env warning'],
  );
});

test('lintFiles returns findings in file then position order; missing and non-code files give nothing', () => {
  const { host } = memoryHost({
    'b.ts': orch('  const r = Math.random();\n  const t = Date.now();'),
    'a.js': orch('  const t = Date.now();'),
  });
  const linter = createLinter(host);
  const found = linter.lintFiles([abs('b.ts'), abs('a.js'), abs('missing.ts'), abs('notes.txt')]);
  assert.deepEqual(
    found.map((f) => `${path.basename(f.file)}:${f.range.start.line} ${f.rule}`),
    ['a.js:4 no-current-time', 'b.ts:4 no-random', 'b.ts:5 no-current-time'],
  );
});

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (isLintable(full)) out.push(full);
  }
  return out;
}

test('robustness: every function of this repository and of durable-functions analysed as an orchestrator', () => {
  const files = [
    ...sourceFiles(path.join(REPO, 'src')),
    ...sourceFiles(path.join(REPO, 'test/fixtures')),
    ...sourceFiles(path.join(REPO, 'node_modules/durable-functions/lib/src')),
  ];
  const readFile = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  const workspace = new Workspace({ readFile });
  const analyzer = new Analyzer(new Resolver(workspace));
  let functions = 0;
  for (const file of files) {
    const source = workspace.source(file)!;
    const visit = (node: ts.Node): void => {
      if (isFunctionNode(node)) {
        functions++;
        analyzer.orchestrator(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source.sf);
  }
  assert.ok(functions > 1000, `${functions} functions`);
  const linter = createLinter({ readFile, listFiles: () => files });
  assert.ok(Array.isArray(linter.lintFiles(files)));
});

test('docs/lint-rules.md holds the catalogue generated from the policy (UPDATE_LINT_DOCS=1 rewrites it)', () => {
  const file = path.join(REPO, 'docs/lint-rules.md');
  const doc = fs.readFileSync(file, 'utf8');
  const start = doc.indexOf(CATALOGUE_START);
  const end = doc.indexOf(CATALOGUE_END) + CATALOGUE_END.length;
  assert.ok(start >= 0 && end > start, 'catalogue markers');
  if (process.env['UPDATE_LINT_DOCS']) fs.writeFileSync(file, doc.slice(0, start) + renderCatalogue() + doc.slice(end));
  assert.equal(fs.readFileSync(file, 'utf8').slice(start, start + renderCatalogue().length), renderCatalogue());
});

test('docs/lint-rules.md documents every rule with its title, severity and both examples', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs/lint-rules.md'), 'utf8');
  for (const id of RULE_IDS) {
    const heading = `### ${id}`;
    assert.ok(doc.includes(heading), heading);
    const section = doc.slice(doc.indexOf(heading)).split('\n### ')[0]!;
    assert.ok(section.includes(RULES[id].title), `${id}: title`);
    assert.ok(section.includes(`Default severity: **${RULES[id].defaultSeverity}**`), `${id}: severity`);
    for (const line of RULES[id].example.split('\n')) assert.ok(section.includes(line), `${id}: example`);
    for (const line of RULES[id].nearMiss.split('\n')) assert.ok(section.includes(line), `${id}: near miss`);
  }
});
