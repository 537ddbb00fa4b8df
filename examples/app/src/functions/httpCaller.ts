import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Durable HTTP: the orchestration itself makes an HTTP call (the host performs it and
// records the response in the history, so the orchestration stays deterministic).
//
// Input: { "url": "<any URL>" } or just the URL as a JSON string. Any local URL works,
// e.g. this app's own ping function:
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/httpCaller -H 'Content-Type: application/json' -d '{"url":"http://localhost:7071/api/ping"}'
//   -> output: { "statusCode": 200, "content": "{\"message\":\"pong\"}" }

/** Shape of the value a callHttp task resolves to (durable-functions does not export this type). */
interface DurableHttpResponse {
    statusCode: number;
    content?: string;
    headers?: Record<string, string>;
}

interface HttpCallerInput {
    url?: string;
}

const httpCaller: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<HttpCallerInput | string | undefined>();
    const url = typeof input === 'string' ? input : input?.url;
    if (!url) {
        throw new Error('httpCaller needs an input URL, e.g. {"url":"http://localhost:7071/api/ping"}');
    }

    const response: DurableHttpResponse = yield context.df.callHttp({ method: 'GET', url });
    return { statusCode: response.statusCode, content: response.content };
};
df.app.orchestration('httpCaller', httpCaller);

// A tiny HTTP function to call:  curl -s http://localhost:7071/api/ping
app.http('ping', {
    route: 'ping',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
        context.log('ping');
        return { jsonBody: { message: 'pong' } };
    },
});
