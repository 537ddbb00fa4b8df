/**
 * The linter's `parse` (src/lint/syntax.ts) sets its own parent pointers and skips JSDoc that no rule reads: every
 * node it keeps must have the parent TypeScript's own `setParentNodes` gives, in TypeScript, JavaScript with JSDoc,
 * JSX and broken code alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ts from 'typescript';
import { parse } from '../../src/lint/syntax.js';

const REPO = path.resolve(__dirname, '../..');

/** Every node under `root` (JSDoc included), with the path of kinds from the root, in walk order. */
function nodes(root: ts.Node): { node: ts.Node; where: string }[] {
  const found: { node: ts.Node; where: string }[] = [];
  const visit = (node: ts.Node, where: string): void => {
    found.push({ node, where });
    const docs = (node as { jsDoc?: ts.Node[] }).jsDoc ?? [];
    for (const doc of docs) visit(doc, `${where}/jsDoc`);
    ts.forEachChild(node, (child) => visit(child, `${where}/${ts.SyntaxKind[child.kind]}`));
  };
  visit(root, ts.SyntaxKind[root.kind]);
  return found;
}

/** Checks `parse(file, text)` against TypeScript's tree with parents set by the compiler. */
function sameParents(file: string, text: string, kind: ts.ScriptKind): number {
  const ours = nodes(parse(file, text));
  const theirs = new Map(
    nodes(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind)).map(({ node, where }) => [
      `${where}@${node.pos}-${node.end}`,
      node,
    ]),
  );
  for (const { node, where } of ours) {
    const twin = theirs.get(`${where}@${node.pos}-${node.end}`);
    assert.ok(twin, `${file}: ${where} is in TypeScript's tree`);
    if (twin.parent === undefined) assert.equal(node.parent, undefined, where);
    else {
      assert.ok(node.parent, `${file}: ${where} has a parent`);
      assert.equal(node.parent.kind, twin.parent.kind, where);
      assert.equal(node.parent.pos, twin.parent.pos, where);
      assert.equal(node.parent.end, twin.parent.end, where);
    }
  }
  return ours.length;
}

test('parse: parents as TypeScript sets them, in TypeScript, JavaScript with JSDoc, JSX and broken code', () => {
  const samples: [string, string, ts.ScriptKind][] = [
    [
      'a.js',
      `/** @param {import('durable-functions').OrchestrationContext} context */
function* orchestrator(context) {
  /** @type {string[]} */
  const names = yield context.df.callActivity('list');
  return names.map((/** @type {string} */ n) => n.length);
}
module.exports = { orchestrator };`,
      ts.ScriptKind.JS,
    ],
    [
      'b.tsx',
      `/** A component. @see https://example.com {@link Other} */
export const View = ({ items }: { items: string[] }) => <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;`,
      ts.ScriptKind.TSX,
    ],
    ['c.ts', 'const x = ;\nfunction (a, { b, ...c }) { if (a) { return b +', ts.ScriptKind.TS],
    [
      'd.ts',
      fs.readFileSync(path.join(REPO, 'src/lint/resolve.ts'), 'utf8') +
        '\nclass A<T> { #p = 1; get q() { return 2; } }',
      ts.ScriptKind.TS,
    ],
  ];
  for (const [file, text, kind] of samples) assert.ok(sameParents(file, text, kind) > 10, file);
});

test('parse: JSDoc is kept in JavaScript (types live there) and dropped from TypeScript', () => {
  const doc = '/** @returns {number} */\nfunction f() { return 1; }\n';
  const jsDocOf = (sf: ts.SourceFile) => (sf.statements[0] as { jsDoc?: ts.JSDoc[] }).jsDoc;
  const js = parse('f.js', doc);
  const [jsDoc] = jsDocOf(js) ?? [];
  assert.ok(jsDoc, 'a JavaScript file keeps its JSDoc');
  assert.equal(jsDoc.parent, js.statements[0]);
  assert.equal(ts.getJSDocReturnType(js.statements[0]!)?.kind, ts.SyntaxKind.NumberKeyword);
  assert.equal(jsDocOf(parse('f.ts', doc)), undefined);
});

test('parse: a deep tree does not overflow the stack', () => {
  const terms = 20_000;
  const sf = parse('deep.ts', `const s = ${Array.from({ length: terms }, (_, i) => `'${i}'`).join(' + ')};`);
  const statement = sf.statements[0] as ts.VariableStatement;
  let node = statement.declarationList.declarations[0]!.initializer!;
  let depth = 0;
  while (ts.isBinaryExpression(node)) {
    assert.equal(node.left.parent, node);
    assert.equal(node.right.parent, node);
    node = node.left;
    depth++;
  }
  assert.equal(depth, terms - 1);
});
