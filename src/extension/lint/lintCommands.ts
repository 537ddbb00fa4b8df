/**
 * The linter's part of the extension: its client (started when `durableStudio.lint.enable` is on) and the command
 * "Durable Studio: Lint Workspace", which asks the server to lint every file and shows the server's work-done
 * progress in a cancellable notification.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { LintWorkspaceRequest, type LintWorkspaceResult } from '../../lint/server/protocol.js';
import type { Ctx } from '../ctx.js';
import { LintClient } from './lintClient.js';

/** Starts the linter (unless it is off) and registers its command; the returned client is tracked by `ctx`. */
export function registerLint(ctx: Ctx): LintClient {
  const lint = ctx.push(new LintClient(ctx));
  void lint.sync();
  ctx.registerCommand('durableStudio.lint.workspace', () => lintWorkspace(lint));
  return lint;
}

/** Runs "Lint Workspace"; resolves with the server's counts (the tests read them). */
export async function lintWorkspace(lint: LintClient): Promise<LintWorkspaceResult> {
  const client = await lint.whenReady();
  if (!client) throw new Error('The determinism linter is off: turn on the setting durableStudio.lint.enable.');
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Durable Studio: Linting the workspace',
      cancellable: true,
    },
    async (progress, cancellation) => {
      const workDoneToken = randomUUID();
      let shown = 0;
      const listening = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const step = value as WorkDoneProgressBegin | WorkDoneProgressReport;
        const percentage = step.percentage ?? shown;
        progress.report({ ...(step.message ? { message: step.message } : {}), increment: percentage - shown });
        shown = percentage;
      });
      try {
        return await lint.request(LintWorkspaceRequest, { workDoneToken }, cancellation);
      } finally {
        listening.dispose();
      }
    },
  );
  void vscode.window.showInformationMessage(summary(result), 'Show Problems').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}

/** "Linted 42 files: 3 errors and 1 warning in 2 files." */
export function summary(result: LintWorkspaceResult): string {
  const counts = [
    plural(result.errors, 'error'),
    plural(result.warnings, 'warning'),
    ...(result.infos > 0 ? [plural(result.infos, 'info')] : []),
  ];
  const found =
    result.errors + result.warnings + result.infos === 0
      ? 'no determinism problems'
      : `${counts.join(', ')} in ${plural(result.filesWithFindings, 'file')}`;
  return `${result.cancelled ? 'Cancelled after linting' : 'Linted'} ${plural(result.files, 'file')}: ${found}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
