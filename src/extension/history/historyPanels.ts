/**
 * The open history panels (one per instance: opening an instance again reveals its panel), restoring them after a
 * window reload (the panel serializer), and the commands `durableStudio.instance.openHistory` and
 * `durableStudio.history.export`. Also "go to definition" for names clicked in a history: the app's registration
 * of the function, found in the workspace's sources.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import {
  HISTORY_VIEW_TYPE,
  instanceIdOfState,
  type DefinitionTarget,
  type HistoryStatus,
} from '../../webview/history/protocol.js';
import { EXCLUDED_GLOB, findDefinition, SOURCE_GLOB, type DefinitionLocation } from './definitionFinder.js';
import { exportFileName, instanceIdOf } from './commandArgs.js';
import { HISTORY_QUERY, HistoryPanel, type PanelActions } from './historyPanel.js';

/** How many workspace files "go to definition" looks at, at most. */
const MAX_SOURCE_FILES = 20_000;

/** A path given to the export command: a string or a `vscode.Uri`. */
function pathOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  return undefined;
}

export class HistoryPanels implements vscode.Disposable, PanelActions, vscode.WebviewPanelSerializer<unknown> {
  private readonly panels = new Map<string, HistoryPanel>();
  private lastFocused: HistoryPanel | undefined;

  constructor(private readonly ctx: Ctx) {}

  /**
   * Opens the instance's history, or reveals it when it is open already. `beside`: in the column next to the active
   * editor, keeping the focus where it is (the replay debugger shows it next to the source).
   */
  open(instanceId: string, options: { beside?: boolean } = {}): HistoryPanel {
    const existing = this.panels.get(instanceId);
    if (existing) {
      existing.reveal(options.beside);
      existing.refresh();
      return existing;
    }
    const placement = options.beside
      ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }
      : { viewColumn: vscode.ViewColumn.Active, preserveFocus: false };
    const panel = new HistoryPanel(this.ctx, instanceId, this, undefined, placement);
    this.panels.set(instanceId, panel);
    this.lastFocused = panel;
    return panel;
  }

  /**
   * VS Code reopens a history panel after a window reload (package.json activates the extension for it): the
   * panel shows the instance named in the state its webview saved, read again through the explorer's connection,
   * or says it is not connected until the explorer connects. A state without an instance id closes the panel.
   */
  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const instanceId = instanceIdOfState(state);
    const existing = instanceId === undefined ? undefined : this.panels.get(instanceId);
    if (instanceId === undefined || existing) {
      this.ctx.log.info(
        instanceId === undefined
          ? `A history panel was not restored: its saved state names no instance (${JSON.stringify(state)?.slice(0, 200)})`
          : `The history of '${instanceId}' is open already; its restored copy was closed`,
      );
      webviewPanel.dispose();
      return;
    }
    const panel = new HistoryPanel(this.ctx, instanceId, this, webviewPanel);
    this.panels.set(instanceId, panel);
    if (webviewPanel.active) this.lastFocused = panel;
  }

  panelFor(instanceId: string): HistoryPanel | undefined {
    return this.panels.get(instanceId);
  }

  get openPanels(): readonly HistoryPanel[] {
    return [...this.panels.values()];
  }

  /** The active history panel, else the one focused last. */
  get activePanel(): HistoryPanel | undefined {
    return this.openPanels.find((panel) => panel.active) ?? this.lastFocused;
  }

  /**
   * Writes an instance's status with its history as JSON, in the format of the host's
   * `GET instances/{id}?showHistory=true&showHistoryOutput=true&showInput=true` (what the replay debugger reads), to
   * `target` or to a file the user picks. Resolves with the path written (undefined when the user cancelled).
   */
  async exportHistory(
    instanceId: string,
    read: () => Promise<HistoryStatus>,
    target?: string,
  ): Promise<string | undefined> {
    let file = target;
    if (file === undefined) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = exportFileName(instanceId);
      const uri = await vscode.window.showSaveDialog({
        title: `Export the history of ${instanceId}`,
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(name),
        filters: { JSON: ['json'] },
        saveLabel: 'Export',
      });
      if (!uri) return undefined;
      file = uri.fsPath;
    }
    const status = await read();
    await writeFile(file, `${JSON.stringify(status, null, 2)}\n`, 'utf8');
    this.ctx.log.info(`Exported the history of '${instanceId}' to ${file}`);
    if (target === undefined) {
      void vscode.window.showInformationMessage(`History of ${instanceId} exported to ${path.basename(file)}.`);
    }
    return file;
  }

  exportPanel(panel: HistoryPanel, target?: string): Promise<string | undefined> {
    return this.exportHistory(panel.instanceId, () => panel.statusForExport(), target);
  }

  /** Exports an instance whose history is not open: read straight from the host. */
  exportInstance(instanceId: string, target?: string): Promise<string | undefined> {
    return this.exportHistory(
      instanceId,
      async () => {
        const status = await this.ctx.connections.require().client.getStatus(instanceId, HISTORY_QUERY);
        if (!status) throw new Error(`There is no instance '${instanceId}'.`);
        return status;
      },
      target,
    );
  }

  /** Opens the registration of a function or entity; resolves with where (undefined when not found). */
  async openDefinition(target: DefinitionTarget, from?: HistoryPanel): Promise<DefinitionLocation | undefined> {
    const files = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDED_GLOB, MAX_SOURCE_FILES);
    const state = this.ctx.emulator.state;
    const appDir = 'appDir' in state && state.appDir ? state.appDir : undefined;
    const location = await findDefinition(
      target,
      files.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath),
      (file) => readFile(file, 'utf8'),
      appDir ? { appDir } : {},
    );
    if (!location) {
      void vscode.window.showWarningMessage(
        `No registration of ${target.kind} '${target.name}' found in the workspace.`,
      );
      return undefined;
    }
    const start = new vscode.Position(location.line, location.character);
    const selection = new vscode.Range(start, start.translate(0, location.length));
    // Keep the history in view: the source opens in the other column.
    const besideHistory = from?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), { selection, viewColumn: besideHistory });
    return location;
  }

  openInstance(instanceId: string): void {
    this.open(instanceId);
  }

  didFocus(panel: HistoryPanel): void {
    this.lastFocused = panel;
  }

  didDispose(panel: HistoryPanel): void {
    if (this.panels.get(panel.instanceId) === panel) this.panels.delete(panel.instanceId);
    if (this.lastFocused === panel) this.lastFocused = undefined;
  }

  dispose(): void {
    for (const panel of this.openPanels) panel.dispose();
  }
}

