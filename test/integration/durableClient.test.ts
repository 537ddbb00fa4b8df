/**
 * Every method of `durable-functions`' own DurableClient (the object an app's client function gets) against the
 * running emulator, built from the same client binding JSON the emulator gives client functions.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { clientBindingJson } from '../../src/protocol/clientBinding.js';
import {
  FIXTURES,
  getStatus,
  startEmulator,
  tempDir,
  waitFor,
  waitForStatus,
  type Emulator,
  CHECK_STATUS_LINKS,
} from './harness.js';

// The class itself is not exported from the package root; apps get instances through df.getClient(context).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DurableClient } = require('durable-functions/lib/src/durableClient/DurableClient.js') as {
  DurableClient: new (data: unknown) => df.DurableClient;
};

let emu: Emulator;
let client: df.DurableClient;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
  client = new DurableClient(clientBindingJson(emu.url, 'FixtureJsCjs'));
});
after(() => emu.stop());

test('startNew, getStatus (with history), waitForCompletionOrCreateCheckStatusResponse', async () => {
  const id = await client.startNew('helloSequence', { instanceId: 'dc-hello' });
  assert.equal(id, 'dc-hello');
  const request = new HttpRequest({ method: 'POST', url: `${emu.url}/api/anything` });
  const response = await client.waitForCompletionOrCreateCheckStatusResponse(request, id, {
    timeoutInMilliseconds: 10_000,
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  const status = await client.getStatus(id, { showHistory: true, showHistoryOutput: true, showInput: true });
  assert.equal(status.runtimeStatus, df.OrchestrationRuntimeStatus.Completed);
  assert.equal(status.name, 'helloSequence');
  assert.deepEqual(status.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
});

test('createCheckStatusResponse and createHttpManagementPayload point at the emulator', async () => {
  const request = new HttpRequest({ method: 'POST', url: `${emu.url}/api/start` });
  const response = client.createCheckStatusResponse(request, 'dc-links');
  assert.equal(response.status, 202);
  const body = (await response.json()) as Record<string, string>;
  assert.equal(body['id'], 'dc-links');
  for (const key of CHECK_STATUS_LINKS) {
    assert.ok(
      body[key]!.startsWith(`${emu.url}/runtime/webhooks/durabletask/instances/dc-links`),
      `${key}: ${body[key]}`,
    );
  }
  const payload = client.createHttpManagementPayload('dc-links');
  assert.ok(payload.statusQueryGetUri.startsWith(emu.url));
});

test('raiseEvent, suspend, resume and terminate through the client', async () => {
  const waiting = await client.startNew('waitForGo', { instanceId: 'dc-wait' });
  await waitFor(async () => (await getStatus(emu, waiting))?.customStatus === 'waiting', 'dc-wait to wait');
  await client.suspend(waiting, 'pause');
  assert.equal((await client.getStatus(waiting)).runtimeStatus, df.OrchestrationRuntimeStatus.Suspended);
  await client.raiseEvent(waiting, 'Go', { by: 'client' });
  await client.resume(waiting, 'continue');
  const done = await waitForStatus(emu, waiting);
  assert.deepEqual(done.output, { event: 'Go', data: { by: 'client' } });

  const other = await client.startNew('waitForGo', { instanceId: 'dc-term' });
  await client.terminate(other, 'no longer needed');
  const terminated = await waitForStatus(emu, other, 'Terminated');
  assert.equal(terminated.output, 'no longer needed');
});

test('rewind a failed instance through the client', async () => {
  const flag = path.join(tempDir(), 'flag');
  const id = await client.startNew('rewindable', { instanceId: 'dc-rewind', input: { flagFile: flag } });
  await waitForStatus(emu, id, 'Failed');
  fs.writeFileSync(flag, 'ok');
  await client.rewind(id, 'fixed it');
  const done = await waitForStatus(emu, id, 'Completed');
  assert.deepEqual(done.output, { before: 'Hello rewind!', result: 'flag found' });
});

test('getStatusAll, getStatusBy and purgeInstanceHistoryBy', async () => {
  const from = new Date(Date.now() - 1000);
  const ids = await Promise.all([1, 2, 3].map((n) => client.startNew('helloSequence', { instanceId: `dc-list-${n}` })));
  await Promise.all(ids.map((id) => waitForStatus(emu, id)));
  const all = await client.getStatusAll();
  for (const id of ids)
    assert.ok(
      all.some((s) => s.instanceId === id),
      `${id} listed`,
    );
  const completed = await client.getStatusBy({
    createdTimeFrom: from,
    runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
  });
  assert.ok(ids.every((id) => completed.some((s) => s.instanceId === id)));
  assert.ok(completed.every((s) => s.runtimeStatus === df.OrchestrationRuntimeStatus.Completed));
  const purged = await client.purgeInstanceHistoryBy({
    createdTimeFrom: from,
    runtimeStatus: [df.OrchestrationRuntimeStatus.Completed],
  });
  assert.ok(purged.instancesDeleted >= 3);
  for (const id of ids) assert.equal(await getStatus(emu, id), undefined);
});

test('getStatusAll follows continuation tokens past the 100-instance page size', async () => {
  const ids = await Promise.all(
    Array.from({ length: 130 }, (_, n) => client.startNew('helloSequence', { instanceId: `dc-page-${n}` })),
  );
  const all = await client.getStatusAll();
  const listed = new Set(all.map((s) => s.instanceId));
  assert.ok(
    ids.every((id) => listed.has(id)),
    'every instance is listed once the client followed the pages',
  );
  assert.equal(listed.size, all.length, 'no instance is listed twice');
});

test('purgeInstanceHistory of one instance, and of an unknown one', async () => {
  const id = await client.startNew('helloSequence', { instanceId: 'dc-purge' });
  await waitForStatus(emu, id);
  assert.equal((await client.purgeInstanceHistory(id)).instancesDeleted, 1);
  assert.equal((await client.purgeInstanceHistory(id)).instancesDeleted, 0);
});

test('purge never deletes a running instance: one by id rejects, by a Running filter deletes nothing', async () => {
  const from = new Date(Date.now() - 1000);
  const id = await client.startNew('waitForGo', { instanceId: 'dc-purge-running' });
  await waitForStatus(emu, id, 'Running');
  await assert.rejects(client.purgeInstanceHistory(id), /412/);
  const byFilter = await client.purgeInstanceHistoryBy({
    createdTimeFrom: from,
    runtimeStatus: [df.OrchestrationRuntimeStatus.Running],
  });
  assert.equal(byFilter.instancesDeleted, 0);
  assert.equal((await getStatus(emu, id))?.runtimeStatus, 'Running');
  await client.terminate(id, 'cleanup');
});

test('signalEntity to a missing entity function and startNew of a missing orchestrator reject, as on Azure', async () => {
  await assert.rejects(
    client.signalEntity(new df.EntityId('noSuchEntity', 'k'), 'add', 1),
    /unexpected status code: 400\. Details: \{"Message":"The function 'nosuchentity' doesn't exist, is disabled, or is not an entity function\. Additional info: The following are the known entity functions: /,
  );
  await assert.rejects(
    client.startNew('helloSequence', { instanceId: '@looks-like-an-entity' }),
    /unexpected status code: 400\. .*Orchestration instance ids must not start with @\./,
  );
  await assert.rejects(
    client.startNew('noSuchOrchestrator'),
    /unexpected status code: 400\. .*The function 'noSuchOrchestrator' doesn't exist, is disabled, or is not an orchestrator function\. Additional info: The following are the known orchestrator functions: '/,
  );
});

test('signalEntity and readEntityState', async () => {
  const entity = new df.EntityId('counter', 'dc-counter');
  assert.equal((await client.readEntityState(entity)).entityExists, false);
  await Promise.all([client.signalEntity(entity, 'add', 2), client.signalEntity(entity, 'add', 3)]);
  const state = await waitFor(async () => {
    const read = await client.readEntityState<number>(entity);
    return read.entityExists && read.entityState === 5 ? read : undefined;
  }, 'the counter to reach 5');
  assert.equal(state.entityState, 5);
});
