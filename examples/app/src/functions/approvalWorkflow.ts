import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Human interaction: ask for an approval, then wait for an external event ("Approval")
// or a deadline, whichever comes first.
//
//   curl -s -X POST 'http://localhost:7071/api/orchestrators/approvalWorkflow?instanceId=order-42' -H 'Content-Type: application/json' -d '{"requester":"alice"}'
//   curl -s -X POST -H 'Content-Type: application/json' -d true http://localhost:7071/runtime/webhooks/durabletask/instances/order-42/raiseEvent/Approval
//
// Input (optional): { requester: "alice", timeoutHours: 72 }   (timeoutSeconds overrides timeoutHours)
// Event "Approval": true (approve) or false (reject).
// Output: { requester, outcome: "approved" | "rejected" | "escalated", result: <activity output> }

interface ApprovalInput {
    requester?: string;
    timeoutHours?: number;
    timeoutSeconds?: number;
}

const approvalWorkflow: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<ApprovalInput | undefined>() ?? {};
    const requester = input.requester ?? 'anonymous';
    const timeoutMs = input.timeoutSeconds !== undefined ? input.timeoutSeconds * 1000 : (input.timeoutHours ?? 72) * 3_600_000;

    yield context.df.callActivity('requestApproval', requester);

    const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutMs);
    context.df.setCustomStatus({ state: 'waitingForApproval', deadline: deadline.toISOString() });

    const approvalEvent = context.df.waitForExternalEvent('Approval');
    const timeoutTask = context.df.createTimer(deadline);

    // Task.any resolves with whichever task completes first.
    const winner = yield context.df.Task.any([approvalEvent, timeoutTask]);

    if (winner === approvalEvent) {
        // Always cancel a timer you no longer need, or the orchestration stays "Running"
        // until it fires.
        timeoutTask.cancel();
        const approved = approvalEvent.result === true;
        context.df.setCustomStatus({ state: approved ? 'approved' : 'rejected' });
        const result = yield context.df.callActivity('processApproval', { requester, approved });
        return { requester, outcome: approved ? 'approved' : 'rejected', result };
    }

    context.df.setCustomStatus({ state: 'escalated' });
    const result = yield context.df.callActivity('escalate', requester);
    return { requester, outcome: 'escalated', result };
};
df.app.orchestration('approvalWorkflow', approvalWorkflow);

const requestApproval: ActivityHandler = (requester: string, context: InvocationContext): string => {
    // A real app would send an e-mail / Teams message with a link that raises the event.
    context.log(`Approval requested by ${requester}`);
    return `Approval requested for ${requester}`;
};
df.app.activity('requestApproval', { handler: requestApproval });

const processApproval: ActivityHandler = (
    input: { requester: string; approved: boolean },
    context: InvocationContext
): string => {
    const message = input.approved ? `Request of ${input.requester} approved` : `Request of ${input.requester} rejected`;
    context.log(message);
    return message;
};
df.app.activity('processApproval', { handler: processApproval });

const escalate: ActivityHandler = (requester: string, context: InvocationContext): string => {
    context.log(`No answer in time for ${requester}: escalating to a manager`);
    return `Escalated request of ${requester} to a manager`;
};
df.app.activity('escalate', { handler: escalate });
