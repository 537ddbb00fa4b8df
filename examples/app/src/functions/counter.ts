import { app, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { DurableLock, EntityContext, EntityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// Aggregator / stateful entity: a durable counter.
//
// Operations:
//   add     (input: number)  state += amount
//   reset                    state = 0
//   get                      returns the state
//   delete                   deletes the entity (its state disappears)
const entityName = 'counter';

const counter: EntityHandler<number> = (context: EntityContext<number>) => {
    const current = context.df.getState(() => 0) ?? 0;
    switch (context.df.operationName) {
        case 'add': {
            const amount = context.df.getInput<number>() ?? 1;
            context.df.setState(current + amount);
            break;
        }
        case 'reset':
            context.df.setState(0);
            break;
        case 'get':
            context.df.return(current);
            break;
        case 'delete':
            context.df.destructOnExit();
            break;
        default:
            throw new Error(`Unknown operation '${context.df.operationName}'`);
    }
};
df.app.entity(entityName, counter);

// ---------------------------------------------------------------------------------------
// HTTP API for the entity
//
//   curl -s -X POST http://localhost:7071/api/counter/my-counter -H 'Content-Type: application/json' -d 5   (202)
//   curl -s http://localhost:7071/api/counter/my-counter                                                  ({"id":"my-counter","value":5})
//   curl -s -X POST http://localhost:7071/api/counter/my-counter/reset                                    (202)

app.http('counterGet', {
    route: 'counter/{id}',
    methods: ['GET'],
    extraInputs: [df.input.durableClient()],
    handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
        const client = df.getClient(context);
        const id = request.params.id;
        const state = await client.readEntityState<number>(new df.EntityId(entityName, id));
        if (!state.entityExists) {
            return { status: 404, jsonBody: { error: `Counter '${id}' does not exist` } };
        }
        return { jsonBody: { id, value: state.entityState } };
    },
});

app.http('counterAdd', {
    route: 'counter/{id}',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
        const client = df.getClient(context);
        const id = request.params.id;
        const text = (await request.text()).trim();
        const amount = text ? Number(text) : 1;
        if (!Number.isFinite(amount)) {
            return { status: 400, jsonBody: { error: `The body must be a number, got '${text}'` } };
        }
        // Signals are one-way (fire and forget): the entity processes them asynchronously.
        await client.signalEntity(new df.EntityId(entityName, id), 'add', amount);
        return { status: 202, jsonBody: { id, operation: 'add', amount } };
    },
});

app.http('counterReset', {
    route: 'counter/{id}/reset',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
        const client = df.getClient(context);
        const id = request.params.id;
        await client.signalEntity(new df.EntityId(entityName, id), 'reset');
        return { status: 202, jsonBody: { id, operation: 'reset' } };
    },
});

// ---------------------------------------------------------------------------------------
// Orchestration working with the entity:
//   1. signal "add" (one-way),
//   2. call "get" (two-way, waits for the answer),
//   3. a critical section: lock the entity so nobody else can touch it while we
//      read it and write it back doubled.
//
//   curl -s -X POST http://localhost:7071/api/orchestrators/counterOrchestration -H 'Content-Type: application/json' -d '{"id":"orch-counter","amount":5}'
//
// Input (optional): { id: "<entity key>" (default: the instance id), amount: 1 }
// Output: { id, afterAdd: <value after the add>, afterDouble: <value after the critical section> }
// On a fresh entity with amount 5: { afterAdd: 5, afterDouble: 10 }

interface CounterOrchestrationInput {
    id?: string;
    amount?: number;
}

const counterOrchestration: OrchestrationHandler = function* (context: OrchestrationContext) {
    const input = context.df.getInput<CounterOrchestrationInput | undefined>() ?? {};
    const id = input.id ?? context.df.instanceId;
    const amount = input.amount ?? 1;
    const entityId = new df.EntityId(entityName, id);

    // One-way signal: does not wait for the entity.
    context.df.signalEntity(entityId, 'add', amount);

    // Two-way call: messages from one orchestration to one entity are processed in
    // order, so the "get" sees the "add" above.
    const afterAdd: number = yield context.df.callEntity(entityId, 'get');
    context.df.setCustomStatus({ id, afterAdd });

    // Critical section (durable-functions >= 3.5, entity lock): between the lock and the
    // release no other orchestration or client signal can modify the counter.
    const lock: DurableLock = yield context.df.lock(entityId);
    let afterDouble: number;
    try {
        const value: number = yield context.df.callEntity(entityId, 'get');
        yield context.df.callEntity(entityId, 'add', value);
        afterDouble = yield context.df.callEntity(entityId, 'get');
    } finally {
        lock.release();
    }

    return { id, afterAdd, afterDouble };
};
df.app.orchestration('counterOrchestration', counterOrchestration);
