/**
 * What a paused replay debugger shows outside the debug views: each orchestrator line that created tasks gets what
 * those tasks have received at the current position, inline after the line (as VS Code shows inline values), and
 * the instance's history view highlights the position's event. Both follow the session's custom
 * `durableReplayPosition` event (sent after every stop) and go when the session ends.
 */
import * as vscode from 'vscode';
import { POSITION_EVENT, type PositionEventBody } from '../../debugger/dap/positionEvent.js';
import { DEFAULT_EMULATOR_URL } from '../../debugger/dap/replaySession.js';
import type { InlineResult } from '../../debugger/inlineResults.js';
import type { Ctx } from '../ctx.js';
import type { HistoryPanels } from '../history/historyPanels.js';
import { REPLAY_DEBUG_TYPE } from './debugReplay.js';

/** An inline result as shown, for tests: the file, 1-based line and text. */
export interface ShownInlineResult {
  file: string;
  line: number;
  text: string;
}

export class ReplayPresentation implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editor.inlineValuesForeground'),
      backgroundColor: new vscode.ThemeColor('editor.inlineValuesBackground'),
      margin: '0 0 0 1.5em',
      fontStyle: 'italic',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly disposables: vscode.Disposable[] = [this.decoration];
  /** The latest position of each replay session. */
  private readonly positions = new Map<string, PositionEventBody>();
  private readonly changed = new vscode.EventEmitter<PositionEventBody | undefined>();
  /** The shown position changed (undefined: nothing is shown any more). For tests. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly panels: HistoryPanels,
  ) {
    this.disposables.push(
      this.changed,
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== REPLAY_DEBUG_TYPE || e.event !== POSITION_EVENT || !isPositionBody(e.body)) return;
        const first = !this.positions.has(e.session.id);
        this.positions.set(e.session.id, e.body);
        this.show();
        if (first) this.openHistory(e.session, e.body.instanceId);
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        const ended = this.positions.get(session.id);
        if (!this.positions.delete(session.id)) return;
        this.panels.panelFor(ended!.instanceId)?.showReplayPosition(undefined);
        this.show();
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.show()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
    );
  }

  /** The position shown: the active replay session's, else the last one still running. */
  get current(): PositionEventBody | undefined {
    const active = vscode.debug.activeDebugSession;
    const own = active ? this.positions.get(active.id) : undefined;
    return own ?? [...this.positions.values()].at(-1);
  }

  /** The inline results in the editors now. */
  get shownInlineResults(): ShownInlineResult[] {
    return (this.current?.inline ?? []).map(({ file, line, text }) => ({ file, line, text }));
  }

  private show(): void {
    const current = this.current;
    if (current) this.panels.panelFor(current.instanceId)?.showReplayPosition(current.rowKey);
    this.decorate();
    this.changed.fire(current);
  }

  /**
   * Opens the replayed instance's history view beside the source, when the explorer is connected to the host the
   * session reads from (`showHistory: false` in the launch configuration opts out). It waits for the debugger to
   * show the source first: opened before, into an empty editor area, it would share the source's editor group.
   */
  private openHistory(session: vscode.DebugSession, instanceId: string): void {
    const config = session.configuration;
    if (typeof config['instanceId'] !== 'string' || config['showHistory'] === false) return;
    const url = String(config['emulatorUrl'] ?? DEFAULT_EMULATOR_URL).replace(/\/+$/, '');
    if (this.ctx.connections.current?.baseUrl.replace(/\/+$/, '') !== url) return;
    const open = (): void => {
      if (!this.positions.has(session.id)) return;
      this.panels.open(instanceId, { beside: true });
      this.show();
    };
    if (vscode.window.activeTextEditor) {
      open();
      return;
    }
    const waiting = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (!editor) return;
      waiting.dispose();
      open();
    });
    this.disposables.push(waiting);
  }

  private decorate(): void {
    const byFile = new Map<string, InlineResult[]>();
    for (const result of this.current?.inline ?? []) {
      const key = vscode.Uri.file(result.file).toString();
      byFile.set(key, [...(byFile.get(key) ?? []), result]);
    }
    for (const editor of vscode.window.visibleTextEditors) {
      const results = byFile.get(editor.document.uri.toString()) ?? [];
      editor.setDecorations(
        this.decoration,
        results.flatMap((result) => decorationFor(editor.document, result)),
      );
    }
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function decorationFor(document: vscode.TextDocument, result: InlineResult): vscode.DecorationOptions[] {
  if (result.line < 1 || result.line > document.lineCount) return [];
  const end = document.lineAt(result.line - 1).range.end;
  const hover = new vscode.MarkdownString();
  hover.appendMarkdown(`**Recorded at this replay position** (${result.state})\n`);
  hover.appendCodeblock(JSON.stringify(result.values.length === 1 ? result.values[0] : result.values, null, 2), 'json');
  return [
    { range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: result.text } } },
  ];
}

function isPositionBody(body: unknown): body is PositionEventBody {
  if (typeof body !== 'object' || body === null) return false;
  const value = body as Partial<PositionEventBody>;
  return typeof value.instanceId === 'string' && Array.isArray(value.inline);
}

export function registerReplayPresentation(ctx: Ctx, panels: HistoryPanels): ReplayPresentation {
  return ctx.push(new ReplayPresentation(ctx, panels));
}
