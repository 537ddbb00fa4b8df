/**
 * The determinism linter as a language server: open buffers linted as they change, diagnostics pulled by the client
 * (`textDocument/diagnostic`) or pushed when it cannot pull, quick fixes answered from the findings of the text as
 * it is when they are asked for (the client's diagnostics may still be the previous text's), settings read through
 * `workspace/configuration`, and "Lint Workspace" with work-done progress.
 *
 * Invariants: the linter sees an open buffer's text, never the disk's, while the buffer is open (DocumentHost), and is
 * told about every change (`invalidate`) before it is asked again. A change to one file can change another file's
 * findings (an orchestrator calling a helper), so each change also redoes the other open files (a diagnostic refresh,
 * or a push) and the closed files whose findings pointed into the changed one. Diagnostics of closed files come only
 * from "Lint Workspace" and are pushed; an open file's diagnostics are pulled, so a pushed set is cleared when its
 * file opens (the client would show both).
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintHost, LintOptions, Linter } from '../api.js';
import { count, emptyResult, lintInBatches } from './batches.js';
import { clientFeatures, serverCapabilities, workspaceFolderPaths, type ClientFeatures } from './capabilities.js';
import { findingKeys, toCodeActions, toDiagnostic, toSuppressAction, type RuleDocOf } from './convert.js';
import { DocumentHost, pathOfUri } from './documentHost.js';
import { FindingStore, type FileReport } from './findingStore.js';
import {
  DEFAULT_SETTINGS,
  LintWorkspaceRequest,
  OrchestrationsRequest,
  parseSettings,
  SETTINGS_SECTION,
  SOURCE_EXTENSIONS,
  type LintInitializationOptions,
  type LintSettings,
  type LintWorkspaceParams,
  type LintWorkspaceResult,
  type OrchestrationsParams,
  type OrchestrationsResult,
  type RequestSpec,
} from './protocol.js';
import { quickFixTargets } from './quickFixTargets.js';
import { ruleDocLinks } from './ruleDocs.js';
import { isSourceFile, workspaceSourceFiles } from './workspaceFiles.js';

export interface LintServerOptions {
  createLinter(host: LintHost, options: LintOptions): Linter;
  /** docs/lint-rules.md, for the rule links of diagnostics; undefined for none. */
  rulesCatalogue?: string;
  /** How long after the last change other files are redone (and, without pull, the changed one). */
  debounceMs?: number;
}

/** Wires a connection to a new linter; call `connection.listen()` after. */
export function startLintServer(connection: Connection, options: LintServerOptions): LintServer {
  return new LintServer(connection, options);
}

