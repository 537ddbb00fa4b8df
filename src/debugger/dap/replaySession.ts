/**
 * The replay debugger's Debug Adapter Protocol session: a thin translator over `ReplayRuntime` (docs/design/style.md,
 * principle 2, after vscode-mock-debug's `mockDebug.ts`). It loads the history
 * (a file, or an instance of a running emulator over HTTP), replays it through the app in a separate worker process
 * (`ChildProcessReplayHost`), and turns the runtime's stops, stack and variables into DAP.
 *
 * No `vscode` import: the same session runs over stdio (`adapterMain.ts`, dist/debug-adapter.js) and inline in
 * the extension (`vscodeFactory.ts`). Everything process-facing is injectable (`ReplaySessionOptions`).
 */
import path from 'node:path';
import {
  ContinuedEvent,
  DebugSession,
  Event,
  InitializedEvent,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { eventTypeName } from '../../emulator/engine/history.js';
import { historyFromJson, loadHistoryFile, type LoadedInstance } from '../historyInput.js';
import type { Divergence } from '../positions.js';
import type { ReplayHost } from '../replayHost.js';
import { computePositions } from '../replayRun.js';
import { ReplayRuntime, eventName, type EventBreakpoint } from '../replayRuntime.js';
import { ChildProcessReplayHost } from '../replayWorker.js';
import { NON_DETERMINISM_FILTER, REPLAY_CAPABILITIES } from './capabilities.js';
import { LocalsInspector } from './localsInspector.js';
import { POSITION_EVENT, positionEventBody } from './positionEvent.js';
import { ReplayVariables } from './replayVariables.js';

export const DEBUG_TYPE = 'durable-replay';
export const DEFAULT_EMULATOR_URL = 'http://127.0.0.1:7071';

/** The `launch` configuration of a `durable-replay` debug session. */
export interface ReplayLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The Functions app folder (with host.json). */
  app: string;
  /** A history file: the host's `showHistory` status JSON, or a raw event array. */
  historyFile?: string;
  /** An instance of a running emulator (or Functions host) at `emulatorUrl`. */
  instanceId?: string;
  emulatorUrl?: string;
  /** Default true. */
  stopOnEntry?: boolean;
}

export interface ReplaySessionOptions {
  /** Creates the replay host for an app; by default a worker process forked from `replayBundle`. */
  createHost?: (appDir: string, log: (message: string) => void) => ReplayHost;
  /** dist/replay.js; by default next to this bundle. */
  replayBundle?: string;
  fetch?: typeof fetch;
}

const THREAD_ID = 1;

