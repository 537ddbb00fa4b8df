/**
 * "Debug Replay": starts a `durable-replay` debug session (the replay debugger's adapter) on an instance of the
 * explorer's host, or on a history file (the host's `showHistory` JSON, e.g. exported from Azure or from the
 * history view). The session replays in a process of its own; VS Code's debug UI does the rest.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { instanceIdArg } from '../actions/args.js';
import type { Ctx } from '../ctx.js';
import { currentOrPickedApp } from '../local/appDiscovery.js';

export const REPLAY_DEBUG_TYPE = 'durable-replay';

export function registerDebugReplay(ctx: Ctx): void {
  ctx.registerCommand('durableStudio.replay.debugInstance', (target?: unknown) => debugInstance(ctx, target));
  ctx.registerCommand('durableStudio.replay.debugHistoryFile', (file?: vscode.Uri) => debugHistoryFile(ctx, file));
}

/**
 * Replays an instance of the explorer's host; its history view opens beside the source and marks each position
 * (`ReplayPresentation`).
 */
async function debugInstance(ctx: Ctx, target: unknown): Promise<boolean> {
  const connection = ctx.connections.require();
  const instanceId =
    instanceIdArg(target) ??
    (await vscode.window.showInputBox({
      title: 'Durable Studio: debug the replay of which instance?',
      prompt: 'Instance id',
    }));
  if (!instanceId) return false;
  const appDir = await currentOrPickedApp(runningApp(ctx), 'Durable Studio: replay with which app’s code?');
  if (!appDir) return false;
  return start(appDir, {
    name: `Replay ${instanceId}`,
    instanceId,
    emulatorUrl: connection.baseUrl,
  });
}

async function debugHistoryFile(ctx: Ctx, file: vscode.Uri | undefined): Promise<boolean> {
  const uri =
    file ??
    vscode.window.activeTextEditor?.document.uri ??
    (
      await vscode.window.showOpenDialog({
        title: 'Durable Studio: debug the replay of a history file',
        filters: { 'History JSON': ['json'] },
        canSelectMany: false,
      })
    )?.[0];
  if (!uri) return false;
  const appDir = await currentOrPickedApp(runningApp(ctx), 'Durable Studio: replay with which app’s code?');
  if (!appDir) return false;
  return start(appDir, { name: `Replay ${path.basename(uri.fsPath)}`, historyFile: uri.fsPath });
}

function start(appDir: string, launch: { name: string } & Record<string, string>): Thenable<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(appDir));
  return vscode.debug.startDebugging(folder, {
    type: REPLAY_DEBUG_TYPE,
    request: 'launch',
    app: appDir,
    stopOnEntry: true,
    ...launch,
  });
}

/** The app the emulator runs (or ran last), if any. */
function runningApp(ctx: Ctx): string | undefined {
  const state = ctx.emulator.state;
  return 'appDir' in state && state.appDir ? state.appDir : undefined;
}
