import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Monitor: poll an external job at a fixed interval until it is done or the monitor expires.
// Uses durable timers (the orchestration is unloaded while it waits) and custom status
// to report progress.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/monitorJob -H 'Content-Type: application/json' -d '{"checks":3,"intervalSeconds":5}'
//
// Input (all optional): { jobId, checks: 3, intervalSeconds: 30, expiryMinutes: 60 }
//   checks           the (simulated) job reports "done" on the N-th status check
//   intervalSeconds  delay between checks
//   expiryMinutes    give up after this long
// Output: { jobId, status: "done" | "expired", checks: <number of checks made> }
// Custom status while running: { jobId, check: <n>, status: "running" | "done", nextCheck: <ISO time> }

interface MonitorInput {
    jobId?: string;
    checks?: number;
    intervalSeconds?: number;
    expiryMinutes?: number;
}

const monitorJob: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<MonitorInput | undefined>() ?? {};
    // newGuid is deterministic (same value on every replay), unlike crypto.randomUUID().
    const jobId = input.jobId ?? context.df.newGuid(context.df.instanceId);
    const checks = input.checks ?? 3;
    const intervalSeconds = input.intervalSeconds ?? 30;
    const expiryMinutes = input.expiryMinutes ?? 60;

    // currentUtcDateTime is the replay-safe clock: never use Date.now() in an orchestrator.
    const expiryTime = new Date(context.df.currentUtcDateTime.getTime() + expiryMinutes * 60_000);

    let check = 0;
    while (context.df.currentUtcDateTime < expiryTime) {
        check++;
        const status: string = yield context.df.callActivity('checkJobStatus', { jobId, check, doneAfter: checks });

        if (status === 'done') {
            context.df.setCustomStatus({ jobId, check, status });
            return { jobId, status: 'done', checks: check };
        }

        const nextCheck = new Date(context.df.currentUtcDateTime.getTime() + intervalSeconds * 1000);
        context.df.setCustomStatus({ jobId, check, status, nextCheck: nextCheck.toISOString() });
        if (!context.df.isReplaying) {
            context.log(`Job ${jobId} is ${status}; checking again at ${nextCheck.toISOString()}`);
        }
        yield context.df.createTimer(nextCheck);
    }

    return { jobId, status: 'expired', checks: check };
};
df.app.orchestration('monitorJob', monitorJob);

interface CheckInput {
    jobId: string;
    check: number;
    doneAfter: number;
}

// Simulated job: reports "done" once it has been checked `doneAfter` times.
// (A real one would call some external API here.)
const checkJobStatus: ActivityHandler = (input: CheckInput, context: InvocationContext): string => {
    const status = input.check >= input.doneAfter ? 'done' : 'running';
    context.log(`Job ${input.jobId}: check #${input.check} -> ${status}`);
    return status;
};
df.app.activity('checkJobStatus', { handler: checkJobStatus });
