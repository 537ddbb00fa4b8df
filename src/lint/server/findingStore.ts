/**
 * The findings last reported for each file, under the keys their diagnostics carry (`data.key`), so that a code
 * action request finds the finding behind a diagnostic the client sends back (vscode-eslint's way: the problem is
 * recorded, the quick fix looked up; the server makes sure the report is current first). Also which files each
 * file's findings point into (related locations in helpers), so a change to a helper knows whose diagnostics to redo.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../api.js';

export interface FileReport {
  /** The path the findings are for. */
  readonly file: string;
  readonly findings: ReadonlyMap<string, Finding>;
  readonly diagnostics: readonly Diagnostic[];
  /** A digest of the diagnostics: the pull model's `resultId` (an unchanged report when the client has it). */
  readonly resultId: string;
}

export class FindingStore {
  private readonly reports = new Map<string, FileReport>();
  /** Helper path → paths whose findings have related locations in it. */
  private readonly dependents = new Map<string, Set<string>>();

  record(file: string, findings: readonly Finding[], keys: readonly string[], diagnostics: Diagnostic[]): FileReport {
    this.forget(file);
    const byKey = new Map<string, Finding>();
    findings.forEach((finding, index) => byKey.set(keys[index]!, finding));
    const resultId = createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64url');
    const report: FileReport = { file, findings: byKey, diagnostics, resultId };
    this.reports.set(file, report);
    for (const finding of findings) {
      for (const related of finding.related) {
        if (related.file === file) continue;
        let set = this.dependents.get(related.file);
        if (!set) this.dependents.set(related.file, (set = new Set()));
        set.add(file);
      }
    }
    return report;
  }

  get(file: string): FileReport | undefined {
    return this.reports.get(file);
  }

  /** The finding a diagnostic with this key was made from, if the file's last report has it. */
  finding(file: string, key: string): Finding | undefined {
    return this.reports.get(file)?.findings.get(key);
  }

  /** Files whose last findings pointed into `helper`. */
  dependentsOf(helper: string): string[] {
    return [...(this.dependents.get(helper) ?? [])];
  }

  forget(file: string): void {
    const old = this.reports.get(file);
    if (!old) return;
    this.reports.delete(file);
    for (const finding of old.findings.values()) {
      for (const related of finding.related) {
        const set = this.dependents.get(related.file);
        set?.delete(file);
        if (set?.size === 0) this.dependents.delete(related.file);
      }
    }
  }
}
