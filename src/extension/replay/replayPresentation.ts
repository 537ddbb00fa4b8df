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
import { showDebugViewOnStart } from './debugViewOnStart.js';

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
        const body = e.body;
        this.positions.set(e.session.id, body);
        this.show();
        void this.revealSource(body, first).then(() => {
          if (first) this.openHistory(e.session, body.instanceId);
        });
      }),
      vscode.debug.onDidStartDebugSession((session) => {
        if (session.type !== REPLAY_DEBUG_TYPE || session.parentSession) return;
        if (showDebugViewOnStart(vscode.workspace.getConfiguration('debug').inspect('openDebug')))
          void vscode.commands.executeCommand('workbench.view.debug');
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

  /** The latest position of a replay session, if it has stopped yet. */
  positionOf(sessionId: string): PositionEventBody | undefined {
    return this.positions.get(sessionId);
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
   * Makes the paused source visible: on a session's first stop, in a pinned (not preview) editor with the focus, in
   * the editor group without the instance's history view (which may be open already, in the group VS Code would
   * otherwise open the source in, behind it); later, only when the source is no longer visible anywhere.
   */
  private async revealSource(body: PositionEventBody, first: boolean): Promise<void> {
    const source = body.source;
    if (!source) return;
    const uri = vscode.Uri.file(source.file);
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.fsPath === uri.fsPath);
    if (visible && !first) return;
    const panel = this.panels.panelFor(body.instanceId);
    const historyColumn = panel?.viewColumn;
    // Already in front, pinned, focused and apart from the history (VS Code revealed it): nothing to do.
    const active = vscode.window.activeTextEditor;
    const activeTab = vscode.window.tabGroups.activeTabGroup.activeTab;
    if (
      active?.document.uri.fsPath === uri.fsPath &&
      active.viewColumn !== historyColumn &&
      activeTab?.input instanceof vscode.TabInputText &&
      activeTab.input.uri.fsPath === uri.fsPath &&
      !activeTab.isPreview
    )
      return;
    const column =
      visible?.viewColumn !== undefined && visible.viewColumn !== historyColumn
        ? visible.viewColumn
        : historyColumn !== undefined
          ? historyColumn === vscode.ViewColumn.One
            ? vscode.ViewColumn.Two
            : vscode.ViewColumn.One
          : (visible?.viewColumn ?? vscode.ViewColumn.Active);
    const at = new vscode.Position(Math.max(0, source.line - 1), Math.max(0, source.column - 1));
    try {
      await vscode.window.showTextDocument(uri, {
        viewColumn: column,
        preview: false,
        preserveFocus: !first,
        selection: new vscode.Range(at, at),
      });
    } catch (error) {
      this.ctx.log.warn(
        `Replay: cannot show ${source.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    // A copy VS Code opened in the history's group may now cover the history: bring it back (keeping the focus).
    if (panel && historyColumn !== undefined && historyColumn !== column) panel.reveal(true);
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
