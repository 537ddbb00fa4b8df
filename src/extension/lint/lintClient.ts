/**
 * The determinism linter in VS Code: a `LanguageClient` that starts the linter's language server (dist/lint-server.js)
 * in its own Node process over IPC, and stops it again when `durableStudio.lint.enable` is turned off. The extension
 * host does no lint work itself: diagnostics, quick fixes and "Lint Workspace" are all answered by the server.
 *
 * Lifetimes (STYLE principle 8): the output channel and the settings listener live as long as the extension (tracked
 * by `Ctx`); the client lives from a start to the next stop, and this object, itself tracked by `Ctx`, stops it.
 * Starts and stops are queued, so a quick off-on-off never leaves two servers running.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  LANGUAGE_IDS,
  SETTINGS_SECTION,
  type LintInitializationOptions,
  type RequestSpec,
} from '../../lint/server/protocol.js';
import type { Ctx } from '../ctx.js';

export const LINT_CLIENT_ID = 'durableStudio.lint';
/** The port the server's debug variant listens on for a debugger (when the extension host itself is debugged). */
export const LINT_SERVER_INSPECT_PORT = 6011;
const STOP_TIMEOUT_MS = 2_000;

export class LintClient implements vscode.Disposable {
  private current: LanguageClient | undefined;
  /** Every start and stop runs after the one before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly output: vscode.LogOutputChannel;

  constructor(private readonly ctx: Ctx) {
    this.output = ctx.push(vscode.window.createOutputChannel('Durable Studio Linter', { log: true }));
    ctx.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SETTINGS_SECTION}.enable`)) void this.sync();
      }),
    );
  }

  /** The running client; undefined while the linter is off or being (re)started. */
  get client(): LanguageClient | undefined {
    return this.current?.isRunning() ? this.current : undefined;
  }

  /** Resolves once pending starts and stops are done: with the running client, or undefined when the linter is off. */
  async whenReady(): Promise<LanguageClient | undefined> {
    await this.queue;
    return this.client;
  }

  /** Starts or stops the server to match `durableStudio.lint.enable`. */
  sync(): Promise<void> {
    const run = this.queue.then(async () => {
      const enabled = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>('enable', true);
      if (enabled && !this.disposed && !this.current) await this.start();
      else if ((!enabled || this.disposed) && this.current) await this.stop();
    });
    this.queue = run.catch((error: unknown) => this.ctx.log.error('The linter could not start or stop', error));
    return run;
  }

  /** Sends a request of protocol.ts; fails when the linter is off. */
  async request<P, R>(spec: RequestSpec<P, R>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.whenReady();
    if (!client) throw new Error(`The determinism linter is off (setting ${SETTINGS_SECTION}.enable).`);
    return client.sendRequest<R>(spec.method, params, token);
  }

  /** Stops the server; Ctx awaits the promise on deactivation. */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.sync().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const client = new LanguageClient(
      LINT_CLIENT_ID,
      'Durable Studio Linter',
      this.serverOptions(),
      this.clientOptions(),
    );
    this.current = client;
    try {
      await client.start();
      this.ctx.log.info('Determinism linter started');
    } catch (error) {
      this.current = undefined;
      await client.dispose(STOP_TIMEOUT_MS).catch(() => undefined);
      throw error;
    }
  }

  private async stop(): Promise<void> {
    const client = this.current;
    this.current = undefined;
    // dispose() stops the server (shutdown, exit) and releases the client's own registrations.
    await client?.dispose(STOP_TIMEOUT_MS);
    this.ctx.log.info('Determinism linter stopped');
  }

  private serverOptions(): ServerOptions {
    const module = this.ctx.asset('dist/lint-server.js');
    return {
      run: { module, transport: TransportKind.ipc },
      debug: {
        module,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', `--inspect=${LINT_SERVER_INSPECT_PORT}`] },
      },
    };
  }

  private clientOptions(): LanguageClientOptions {
    const initializationOptions: LintInitializationOptions = {
      rulesCatalogue: this.ctx.asset('docs/lint-rules.md'),
    };
    return {
      documentSelector: LANGUAGE_IDS.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      synchronize: { configurationSection: SETTINGS_SECTION },
      // Pull as the user types and saves (the client's default is on open only).
      diagnosticPullOptions: { onChange: true, onSave: true },
      diagnosticCollectionName: 'durable-lint-workspace',
      initializationOptions,
      outputChannel: this.output,
    };
  }
}
