/**
 * Registers the `durable-replay` debug type in VS Code: the same `ReplaySession` as dist/debug-adapter.js, run
 * inline in the extension host (vscode-mock-debug's `InlineDebugAdapterFactory`). The user's code still runs in
 * its own process: the session replays through a worker forked from dist/replay.js.
 *
 * The only file of src/debugger that imports `vscode`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE, ReplaySession, type ReplayLaunchArguments } from './replaySession.js';

/** `replayBundle`: the absolute path of dist/replay.js. */
export function registerReplayDebugger(replayBundle: string): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () =>
        new vscode.DebugAdapterInlineImplementation(new ReplaySession({ replayBundle })),
    }),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { resolveDebugConfiguration }),
  );
}

/**
 * F5 without a launch.json: replay the history file open in the editor, with the workspace folder as the app.
 * A configuration without `app` gets the workspace folder.
 */
function resolveDebugConfiguration(
  folder: vscode.WorkspaceFolder | undefined,
  config: vscode.DebugConfiguration,
): vscode.DebugConfiguration | undefined {
  const appDir = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!config.type && !config.request && !config.name) {
    const file = vscode.window.activeTextEditor?.document.uri;
    if (!file || file.scheme !== 'file' || path.extname(file.fsPath) !== '.json' || !appDir) {
      void vscode.window.showInformationMessage(
        'Durable Replay: open an exported history (.json) or add a "durable-replay" launch configuration.',
      );
      return undefined;
    }
    const launch: ReplayLaunchArguments = { app: appDir, historyFile: file.fsPath, stopOnEntry: true };
    return { type: DEBUG_TYPE, request: 'launch', name: 'Replay history', ...launch };
  }
  if (!config['app'] && appDir) config['app'] = appDir;
  return config;
}
