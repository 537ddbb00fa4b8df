/**
 * Storage triggers and bindings through a private Azurite (DURABLE_STUDIO_AZURITE_PORTS=0: ports chosen by the OS,
 * so parallel runs and a developer's own Azurite never clash), on test/fixtures/storage: a queue message starts an
 * orchestration whose activity writes a blob, which triggers a function writing a table entity and a queue message;
 * poison messages, blob and table inputs, no output written when a function fails, and the Storage API.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  FIXTURES,
  copyFixture,
  startEmulator,
  tempDir,
  waitFor,
  waitForStatus,
  emulatorApi,
  type Emulator,
} from './harness.js';

const APP = path.join(FIXTURES, 'storage');
const env = { DURABLE_STUDIO_AZURITE_PORTS: '0' };

interface Peeked {
  id: string;
  dequeueCount: number;
  text: string;
}

async function api<T>(emu: Emulator, route: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await emulatorApi(emu, `storage${route}`, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function enqueue(emu: Emulator, queue: string, text: string) {
  return api<{ id: string }>(emu, `/queues/${queue}/messages`, { method: 'POST', body: JSON.stringify({ text }) });
}

function peek(emu: Emulator, queue: string): Promise<Peeked[]> {
  return api<Peeked[]>(emu, `/queues/${queue}/messages`).then((r) => r.body);
}

function count(emu: Emulator, pattern: RegExp): number {
  return emu.output().match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

describe('storage through Azurite', () => {
  let emu: Emulator;
  let storeDir: string;
  before(async () => {
    storeDir = tempDir('ds-storage-');
    emu = await startEmulator({ app: APP, env, storeDir, timeoutMs: 60_000 });
  });
  after(() => emu.stop());

  test('queue message → orchestration → blob output → blob trigger → table entity and queue message', async () => {
    const sent = await enqueue(emu, 'orders', JSON.stringify({ orderId: 'o1' }));
    assert.equal(sent.status, 201);
    const status = await waitForStatus(emu, 'order-o1');
    assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status));
    assert.equal(status.output, 'written');
    assert.deepEqual(status.input, { orderId: 'o1', dequeueCount: 1 }, 'a JSON message arrives as an object');

    const blob = await fetch(`${emu.url}/emulator/v1/storage/containers/receipts/blobs/o1.txt`);
    assert.equal(blob.status, 200);
    assert.equal(await blob.text(), 'receipt for o1');

    const done = await waitFor(async () => (await peek(emu, 'receipt-done'))[0], 'the blob function to enqueue');
    assert.deepEqual(JSON.parse(done.text), { name: 'o1', path: 'receipts/o1.txt' });
    const lookup = await waitFor(async () => {
      const body = (await (await fetch(`${emu.url}/api/lookup/o1`)).json()) as {
        blob: string | null;
        entity: { PartitionKey: string; RowKey: string; text: string } | null;
        count: number;
        explicitConnection: boolean;
      };
      return body.entity ? body : undefined;
    }, 'the table entity');
    assert.equal(lookup.blob, 'receipt for o1', 'blob input by {name} from the route');
    assert.deepEqual(
      { PartitionKey: lookup.entity!.PartitionKey, RowKey: lookup.entity!.RowKey, text: lookup.entity!.text },
      { PartitionKey: 'receipts', RowKey: 'o1', text: 'receipt for o1' },
    );
    assert.ok(lookup.count >= 1, 'table input query');
    assert.equal(lookup.explicitConnection, true, "app code sees the private Azurite's connection string");
    const orders = await peek(emu, 'orders');
    assert.deepEqual(orders, [], 'the handled message is deleted');
  });

  test('inputs that do not exist give no value', async () => {
    const body = (await (await fetch(`${emu.url}/api/lookup/nothing-here`)).json()) as Record<string, unknown>;
    assert.equal(body['blob'], null);
    assert.equal(body['entity'], null);
  });

  test('a message that keeps failing goes to <queue>-poison after maxDequeueCount (2)', async () => {
    await enqueue(emu, 'doomed', 'bad news');
    const poisoned = await waitFor(async () => (await peek(emu, 'doomed-poison'))[0], 'the poison message');
    assert.equal(poisoned.text, 'bad news');
    assert.deepEqual(await peek(emu, 'doomed'), []);
    assert.equal(count(emu, /Executing 'Functions\.alwaysFails'/), 2, emu.output());
    assert.match(emu.output(), /Message has reached MaxDequeueCount of 2\. Moving message to queue 'doomed-poison'/);
  });

  test('a blob that keeps failing is tried 5 times, then reported on webjobs-blobtrigger-poison', async () => {
    const put = await fetch(`${emu.url}/emulator/v1/storage/containers/bad-blobs/blobs/b1.bin`, {
      method: 'PUT',
      body: 'x',
    });
    assert.equal(put.status, 201);
    const poisoned = await waitFor(
      async () => (await peek(emu, 'webjobs-blobtrigger-poison'))[0],
      'the blob poison message',
      30_000,
    );
    assert.deepEqual(JSON.parse(poisoned.text), {
      Type: 'blob',
      FunctionId: 'Host.Functions.badBlob',
      BlobType: 'BlockBlob',
      ContainerName: 'bad-blobs',
      BlobName: 'b1.bin',
      ETag: JSON.parse(poisoned.text).ETag,
    });
    assert.equal(count(emu, /Executing 'Functions\.badBlob'/), 5, emu.output());
  });

  test('outputs are not written when the function fails', async () => {
    const res = await fetch(`${emu.url}/api/fail/f1`, { method: 'POST' });
    assert.equal(res.status, 500);
    const blob = await api<{ Message: string }>(emu, '/containers/failed/blobs/f1.txt');
    assert.equal(blob.status, 404);
    assert.match(blob.body.Message, /does not exist/);
  });

  test('the Storage API: account, queues, containers, blobs, and bad names', async () => {
    const info = await api<Record<string, unknown>>(emu, '');
    assert.deepEqual(info.body, {
      connection: 'azurite',
      account: 'devstoreaccount1',
      queues: ['doomed', 'orders', 'receipt-done'],
      containers: ['bad-blobs', 'failed', 'receipts'],
    });
    const queues = await api<{ name: string; approximateMessageCount: number }[]>(emu, '/queues');
    assert.ok(queues.body.some((q) => q.name === 'orders'));

    const put = await fetch(`${emu.url}/emulator/v1/storage/containers/uploads/blobs/dir/a%20b.json`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    assert.equal(put.status, 201);
    const listed = await api<{ name: string; size: number; contentType: string }[]>(
      emu,
      '/containers/uploads/blobs?prefix=dir/',
    );
    assert.deepEqual(
      listed.body.map((b) => [b.name, b.size, b.contentType]),
      [['dir/a b.json', 7, 'application/json']],
    );
    const got = await fetch(`${emu.url}/emulator/v1/storage/containers/uploads/blobs/dir/a%20b.json`);
    assert.equal(got.headers.get('content-type'), 'application/json');
    assert.equal(await got.text(), '{"x":1}');
    const containers = await api<{ name: string }[]>(emu, '/containers');
    assert.ok(containers.body.some((c) => c.name === 'uploads'));

    assert.equal((await api(emu, '/queues/Bad_Queue/messages')).status, 400);
    assert.equal((await enqueue(emu, 'ab', 'x')).status, 400);
    assert.equal((await api(emu, '/queues/orders/messages', { method: 'POST', body: '{}' })).status, 400);
    assert.equal((await api(emu, '/queues/orders/messages?top=99')).status, 400);
    assert.equal((await api(emu, '/containers/No_Such/blobs')).status, 400);
    assert.equal((await api(emu, '/containers/receipts/blobs/missing.txt')).status, 404);
  });

  test('a blob written through the API triggers the blob function; a restart does not run old blobs again', async () => {
    const put = await fetch(`${emu.url}/emulator/v1/storage/containers/receipts/blobs/by-hand.txt`, {
      method: 'PUT',
      body: 'by hand',
    });
    assert.equal(put.status, 201);
    await waitFor(() => count(emu, /Executed 'Functions\.onReceipt' \(Succeeded/) >= 2, 'the blob trigger');
    await fetch(`${emu.url}/emulator/v1/storage/containers/receipts/blobs/by-hand.txt`, { method: 'PUT', body: 'v2' });
    await waitFor(() => count(emu, /Executed 'Functions\.onReceipt' \(Succeeded/) >= 3, 'the updated blob to run');
    await emu.stop();
    emu = await startEmulator({ app: APP, env, storeDir, timeoutMs: 60_000 });
    const after = await fetch(`${emu.url}/emulator/v1/storage/containers/receipts/blobs/later.txt`, {
      method: 'PUT',
      body: 'later',
    });
    assert.equal(after.status, 201);
    await waitFor(() => count(emu, /Executed 'Functions\.onReceipt' \(Succeeded/) >= 1, 'the new blob to run');
    assert.equal(count(emu, /Executing 'Functions\.onReceipt'/), 1, 'only the new blob ran after the restart');
  });

  test('Azurite does not outlive an emulator that is killed', async () => {
    const port = Number(/Storage: Azurite on 127\.0\.0\.1 ports (\d+)/.exec(emu.output())![1]);
    assert.ok(await listening(port));
    await emu.stop('SIGKILL');
    await waitFor(async () => !(await listening(port)), 'Azurite to exit');
  });
});

describe('storage configuration errors', () => {
  test('a missing connection setting fails start-up with one line naming function, binding and setting', async () => {
    const app = copyFixture('storage', 'storage-missing');
    const file = path.join(app, 'local.settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8')) as { Values: Record<string, string> };
    delete settings.Values['AzureWebJobsStorage'];
    fs.writeFileSync(file, JSON.stringify(settings));
    await assert.rejects(
      startEmulator({ app, env: { ...env, AzureWebJobsStorage: '' } }),
      /function '\w+', binding '\w+' \(\w+\): the connection setting 'AzureWebJobsStorage' is not set/,
    );
  });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
