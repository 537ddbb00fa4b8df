/** Finds the function apps in the workspace: folders with a host.json and a package.json, outside node_modules. */
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface FunctionApp {
  /** Absolute folder path. */
  dir: string;
  /** Relative to its workspace folder, for pickers ("." for the folder itself). */
  label: string;
}

export async function findFunctionApps(): Promise<FunctionApp[]> {
  const hostFiles = await vscode.workspace.findFiles('**/host.json', '{**/node_modules/**,**/.durable-studio/**}', 50);
  const apps: FunctionApp[] = [];
  for (const hostFile of hostFiles) {
    const dir = path.dirname(hostFile.fsPath);
    try {
      await vscode.workspace.fs.stat(vscode.Uri.file(path.join(dir, 'package.json')));
    } catch {
      continue; // A host.json of another language's app: not ours.
    }
    const folder = vscode.workspace.getWorkspaceFolder(hostFile);
    const relative = folder ? path.relative(folder.uri.fsPath, dir) || '.' : dir;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    apps.push({ dir, label: multiRoot && folder ? `${folder.name}/${relative}` : relative });
  }
  return apps.sort((a, b) => a.label.localeCompare(b.label));
}

/** An app folder setting (absolute, or relative to the first workspace folder) as an absolute path. */
export function resolveAppSetting(setting: string): string | undefined {
  if (setting === '') return undefined;
  if (path.isAbsolute(setting)) return setting;
  const root = vscode.workspace.workspaceFolders?.[0];
  return root ? path.join(root.uri.fsPath, setting) : undefined;
}

/**
 * The app a command works on: the emulator's (`currentApp`), else the workspace's only app, else the one the user
 * picks (undefined when they cancel). Throws when the workspace has no app.
 */
export async function currentOrPickedApp(currentApp: string | undefined, title: string): Promise<string | undefined> {
  if (currentApp) return currentApp;
  const apps = await findFunctionApps();
  if (apps.length === 1) return apps[0]!.dir;
  if (apps.length === 0)
    throw new Error('No function app in this workspace (a folder with host.json and package.json).');
  const picked = await vscode.window.showQuickPick(
    apps.map((app) => ({ label: app.label, dir: app.dir })),
    { title },
  );
  return picked?.dir;
}
