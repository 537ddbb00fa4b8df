import { app } from '@azure/functions';

// App-level hooks (Node.js programming model v4).
// They are harmless: they only log, and demonstrate that the emulator runs them
// exactly like the Azure Functions host does.

app.hook.appStart((context) => {
    // Runs once, when the worker has loaded all function files.
    // hookData set here is visible to every later hook.
    context.hookData.startedAt = new Date().toISOString();
    console.log('[durable-studio-example] app started');
});

app.hook.preInvocation((context) => {
    // Runs before every function invocation (HTTP, orchestration, activity, entity).
    const { functionName, invocationId } = context.invocationContext;
    context.invocationContext.trace(`preInvocation: ${functionName} (${invocationId})`);
});
