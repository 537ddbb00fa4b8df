/**
 * "Durable Studio: Check Replay Compatibility": replays every stored instance of the app against today's code
 * (`dist/cli.js replay-check --json`, in a process of its own: the user's code never runs in the extension host)
 * and shows each divergence in plain words: in the Problems view at the orchestrator's source line, and in a list
 * that opens the line or the instance's history.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstanceReport } from '../../debugger/replayCheckMain.js';
import { emulatorSettings } from '../config.js';
import type { Ctx } from '../ctx.js';
import { currentOrPickedApp } from '../local/appDiscovery.js';

export interface ReplayCheckResult {
  appDir: string;
  storeDir: string;
  instances: InstanceReport[];
}

/** `durableStudio.replay.check` arguments, for tests and other callers (nothing is asked when given). */
export interface ReplayCheckArgs {
  appDir?: string;
  /** Default: the emulator's store folder setting, else `<app>/.durable-studio`. */
  storeDir?: string;
  /** Show the list of divergences (default true). */
  showList?: boolean;
}

export function registerReplayCheck(ctx: Ctx): vscode.DiagnosticCollection {
  const diagnostics = ctx.push(vscode.languages.createDiagnosticCollection('durable-replay'));
  ctx.registerCommand('durableStudio.replay.check', (args?: ReplayCheckArgs) => checkReplay(ctx, diagnostics, args));
  return diagnostics;
}

async function checkReplay(
  ctx: Ctx,
  diagnostics: vscode.DiagnosticCollection,
  args: ReplayCheckArgs = {},
): Promise<ReplayCheckResult | undefined> {
  const appDir = args.appDir ?? (await currentOrPickedApp(runningApp(ctx), 'Durable Studio: check which app?'));
  if (!appDir) return undefined;
  const settings = emulatorSettings();
  const storeDir =
    args.storeDir ?? path.resolve(appDir, settings.storeFolder === '' ? '.durable-studio' : settings.storeFolder);
  const cliArgs = [ctx.asset(path.join('dist', 'cli.js')), 'replay-check', '--app', appDir, '--store', storeDir];
  const output = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Durable Studio: replaying the stored instances against the current code',
      cancellable: true,
    },
    (_progress, token) => runNode(settings.nodePath || process.execPath, [...cliArgs, '--json'], appDir, token),
  );
  if (output === undefined) return undefined; // Cancelled.
  if (output.code === 2 || output.stdout.trim() === '') {
    const reason = output.stderr.trim().split('\n').pop() ?? `exit code ${output.code}`;
    throw new Error(`Replay check failed: ${reason.replace(/^replay-check: /, '')}`);
  }
  const { instances } = JSON.parse(output.stdout) as { instances: InstanceReport[] };
  const result: ReplayCheckResult = { appDir, storeDir, instances };
  publish(diagnostics, result);
  const diverged = instances.filter((report) => report.divergence);
  ctx.log.info(`Replay check: ${instances.length} instance(s), ${diverged.length} divergence(s)`);
  if (diverged.length === 0) {
    void vscode.window.showInformationMessage(
      `Durable Studio: all ${instances.length} stored instance(s) replay against the current code without divergence.`,
    );
  } else if (args.showList !== false) {
    void showList(diverged);
  }
  return result;
}

/** One warning per divergence, at the orchestrator's line (the Problems view lists them with the instance). */
function publish(diagnostics: vscode.DiagnosticCollection, result: ReplayCheckResult): void {
  diagnostics.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const report of result.instances) {
    const divergence = report.divergence;
    if (!divergence?.site) continue;
    const line = Math.max(0, divergence.site.line - 1);
    const column = Math.max(0, divergence.site.column - 1);
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(line, column, line, column + 1),
      `Instance '${report.instanceId}' (${report.name}) no longer replays: ${divergence.message}`,
      vscode.DiagnosticSeverity.Warning,
    );
    diagnostic.source = 'durable-replay';
    diagnostic.code = 'non-determinism';
    const list = byFile.get(divergence.site.file) ?? [];
    list.push(diagnostic);
    byFile.set(divergence.site.file, list);
  }
  for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);
}

async function showList(diverged: InstanceReport[]): Promise<void> {
  type Item = vscode.QuickPickItem & { report: InstanceReport };
  const items: Item[] = diverged.map((report) => {
    const d = report.divergence!;
    return {
      label: `$(warning) ${report.instanceId}`,
      description: `${report.name} · event #${d.eventNumber}`,
      detail: `Recorded ${d.recorded}; the code now does ${d.now}.`,
      buttons: [{ iconPath: new vscode.ThemeIcon('history'), tooltip: 'Open the instance history' }],
      report,
    };
  });
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = `Durable Studio: ${diverged.length} instance(s) diverge from the current code`;
  pick.placeholder = 'Pick one to open the source line';
  pick.items = items;
  pick.onDidTriggerItemButton(({ item }) => {
    pick.hide();
    void vscode.commands.executeCommand('durableStudio.instance.openHistory', item.report.instanceId);
  });
  pick.onDidAccept(() => {
    const site = pick.selectedItems[0]?.report.divergence?.site;
    pick.hide();
    if (!site) return;
    const position = new vscode.Position(Math.max(0, site.line - 1), Math.max(0, site.column - 1));
    void vscode.window.showTextDocument(vscode.Uri.file(site.file), {
      selection: new vscode.Range(position, position),
    });
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

/** Runs Node on the arguments; undefined when cancelled (the process is killed). */
function runNode(
  nodePath: string,
  args: string[],
  cwd: string,
  token: vscode.CancellationToken,
): Promise<{ code: number | null; stdout: string; stderr: string } | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodePath, args, {
      cwd,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const cancel = token.onCancellationRequested(() => child.kill());
    child.on('error', (error) => {
      cancel.dispose();
      reject(new Error(`Could not run ${nodePath}: ${error.message}`));
    });
    child.on('close', (code) => {
      cancel.dispose();
      resolve(token.isCancellationRequested ? undefined : { code, stdout, stderr });
    });
  });
}

/** The app the emulator runs (or ran last), if any. */
function runningApp(ctx: Ctx): string | undefined {
  const state = ctx.emulator.state;
  return 'appDir' in state && state.appDir ? state.appDir : undefined;
}
