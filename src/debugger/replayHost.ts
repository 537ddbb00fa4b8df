/**
 * Runs the user's orchestrator handler on a history prefix, exactly as the emulator does (the same `AppWorker`,
 * the same trigger payload as `buildPayload`), and returns what the instrumented library observed.
 *
 * This implementation runs the app in the current process (`InProcessReplayHost`). That is right for the CLI,
 * whose process exists only to run the check; a UI host (the extension) must run it in a separate process, which
 * only needs a transport for `ReplayHost` (every value crossing it is plain JSON).
 */
import type { AppConfig } from '../emulator/appConfig.js';
import { loadAppConfig } from '../emulator/appConfig.js';
import { AppWorker } from '../emulator/host/appWorker.js';
import type { EpisodeResult, FunctionInfo } from '../emulator/host/protocol.js';
import type { HistoryEvent } from '../emulator/engine/history.js';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { returnSite, thrownSite, type EndSite } from './endSite.js';
import { instrumentDurableFunctions, type EventSnapshot, type Observation, type RunEnding } from './instrument.js';

/** The instance being replayed: what the trigger payload needs besides the history. */
export interface ReplayInstance {
  instanceId: string;
  /** The orchestrator function's name. */
  name: string;
  /** JSON text of the execution's input. */
  input: string | null;
  parentInstanceId: string | null;
  history: HistoryEvent[];
}

export interface RunResult {
  observation: Observation;
  episode?: EpisodeResult;
  /** Set when the handler could not run at all (unknown function, a crash outside the orchestrator). */
  failure?: string;
  /** With `snapshotAt`: the snapshots taken, in history order (none after the orchestrator ended). */
  snapshots?: EventSnapshot[];
}

export interface RunOptions {
  /** Stop an attached JavaScript debugger when the orchestrator creates this task (index in creation order). */
  pauseAt?: number;
  /** History indexes after which to snapshot what the orchestrator has (`RunResult.snapshots`). */
  snapshotAt?: number[];
}

export interface ReplayHost {
  start(): Promise<FunctionInfo[]>;
  /** Runs the orchestrator on `instance.history.slice(0, length)`. */
  run(instance: ReplayInstance, length: number, options?: RunOptions): Promise<RunResult>;
  /**
   * Opens the inspector of the process the app runs in, for a JavaScript debugger to attach on 127.0.0.1:`port`;
   * resolves once one has attached. Only hosts with a process of their own have it.
   */
  openInspector?(port: number): Promise<void>;
  stop(): Promise<void>;
}

let runCounter = 0;

export class InProcessReplayHost implements ReplayHost {
  private readonly config: AppConfig;
  private readonly worker: AppWorker;
  private hooks: ReturnType<typeof instrumentDurableFunctions> | undefined;

  constructor(appDir: string, log: (message: string) => void = () => undefined) {
    this.config = loadAppConfig(appDir);
    this.worker = new AppWorker(this.config, 'http://127.0.0.1:7071', (level, message) => {
      if (level === 'error' || level === 'warning') log(message);
    });
  }

  async start(): Promise<FunctionInfo[]> {
    // TypeScript apps: stack frames map to the .ts sources through the compiler's source maps.
    process.setSourceMapsEnabled(true);
    const functions = await this.worker.load();
    this.hooks = instrumentDurableFunctions(this.config.appDir);
    return functions;
  }

  async run(instance: ReplayInstance, length: number, options: RunOptions = {}): Promise<RunResult> {
    if (!this.hooks) throw new Error('the replay host is not started');
    // The library turns Timestamps into Dates in place: it gets its own copy, as over IPC.
    const history = structuredClone(instance.history.slice(0, length));
    history.forEach((event, i) => (event.IsPlayed = i < length - 1));
    const capture = this.hooks.beginRun(options.pauseAt, options.snapshotAt && new Set(options.snapshotAt));
    try {
      const result = await this.worker.invoke({
        kind: 'orchestration',
        functionName: instance.name,
        payload: {
          history,
          input: instance.input === null ? undefined : (JSON.parse(instance.input) as unknown),
          instanceId: instance.instanceId,
          isReplaying: true,
          parentInstanceId: instance.parentInstanceId,
          upperSchemaVersion: 1,
          upperSchemaVersionNew: 3,
          longRunningTimerIntervalDuration: '3.00:00:00',
          maximumShortTimerDuration: '3650.00:00:00',
          defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
        },
        historyKey: `replay-${++runCounter}`,
        newEvents: history.length,
        knownLeaves: 0,
      });
      if (result.kind !== 'orchestration') return { observation: capture.snapshot(), failure: 'not an orchestrator' };
      const observation = capture.snapshot();
      const ending = capture.ending();
      if (ending && !observation.suspendedAt) {
        const endedAt = this.endSite(ending);
        if (endedAt) observation.endedAt = endedAt;
      }
      return {
        observation,
        episode: result.episode,
        ...(options.snapshotAt ? { snapshots: capture.snapshots } : {}),
      };
    } catch (error) {
      return {
        observation: capture.snapshot(),
        failure: (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
      };
    }
  }

  /** Where the orchestrator returned or threw (see `endSite.ts`); this process exists for the replay: reads are sync. */
  private endSite(ending: RunEnding): EndSite | undefined {
    if (ending.how === 'threw') {
      const toPath = (file: string): string => (file.startsWith('file://') ? fileURLToPath(file) : file);
      const site =
        (ending.stack !== undefined ? thrownSite(ending.stack, this.config.appDir, toPath) : undefined) ??
        ending.failedTaskSite;
      return site ? { ...site, how: 'threw' } : undefined;
    }
    const last = ending.lastSite;
    if (!last) return undefined;
    let text: string;
    try {
      text = fs.readFileSync(last.file, 'utf8');
    } catch {
      return undefined;
    }
    const site = returnSite(text, last.line, last.file);
    return site ? { ...site, how: 'returned' } : undefined;
  }

  async stop(): Promise<void> {}
}