export class LintServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly host = new DocumentHost();
  private readonly store = new FindingStore();
  private readonly linter: Linter;
  private settings: LintSettings = DEFAULT_SETTINGS;
  private docOf: RuleDocOf = () => undefined;
  private folders: string[] = [];
  private features: ClientFeatures = clientFeatures({ capabilities: {} } as InitializeParams);
  /**
   * Files "Lint Workspace" found something in: their diagnostics are shown while they are closed too (pushed), and
   * redone when a file they depend on changes or the settings change.
   */
  private readonly covered = new Set<string>();
  /** Files changed since the last time other files were redone. */
  private readonly changed = new Set<string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private ready: Promise<void> = Promise.resolve();
  private readonly debounceMs: number;
  /**
   * Counts what can change findings (a buffer's text, a file on disk, the file list, the settings); a file's report
   * is current while the count it was linted at (`lintedAt`) is this one.
   */
  private revision = 0;
  private readonly lintedAt = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    options: LintServerOptions,
  ) {
    this.debounceMs = options.debounceMs ?? 150;
    this.linter = options.createLinter(this.host, { rules: {} });
    this.docOf = ruleDocLinks(options.rulesCatalogue);
    connection.onInitialize((params) => this.initialize(params, options));
    connection.onInitialized(() => this.initialized());
    connection.onShutdown(() => this.cancelPending());
    this.documents.onDidOpen(({ document }) => this.guard('open', () => this.opened(document)));
    this.documents.onDidChangeContent(({ document }) => this.guard('change', () => this.changedBuffer(document)));
    this.documents.onDidClose(({ document }) => this.guard('close', () => this.closed(document)));
    connection.languages.diagnostics.on(async (params) => {
      await this.ready;
      return this.pulled(params.textDocument.uri, params.previousResultId);
    });
    connection.onCodeAction((params) => this.codeActions(params));
    connection.onDidChangeConfiguration((change) => {
      // Pulls wait for the new settings, not for the closed files being redone.
      this.ready = this.loadSettings(change.settings);
      void this.ready
        .then(() => this.relintAll())
        .catch((error: unknown) => this.error('Applying the settings failed', error));
    });
    connection.onDidChangeWatchedFiles(({ changes }) =>
      this.guard('watched files', () => {
        for (const change of changes) this.changedOnDisk(change.uri, change.type);
      }),
    );
    onRequest(connection, LintWorkspaceRequest, (params, token) => this.lintWorkspace(params, token));
    onRequest(connection, OrchestrationsRequest, (params) => this.orchestrations(params));
    this.documents.listen(connection);
  }

  // ---- Lifecycle -------------------------------------------------------------------------------------------

  private initialize(params: InitializeParams, options: LintServerOptions): InitializeResult {
    this.features = clientFeatures(params);
    this.folders = workspaceFolderPaths(params);
    const init = (params.initializationOptions ?? {}) as LintInitializationOptions;
    if (typeof init.rulesCatalogue === 'string' && init.rulesCatalogue !== options.rulesCatalogue) {
      this.docOf = ruleDocLinks(init.rulesCatalogue);
    }
    return { capabilities: serverCapabilities(this.features), serverInfo: { name: 'durable-lint' } };
  }

  private initialized(): void {
    this.ready = this.loadSettings(undefined);
    void this.ready.catch((error: unknown) => this.error('Reading the settings failed', error));
    void this.register().catch((error: unknown) => this.error('Registering for notifications failed', error));
    void this.listWorkspace().catch((error: unknown) => this.error('Listing the workspace files failed', error));
  }

  /**
   * Tells the linter which files the workspace has (an orchestrator may be registered in one file and written in
   * another), then has the open files linted again with that knowledge. Not awaited before the first diagnostics:
   * a large workspace must not delay them.
   */
  private async listWorkspace(): Promise<void> {
    this.host.setWorkspaceFiles(await workspaceSourceFiles(this.folders));
    this.revision++;
    await this.ready;
    if (this.features.pull && this.features.refresh) await this.connection.languages.diagnostics.refresh();
    else if (!this.features.pull) for (const file of this.host.openPaths()) this.publish(this.lint(file));
  }

  /**
   * Asks for what the client only sends when asked: file events and workspace folder changes. (Not setting changes:
   * VS Code's client sends those for `synchronize.configurationSection` already, and a registration would double them.)
   */
  private async register(): Promise<void> {
    if (this.features.watchedFiles) {
      const globPattern = `**/*{${SOURCE_EXTENSIONS.join(',')}}`;
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern }] });
    }
    if (this.features.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        const gone = new Set(removed.flatMap((f) => pathOfUri(f.uri, '') ?? []));
        const more = added.flatMap((f) => pathOfUri(f.uri, '') ?? []);
        this.folders = [...this.folders.filter((f) => !gone.has(f)), ...more];
        void this.listWorkspace().catch((error: unknown) => this.error('Listing the workspace files failed', error));
      });
    }
  }

  /** Reads `durableStudio.lint` (asked of the client when it answers `workspace/configuration`). */
  private async loadSettings(pushed: unknown): Promise<void> {
    let raw: unknown;
    if (this.features.configuration) {
      [raw] = (await this.connection.workspace.getConfiguration([{ section: SETTINGS_SECTION }])) as unknown[];
    } else {
      const section = (pushed as { durableStudio?: { lint?: unknown } } | undefined)?.durableStudio?.lint;
      raw = section ?? pushed;
    }
    this.settings = parseSettings(raw);
    this.linter.configure({ rules: this.settings.rules, knownFunctions: this.settings.knownFunctions });
    this.revision++;
  }

  private cancelPending(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  // ---- Linting ---------------------------------------------------------------------------------------------

  /** Lints one file now and records its findings. Never throws: a linter failure is logged and reported as clean. */
  private lint(file: string): FileReport {
    let findings: ReturnType<Linter['lintFile']> = [];
    if (this.settings.enable) {
      try {
        findings = this.linter.lintFile(file);
      } catch (error) {
        this.error(`Linting ${file} failed`, error);
      }
    }
    return this.recordFindings(file, findings);
  }

  /** Tells the linter a file's text changed; the findings recorded before are no longer current. */
  private invalidate(file: string): void {
    this.linter.invalidate(file);
    this.revision++;
  }

  /** The file's findings as of now: the recorded ones when nothing changed since, else linted again. */
  private current(file: string): FileReport {
    const report = this.store.get(file);
    return report && this.lintedAt.get(file) === this.revision ? report : this.lint(file);
  }

  private recordFindings(file: string, findings: ReturnType<Linter['lintFile']>): FileReport {
    this.lintedAt.set(file, this.revision);
    const keys = findingKeys(findings);
    const diagnostics = findings.map((f, i) => toDiagnostic(f, keys[i]!, this.host.uriOf, this.docOf));
    return this.store.record(file, findings, keys, diagnostics);
  }

  private publish(report: FileReport): void {
    void this.connection.sendDiagnostics({ uri: this.host.uriOf(report.file), diagnostics: [...report.diagnostics] });
  }

  private pulled(uri: string, previousResultId: string | undefined): DocumentDiagnosticReport {
    const document = this.documents.get(uri);
    const file = pathOfUri(uri, document?.languageId ?? '');
    if (file === undefined) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const report = this.lint(file);
    if (previousResultId === report.resultId) {
      return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: report.resultId };
    }
    return { kind: DocumentDiagnosticReportKind.Full, resultId: report.resultId, items: [...report.diagnostics] };
  }

  private opened(document: TextDocument): void {
    const file = this.host.opened(document);
    if (file === undefined) return;
    this.invalidate(file);
    if (this.features.pull && this.covered.has(file)) {
      void this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    }
  }

  /** Also called when a document opens (TextDocuments reports the first content as a change). */
  private changedBuffer(document: TextDocument): void {
    const file = pathOfUri(document.uri, document.languageId);
    if (file === undefined) return;
    this.invalidate(file);
    this.changed.add(file);
    this.schedule('others', () => this.redoDependents());
    // Pulled diagnostics follow each change on their own (the client pulls after sending it).
    if (!this.features.pull) this.schedule(file, () => this.publish(this.lint(file)));
  }

  private closed(document: TextDocument): void {
    const file = this.host.closed(document.uri, document.languageId);
    if (file === undefined) return;
    clearTimeout(this.pending.get(file));
    this.pending.delete(file);
    // The disk's text may differ from the closed buffer's (unsaved changes were dropped).
    this.invalidate(file);
    this.changed.add(file);
    this.schedule('others', () => this.redoDependents());
    if (this.covered.has(file) && this.settings.enable) {
      this.publish(this.lint(file));
    } else {
      this.store.forget(file);
      if (!this.features.pull) void this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    }
  }

  private changedOnDisk(uri: string, type: FileChangeType): void {
    const file = pathOfUri(uri, '');
    if (file === undefined) return;
    if (type !== FileChangeType.Changed && isSourceFile(file) && this.folders.some((f) => isInside(file, f))) {
      this.host.fileExists(file, type === FileChangeType.Created);
      this.revision++;
    }
    if (this.host.isOpen(file)) return; // The buffer, not the disk, is what counts.
    this.invalidate(file);
    this.changed.add(file);
    this.schedule('others', () => this.redoDependents());
    if (!this.covered.has(file)) return;
    if (type === FileChangeType.Deleted) {
      this.covered.delete(file);
      this.store.forget(file);
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    } else {
      this.schedule(file, () => this.publish(this.lint(file)));
    }
  }

  /**
   * After files changed: the other open files (their orchestrators may call into the changed ones) and the closed
   * files with pushed diagnostics whose findings pointed into a changed file.
   */
  private redoDependents(): void {
    const changed = [...this.changed];
    this.changed.clear();
    const open = this.host.openPaths().filter((file) => changed.length > 1 || file !== changed[0]);
    if (open.length > 0) {
      if (this.features.pull && this.features.refresh) {
        void this.connection.languages.diagnostics.refresh().catch((e: unknown) => this.error('Refresh failed', e));
      } else if (!this.features.pull) {
        for (const file of open) this.publish(this.lint(file));
      }
    }
    const closed = new Set(changed.flatMap((file) => this.store.dependentsOf(file)));
    for (const file of closed) if (this.covered.has(file) && !this.host.isOpen(file)) this.publish(this.lint(file));
  }

  /** After the settings changed: every file whose diagnostics the client shows. */
  private async relintAll(): Promise<void> {
    if (this.features.pull && this.features.refresh) await this.connection.languages.diagnostics.refresh();
    else if (!this.features.pull) for (const file of this.host.openPaths()) this.publish(this.lint(file));
    const closed = [...this.covered].filter((file) => !this.host.isOpen(file));
    await lintInBatches(this.linter, this.settings.enable ? closed : [], {
      onFile: (file, findings) => this.publish(this.recordFindings(file, findings)),
      onError: (file, error) => this.error(`Linting ${file} failed`, error),
    });
    if (!this.settings.enable) for (const file of closed) this.publish(this.recordFindings(file, []));
  }

  private schedule(key: string, run: () => void): void {
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.guard(`update (${key})`, run);
      }, this.debounceMs),
    );
  }

  // ---- Quick fixes -----------------------------------------------------------------------------------------

  /**
   * Quick fixes for the findings of the text as it is when the request arrives (the didChange notifications before
   * it are handled first), not for the diagnostics the client last pulled: right after a keystroke those are the
   * previous text's, and may lack the hazard just typed. See quickFixTargets.ts.
   */
  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const only = params.context.only;
    if (
      only &&
      !only.some((kind) => kind === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${kind}.`))
    ) {
      return [];
    }
    await this.ready;
    const uri = params.textDocument.uri;
    const file = pathOfUri(uri, this.documents.get(uri)?.languageId ?? '');
    if (file === undefined) return [];
    const report = this.current(file);
    const text = this.host.readFile(file);
    return quickFixTargets(report, params.range, params.context.diagnostics ?? []).flatMap(
      ({ finding, diagnostic }) => {
        const suppress = toSuppressAction(finding, diagnostic, text, uri);
        return [...toCodeActions(finding, diagnostic, this.host.uriOf), ...(suppress ? [suppress] : [])];
      },
    );
  }

  // ---- Lint Workspace --------------------------------------------------------------------------------------

  private async lintWorkspace(raw: LintWorkspaceParams | null, token: CancellationToken): Promise<LintWorkspaceResult> {
    await this.ready;
    const params = typeof raw === 'object' && raw !== null ? raw : {};
    const progress = this.connection.window.attachWorkDoneProgress(params.workDoneToken);
    progress.begin('Linting the workspace', 0, 'Finding files…', true);
    const result = emptyResult();
    try {
      const files = await workspaceSourceFiles(this.folders);
      this.host.setWorkspaceFiles(files);
      this.revision++;
      // What is on disk now counts, whatever the linter read before (an open buffer still wins).
      for (const file of files) if (!this.host.isOpen(file)) this.invalidate(file);
      const previous = new Set(this.covered);
      const finished = await lintInBatches(this.linter, this.settings.enable ? files : [], {
        onFile: (file, findings) => {
          count(result, findings);
          previous.delete(file);
          const report = this.recordFindings(file, findings);
          const wasCovered = this.covered.has(file);
          if (findings.length > 0) this.covered.add(file);
          if (this.features.pull && this.host.isOpen(file)) return;
          if (findings.length > 0 || wasCovered) this.publish(report);
        },
        onBatch: ({ done, total }) => progress.report(Math.round((done / total) * 100), `${done}/${total} files`),
        onError: (file, error) => this.error(`Linting ${file} failed`, error),
        cancelled: () => token.isCancellationRequested,
      });
      result.cancelled = !finished;
      // Files that are gone (or now outside the workspace) keep no diagnostics from an earlier run.
      if (finished) {
        for (const file of previous) {
          this.covered.delete(file);
          this.store.forget(file);
          void this.connection.sendDiagnostics({ uri: this.host.uriOf(file), diagnostics: [] });
        }
      }
      return result;
    } finally {
      progress.done();
    }
  }

  // ---- Orchestrations (Create Test) ----------------------------------------------------------------------------

  private async orchestrations(params: OrchestrationsParams | null): Promise<OrchestrationsResult> {
    await this.ready;
    const files = params?.files;
    // The whole workspace: list it now (the list made at start-up may not be finished, or may predate new files).
    if (!files) {
      this.host.setWorkspaceFiles(await workspaceSourceFiles(this.folders));
      this.revision++;
    }
    return { orchestrations: this.linter.orchestrations(files) };
  }

  // ---- Errors ----------------------------------------------------------------------------------------------

  /** Runs a notification handler; a throw is logged instead of reaching the connection (which would drop it). */
  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.error(`Handling ${what} failed`, error);
    }
  }

  private error(message: string, error: unknown): void {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`${message}: ${detail}`);
  }
}

/** `connection.onRequest` for a request of protocol.ts, with its types. */
function onRequest<P, R>(
  connection: Connection,
  spec: RequestSpec<P, R>,
  handler: (params: P | null, token: CancellationToken) => Promise<R>,
): void {
  connection.onRequest(spec.method, (params: P | null, token: CancellationToken) => handler(params, token));
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
