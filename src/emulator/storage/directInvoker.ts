/**
 * A minimal TriggerInvoker straight over the (binding-decorated) runner: runs a queue or blob trigger invocation
 * and logs it the way the host does. A stand-in until the emulator's TriggerHost (src/emulator/triggers) is wired
 * in its place; it never rejects.
 */
import { performance } from 'node:perf_hooks';
import type { FunctionInfo } from '../host/protocol.js';
import { InvocationError, type FunctionRunner } from '../host/runner.js';
import type { TriggerInvoker, TriggerOutcome, TriggerReason } from '../triggers/types.js';
import { reportDiscarded } from './bindingRunner.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

const REASONS: Record<TriggerReason, string> = {
  timer: 'Timer fired',
  queue: 'New queue message detected',
  blob: 'New blob detected',
  manual: 'This function was programmatically called via the host APIs.',
};

export function directInvoker(
  runner: FunctionRunner,
  functions: () => readonly FunctionInfo[],
  log: Log,
): TriggerInvoker {
  return {
    async run(request): Promise<TriggerOutcome> {
      const started = performance.now();
      const name = `Functions.${request.functionName}`;
      log('info', `Executing '${name}' (Reason='${REASONS[request.reason]}')`);
      try {
        const result = await runner.invoke({
          kind: 'trigger',
          functionName: request.functionName,
          trigger: request.trigger,
          bindings: { triggerMetadata: request.triggerMetadata ?? {} },
        });
        const fn = functions().find((f) => f.name === request.functionName);
        if (fn && result.kind === 'trigger') reportDiscarded(fn, result.outputs, log);
        const durationMs = Math.round(performance.now() - started);
        log('info', `Executed '${name}' (Succeeded, Duration=${durationMs}ms)`);
        return { ok: true, durationMs };
      } catch (error) {
        const durationMs = Math.round(performance.now() - started);
        const failure =
          error instanceof InvocationError
            ? { error: error.error.message, stack: error.error.stack }
            : { error: error instanceof Error ? error.message : String(error) };
        log('error', `Executed '${name}' (Failed, Duration=${durationMs}ms): ${failure.stack ?? failure.error}`);
        return { ok: false, durationMs, ...failure };
      }
    },
  };
}
