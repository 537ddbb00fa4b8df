import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Eternal orchestration: instead of looping forever (which would grow the history without
// bound), the orchestration restarts itself with continueAsNew and a fresh history.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/eternalCounter -H 'Content-Type: application/json' -d '{"limit":3,"intervalSeconds":2}'
//
// Input (optional): { count: 0, limit: 5, intervalSeconds: 10 }
// Each generation waits intervalSeconds, then continues as new with count + 1.
// Output (once count reaches limit): { count: <limit>, finishedAt: <ISO time> }
// Custom status: { count, limit }

interface EternalInput {
    count?: number;
    limit?: number;
    intervalSeconds?: number;
}

const eternalCounter: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<EternalInput | undefined>() ?? {};
    const count = input.count ?? 0;
    const limit = input.limit ?? 5;
    const intervalSeconds = input.intervalSeconds ?? 10;

    context.df.setCustomStatus({ count, limit });
    if (count >= limit) {
        return { count, finishedAt: context.df.currentUtcDateTime.toISOString() };
    }

    const next = new Date(context.df.currentUtcDateTime.getTime() + intervalSeconds * 1000);
    yield context.df.createTimer(next);

    context.df.continueAsNew({ count: count + 1, limit, intervalSeconds });
    return undefined;
};
df.app.orchestration('eternalCounter', eternalCounter);
