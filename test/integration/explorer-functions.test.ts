/**
 * The explorer's Functions and Storage views against the real emulator on test/fixtures/explorer-functions (a
 * timer, a Service Bus trigger, an HTTP trigger, an orchestration and its activity; no storage binding): what the
 * view shows for the emulator's listing, that the Storage view stays hidden, and Run Now through the client with
 * its outcome on the change stream.
 *
 * Run Now needs `POST /admin/functions/{name}` and the `function` change event, which the timers part of the
 * emulator adds: until then the emulator answers 404 for a listed function and that test is skipped (it says so).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ManagementApiError,
  ManagementClient,
  subscribeToChanges,
  type ChangeEvent,
  type ChangeSubscription,
  type FunctionChange,
} from '../../src/extension/api/index.js';
import { triggerSummary } from '../../src/extension/views/functionPresentation.js';
import { FunctionsModel } from '../../src/extension/views/functionsModel.js';
import { FIXTURES, startEmulator, waitFor, type Emulator } from './harness.js';

const APP = path.join(FIXTURES, 'explorer-functions');
let emu: Emulator;
let client: ManagementClient;

before(async () => {
  emu = await startEmulator({ app: APP });
  client = new ManagementClient({ baseUrl: emu.url });
});
after(() => emu.stop());

test("the view lists the app's triggers by name and its durable functions under one node", async () => {
  const model = new FunctionsModel();
  model.load(await client.getFunctions());
  const shown = model.roots().map((node) => {
    if (node.kind === 'durableGroup')
      return `Durable: ${model
        .children(node)
        .map((c) => (c.kind === 'function' ? c.name : ''))
        .join(', ')}`;
    return `${node.name}: ${triggerSummary(model.get(node.name)!.info)}`;
  });
  assert.equal(shown.length, 4, shown.join('\n'));
  // `schedule` and `triggerType` come with the timers part of the emulator; without them the kind alone shows.
  assert.match(shown[0]!, /^nightlyReport: timer( · 0 0 3 \* \* \*)?$/);
  assert.match(shown[1]!, /^orderReceived: (serviceBus|other) · not run locally · Run Now to invoke$/);
  assert.equal(shown[2], 'ping: http · GET /api/ping');
  assert.equal(shown[3], 'Durable: greet, greeting');
});

test('an app without storage bindings has no Storage view', async () => {
  assert.equal(await client.storage.getInfo(), undefined);
});

test('Run Now: 202, then the outcome on the change stream; errors for HTTP and unknown functions', async (t) => {
  try {
    await client.runFunction('nightlyReport');
  } catch (error) {
    if (error instanceof ManagementApiError && error.status === 404) {
      t.skip('this emulator has no POST /admin/functions/{name} yet (the timers part adds it)');
      return;
    }
    throw error;
  }
  const changes: FunctionChange[] = [];
  let subscription: ChangeSubscription | undefined;
  await new Promise<void>((resolve) => {
    subscription = subscribeToChanges(
      emu.url,
      (change: ChangeEvent) => {
        if (change.type === 'function') changes.push(change);
      },
      { onStateChange: (state) => state.kind === 'open' && resolve() },
    );
  });
  try {
    const outcome = (name: string, status: FunctionChange['status']) =>
      waitFor(() => changes.find((c) => c.name === name && c.status === status), `${name} ${status}`);
    await client.runFunction('orderReceived', '{"orderId":42}');
    const ok = await outcome('orderReceived', 'Succeeded');
    assert.equal(ok.reason, 'manual');
    assert.ok(changes.some((c) => c.name === 'orderReceived' && c.status === 'Running'));
    await client.runFunction('orderReceived', 'fail');
    const failed = await outcome('orderReceived', 'Failed');
    assert.match(failed.error ?? '', /order rejected/);
    const listed = (await client.getFunctions()).find((f) => f.name === 'orderReceived');
    assert.equal(listed?.lastRun?.status, 'Failed');

    await assert.rejects(
      client.runFunction('ping'),
      (error: unknown) => error instanceof ManagementApiError && error.status === 400,
    );
    await assert.rejects(client.runFunction('noSuchFunction'), /\(404\)/);
  } finally {
    subscription?.dispose();
  }
});
