/**
 * Which findings a code action request gets quick fixes for. The answer comes from the findings of the text the
 * request is about, never from what the client echoes back alone: right after a keystroke the client's diagnostics
 * are those of the previous text (not pulled again yet), so a request can carry none for a hazard just typed, or
 * carry one whose range the edit moved. A finding is a target when its range touches the requested range (the
 * cursor or selection; touching ends count, as the cursor right after `Date.now()` does), or when the client sent
 * a diagnostic with its key (the Problems panel, "Fix all"). Pure; the server supplies a current report.
 */
import type { Diagnostic, Range } from 'vscode-languageserver/node';
import type { Finding } from '../api.js';
import { keyOf } from './convert.js';
import type { FileReport } from './findingStore.js';

export interface QuickFixTarget {
  readonly finding: Finding;
  /** The diagnostic the actions name: the client's own when it sent one for this finding, else the report's. */
  readonly diagnostic: Diagnostic;
}

/** The targets in the report's order (the file's position order), each once. */
export function quickFixTargets(
  report: FileReport,
  range: Range,
  clientDiagnostics: readonly Diagnostic[],
): QuickFixTarget[] {
  const sent = new Map<string, Diagnostic>();
  for (const diagnostic of clientDiagnostics) {
    const key = keyOf(diagnostic);
    if (key !== undefined && !sent.has(key)) sent.set(key, diagnostic);
  }
  const targets: QuickFixTarget[] = [];
  for (const diagnostic of report.diagnostics) {
    const key = keyOf(diagnostic);
    if (key === undefined) continue;
    const finding = report.findings.get(key);
    if (!finding) continue;
    const echoed = sent.get(key);
    if (echoed || rangesTouch(diagnostic.range, range)) targets.push({ finding, diagnostic: echoed ?? diagnostic });
  }
  return targets;
}

/** True when two ranges overlap or share an end (an empty range at either end of the other touches it). */
export function rangesTouch(a: Range, b: Range): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

function isBefore(p: Range['start'], q: Range['start']): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}
