import { app, InvocationContext, output } from '@azure/functions';
import * as df from 'durable-functions';
import { ActivityHandler, OrchestrationContext, OrchestrationHandler } from 'durable-functions';

// A queue-started flow with a blob output: a message on the `orders` storage queue starts
// `processOrder`, whose `saveReceipt` activity writes the receipt to the `receipts` container.
// Storage is Azurite (`AzureWebJobsStorage` is `UseDevelopmentStorage=true`), which the emulator
// starts by itself. Put a message on the queue (any queue tool works; this one needs only curl):
//
//   curl -s -X POST http://localhost:7071/emulator/v1/storage/queues/orders/messages -H 'Content-Type: application/json' -d '{"text": "{\"orderId\": \"A-1\", \"amount\": 42}"}'
//   curl -s http://localhost:7071/emulator/v1/storage/containers/receipts/blobs
//   -> [{"name": "order-A-1.json", ...}]

interface Order {
    orderId: string;
    amount: number;
}

app.storageQueue('orderQueueStart', {
    queueName: 'orders',
    connection: 'AzureWebJobsStorage',
    extraInputs: [df.input.durableClient()],
    handler: async (message: unknown, context: InvocationContext): Promise<void> => {
        const order = message as Order;
        const client = df.getClient(context);
        const instanceId = await client.startNew('processOrder', { input: order, instanceId: `order-${order.orderId}` });
        context.log(`Order ${order.orderId} (dequeue count ${String(context.triggerMetadata?.dequeueCount)}) started '${instanceId}'.`);
    },
});

const processOrder: OrchestrationHandler = function* (context: OrchestrationContext) {
    const order = context.df.getInput<Order>();
    const receipt: string = yield context.df.callActivity('saveReceipt', order);
    return { orderId: order.orderId, receipt };
};
df.app.orchestration('processOrder', processOrder);

// The blob path uses the activity's binding data: `{instanceId}` is the orchestration's instance id.
const receiptBlob = output.storageBlob({ path: 'receipts/{instanceId}.json', connection: 'AzureWebJobsStorage' });

const saveReceipt: ActivityHandler = (order: Order, context: InvocationContext): string => {
    context.extraOutputs.set(receiptBlob, { orderId: order.orderId, amount: order.amount, status: 'paid' });
    return `receipts/order-${order.orderId}.json`;
};
df.app.activity('saveReceipt', { extraOutputs: [receiptBlob], handler: saveReceipt });
