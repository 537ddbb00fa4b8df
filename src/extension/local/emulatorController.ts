/**
 * The emulator commands (start, start with debugger, stop, restart, log, menu, choose the app) and what follows
 * from the process's state: the explorer connects when it runs, failures are said in plain words with a way
 * forward, settings changes offer a restart, the JavaScript debugger is attached to the app worker. A start the
 * emulator refused because its store is damaged offers Repair Store…, which shows what a repair would drop and
 * asks before it restarts with `--repair`.
 */
import { freePort } from '../../protocol/freePort.js';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorSettings, RESTART_SETTINGS } from '../config.js';
import { setContext } from '../contextKeys.js';
import type { Ctx } from '../ctx.js';
import { findFunctionApps, resolveAppSetting } from './appDiscovery.js';
import {
  EmulatorStartError,
  previewStoreRepair,
  type EmulatorLaunch,
  type EmulatorState,
  type RunningState,
  type StoreRepairPreview,
} from './emulatorProcess.js';

const LAST_APP_KEY = 'durableStudio.lastApp';
const REPAIR_AND_START = 'Repair and Start';

/** What Repair Store… did: the preview it showed (or would have), and the emulator it started, if any. */
export interface StoreRepairOutcome {
  preview?: StoreRepairPreview;
  running?: RunningState;
}
const DEBUG_SESSION_NAME = 'Durable Studio: app worker';

export class EmulatorController {
  private debugSession: vscode.DebugSession | undefined;

