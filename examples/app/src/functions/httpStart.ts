import { app, HttpHandler, HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

// HTTP starters: the "async HTTP API" pattern. POST to /api/orchestrators/<name>
// to start any orchestration of this app. The JSON body (if any) becomes the input.
// The response is 202 Accepted with the management URLs (statusQueryGetUri, ...).
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/fanOutFanIn -H 'Content-Type: application/json' -d '{"count":5}'
//
// Add ?instanceId=my-id to choose the instance id yourself.

/** Reads the request body: JSON if it parses, the raw text otherwise, undefined when empty. */
async function readInput(request: HttpRequest): Promise<unknown> {
    const text = await request.text();
    if (!text) {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

const httpStartHandler: HttpHandler = async (request: HttpRequest, context: InvocationContext): Promise<HttpResponse> => {
    const client = df.getClient(context);
    const input = await readInput(request);
    const instanceId = await client.startNew(request.params.orchestratorName, {
        input,
        instanceId: request.query.get('instanceId') || undefined,
    });

    context.log(`Started orchestration '${request.params.orchestratorName}' with ID = '${instanceId}'.`);
    return client.createCheckStatusResponse(request, instanceId);
};

app.http('httpStart', {
    route: 'orchestrators/{orchestratorName}',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: httpStartHandler,
});

// Same, but waits (up to 10 s) for the orchestration to finish and returns its output
// directly (200). If it is still running after the timeout, it returns the 202
// check-status response instead.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/helloSequence/wait
const httpStartAndWaitHandler: HttpHandler = async (
    request: HttpRequest,
    context: InvocationContext
): Promise<HttpResponse> => {
    const client = df.getClient(context);
    const input = await readInput(request);
    const instanceId = await client.startNew(request.params.orchestratorName, {
        input,
        instanceId: request.query.get('instanceId') || undefined,
    });

    context.log(`Started orchestration '${request.params.orchestratorName}' with ID = '${instanceId}' (waiting).`);
    return client.waitForCompletionOrCreateCheckStatusResponse(request, instanceId, {
        timeoutInMilliseconds: 10_000,
        retryIntervalInMilliseconds: 500,
    });
};

app.http('httpStartAndWait', {
    route: 'orchestrators/{orchestratorName}/wait',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: httpStartAndWaitHandler,
});