/** Registers the history commands; the returned object is on `DurableStudioApi` for the tests. */
export function registerHistory(ctx: Ctx): HistoryPanels {
  const panels = ctx.push(new HistoryPanels(ctx));
  // Registered during activation: VS Code restores the panels it kept once the extension has activated.
  ctx.push(vscode.window.registerWebviewPanelSerializer(HISTORY_VIEW_TYPE, panels));

  ctx.registerCommand('durableStudio.instance.openHistory', async (arg?: unknown) => {
    const instanceId =
      instanceIdOf(arg) ??
      (
        await vscode.window.showInputBox({
          title: 'Durable Studio: open the history of an instance',
          prompt: 'Instance ID',
          validateInput: (value) => (value.trim() === '' ? 'Enter an instance ID.' : undefined),
          ignoreFocusOut: true,
        })
      )?.trim();
    return instanceId ? panels.open(instanceId) : undefined;
  });

  // Arguments: (instance?: string | {instanceId}, targetPath?: string | Uri), or (targetPath: Uri).
  ctx.registerCommand('durableStudio.history.export', async (first?: unknown, second?: unknown) => {
    const instanceId = first instanceof vscode.Uri ? undefined : instanceIdOf(first);
    const target = pathOf(first instanceof vscode.Uri ? first : second);
    if (instanceId !== undefined) {
      const panel = panels.panelFor(instanceId);
      return panel ? panels.exportPanel(panel, target) : panels.exportInstance(instanceId, target);
    }
    const panel = panels.activePanel;
    if (!panel) throw new Error('Open the history of an instance first (Durable Studio: Open History).');
    return panels.exportPanel(panel, target);
  });

  return panels;
}
