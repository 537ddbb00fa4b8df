/**
 * `TriggerHost`: the one place that runs timer, queue, blob and hand-invoked functions in the app worker. It logs
 * each run as the Functions host does (`Executing 'Functions.X' (Reason='...', Id=...)`, `Executed ... (Succeeded,
 * Id=..., Duration=12ms)`), keeps each function's last run, and announces runs on the change stream (`function`
 * events). Runs of one function may overlap, as on Azure; a timer's schedule keeps its own runs apart.
 *
 * Output values: the runner it is given may be a decorator that writes the storage outputs it supports and removes
 * them from the result (src/emulator/storage). Whatever outputs are still in the result were written by nobody, and
 * are logged as discarded, one line each (the worker no longer does, since trigger invocations carry `bindings`).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { ChangeEvent } from '../engine/api.js';
import { bindingTypeName } from '../host/bindingSupport.js';
import { InvocationError, type FunctionRunner } from '../host/runner.js';
import type { FunctionInfo, OutputValues } from '../host/protocol.js';
import type { TriggerInvoker, TriggerOutcome, TriggerReason, TriggerRequest } from './types.js';

/** The last finished run of a function (times in emulated epoch ms). */
export interface FunctionRun {
  at: number;
  status: 'Succeeded' | 'Failed';
  reason: TriggerReason;
  durationMs: number;
  error?: string;
}

/** What the trigger host needs from the engine: its function list, clock, log and change stream. */
export interface TriggerHostEngine {
  readonly functions: readonly FunctionInfo[];
  readonly clock: Clock;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  emit(change: ChangeEvent): void;
}

const DEFAULT_REASONS: Record<TriggerReason, string> = {
  timer: 'Timer fired',
  queue: 'New queue message detected',
  blob: 'New blob detected',
  manual: 'This function was programmatically called via the host APIs.',
};

export class TriggerHost implements TriggerInvoker {
  private readonly lastRuns = new Map<string, FunctionRun>();
  private readonly inFlight = new Set<Promise<TriggerOutcome>>();

  constructor(
    private readonly engine: TriggerHostEngine,
    private readonly runner: FunctionRunner,
  ) {}

  /** The function of that name (case-insensitive, as the host's function names are). */
  find(name: string): FunctionInfo | undefined {
    const lower = name.toLowerCase();
    return this.engine.functions.find((fn) => fn.name.toLowerCase() === lower);
  }

  lastRun(name: string): FunctionRun | undefined {
    return this.lastRuns.get(name.toLowerCase());
  }

  run(request: TriggerRequest): Promise<TriggerOutcome> {
    const running = this.execute(request);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /** Resolves when no run is in progress (runs started meanwhile are waited for too). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async execute(request: TriggerRequest): Promise<TriggerOutcome> {
    const { engine } = this;
    const fn = this.find(request.functionName);
    const name = fn?.name ?? request.functionName;
    const id = randomUUID();
    const at = engine.clock.now();
    const started = performance.now();
    const reason = request.reasonText ?? DEFAULT_REASONS[request.reason];
    engine.log('info', `Executing 'Functions.${name}' (Reason='${reason}', Id=${id})`);
    engine.emit({ type: 'function', name, status: 'Running', reason: request.reason, at });
    let outcome: TriggerOutcome;
    try {
      if (!fn) throw new Error(`the app has no function named '${request.functionName}'`);
      const result = await this.runner.invoke({
        kind: 'trigger',
        functionName: fn.name,
        trigger: request.trigger,
        bindings: request.triggerMetadata ? { triggerMetadata: request.triggerMetadata } : {},
      });
      if (result.kind !== 'trigger') throw new Error(`unexpected ${result.kind} result for a ${fn.triggerType}`);
      this.reportDiscarded(fn, result.outputs);
      outcome = { ok: true, durationMs: elapsed(started) };
    } catch (error) {
      const detail = error instanceof InvocationError ? error.error : undefined;
      const message = detail?.message ?? (error instanceof Error ? error.message : String(error));
      const stack = detail ? detail.stack : error instanceof Error ? error.stack : undefined;
      outcome = { ok: false, durationMs: elapsed(started), error: message, ...(stack ? { stack } : {}) };
    }
    const status = outcome.ok ? 'Succeeded' : 'Failed';
    const line = `Executed 'Functions.${name}' (${status}, Id=${id}, Duration=${outcome.durationMs}ms)`;
    if (outcome.ok) {
      engine.log('info', line);
    } else {
      engine.log('error', `${line}\n${outcome.stack ?? outcome.error}`);
    }
    const run: FunctionRun = {
      at,
      status,
      reason: request.reason,
      durationMs: outcome.durationMs,
      ...(outcome.ok ? {} : { error: outcome.error }),
    };
    this.lastRuns.set(name.toLowerCase(), run);
    engine.emit({
      type: 'function',
      name,
      status,
      reason: request.reason,
      at,
      durationMs: outcome.durationMs,
      ...(outcome.ok ? {} : { error: outcome.error }),
    });
    return outcome;
  }

  /** Outputs left in the result were written by nobody: one warning each, in the worker's words. */
  private reportDiscarded(fn: FunctionInfo, outputs: OutputValues): void {
    for (const bindingName of Object.keys(outputs)) {
      const binding = fn.bindings.find((b) => b.name === bindingName);
      const type = binding ? bindingTypeName(binding.type) : 'unknown';
      this.engine.log(
        'warn',
        `[${fn.name}] output binding '${bindingName}' (${type}) is not supported by the emulator yet: the value set by the function was discarded`,
      );
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
