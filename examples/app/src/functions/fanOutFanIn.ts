import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';

// Fan-out/fan-in: get a list of work items, process them all in parallel,
// then aggregate the results.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/fanOutFanIn -H 'Content-Type: application/json' -d '{"count":5}'
//   -> output: { "itemCount": 5, "total": 30 }   (items 1..5, each doubled: 2+4+6+8+10)
//
// Input: { "count": N } or just N (default 10).

interface FanOutInput {
    count?: number;
}

const fanOutFanIn: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<FanOutInput | number | undefined>();
    const count = typeof input === 'number' ? input : input?.count ?? 10;

    // 1. Get the work items (an activity, so it may do I/O).
    const workItems: number[] = yield context.df.callActivity('getWorkItems', count);

    // 2. Fan out: schedule one activity per item without yielding in between...
    const tasks: Task[] = workItems.map((item) => context.df.callActivity('processWorkItem', item));

    // 3. ...then fan in: wait for all of them.
    const results: number[] = yield context.df.Task.all(tasks);

    const total = results.reduce((sum, value) => sum + value, 0);
    context.df.setCustomStatus({ processed: results.length });
    return { itemCount: results.length, total };
};
df.app.orchestration('fanOutFanIn', fanOutFanIn);

const getWorkItems: ActivityHandler = (count: number): number[] => {
    return Array.from({ length: count }, (_, i) => i + 1);
};
df.app.activity('getWorkItems', { handler: getWorkItems });

const processWorkItem: ActivityHandler = async (item: number, context: InvocationContext): Promise<number> => {
    // Pretend to do some work.
    await new Promise((resolve) => setTimeout(resolve, 100));
    context.log(`Processed work item ${item}`);
    return item * 2;
};
df.app.activity('processWorkItem', { handler: processWorkItem });
