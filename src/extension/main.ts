/**
 * Activation: build the `Ctx`, register each part, return the API the extension-host tests use. Failures are
 * reported to the user and rethrown (VS Code then marks the extension as failed to activate).
 */
import * as vscode from 'vscode';
import { registerReplayDebugger } from '../debugger/dap/vscodeFactory.js';
import { registerConnectionCommands } from './connection/connectionCommands.js';
import { setContext } from './contextKeys.js';
import { registerCreateTest } from './createTest/createTestCommand.js';
import { Ctx } from './ctx.js';
import { registerHistory, type HistoryPanels } from './history/historyPanels.js';
import { registerLint } from './lint/lintCommands.js';
import type { LintClient } from './lint/lintClient.js';
import { EmulatorController } from './local/emulatorController.js';
import { EmulatorStatusBar } from './local/statusBar.js';
import { describeError } from './log.js';
import { registerDebugReplay } from './replay/debugReplay.js';
import { registerInspectLocals, type LocalsInspection } from './replay/inspectLocals.js';
import { registerReplayCheck } from './replay/replayCheck.js';
import { registerReplayPresentation, type ReplayPresentation } from './replay/replayPresentation.js';
import { registerExplorer, type Explorer } from './views/explorer.js';

/** What `activate` returns: the parts, for the extension-host tests (`vscode.extensions.getExtension(...).exports`). */
export interface DurableStudioApi {
  readonly ctx: Ctx;
  readonly emulator: EmulatorController;
  readonly statusBar: EmulatorStatusBar;
  /** The Instances, Entities, Functions and Storage views (`instancesTree`, ..., `storageTree`) and documents. */
  readonly explorer: Explorer;
  /** The history webviews: `open(id)`, `panelFor(id)`, `openPanels`; each panel can `describe()` what it shows. */
  readonly history: HistoryPanels;
  /** The determinism linter's language client: `client` (while running) and `whenReady()`. */
  readonly lint: LintClient;
  /** What paused replay debuggers show in editors and history views (`current`, `shownInlineResults`). */
  readonly replay: ReplayPresentation;
  /** Inspect Local Variables: `inspect(session)` and the JavaScript session `attachedTo(session)`. */
  readonly replayLocals: LocalsInspection;
}

let active: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<DurableStudioApi> {
  const ctx = new Ctx(context);
  active = ctx;
  try {
    setContext('durableStudio.connectionState', 'stopped');
    setContext('durableStudio.emulatorRunning', false);
    setContext('durableStudio.remote', false);
    const emulator = new EmulatorController(ctx);
    const statusBar = ctx.push(new EmulatorStatusBar(ctx.emulator, ctx.connections));
    registerConnectionCommands(ctx);
    const explorer = registerExplorer(ctx);
    const history = registerHistory(ctx);
    const lint = registerLint(ctx);
    registerCreateTest(ctx, lint);
    registerReplayCheck(ctx);
    registerDebugReplay(ctx);
    const replay = registerReplayPresentation(ctx, history);
    const replayLocals = registerInspectLocals(ctx, replay);
    ctx.push(registerReplayDebugger(ctx.asset('dist/replay.js')));
    void emulator.autoStart().catch((error: unknown) => ctx.log.error('Auto-start failed', error));
    return { ctx, emulator, statusBar, explorer, history, lint, replay, replayLocals };
  } catch (error) {
    void vscode.window.showErrorMessage(`Durable Studio could not start: ${describeError(error)}`);
    await ctx.dispose();
    active = undefined;
    throw error;
  }
}

/** VS Code waits for this promise: the emulator is stopped (its writes finished) before the window closes. */
export async function deactivate(): Promise<void> {
  const ctx = active;
  active = undefined;
  await ctx?.dispose();
}
