import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Sub-orchestrations: an orchestration can start other orchestrations and wait for them.
//
//   curl -s -X POST 'http://localhost:7071/api/orchestrators/parentOrchestration?instanceId=parent-1'
//   -> children: "parent-1:child" and "parent-1:retry"
//   -> output: { "child": ["Hello Tokyo!", ...], "childWithRetry": ["Hello Tokyo!", ...] }

const parentOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
    // A sub-orchestration with an explicit (deterministic) instance id.
    const child: string[] = yield context.df.callSubOrchestrator(
        'helloSequence',
        undefined,
        `${context.df.instanceId}:child`
    );

    // The same, retried (up to 2 attempts, 1 s apart) if the child fails.
    const retryOptions = new df.RetryOptions(1000, 2);
    const childWithRetry: string[] = yield context.df.callSubOrchestratorWithRetry(
        'helloSequence',
        retryOptions,
        undefined,
        `${context.df.instanceId}:retry`
    );

    return { child, childWithRetry };
};
df.app.orchestration('parentOrchestration', parentOrchestration);