export class ReplaySession extends DebugSession {
  private runtime: ReplayRuntime | undefined;
  private host: ReplayHost | undefined;
  private instance: LoadedInstance | undefined;
  private launchArgs: ReplayLaunchArguments | undefined;
  private readonly lineBreakpoints = new Map<string, { lines: number[]; conditions: (string | undefined)[] }>();
  private eventBreakpoints: EventBreakpoint[] = [];
  private readonly variables = new ReplayVariables();
  private locals: LocalsInspector | undefined;
  private divergence: Divergence | undefined;
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));

  constructor(private readonly options: ReplaySessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.setDebuggerPathFormat('path');
    this.on('close', () => void this.release());
  }

  protected override initializeRequest(
    response: DebugProtocol.InitializeResponse,
    _args: DebugProtocol.InitializeRequestArguments,
  ): void {
    response.body = { ...response.body, ...REPLAY_CAPABILITIES };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configurationDone();
  }

  protected override launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments,
  ): void {
    void this.launch(response, args);
  }

  private async launch(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments,
  ): Promise<void> {
    const launch = args as ReplayLaunchArguments;
    this.launchArgs = launch;
    try {
      await this.prepare(launch);
    } catch (error) {
      await this.release();
      this.sendErrorResponse(response, 1, `Cannot replay: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.configured;
    this.sendResponse(response);
    this.runtime!.start(launch.stopOnEntry ?? true);
  }

  /** Loads the history and the app, replays every position, and builds the runtime. */
  private async prepare(args: ReplayLaunchArguments): Promise<void> {
    if (typeof args.app !== 'string' || !args.app) throw new Error('the launch configuration needs "app"');
    if ((args.historyFile === undefined) === (args.instanceId === undefined))
      throw new Error('the launch configuration needs exactly one of "historyFile" or "instanceId"');
    const appDir = path.resolve(args.app);
    this.instance ??= args.historyFile
      ? loadHistoryFile(path.resolve(args.historyFile))
      : await this.fetchInstance(args.instanceId!, args.emulatorUrl ?? DEFAULT_EMULATOR_URL);
    const log = (message: string): void => this.sendEvent(new OutputEvent(`${message}\n`, 'stderr'));
    const host = this.options.createHost
      ? this.options.createHost(appDir, log)
      : new ChildProcessReplayHost(appDir, this.options.replayBundle ?? path.join(__dirname, 'replay.js'), log);
    this.host = host;
    this.locals = new LocalsInspector(host);
    await host.start();
    const positions = await computePositions(host, this.instance);
    const runtime = new ReplayRuntime(this.instance, positions);
    for (const [file, { lines, conditions }] of this.lineBreakpoints) runtime.setBreakpoints(file, lines, conditions);
    runtime.setEventBreakpoints(this.eventBreakpoints);
    runtime.on('stopOnEntry', () => this.stopped('entry'));
    runtime.on('stopOnStep', () => this.stopped('step'));
    runtime.on('stopOnBreakpoint', () => this.stopped('breakpoint'));
    runtime.on('stopOnException', (divergence) => this.stopped('exception', divergence));
    runtime.on('end', () => this.sendEvent(new TerminatedEvent()));
    this.runtime = runtime;
    this.sendEvent(
      new OutputEvent(
        `Replaying ${this.instance.instanceId} (${this.instance.name}) from ${this.instance.source}: ${positions.length} position(s)\n`,
        'console',
      ),
    );
  }

  private async fetchInstance(instanceId: string, emulatorUrl: string): Promise<LoadedInstance> {
    const url =
      `${emulatorUrl.replace(/\/+$/, '')}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}` +
      '?showHistory=true&showHistoryOutput=true&showInput=true';
    const response = await (this.options.fetch ?? fetch)(url);
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${response.statusText}`);
    return historyFromJson(await response.json(), url);
  }

  private stopped(reason: 'entry' | 'step' | 'breakpoint' | 'exception' | 'pause', divergence?: Divergence): void {
    this.variables.reset();
    this.divergence = divergence;
    const event = new StoppedEvent(reason, THREAD_ID, divergence?.message) as DebugProtocol.StoppedEvent;
    // VS Code shows the description as the thread's state ("Paused on event #3 TaskCompleted"): the event by the
    // history view's number; the exception widget has the divergence's whole message.
    const description = this.runtime ? stopDescription(this.runtime, reason, divergence) : undefined;
    if (description) event.body.description = description;
    this.sendEvent(event);
    // For editors: where the replay is (the history row) and what each yield line has received so far.
    if (this.runtime) this.sendEvent(new Event(POSITION_EVENT, positionEventBody(this.runtime)));
  }

  private async release(): Promise<void> {
    this.runtime?.removeAllListeners();
    this.runtime = undefined;
    this.locals = undefined;
    const host = this.host;
    this.host = undefined;
    await host?.stop().catch(() => undefined);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    void this.release().then(() => {
      this.sendResponse(response);
      this.shutdown();
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    void this.release().then(() => {
      this.sendResponse(response);
      this.sendEvent(new TerminatedEvent());
    });
  }

  /** Replays again with the app's current code (so an edit is re-checked), keeping the breakpoints. */
  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    void this.restart(response);
  }

  private async restart(response: DebugProtocol.RestartResponse): Promise<void> {
    await this.release();
    try {
      await this.prepare(this.launchArgs!);
    } catch (error) {
      this.sendErrorResponse(response, 2, `Cannot replay: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.sendResponse(response);
    this.runtime!.start(this.launchArgs!.stopOnEntry ?? true);
  }

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const file = args.source.path ? path.resolve(this.convertClientPathToDebugger(args.source.path)) : undefined;
    const requested = args.breakpoints ?? [];
    const lines = requested.map((b) => this.convertClientLineToDebugger(b.line));
    const conditions = requested.map((b) => b.condition);
    if (file) {
      this.lineBreakpoints.set(file, { lines, conditions });
      this.runtime?.setBreakpoints(file, lines, conditions);
    }
    response.body = {
      breakpoints: lines.map((line) => ({
        verified: file !== undefined,
        line: this.convertDebuggerLineToClient(line),
      })),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    const options: DebugProtocol.ExceptionFilterOptions[] = [
      ...args.filters.map((filterId) => ({ filterId })),
      ...(args.filterOptions ?? []),
    ];
    this.eventBreakpoints = options
      .filter((o) => o.filterId !== NON_DETERMINISM_FILTER)
      .map((o) => (o.condition ? { kind: o.filterId, condition: o.condition } : { kind: o.filterId }));
    this.runtime?.setEventBreakpoints(this.eventBreakpoints);
    response.body = { breakpoints: options.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, this.instance?.instanceId ?? 'replay')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const runtime = this.runtime;
    const frames = (runtime?.stack() ?? []).map((frame, i) => {
      const variables = runtime!.variables();
      const ended = frame.ended ? ` (${frame.ended})` : '';
      const where = variables ? `${ended} · event #${variables.event.number} ${variables.event.type}` : ended;
      const source = frame.file
        ? new Source(path.basename(frame.file), this.convertDebuggerPathToClient(frame.file))
        : undefined;
      return new StackFrame(
        i,
        `${frame.name}${where}`,
        source,
        frame.line !== undefined ? this.convertDebuggerLineToClient(frame.line) : 0,
        frame.column !== undefined ? this.convertDebuggerColumnToClient(frame.column) : 0,
      );
    });
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: this.variables.scopes() };
    this.sendResponse(response);
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    const current = this.runtime?.variables();
    response.body = { variables: current ? this.variables.children(args.variablesReference, current) : [] };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.runtime?.step(false);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.runtime?.step(false);
  }

  /**
   * VS Code's debug toolbar always shows Step Out (its `when` clause is only "stopped"; no capability hides it), and
   * a replay position has no caller to return to: Step Out goes on to the next event, as Step Over does.
   */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.runtime?.step(false);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.sendResponse(response);
    this.runtime?.step(true);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.runtime?.continue(false);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    this.runtime?.continue(true);
  }

  /**
   * `openInspector` → `{ port }`: the replay worker's inspector, for a JavaScript debugger to attach to.
   * `inspectLocals`: replays the current position again, stopping that debugger in the orchestrator where it creates
   * the task it waits for; answered when the replay has finished (the user let the JavaScript debugger continue).
   */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    switch (command) {
      case 'openInspector':
        void this.answer(response, async () => ({ port: await this.requireLocals().open() }));
        return;
      case 'inspectLocals':
        void this.answer(response, async () => {
          const runtime = this.runtime;
          const position = runtime?.positions[Math.max(0, runtime.position)];
          if (!runtime || !position) throw new Error('the replay has not started');
          // The replay runs while the JavaScript debugger shows it (which is also what lets VS Code focus that
          // debugger's stop), and stops again at the same position when it is done.
          const site = position.observation.suspendedAt;
          if (site) {
            const number = runtime.numbers.numberOf(position.eventIndex);
            this.sendEvent(
              new OutputEvent(
                `Inspect Local Variables at event #${number}: the JavaScript debugger stops in ${runtime.instance.name} at ` +
                  `${path.basename(site.file)}:${site.line}, where the replay pauses for it (a pause of the replay's, not a ` +
                  `breakpoint of yours). Continue it to come back to the replay.\n`,
                'console',
              ),
            );
          }
          this.sendEvent(new ContinuedEvent(THREAD_ID));
          try {
            await this.requireLocals().inspect(runtime.instance, position);
          } finally {
            if (this.runtime === runtime)
              this.stopped(position.divergence ? 'exception' : 'pause', position.divergence);
          }
          return {};
        });
        return;
      default:
        super.customRequest(command, response, args);
    }
  }

  private requireLocals(): LocalsInspector {
    if (!this.locals) throw new Error('the replay has not started');
    return this.locals;
  }

  private async answer(response: DebugProtocol.Response, body: () => Promise<object>): Promise<void> {
    try {
      response.body = await body();
      this.sendResponse(response);
    } catch (error) {
      this.sendErrorResponse(response, 3, error instanceof Error ? error.message : String(error));
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const d = this.divergence;
    response.body = d
      ? {
          exceptionId: NON_DETERMINISM_FILTER,
          description: d.message,
          breakMode: 'always',
          details: {
            message: `event #${d.eventNumber}: recorded ${d.recorded}; now ${d.now}`,
            typeName: 'NonDeterminism',
            ...(d.site ? { stackTrace: `    at ${d.site.file}:${d.site.line}:${d.site.column}` } : {}),
          },
        }
      : { exceptionId: 'none', breakMode: 'never' };
    this.sendResponse(response);
  }
}

/** The thread's state text at a stop: `Paused on event #3 TaskCompleted sayHello`, `Non-determinism at event #4`. */
export function stopDescription(
  runtime: ReplayRuntime,
  reason: 'entry' | 'step' | 'breakpoint' | 'exception' | 'pause',
  divergence?: Divergence,
): string | undefined {
  if (divergence) return `Non-determinism at event #${divergence.eventNumber}`;
  const position = runtime.positions[Math.max(0, runtime.position)];
  if (!position) return undefined;
  const name = eventName(runtime.instance.history, position.event);
  const what = `event #${runtime.numbers.numberOf(position.eventIndex)} ${eventTypeName(position.event.EventType)}${name !== undefined ? ` ${name}` : ''}`;
  return reason === 'breakpoint' ? `Breakpoint at ${what}` : `Paused on ${what}`;
}
