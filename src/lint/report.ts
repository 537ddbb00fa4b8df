/**
 * The CLI's `text` and `json` outputs. Paths are shown relative to the working directory, with `/` separators;
 * positions are 1-based (columns in UTF-16 code units, as editors count them).
 */
import path from 'node:path';
import type { Finding, Range } from './api.js';

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

/** `file:line:col  severity  message  rule` lines, then a summary line. */
export function formatText(findings: readonly Finding[], fileCount: number, cwd: string): string {
  const lines = findings.map(
    (f) =>
      `${displayPath(f.file, cwd)}:${f.range.start.line}:${f.range.start.column}  ${f.severity}  ${f.message}  ${f.rule}`,
  );
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const count = (severity: Finding['severity']) => findings.filter((f) => f.severity === severity).length;
  const files = plural(fileCount, 'file');
  if (findings.length === 0) {
    lines.push(`No problems in ${files}.`);
  } else {
    const affected = new Set(findings.map((f) => f.file)).size;
    lines.push(
      '',
      `${plural(findings.length, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ` +
        `${count('info')} info) in ${affected} of ${files}.`,
    );
  }
  return lines.join('\n') + '\n';
}

interface JsonSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

function span(range: Range): JsonSpan {
  return { line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
}

/** One object per finding: file, line, column, endLine, endColumn, rule, severity, message, related, fixes. */
export function formatJson(findings: readonly Finding[], cwd: string): string {
  const out = findings.map((f) => ({
    file: displayPath(f.file, cwd),
    ...span(f.range),
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    related: f.related.map((r) => ({ file: displayPath(r.file, cwd), ...span(r.range), message: r.message })),
    fixes: f.fixes.map((fix) => ({
      title: fix.title,
      edits: fix.edits.map((e) => ({ file: displayPath(e.file, cwd), ...span(e.range), newText: e.newText })),
    })),
  }));
  return JSON.stringify(out, null, 2) + '\n';
}
