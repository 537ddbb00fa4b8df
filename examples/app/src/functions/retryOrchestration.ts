import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Automatic retries and error handling.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/retryOrchestration -H 'Content-Type: application/json' -d '{"failures":2}'
//   -> output: { "flaky": "flakyActivity succeeded on attempt 3", "alwaysFails": "caught: ...This activity always fails" }
//
// Input (optional): { failures: 2 }   flakyActivity fails that many times before succeeding.
// With failures >= 3 the retries (max 3 attempts) are exhausted and the orchestration fails.

interface RetryInput {
    failures?: number;
}

const retryOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<RetryInput | undefined>() ?? {};
    const failures = input.failures ?? 2;

    // First retry after 1 s, at most 3 attempts in total.
    const retryOptions = new df.RetryOptions(1000, 3);
    const flaky: string = yield context.df.callActivityWithRetry('flakyActivity', retryOptions, {
        key: context.df.instanceId,
        failures,
    });

    // Activity failures surface as exceptions you can catch in the orchestrator.
    let alwaysFails: string;
    try {
        yield context.df.callActivityWithRetry('alwaysFails', new df.RetryOptions(500, 2), null);
        alwaysFails = 'unexpected success';
    } catch (err) {
        alwaysFails = `caught: ${err instanceof Error ? err.message : String(err)}`;
    }

    return { flaky, alwaysFails };
};
df.app.orchestration('retryOrchestration', retryOrchestration);

// Attempts per key (the orchestration instance id). Fine for a demo: activities may keep
// state in memory; orchestrators may not.
const attempts = new Map<string, number>();

const flakyActivity: ActivityHandler = (input: { key: string; failures: number }, context: InvocationContext): string => {
    const attempt = (attempts.get(input.key) ?? 0) + 1;
    attempts.set(input.key, attempt);
    if (attempt <= input.failures) {
        context.warn(`flakyActivity: attempt ${attempt} fails on purpose`);
        throw new Error(`Transient failure on attempt ${attempt}`);
    }
    attempts.delete(input.key);
    return `flakyActivity succeeded on attempt ${attempt}`;
};
df.app.activity('flakyActivity', { handler: flakyActivity });

const alwaysFails: ActivityHandler = (): never => {
    throw new Error('This activity always fails');
};
df.app.activity('alwaysFails', { handler: alwaysFails });
