/**
 * Shared by the lint-*.test.ts files: lint in-memory files (a virtual workspace under /virtual), wrap a body in an
 * orchestrator, apply a quick fix to text and check the result parses.
 */
import path from 'node:path';
import ts from 'typescript';
import type { Finding, Fix, LintOptions, RuleId } from '../../src/lint/api.js';
import { createLinter } from '../../src/lint/linter.js';

export const ROOT = path.resolve('/virtual');

export function abs(name: string): string {
  return path.join(ROOT, name);
}

/** Lints `target` (default: the first file) of an in-memory workspace; every file is listed to the linter. */
export function lintFiles(files: Record<string, string>, target?: string, options: LintOptions = {}): Finding[] {
  const map = new Map(Object.entries(files).map(([name, text]) => [abs(name), text]));
  const linter = createLinter({ readFile: (file) => map.get(file), listFiles: () => [...map.keys()] }, options);
  return linter.lintFile(abs(target ?? Object.keys(files)[0]!));
}

/** Lints one file. */
export function lint(text: string, name = 'orch.ts', options: LintOptions = {}): Finding[] {
  return lintFiles({ [name]: text }, name, options);
}

export function rules(findings: readonly Finding[]): RuleId[] {
  return findings.map((f) => f.rule);
}

/** An orchestrator registered with `df.app.orchestration`, its body `body`, its context `context`. */
export function orch(body: string, options: { header?: string; head?: string } = {}): string {
  const head = options.head ?? 'function* (context)';
  return `import * as df from 'durable-functions';\n${options.header ?? ''}\ndf.app.orchestration('o', ${head} {\n${body}\n});\n`;
}

/** The findings of an orchestrator body, by rule. */
export function lintBody(body: string, header = ''): Finding[] {
  return lint(orch(body, { header }));
}

function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  return offset + column - 1;
}

/** Applies the fix's edits to `file`'s text (edits of other files are ignored); edits must not overlap. */
export function applyFix(text: string, fix: Fix, file = abs('orch.ts')): string {
  const edits = fix.edits
    .filter((edit) => edit.file === file)
    .map((edit) => ({
      start: offsetOf(text, edit.range.start.line, edit.range.start.column),
      end: offsetOf(text, edit.range.end.line, edit.range.end.column),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  let limit = Infinity;
  for (const edit of edits) {
    if (edit.end > limit) throw new Error('overlapping edits');
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
    limit = edit.start;
  }
  return result;
}

/** Syntax errors of a TypeScript text (none means the fix left code that parses). */
export function syntaxErrors(text: string, name = 'orch.ts'): string[] {
  const out = ts.transpileModule(text, {
    fileName: name,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext },
  });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
