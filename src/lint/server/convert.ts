/**
 * The linter's findings and fixes in LSP terms: 1-based lines and columns become 0-based positions (both count
 * UTF-16 code units, LSP's default encoding), severities map one to one, a fix's edits are grouped by file into a
 * `WorkspaceEdit`. Pure functions; the server keeps the state.
 */
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Range, Severity } from '../api.js';
import { DIAGNOSTIC_SOURCE } from './protocol.js';

/** What a diagnostic carries in `data`: the key its finding is recorded under (see FindingStore). */
export interface DiagnosticData {
  key: string;
}

/** Turns an absolute path into the URI the client knows it by (an open buffer's own URI, else a file URI). */
export type UriOf = (file: string) => string;

/** Where a rule is documented (a URI), or undefined when the catalogue is not at hand. */
export type RuleDocOf = (rule: Finding['rule']) => string | undefined;

export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line - 1, character: range.start.column - 1 },
    end: { line: range.end.line - 1, character: range.end.column - 1 },
  };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/**
 * A stable key for a finding of one file: rule and range, plus an ordinal when the same rule is reported twice at
 * the same range. Findings are recomputed on every change; the key lets a code action find the finding a diagnostic
 * came from without trusting anything else the client echoes back.
 */
export function findingKeys(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const { start, end } = f.range;
    const base = `${f.rule}@${start.line}:${start.column}-${end.line}:${end.column}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}#${count}`;
  });
}

export function toDiagnostic(finding: Finding, key: string, uriOf: UriOf, docOf: RuleDocOf): Diagnostic {
  const href = docOf(finding.rule);
  const related: DiagnosticRelatedInformation[] = finding.related.map((r) => ({
    location: { uri: uriOf(r.file), range: toLspRange(r.range) },
    message: r.message,
  }));
  const data: DiagnosticData = { key };
  return {
    range: toLspRange(finding.range),
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    ...(href === undefined ? {} : { codeDescription: { href } }),
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    data,
  };
}

/**
 * The key of a diagnostic of ours: the one it carries in `data`, or, when the client did not keep `data`, the one
 * its rule and range make (the same as `findingKeys` gives the first finding at a range). Undefined for anybody
 * else's diagnostic.
 */
export function keyOf(diagnostic: Diagnostic): string | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (typeof data?.key === 'string') return data.key;
  if (typeof diagnostic.code !== 'string') return undefined;
  const { start, end } = diagnostic.range;
  return `${diagnostic.code}@${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}`;
}

export function toWorkspaceEdit(fix: Fix, uriOf: UriOf): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const edit of fix.edits) {
    (changes[uriOf(edit.file)] ??= []).push({ range: toLspRange(edit.range), newText: edit.newText });
  }
  return { changes };
}

/** The quick fixes of one finding; the first is the preferred one (applied by "Fix all" and Ctrl+. Enter). */
export function toCodeActions(finding: Finding, diagnostic: Diagnostic, uriOf: UriOf): CodeAction[] {
  return finding.fixes.map((fix, index) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: index === 0,
    edit: toWorkspaceEdit(fix, uriOf),
  }));
}

/** What a suppression comment inserted by the quick fix says after ` -- ` (docs/lint-rules.md asks for a reason). */
export const SUPPRESSION_REASON = 'TODO: say why this is replay-safe';

/**
 * "Suppress <rule> on this line": a `// durable-lint-disable-next-line <rule> -- <reason>` comment above the line the
 * finding starts on, indented like it, in the file's own line ending. Undefined when the file's text is not at hand.
 */
export function toSuppressAction(
  finding: Finding,
  diagnostic: Diagnostic,
  text: string | undefined,
  uri: string,
): CodeAction | undefined {
  const line = finding.range.start.line - 1;
  const lineText = text?.split('\n')[line];
  if (lineText === undefined) return undefined;
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  const eol = lineText.endsWith('\r') ? '\r\n' : '\n';
  const at = { line, character: 0 };
  const comment = `${indent}// durable-lint-disable-next-line ${finding.rule} -- ${SUPPRESSION_REASON}${eol}`;
  return {
    title: `Suppress ${finding.rule} on this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: false,
    edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: comment }] } },
  };
}
