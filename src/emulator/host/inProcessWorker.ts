import type { AppConfig } from '../appConfig.js';
import { AppWorker } from './appWorker.js';
import type { FunctionInfo, Invocation, InvocationResult } from './protocol.js';
import { InvocationError, type FunctionRunner, type WorkerLogSink } from './runner.js';

/**
 * Runs the app in the engine's own process: no isolation, no timeout, one per process. For benchmarks that
 * measure the engine itself ("in-process" figures) and for engine unit tests.
 */
export class InProcessWorker implements FunctionRunner {
  private readonly worker: AppWorker;

  constructor(config: AppConfig, origin: string, log: WorkerLogSink) {
    this.worker = new AppWorker(config, origin, log);
  }

  start(): Promise<FunctionInfo[]> {
    return this.worker.load();
  }

  async invoke(call: Invocation): Promise<InvocationResult> {
    // The library mutates its trigger payload (timestamps become Dates): give it a copy, as IPC would.
    try {
      return await this.worker.invoke(structuredClone(call));
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      throw new InvocationError({ name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    }
  }

  reload(): Promise<FunctionInfo[]> {
    return Promise.reject(new Error('an in-process worker cannot reload code'));
  }

  async stop(): Promise<void> {}
}
