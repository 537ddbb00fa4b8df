/**
 * The real `durable-functions` DurableClient (the one user apps get) against the emulator's server, built from
 * the client binding JSON the emulator hands out. The engine behind it is the in-memory fake.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { clientBindingJson } from '../../src/protocol/clientBinding.js';
import { createHttpServer, type EmulatorHttpServer } from '../../src/emulator/http/server.js';
import { FakeEngine } from './httpFakeEngine.js';

// The package is CommonJS and so are these tests (no "type": "module"), so `require` is the global one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DurableClient } = require('durable-functions/lib/src/durableClient/DurableClient.js') as {
  DurableClient: new (data: unknown) => Record<string, (...args: unknown[]) => Promise<unknown>>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EntityId } = require('durable-functions') as { EntityId: new (name: string, key: string) => unknown };

const engine = new FakeEngine();
let emulator: EmulatorHttpServer;
let client: Record<string, (...args: unknown[]) => Promise<unknown>>;

before(async () => {
  emulator = createHttpServer({
    engine,
    triggers: { routes: () => [], invoke: () => Promise.reject(new Error('no triggers')) },
    routePrefix: 'api',
    hostStatus: () => ({ state: 'Running', version: 'test' }),
  });
  const port = await emulator.listen(0);
  client = new DurableClient(clientBindingJson(`http://127.0.0.1:${port}`, engine.hubName));
});
after(() => emulator.close());

test('DurableClient: startNew, getStatus, raiseEvent, terminate (410 tolerated), purge', async () => {
  const id = await client['startNew']!('orch', { instanceId: 'dc-1', input: { n: 1 } });
  assert.equal(id, 'dc-1');
  const status = (await client['getStatus']!('dc-1', { showInput: true })) as { runtimeStatus: string; input: unknown };
  assert.equal(status.runtimeStatus, 'Running');
  assert.deepEqual(status.input, { n: 1 });
  await client['raiseEvent']!('dc-1', 'approve', { ok: true });
  assert.deepEqual(engine.events.at(-1), { id: 'dc-1', name: 'approve', inputJson: '{"ok":true}' });
  engine.setStatus('dc-1', 'Completed', '"done"');
  await client['terminate']!('dc-1', 'too late'); // 410 resolves, like against the real host
  const purged = (await client['purgeInstanceHistory']!('dc-1')) as { instancesDeleted: number };
  assert.equal(purged.instancesDeleted, 1);
  await assert.rejects(client['getStatus']!('dc-1'));
});

test('DurableClient: getStatusAll follows continuation tokens to the end', async () => {
  for (let i = 0; i < 230; i++) engine.add(`all-${i}`, 'Completed');
  const all = (await client['getStatusAll']!()) as { instanceId: string }[];
  assert.equal(all.length, engine.instances.size);
});

test('DurableClient: signalEntity and readEntityState', async () => {
  const entityId = new EntityId('counter', 'k1');
  await client['signalEntity']!(entityId, 'add', 5);
  assert.deepEqual(engine.signals.at(-1), { name: 'counter', key: 'k1', operation: 'add', inputJson: '5' });
  const missing = (await client['readEntityState']!(entityId)) as { entityExists: boolean };
  assert.equal(missing.entityExists, false);
  engine.entities.set('@counter@k1', {
    id: '@counter@k1', name: 'counter', key: 'k1', exists: true, state: '{"v":5}', queue: [], lockedBy: null, lastOperationTime: 0,
  });
  const found = (await client['readEntityState']!(entityId)) as { entityExists: boolean; entityState: unknown };
  assert.deepEqual({ ...found }, { entityExists: true, entityState: { v: 5 } });
});
