/**
 * Pieces the two composition roots wire the same way: `durable-studio start` (emulator.ts) and the testing
 * library's host (src/testing/testHost.ts).
 */
import type { Engine } from './engine/engine.js';
import type { LogLevel } from './host/protocol.js';
import { InvocationError, type FunctionRunner } from './host/runner.js';
import type { HttpTriggerInvoker, WorkerHttpResponse } from '../protocol/http.js';

/** The app's HTTP triggers, served by the HTTP server and run by the app worker. */
export function httpTriggers(engine: Engine, worker: FunctionRunner): HttpTriggerInvoker {
  return {
    routes: () =>
      engine.core.functions
        .filter((fn) => fn.kind === 'http')
        .map((fn) => ({ functionName: fn.name, route: fn.route ?? fn.name, methods: fn.methods ?? [] })),
    async invoke(functionName, request): Promise<WorkerHttpResponse> {
      try {
        const result = await worker.invoke({ kind: 'http', functionName, request });
        if (result.kind !== 'http') throw new Error(`unexpected ${result.kind} result for an HTTP trigger`);
        return result.response;
      } catch (error) {
        // A throwing handler is a 500 with no body on the real host; the details go to the log.
        const detail = error instanceof InvocationError ? (error.error.stack ?? error.error.message) : String(error);
        engine.core.log('error', `Executed 'Functions.${functionName}' (Failed): ${detail}`);
        return { status: 500, headers: {}, cookies: [] };
      }
    },
  };
}

/** The app worker's log levels (the Functions host's) as the emulator's three. */
export function emulatorLevel(level: LogLevel): 'info' | 'warn' | 'error' {
  return level === 'error' || level === 'critical' ? 'error' : level === 'warning' ? 'warn' : 'info';
}
