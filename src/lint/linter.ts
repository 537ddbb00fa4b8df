/**
 * `createLinter(host, options)`: the Linter of the contract (api.ts). Files are read and parsed once per text version
 * (Workspace); which functions are orchestrators is worked out from the registrations in every known file, since
 * an orchestrator may be registered in one file and written in another. Findings go to the file holding the
 * orchestrator function. Anything that spans files (registrations resolved to functions, helper summaries) is
 * recomputed after an invalidation, lazily; parsing only repeats for the file that changed.
 */
import path from 'node:path';
import { activityNamesOf } from './activityCalls.js';
import type {
  Finding,
  KnownFunctions,
  LintHost,
  LintOptions,
  Linter,
  OrchestrationSummary,
  RelatedLocation,
  RuleId,
  RuleSetting,
  Severity,
} from './api.js';
import { Analyzer } from './analyze.js';
import { contextOf, DEFAULT_DF } from './durable.js';
import { message, type Issue } from './issues.js';
import { AppIndex } from './appIndex.js';
import { appIssues, mayNameFunctions } from './appRules.js';
import { mayRegister, type Orchestrator } from './registrations.js';
import { mayOverwriteExports, overwrittenExports } from './exportsRules.js';
import { InputTypes } from './inputTypes.js';
import { RULES } from './policy.js';
import { Resolver } from './resolve.js';
import { isSuppressed, suppressionsOf } from './suppressions.js';
import { nodeRange, snippet } from './syntax.js';
import { Workspace, type SourceInfo } from './workspace.js';

class DurableLinter implements Linter {
  private readonly workspace: Workspace;
  private readonly resolver: Resolver;
  private readonly index: AppIndex;
  private readonly inputTypes: InputTypes;
  /** Helper summaries hold nodes of many files: a new analyzer after any change. */
  private analyzer: { generation: number; analyzer: Analyzer } | undefined;
  private listed: readonly string[] | undefined;
  private settings: Partial<Record<RuleId, RuleSetting>> = {};
  private known: KnownFunctions = {};

  constructor(
    private readonly host: LintHost,
    options: LintOptions,
  ) {
    this.workspace = new Workspace(host);
    this.resolver = new Resolver(this.workspace);
    this.index = new AppIndex(this.workspace, this.resolver);
    this.inputTypes = new InputTypes(this.workspace, this.resolver, this.index);
    this.configure(options);
  }

  configure(options: LintOptions): void {
    this.settings = { ...(options.rules ?? {}) };
    this.known = options.knownFunctions ?? {};
  }

  invalidate(file: string): void {
    this.workspace.invalidate(file);
    this.index.invalidate(file);
    this.inputTypes.invalidate(file);
  }

  lintFile(file: string): Finding[] {
    return this.lintFiles([file]);
  }

  lintFiles(files: readonly string[]): Finding[] {
    const keys = this.know(files);
    // One type-checking program for all the files' calls, not one per file.
    if (this.severityOf('activity-input-type')) this.inputTypes.prepare(keys);
    return sortFindings(keys.flatMap((key) => this.findingsOf(key)));
  }

  orchestrations(files?: readonly string[]): OrchestrationSummary[] {
    // Given files, only those are searched; else every file the host lists and every file seen so far.
    const keys = files ? this.add(files) : undefined;
    if (!files) this.know([]);
    const summaries = this.index.registrations(keys).flatMap((registered) => {
      if (registered.kind !== 'orchestration' || registered.name === undefined) return [];
      const sf = registered.call.getSourceFile();
      const handler = registered.handler;
      const summary: OrchestrationSummary = {
        name: registered.name,
        file: sf.fileName,
        line: sf.getLineAndCharacterOfPosition(registered.call.getStart(sf)).line + 1,
        activities: handler ? activityNamesOf(handler.fn, this.resolver) : [],
      };
      if (handler) summary.handlerFile = handler.file.path;
      return [summary];
    });
    return summaries.sort((a, b) => compare(a.name, b.name) || compare(a.file, b.file) || a.line - b.line);
  }

  /** Makes `files` known to the index; returns them as absolute paths. */
  private add(files: readonly string[]): string[] {
    const keys = [...new Set(files.map((file) => path.resolve(file)))];
    this.index.add(keys);
    return keys;
  }

  /** Makes `files` and the host's listed files known to the index; returns `files` as absolute paths. */
  private know(files: readonly string[]): string[] {
    const keys = this.add(files);
    const listed = this.host.listFiles?.();
    // The host keeps its list; only a new list is worth walking.
    if (listed && listed !== this.listed) {
      this.listed = listed;
      this.index.add(listed);
    }
    return keys;
  }

