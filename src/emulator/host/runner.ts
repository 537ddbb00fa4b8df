/**
 * What the engine needs from whatever runs user code: the app worker processes (workerClient.ts) or, for
 * benchmarks and engine tests, the app loaded in the engine's own process (inProcessWorker.ts).
 */
import type { FunctionInfo, Invocation, InvocationResult, LogLevel, SerializedError } from './protocol.js';

/** A user function failed (threw, timed out, or took its worker down). */
export class InvocationError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message);
    this.name = 'InvocationError';
  }
}

export type WorkerLogSink = (level: LogLevel, message: string, functionName?: string) => void;

/** What the engine needs from whatever runs user code. */
export interface FunctionRunner {
  start(): Promise<FunctionInfo[]>;
  /**
   * Runs a call. `standalone` gives the same call in a form any worker can run (an orchestrator episode with its
   * whole history rather than what the worker cached): used when the call has to be sent to a new worker.
   */
  invoke(call: Invocation, standalone?: () => Invocation): Promise<InvocationResult>;
  /** Reloads the user's code (for --watch); resolves with the new function list. */
  reload(): Promise<FunctionInfo[]>;
  stop(): Promise<void>;
}
