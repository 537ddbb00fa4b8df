/**
 * A plain LSP client for the linter's language server: spawns `node dist/lint-server.js --stdio` and talks JSON-RPC
 * with vscode-languageserver-protocol, the way any editor would. It answers the server's requests (configuration,
 * registrations, diagnostic refreshes), records what the server pushes (diagnostics, progress, log lines), and offers
 * waits with deadlines (nothing sleeps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DocumentDiagnosticReportKind,
  DocumentDiagnosticRequest,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const REPO = path.resolve(__dirname, '../..');
export const SERVER = path.join(REPO, 'dist/lint-server.js');

/** What an editor that pulls diagnostics announces (VS Code's client sends the same, and more). */
export const PULL_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { didSave: true },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
  },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    diagnostics: { refreshSupport: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
  },
  window: { workDoneProgress: true },
};

/** An editor that only takes pushed diagnostics and sends its settings along with changes. */
export const PUSH_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: {},
    publishDiagnostics: { relatedInformation: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
  },
  workspace: {},
};

export interface ProgressEvent {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export class LspClient {
  /** The settings `workspace/configuration` answers with (section durableStudio.lint). */
  settings: unknown = {};
  readonly pushed = new Map<string, Diagnostic[]>();
  /** How many times diagnostics were pushed for each URI. */
  readonly pushes = new Map<string, number>();
  readonly progress = new Map<string | number, ProgressEvent[]>();
  readonly log: string[] = [];
  refreshes = 0;
  registrations: string[] = [];
  private readonly documents = new Map<string, TextDocument>();
  private waiters: (() => void)[] = [];
  private stderr = '';

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
      params.items.map(() => this.settings),
    );
    connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
      this.registrations.push(...params.registrations.map((r) => r.method));
      this.changed();
      return null;
    });
    connection.onRequest(DiagnosticRefreshRequest.method, () => {
      this.refreshes++;
      this.changed();
      return null;
    });
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.pushed.set(p.uri, p.diagnostics);
      this.pushes.set(p.uri, (this.pushes.get(p.uri) ?? 0) + 1);
      this.changed();
    });
    connection.onNotification('$/progress', (p: { token: string | number; value: ProgressEvent }) => {
      const list = this.progress.get(p.token) ?? [];
      list.push(p.value);
      this.progress.set(p.token, list);
      this.changed();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    connection.listen();
  }

  /** Spawns the server over stdio and initializes it for `root` (one workspace folder). */
  static async start(root: string, capabilities: ClientCapabilities, settings: unknown = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const client = new LspClient(child, connection);
    client.settings = settings;
    const rootUri = pathToFileURL(root).href;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(file: string): string {
    return pathToFileURL(file).href;
  }

  async open(file: string, text: string, languageId = 'typescript'): Promise<string> {
    const uri = this.uri(file);
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text of an open document (a full-content change). */
  async change(uri: string, text: string): Promise<void> {
    const old = this.documents.get(uri)!;
    const next = TextDocument.create(uri, old.languageId, old.version + 1, text);
    this.documents.set(uri, next);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: next.version },
      contentChanges: [{ text }],
    });
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  text(uri: string): string {
    return this.documents.get(uri)!.getText();
  }

  async pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
      ...(previousResultId ? { previousResultId } : {}),
    });
  }

  /** The diagnostics of a full report (fails on an unchanged one). */
  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await this.pull(uri);
    if (report.kind !== DocumentDiagnosticReportKind.Full) throw new Error(`expected a full report: ${report.kind}`);
    return report.items;
  }

  /** Resolves when `probe` holds, checked after each message from the server; rejects after `timeoutMs`. */
  async until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (probe()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; server stderr: ${this.stderr}`));
      }, timeoutMs);
      const check = () => {
        if (!probe()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  /** Writes raw bytes to the server's input, between messages (for malformed-input tests). */
  writeRaw(bytes: string): void {
    this.process.stdin!.write(bytes);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** shutdown, exit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (!this.alive) resolve(this.process.exitCode);
      else this.process.once('exit', (code) => resolve(code));
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