  constructor(private readonly ctx: Ctx) {
    const unsubscribe = ctx.emulator.onStateChange((state) => this.onState(state));
    ctx.push({ dispose: unsubscribe });
    ctx.registerCommand('durableStudio.emulator.start', () => this.start({ debug: false }));
    ctx.registerCommand('durableStudio.emulator.startWithDebugger', () => this.start({ debug: true }));
    ctx.registerCommand('durableStudio.emulator.stop', () => this.stop());
    ctx.registerCommand('durableStudio.emulator.restart', () => this.restart());
    ctx.registerCommand('durableStudio.emulator.showLog', () => ctx.log.show());
    ctx.registerCommand('durableStudio.emulator.menu', () => this.menu());
    ctx.registerCommand('durableStudio.emulator.selectApp', () => this.pickApp(true));
    ctx.registerCommand('durableStudio.emulator.repairStore', (options?: { confirmed?: boolean }) =>
      this.repairStore(options),
    );
    ctx.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) void this.offerRestart();
      }),
    );
    ctx.push(
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (session === this.debugSession) this.debugSession = undefined;
      }),
    );
    this.onState(ctx.emulator.state);
  }

  /** Starts the emulator if the settings ask for it and the workspace has a function app. */
  async autoStart(): Promise<void> {
    if (!emulatorSettings().autoStart) return;
    const apps = await findFunctionApps();
    if (apps.length === 0) return;
    await this.start({ debug: false });
  }

  /**
   * Starts the emulator on the chosen app, with a progress notification, and resolves with the running state
   * (undefined when the user cancelled or it failed: the failure has been shown with buttons to the log and to
   * retry). Already running: resolves with the current state (with `debug`, restarts with the debugger).
   */
  async start(options: { debug: boolean; appDir?: string; repair?: boolean }): Promise<RunningState | undefined> {
    const state = this.ctx.emulator.state;
    if (state.kind === 'running' && (!options.debug || state.inspectPort !== undefined)) return state;
    if (state.kind === 'running' || state.kind === 'starting' || state.kind === 'stopping') await this.stop();
    const appDir = options.appDir ?? (await this.pickApp(false));
    if (!appDir) return undefined;
    const inspectPort = options.debug ? await freePort() : undefined;
    const launch: EmulatorLaunch = {
      ...this.launchFor(appDir),
      ...(inspectPort !== undefined ? { inspectPort } : {}),
      ...(options.repair ? { repair: true } : {}),
    };
    this.ctx.log.info(
      `Starting the emulator: ${launch.nodePath} ${launch.cliPath} --app ${appDir}${launch.repair ? ' --repair' : ''}`,
    );
    try {
      const running = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Durable Studio: starting the emulator for ${path.basename(appDir)}`,
          cancellable: true,
        },
        (_progress, token) => {
          const cancel = token.onCancellationRequested(() => void this.ctx.emulator.stop());
          return this.ctx.emulator.start(launch).finally(() => {
            cancel.dispose();
          });
        },
      );
      if (running.inspectPort !== undefined) await this.attachDebugger(running);
      return running;
    } catch (error) {
      if (!(error instanceof EmulatorStartError)) throw error;
      // The state listener has shown the failure (with its buttons) unless it was a cancellation.
      return undefined;
    }
  }

  /** How the settings say to run the emulator on `appDir`. */
  private launchFor(appDir: string): EmulatorLaunch {
    const settings = emulatorSettings();
    return {
      cliPath: this.ctx.asset(path.join('dist', 'cli.js')),
      nodePath: settings.nodePath || process.execPath,
      appDir,
      port: settings.port,
      watch: settings.watch,
      ...(settings.storeFolder ? { storeDir: path.resolve(appDir, settings.storeFolder) } : {}),
    };
  }

  /**
   * Repair Store…: asks the CLI what a repair of the store would keep and drop, shows it in a modal, and on
   * confirmation starts the emulator with `--repair`. `confirmed` skips the modal (tests, scripts). A store that
   * is not damaged is simply started.
   */
  async repairStore(options: { confirmed?: boolean } = {}): Promise<StoreRepairOutcome> {
    const state = this.ctx.emulator.state;
    if (state.kind === 'running') {
      void vscode.window.showInformationMessage(
        'Durable Studio: the emulator runs, so its store loaded: nothing to repair.',
      );
      return { running: state };
    }
    const appDir = 'appDir' in state && state.appDir ? state.appDir : await this.pickApp(false);
    if (!appDir) return {};
    let preview: StoreRepairPreview;
    try {
      preview = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Durable Studio: checking the emulator store' },
        () => previewStoreRepair(this.launchFor(appDir)),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`The store check failed: ${reason}`);
      void vscode.window.showErrorMessage(`Durable Studio: could not check the emulator store. ${reason}`);
      return {};
    }
    this.ctx.log.info(preview.report);
    if (!preview.damaged) {
      void vscode.window.showInformationMessage('Durable Studio: the store is not damaged; starting the emulator.');
      const running = await this.start({ debug: false, appDir });
      return { preview, ...(running ? { running } : {}) };
    }
    if (!options.confirmed) {
      const choice = await vscode.window.showWarningMessage(
        'Repair the emulator store?',
        {
          modal: true,
          detail: `${preview.report}\n\nThe emulator then starts on the repaired store.`,
        },
        REPAIR_AND_START,
      );
      if (choice !== REPAIR_AND_START) return { preview };
    }
    const running = await this.start({ debug: false, appDir, repair: true });
    if (running) {
      void vscode.window
        .showInformationMessage(
          'Durable Studio: the store was repaired. The damaged files are kept next to it as *.corrupt-<time>; the log lists what was dropped.',
          'Show Log',
        )
        .then((choice) => {
          if (choice === 'Show Log') this.ctx.log.show();
        });
    }
    return { preview, ...(running ? { running } : {}) };
  }

  async stop(): Promise<void> {
    if (this.debugSession) await vscode.debug.stopDebugging(this.debugSession);
    await this.ctx.emulator.stop();
  }

  async restart(): Promise<RunningState | undefined> {
    const state = this.ctx.emulator.state;
    const debug = state.kind === 'running' && state.inspectPort !== undefined;
    const appDir = 'appDir' in state && state.appDir ? state.appDir : undefined;
    await this.stop();
    return this.start({ debug, ...(appDir ? { appDir } : {}) });
  }

  private onState(state: EmulatorState): void {
    const connections = this.ctx.connections;
    setContext('durableStudio.emulatorRunning', state.kind === 'running');
    setContext('durableStudio.storeDamaged', state.kind === 'failed' && state.storeDamaged === true);
    if (state.kind === 'running') {
      connections.connect({ kind: 'emulator', baseUrl: state.url, label: `emulator :${state.port}` });
    } else if (connections.current?.kind === 'emulator') {
      connections.disconnect();
    }
    const remote = connections.current?.kind === 'remote';
    setContext('durableStudio.remote', remote);
    setContext(
      'durableStudio.connectionState',
      connections.current
        ? 'connected'
        : state.kind === 'starting'
          ? 'starting'
          : state.kind === 'failed'
            ? 'failed'
            : 'stopped',
    );
    if (state.kind === 'failed') void this.reportFailure(state);
  }

  private async reportFailure(state: Extract<EmulatorState, { kind: 'failed' }>): Promise<void> {
    this.ctx.log.error(`The emulator stopped: ${state.reason}`);
    if (state.storeDamaged) {
      // A restart would refuse again: the way forward is a repair, after the user has seen what it drops.
      const choice = await vscode.window.showErrorMessage(
        `Durable Studio: the emulator did not start because its store is damaged (nothing was changed). ${state.reason}`,
        'Repair Store…',
        'Show Log',
      );
      if (choice === 'Show Log') this.ctx.log.show();
      if (choice === 'Repair Store…') await this.repairStore();
      return;
    }
    const choice = await vscode.window.showErrorMessage(
      `Durable Studio: the emulator stopped. ${state.reason}`,
      'Show Log',
      'Restart',
    );
    if (choice === 'Show Log') this.ctx.log.show();
    if (choice === 'Restart') await this.restart();
  }

  private async offerRestart(): Promise<void> {
    if (this.ctx.emulator.state.kind !== 'running') return;
    const choice = await vscode.window.showInformationMessage(
      'Durable Studio: restart the emulator to apply the changed settings?',
      'Restart',
    );
    if (choice === 'Restart') await this.restart();
  }

  private async menu(): Promise<void> {
    const state = this.ctx.emulator.state;
    type Entry = vscode.QuickPickItem & { command: string };
    const entries: Entry[] =
      state.kind === 'running'
        ? [
            { label: '$(debug-restart) Restart Emulator', command: 'durableStudio.emulator.restart' },
            { label: '$(debug-stop) Stop Emulator', command: 'durableStudio.emulator.stop' },
            { label: '$(add) Start Orchestration…', command: 'durableStudio.instance.start' },
          ]
        : [
            ...(state.kind === 'failed' && state.storeDamaged
              ? [{ label: '$(tools) Repair Emulator Store…', command: 'durableStudio.emulator.repairStore' }]
              : []),
            { label: '$(play) Start Emulator', command: 'durableStudio.emulator.start' },
            { label: '$(debug-alt) Start Emulator with Debugger', command: 'durableStudio.emulator.startWithDebugger' },
          ];
    entries.push(
      { label: '$(output) Show Emulator Log', command: 'durableStudio.emulator.showLog' },
      { label: '$(folder) Select Function App…', command: 'durableStudio.emulator.selectApp' },
      { label: '$(plug) Connect to a Durable Functions Host…', command: 'durableStudio.connection.connectToHost' },
    );
    const detail = state.kind === 'running' ? `Running at ${state.url}` : `Emulator ${state.kind}`;
    const picked = await vscode.window.showQuickPick(entries, { title: 'Durable Studio', placeHolder: detail });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  /**
   * The app to run: the setting, else the only app, else the one picked last, else a picker. `force` always
   * shows the picker (the Select Function App command) and remembers the choice.
   */
  private async pickApp(force: boolean): Promise<string | undefined> {
    const configured = resolveAppSetting(emulatorSettings().appFolder);
    if (configured && !force) return configured;
    const apps = await findFunctionApps();
    if (apps.length === 0) {
      void vscode.window.showErrorMessage(
        'Durable Studio: no function app in this workspace (a folder with host.json and package.json).',
      );
      return undefined;
    }
    const last = this.ctx.extension.workspaceState.get<string>(LAST_APP_KEY);
    if (!force) {
      if (apps.length === 1) return apps[0]!.dir;
      if (last && apps.some((app) => app.dir === last)) return last;
    }
    const picked = await vscode.window.showQuickPick(
      apps.map((app) => ({ label: app.label, description: app.dir === last ? 'last used' : '', dir: app.dir })),
      { title: 'Durable Studio: which function app should the emulator run?' },
    );
    if (!picked) return undefined;
    await this.ctx.extension.workspaceState.update(LAST_APP_KEY, picked.dir);
    return picked.dir;
  }

  /** Attaches VS Code's JavaScript debugger to the app worker (reattaching when `--watch` restarts it). */
  private async attachDebugger(running: RunningState): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(running.appDir));
    const started = await vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'attach',
      name: DEBUG_SESSION_NAME,
      address: '127.0.0.1',
      port: running.inspectPort,
      restart: true,
      cwd: running.appDir,
      skipFiles: ['<node_internals>/**'],
      sourceMaps: true,
      outFiles: [`${running.appDir}/**/*.js`, '!**/node_modules/**'],
    });
    if (!started) {
      void vscode.window.showWarningMessage(
        `Durable Studio: the emulator runs, but the debugger did not attach to port ${running.inspectPort}.`,
      );
      return;
    }
    this.debugSession = vscode.debug.activeDebugSession;
    this.ctx.log.info(`JavaScript debugger attached to the app worker on port ${running.inspectPort}`);
  }
}
