/**
 * "Inspect Local Variables at This Replay Position" for a paused Durable Replay session: VS Code's JavaScript debugger
 * attaches to the replay worker (once per session, as its child session) and the replay session replays the current
 * position again; the JavaScript debugger stops in the orchestrator, on the line that created the task it waits
 * for, with the orchestrator's own variables as they are at this position. Continue in that debugger to finish.
 *
 * The stop happens in a `debugger` statement of the replay's wrapper around the library's method (see
 * `RunCapture.pauseAt` in src/debugger/instrument.ts), called by the orchestrator: this module asks the JavaScript
 * debugger for the stack and moves the Call Stack's selection down to the user's frame (`userFrameIndex`). (Stepping
 * out does not get there: the orchestrator yields right after the call, and V8 then waits for the generator to
 * resume, which never happens in this replay. Nor do skip files: the JavaScript debugger does not stop at a
 * `debugger` statement in a skipped file.) A debug adapter tracker rewords that stop as the replay's position rather
 * than the JavaScript debugger's "Paused on debugger statement" (`rewordInspectStop`).
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { REPLAY_DEBUG_TYPE } from './debugReplay.js';
import { rewordInspectStop } from './inspectStop.js';
import type { ReplayPresentation } from './replayPresentation.js';
import { userFrameIndex, type FrameInfo } from './userFrame.js';

/** The `durable-replay` session a session belongs to (itself, or a parent). */
function replaySessionOf(session: vscode.DebugSession | undefined): vscode.DebugSession | undefined {
  for (let s = session; s; s = s.parentSession) if (s.type === REPLAY_DEBUG_TYPE) return s;
  return undefined;
}

export class LocalsInspection implements vscode.Disposable {
  /** Replay session id → the JavaScript debug session attached to its worker. */
  private readonly attached = new Map<string, vscode.DebugSession>();
  /** Replay sessions whose JavaScript debugger is about to stop in the replay's wrapper. */
  private readonly stopping = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * `replayBundle`: dist/replay.js, where the JavaScript debugger stops first (see the module comment);
   * `positions`: where each replay session is paused (its event number names the stop).
   */
  constructor(
    private readonly replayBundle: string,
    private readonly positions: Pick<ReplayPresentation, 'positionOf'>,
  ) {
    this.disposables.push(
      // The attach session this module starts, a direct child of the replay session (its target is a grandchild).
      vscode.debug.onDidStartDebugSession((session) => {
        const parent = session.parentSession;
        if (session.type !== REPLAY_DEBUG_TYPE && parent?.type === REPLAY_DEBUG_TYPE)
          this.attached.set(parent.id, session);
      }),
      // VS Code hands a tracker each message before forwarding it, so the stop's words can be changed on the way.
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => {
          const replay = session.type === REPLAY_DEBUG_TYPE ? undefined : replaySessionOf(session.parentSession);
          if (!replay) return undefined;
          return {
            onDidSendMessage: (message: unknown) => {
              if (this.stopping.has(replay.id))
                rewordInspectStop(message, this.positions.positionOf(replay.id)?.eventNumber);
            },
          };
        },
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        for (const [replayId, js] of this.attached) {
          if (js.id === session.id || replayId === session.id) this.attached.delete(replayId);
        }
      }),
      vscode.debug.onDidChangeActiveStackItem((item) => void this.selectOrchestratorFrame(item)),
    );
  }

  /**
   * The JavaScript debugger stopped in the replay's wrapper: select the user's frame (the first one in the app's
   * sources, see `userFrameIndex`), moving the Call Stack's selection down to it.
   */
  private async selectOrchestratorFrame(item: vscode.DebugThread | vscode.DebugStackFrame | undefined): Promise<void> {
    if (!(item instanceof vscode.DebugStackFrame) || item.session.type === REPLAY_DEBUG_TYPE) return;
    const replay = replaySessionOf(item.session);
    if (!replay || !this.stopping.has(replay.id)) return;
    const trace = (await item.session.customRequest('stackTrace', { threadId: item.threadId, levels: 20 })) as {
      stackFrames: FrameInfo[];
    };
    const frames = trace.stackFrames;
    const current = frames.findIndex((frame) => frame.id === item.frameId);
    const target = userFrameIndex(frames, this.replayBundle);
    if (current < 0 || target < 0 || !this.stopping.has(replay.id)) return;
    this.stopping.delete(replay.id);
    for (let i = current; i < target; i++) await vscode.commands.executeCommand('workbench.action.debug.callStackDown');
    await this.closeBundlePreview();
  }

  /** The preview tab VS Code opened on the replay's bundle for the first frame: nothing of the user's is in it. */
  private async closeBundlePreview(): Promise<void> {
    const bundle = vscode.Uri.file(this.replayBundle).toString();
    const previews = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter(
        (tab) => tab.isPreview && tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === bundle,
      );
    if (previews.length) await vscode.window.tabGroups.close(previews);
  }

  /** The JavaScript session attached to a replay session's worker, if any (for tests). */
  attachedTo(replay: vscode.DebugSession): vscode.DebugSession | undefined {
    return this.attached.get(replay.id);
  }

  /**
   * Stops the JavaScript debugger in the orchestrator at the current position of `session` (or of the active replay
   * session). Resolves when that replay has finished: after the user continued in the JavaScript debugger.
   */
  async inspect(session = replaySessionOf(vscode.debug.activeDebugSession)): Promise<void> {
    if (!session) throw new Error('Start a Durable Replay session and pause it first.');
    const { port } = (await session.customRequest('openInspector')) as { port: number };
    // A restarted replay has a new worker, on a new port.
    if (this.attached.get(session.id)?.configuration['port'] !== port) {
      const started = await vscode.debug.startDebugging(
        session.workspaceFolder,
        {
          type: 'node',
          request: 'attach',
          name: `Orchestrator variables (${session.name})`,
          address: '127.0.0.1',
          port,
          continueOnAttach: true,
          skipFiles: ['<node_internals>/**'],
        },
        { parentSession: session, lifecycleManagedByParent: true, suppressSaveBeforeStart: true },
      );
      if (!started) throw new Error('VS Code’s JavaScript debugger did not attach to the replay worker.');
    }
    this.stopping.add(session.id);
    try {
      await session.customRequest('inspectLocals');
    } finally {
      this.stopping.delete(session.id);
    }
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

export function registerInspectLocals(ctx: Ctx, replay: ReplayPresentation): LocalsInspection {
  const inspection = ctx.push(new LocalsInspection(ctx.asset('dist/replay.js'), replay));
  ctx.registerCommand('durableStudio.replay.inspectLocals', () => inspection.inspect());
  return inspection;
}