  private currentAnalyzer(): Analyzer {
    const generation = this.workspace.generation;
    if (this.analyzer?.generation !== generation) this.analyzer = { generation, analyzer: new Analyzer(this.resolver) };
    return this.analyzer.analyzer;
  }

  private findingsOf(file: string): Finding[] {
    const findings: Finding[] = [];
    const add = (issue: Issue, df: string) => {
      const finding = this.toFinding(issue, file, df);
      if (finding) findings.push(finding);
    };
    // Files that name no other function are parsed only if the index or an orchestrator needs them.
    const text = this.workspace.text(file);
    const source = text !== undefined && mayNameFunctions(text) ? this.workspace.source(file) : undefined;
    if (source) {
      const complete = this.host.listFiles !== undefined;
      findings.push(
        ...this.fileFindings(source, appIssues(source, this.index, this.resolver, { known: this.known, complete })),
      );
      if (this.severityOf('activity-input-type'))
        findings.push(...this.fileFindings(source, this.inputTypes.issues(source)));
    }
    const orchestrators = this.index.orchestratorsIn(file);
    findings.push(...this.exportFindings(file, orchestrators));
    if (orchestrators.length === 0) return dedupe(findings);
    const analyzer = this.currentAnalyzer();
    const seen = new Set<Orchestrator['fn']>();
    for (const orchestrator of orchestrators) {
      if (seen.has(orchestrator.fn)) continue;
      seen.add(orchestrator.fn);
      const df = contextOf(orchestrator.fn, true)?.df ?? DEFAULT_DF;
      for (const issue of analyzer.orchestrator(orchestrator.fn)) add(issue, df);
    }
    return dedupe(findings);
  }

  /** `overwritten-export`, in files that hold, register or may export (generators) orchestrators. */
  private exportFindings(file: string, orchestrators: readonly Orchestrator[]): Finding[] {
    const text = this.workspace.text(file);
    if (text === undefined || !mayOverwriteExports(text)) return [];
    if (orchestrators.length === 0 && !mayRegister(text) && !/function\s*\*/.test(text)) return [];
    const source = this.workspace.source(file);
    if (!source) return [];
    const fns = new Set(orchestrators.map((o) => o.fn));
    return this.fileFindings(
      source,
      overwrittenExports(source, this.resolver, (fn) => fns.has(fn)),
    );
  }

  /** Findings of issues found in `source` itself (not through helpers), less those its comments suppress. */
  private fileFindings(source: SourceInfo, issues: readonly Issue[]): Finding[] {
    const suppressions = suppressionsOf(source.sf);
    return issues.flatMap((issue) => {
      const line = source.sf.getLineAndCharacterOfPosition(issue.node.getStart(source.sf)).line + 1;
      const finding = isSuppressed(suppressions, line, issue.rule)
        ? undefined
        : this.toFinding(issue, source.path, DEFAULT_DF);
      return finding ? [finding] : [];
    });
  }

  private toFinding(issue: Issue, file: string, df: string): Finding | undefined {
    const severity = this.severityOf(issue.rule);
    if (!severity) return undefined;
    const related: RelatedLocation[] = [];
    if (issue.origin) {
      // A hazard in a helper can be suppressed where it is, for every orchestrator that calls the helper.
      const originFile = issue.origin.getSourceFile();
      const line = originFile.getLineAndCharacterOfPosition(issue.origin.getStart(originFile)).line + 1;
      if (isSuppressed(suppressionsOf(originFile), line, issue.rule)) return undefined;
      related.push({
        file: originFile.fileName,
        range: nodeRange(issue.origin),
        message: `${issue.code} ${issue.what}`,
      });
      for (const call of issue.via) {
        related.push({
          file: call.getSourceFile().fileName,
          range: nodeRange(call),
          message: `reached through \`${snippet(call, 40)}\``,
        });
      }
    }
    for (const other of issue.related ?? []) {
      related.push({ file: other.node.getSourceFile().fileName, range: nodeRange(other.node), message: other.message });
    }
    return {
      file,
      range: nodeRange(issue.node),
      rule: issue.rule,
      severity,
      message: message(issue, df),
      related,
      fixes: issue.fixes.map((fix) => ({ title: fix.title, edits: fix.edits.map((edit) => ({ ...edit })) })),
    };
  }

  private severityOf(rule: RuleId): Severity | undefined {
    const setting = this.settings[rule] ?? RULES[rule].defaultSeverity;
    return setting === 'off' ? undefined : setting;
  }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const { start, end } = finding.range;
    const key = `${finding.rule}|${start.line}:${start.column}-${end.line}:${end.column}|${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      compare(a.rule, b.rule),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The linter of the contract; see api.ts. `host.listFiles`, when given, lets `lintFile` see registrations elsewhere. */
export function createLinter(host: LintHost, options: LintOptions = {}): Linter {
  return new DurableLinter(host, options);
}
