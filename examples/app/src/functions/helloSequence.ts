import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Function chaining: call three activities one after another and return all results.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/helloSequence
//   -> output: ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]

const activityName = 'sayHello';

const helloSequence: OrchestrationHandler = function* (context: OrchestrationContext) {
    const outputs: string[] = [];
    outputs.push(yield context.df.callActivity(activityName, 'Tokyo'));
    outputs.push(yield context.df.callActivity(activityName, 'Seattle'));
    outputs.push(yield context.df.callActivity(activityName, 'London'));
    return outputs;
};
df.app.orchestration('helloSequence', helloSequence);

// Activities are ordinary functions: they may do I/O and read the environment.
// The greeting comes from the GREETING app setting (local.settings.json).
const sayHello: ActivityHandler = (input: string, context: InvocationContext): string => {
    const greeting = process.env.GREETING || 'Hello';
    context.log(`Saying "${greeting}" to ${input}`);
    return `${greeting} ${input}!`;
};
df.app.activity(activityName, { handler: sayHello });
