/**
 * The one object that owns the extension's lifetimes (rust-analyzer's `Ctx` pattern): the log, the emulator
 * process, the explorer's connection, and every disposable the parts register. `dispose()` releases them in
 * reverse order and stops the emulator.
 */
import * as vscode from 'vscode';
import type { CommandId } from './commandIds.js';
import { ConnectionManager } from './connection/hostConnection.js';
import { EmulatorProcess } from './local/emulatorProcess.js';
import { describeError, Log } from './log.js';

export class Ctx implements vscode.Disposable {
  readonly log = new Log();
  readonly connections: ConnectionManager;
  readonly emulator: EmulatorProcess;
  private readonly cleanups: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.connections = new ConnectionManager(this.log);
    this.emulator = new EmulatorProcess((level, line) => {
      if (level === 'info') this.log.info(`[emulator] ${line}`);
      else if (level === 'warn') this.log.warn(`[emulator] ${line}`);
      else this.log.error(`[emulator] ${line}`);
    });
    this.cleanups.push(this.log, this.connections);
  }

  /** Tracks a disposable for the extension's lifetime. */
  push<T extends vscode.Disposable>(disposable: T): T {
    this.cleanups.push(disposable);
    return disposable;
  }

  /**
   * Registers a command. A handler that throws (or rejects) shows the message to the user and logs it; nothing
   * escapes to VS Code as an unhandled error. The handler's result is returned to callers (tests use it).
   */
  registerCommand(id: CommandId, handler: (...args: never[]) => unknown): void {
    this.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (error) {
          this.log.error(`${id} failed`, error);
          void vscode.window.showErrorMessage(describeError(error));
          return undefined;
        }
      }),
    );
  }

  /** Absolute path of a file shipped with the extension (`dist/cli.js`, `media/...`). */
  asset(relative: string): string {
    return this.extension.asAbsolutePath(relative);
  }

  async dispose(): Promise<void> {
    this.connections.disconnect();
    try {
      await this.emulator.stop();
    } catch (error) {
      this.log.error('Stopping the emulator failed', error);
    }
    // In reverse order of registration; a disposable that returns a promise (the language client) is awaited, so
    // its process has stopped before VS Code closes the window.
    for (const disposable of this.cleanups.splice(0).reverse()) {
      try {
        await (disposable.dispose() as unknown);
      } catch (error) {
        this.log.error('Disposing failed', error);
      }
    }
  }
}
