// What the reliability benchmark runs while it kills the emulator or its app worker: fan-outs of slow activities,
// orchestrations waiting for an event, and an entity that counts how many times each request id reached it.
const { app } = require('@azure/functions');
const df = require('durable-functions');

// slowDouble: input n; output 2n after a few milliseconds, so a fan-out is still running when a kill lands.
df.app.activity('slowDouble', {
  handler: async (n) => {
    await new Promise((resolve) => setTimeout(resolve, 5 + (n % 7) * 3));
    return 2 * n;
  },
});

// fanOut: input N; output the sum of 2i for i in 0..N-1, that is N(N-1).
df.app.orchestration('fanOut', function* (context) {
  const n = context.df.getInput();
  const tasks = [];
  for (let i = 0; i < n; i++) tasks.push(context.df.callActivity('slowDouble', i));
  const results = yield context.df.Task.all(tasks);
  return results.reduce((sum, value) => sum + value, 0);
});

// awaitApproval: waits for the event "Approve" and returns its data.
df.app.orchestration('awaitApproval', function* (context) {
  context.df.setCustomStatus('waiting');
  return yield context.df.waitForExternalEvent('Approve');
});

// ledger: state { [id]: times seen }; operation "add" with the id as input.
df.app.entity('ledger', (context) => {
  const state = context.df.getState(() => ({}));
  const id = context.df.getInput();
  state[id] = (state[id] || 0) + 1;
  context.df.setState(state);
});

// POST /api/ledger/{key}/{requestId}: a client function that signals the ledger once per request.
app.http('ledgerAdd', {
  route: 'ledger/{key}/{requestId}',
  methods: ['POST'],
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    await client.signalEntity(new df.EntityId('ledger', request.params.key), 'add', request.params.requestId);
    return { status: 202 };
  },
});
