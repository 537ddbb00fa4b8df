/**
 * The status bar item: the emulator's state, and while it runs its port and the number of running and failed
 * instances (re-read from the emulator's summary when the change stream reports a change, at most twice a
 * second), and once the emulated clock was moved forward how far (see statusBarText.ts). Clicking opens the emulator
 * menu.
 */
import * as vscode from 'vscode';
import type { ConnectionManager } from '../connection/hostConnection.js';
import type { EmulatorProcess, EmulatorState } from './emulatorProcess.js';
import { runningStatusText } from './statusBarText.js';

const SUMMARY_INTERVAL_MS = 500;
/** While the clock is moved, the emulated time in the text (to the minute) is redrawn this often. */
const CLOCK_REDRAW_MS = 15_000;

export class EmulatorStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'durableStudio.emulator',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly disposables: vscode.Disposable[] = [];
  private counts: { running: number; failed: number } | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private summaryDue = false;
  /** The emulated clock's offset from wall time (0: not moved, or not the emulator). */
  private clockOffsetMs = 0;
  private clockTimer: NodeJS.Timeout | undefined;
  /** The connection whose clock was read. */
  private clockRead: unknown;

  constructor(
    private readonly emulator: EmulatorProcess,
    private readonly connections: ConnectionManager,
  ) {
    this.item.name = 'Durable Studio Emulator';
    this.item.command = 'durableStudio.emulator.menu';
    const unsubscribe = emulator.onStateChange(() => this.render());
    this.disposables.push(
      { dispose: unsubscribe },
      connections.onDidChangeConnection(() => {
        this.counts = undefined;
        this.setClockOffset(0);
        this.scheduleSummary();
        this.render();
      }),
      connections.onDidReceiveChange((change) => {
        if (change.type === 'instance' || change.type === 'instanceDeleted') this.scheduleSummary();
        if (change.type === 'clock') this.setClockOffset(change.offsetMs);
      }),
      connections.onDidChangeStreamState((state) => {
        if (state.kind !== 'open') return;
        this.clockRead = undefined; // a move made while the stream was not open was not delivered
        this.scheduleSummary();
      }),
    );
    this.render();
    this.item.show();
  }

  /** The text shown now (tests read it). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }

  private render(): void {
    const state: EmulatorState = this.emulator.state;
    const remote = this.connections.current?.kind === 'remote' ? this.connections.current : undefined;
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'stopped':
        this.item.text = remote ? `$(plug) Durable: ${remote.label}` : '$(circle-slash) Durable: stopped';
        this.item.tooltip = remote
          ? `The explorer shows ${remote.baseUrl}. The local emulator is stopped.`
          : 'The Durable Studio emulator is stopped. Click for actions.';
        break;
      case 'starting':
        this.item.text = '$(loading~spin) Durable: starting';
        this.item.tooltip = `Starting the emulator for ${state.appDir}`;
        break;
      case 'stopping':
        this.item.text = '$(loading~spin) Durable: stopping';
        this.item.tooltip = 'Stopping the emulator (finishing durable writes)';
        break;
      case 'failed':
        this.item.text = '$(error) Durable: failed';
        this.item.tooltip = `The emulator stopped: ${state.reason}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'running': {
        const { text, tooltip } = runningStatusText({
          port: state.port,
          url: state.url,
          appDir: state.appDir,
          counts: this.counts,
          debugging: state.inspectPort !== undefined,
          clockOffsetMs: this.connections.current?.isEmulator ? this.clockOffsetMs : 0,
          now: Date.now(),
        });
        this.item.text = text;
        this.item.tooltip = tooltip;
        break;
      }
    }
  }

  /** Reads the summary now, or once the current interval ends (so a burst of changes costs one request). */
  private scheduleSummary(): void {
    if (this.summaryTimer) {
      this.summaryDue = true;
      return;
    }
    this.summaryDue = false;
    void this.readSummary();
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      if (this.summaryDue) this.scheduleSummary();
    }, SUMMARY_INTERVAL_MS);
  }

  /** A new offset (from the stream, or read on connecting); while it is not 0 the text is redrawn now and then. */
  private setClockOffset(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
    if (offsetMs > 0 && !this.clockTimer) {
      this.clockTimer = setInterval(() => this.render(), CLOCK_REDRAW_MS);
      this.clockTimer.unref?.();
    } else if (offsetMs <= 0 && this.clockTimer) {
      clearInterval(this.clockTimer);
      this.clockTimer = undefined;
    }
    this.render();
  }

  private async readSummary(): Promise<void> {
    const connection = this.connections.current;
    if (!connection?.isEmulator) return;
    try {
      const [summary, clock] = await Promise.all([
        connection.client.getSummary(),
        // Once per connection: later moves arrive on the stream.
        this.clockRead === connection ? Promise.resolve(undefined) : connection.client.getClock(),
      ]);
      if (this.connections.current !== connection) return;
      this.counts = { running: summary.instances.Running ?? 0, failed: summary.instances.Failed ?? 0 };
      if (clock) {
        this.clockRead = connection;
        this.setClockOffset(clock.offsetMs);
      }
      this.render();
    } catch {
      // The emulator is stopping or restarting; the next change or state event re-reads.
    }
  }
}
