/**
 * The Storage view's pure parts (the model: which groups show, which queues a count change re-renders; sizes,
 * message previews, text-or-binary blobs, upload content types, blob names) and what the storage client and Run
 * Now put on the wire (methods, paths, bodies, raw bytes both ways, 404 "no storage" as undefined, clear errors),
 * checked against a small local server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { ManagementApiError, ManagementClient, type StorageInfo } from '../../src/extension/api/index.js';
import { StorageModel } from '../../src/extension/views/storageModel.js';
import {
  blobNameProblem,
  blobText,
  contentTypeFor,
  formatSize,
  messagePreview,
  messageTooltip,
  queueDescription,
  storageDescription,
} from '../../src/extension/views/storagePresentation.js';

const INFO: StorageInfo = {
  connection: 'azurite',
  account: 'devstoreaccount1',
  queues: ['orders'],
  containers: ['up'],
};

test('storage model: groups for what the app uses; a count change re-renders just that queue', () => {
  const m = new StorageModel();
  assert.deepEqual(m.roots(), []);
  m.reset(INFO);
  assert.deepEqual(m.roots(), [m.queuesNode, m.containersNode]);
  m.reset({ ...INFO, containers: [] });
  assert.deepEqual(m.roots(), [m.queuesNode]);
  m.reset({ ...INFO, queues: [], containers: [] });
  assert.deepEqual(m.roots(), [m.queuesNode, m.containersNode], 'both when the app names none');

  m.reset(INFO);
  assert.equal(m.count('orders'), undefined, 'not listed yet');
  assert.equal(m.setQueues([{ name: 'orders', approximateMessageCount: 2 }]).length, 1);
  assert.deepEqual(m.setQueues([{ name: 'orders', approximateMessageCount: 2 }]), [], 'same count: nothing');
  assert.deepEqual(m.setQueues([{ name: 'orders', approximateMessageCount: 3 }]), [m.queueNode('orders')]);
  assert.equal(
    m.setQueues([
      { name: 'orders', approximateMessageCount: 3 },
      { name: 'poison', approximateMessageCount: 1 },
    ]),
    'all',
  );
  assert.deepEqual(
    m.queues().map((q) => q.name),
    ['orders', 'poison'],
  );
  assert.equal(m.setQueues([]), 'all', 'poison went away');
  assert.deepEqual(
    m.queues().map((q) => q.name),
    ['orders'],
    "the app's queue stays, not created yet",
  );
  assert.equal(m.count('orders'), undefined);

  m.setMessages('orders', [
    { id: 'm1', insertedOn: 'i', expiresOn: 'e', dequeueCount: 0, text: 'a' },
    { id: 'm2', insertedOn: 'i', expiresOn: 'e', dequeueCount: 2, text: 'b' },
  ]);
  const [first] = m.messages('orders');
  assert.equal(first, m.messages('orders')[0], 'memoised');
  assert.equal(m.parent(first!), m.queueNode('orders'));
  assert.equal(m.message('orders', 'm2')?.dequeueCount, 2);

  m.setContainers(['photos']);
  assert.deepEqual(
    m.containers().map((c) => c.name),
    ['photos', 'up'],
  );
  assert.equal(m.blobCount('up'), undefined);
  m.setBlobs('up', [
    { name: 'b.txt', size: 1, lastModified: 'x' },
    { name: 'a/c.json', size: 2, lastModified: 'x' },
  ]);
  assert.deepEqual(
    m.blobs('up').map((b) => b.name),
    ['a/c.json', 'b.txt'],
  );
  assert.equal(m.parent(m.blobs('up')[0]!), m.containerNode('up'));
  assert.equal(m.blobCount('up'), 2);
});

test('storage presentation: counts, sizes, previews, tooltips, where the storage is', () => {
  assert.equal(queueDescription(undefined), 'not created yet');
  assert.equal(queueDescription(1), '1 message');
  assert.equal(queueDescription(0), '0 messages');
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(1023), '1023 B');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(20 * 1024 * 1024), '20 MB');
  assert.equal(messagePreview('\n  {"orderId": 42}\nsecond line'), '{"orderId": 42}');
  assert.equal(messagePreview('  \n'), '(empty message)');
  assert.equal(messagePreview('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  const tooltip = messageTooltip({ id: 'abc', insertedOn: 'I', expiresOn: 'E', dequeueCount: 3, text: 'hi ```' });
  assert.match(tooltip, /`abc`/);
  assert.match(tooltip, /Dequeue count: 3/);
  assert.ok(!tooltip.slice(0, -4).includes('hi ```'), 'a fence in the text cannot close the code block');
  assert.equal(storageDescription(INFO), 'Azurite');
  assert.equal(storageDescription({ ...INFO, connection: 'account', account: 'prod1' }), 'account prod1');
});

test('blobs: text by content type or by valid UTF-8 without NUL; binary otherwise; upload types and names', () => {
  const utf8 = new TextEncoder().encode('héllo');
  assert.equal(blobText(utf8, 'text/plain; charset=utf-8'), 'héllo');
  assert.equal(blobText(utf8, undefined), 'héllo');
  assert.equal(blobText(utf8, 'application/octet-stream'), 'héllo');
  assert.equal(blobText(new TextEncoder().encode('{"a":1}'), 'application/json'), '{"a":1}');
  assert.equal(blobText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]), undefined), undefined);
  assert.equal(blobText(new Uint8Array([0xff, 0xfe, 0x41]), undefined), undefined, 'not UTF-8');
  assert.equal(blobText(utf8, 'image/png'), undefined);
  assert.equal(contentTypeFor('report.JSON'), 'application/json');
  assert.equal(contentTypeFor('a/b/photo.png'), 'image/png');
  assert.equal(contentTypeFor('noext'), 'application/octet-stream');
  assert.equal(blobNameProblem('a/b.txt'), undefined);
  assert.match(blobNameProblem(' ') ?? '', /Enter/);
  assert.match(blobNameProblem('/a') ?? '', /start/);
  assert.match(blobNameProblem('a//b') ?? '', /empty/);
  assert.match(blobNameProblem('a/../b') ?? '', /\.\./);
});

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

let server: http.Server;
let client: ManagementClient;
const seen: Seen[] = [];
/** The answer for the next request: status, body, content type. */
let answer: { status: number; body: string | Buffer; type?: string } = { status: 200, body: '[]' };

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer.status, { 'Content-Type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new ManagementClient({ baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` });
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call<T>(reply: typeof answer, run: () => Promise<T>): Promise<{ result: T; request: Seen }> {
  answer = reply;
  seen.length = 0;
  const result = await run();
  return { result, request: seen[0]! };
}

test('storage client: routes, bodies and answers on the wire', async () => {
  const info = await call({ status: 200, body: JSON.stringify(INFO) }, () => client.storage.getInfo());
  assert.deepEqual(info.result, INFO);
  assert.equal(info.request.url, '/emulator/v1/storage');
  const none = await call({ status: 404, body: '{"Message":"The app uses no storage bindings."}' }, () =>
    client.storage.getInfo(),
  );
  assert.equal(none.result, undefined);

  const peek = await call({ status: 200, body: '[]' }, () => client.storage.peekMessages('my queue'));
  assert.equal(peek.request.url, '/emulator/v1/storage/queues/my%20queue/messages?top=32');

  const add = await call({ status: 201, body: '{"id":"m-1"}' }, () => client.storage.addMessage('orders', 'hi'));
  assert.equal(add.result, 'm-1');
  assert.equal(add.request.method, 'POST');
  assert.deepEqual(JSON.parse(add.request.body.toString()), { text: 'hi' });

  const blobs = await call({ status: 200, body: '[]' }, () => client.storage.listBlobs('up', 'a/'));
  assert.equal(blobs.request.url, '/emulator/v1/storage/containers/up/blobs?prefix=a%2F');

  const bytes = Buffer.from([0, 1, 2, 255]);
  const read = await call({ status: 200, body: bytes, type: 'image/png' }, () =>
    client.storage.readBlob('up', 'a b/c.png'),
  );
  assert.equal(read.request.url, '/emulator/v1/storage/containers/up/blobs/a%20b/c.png');
  assert.deepEqual([...read.result.bytes], [0, 1, 2, 255]);
  assert.equal(read.result.contentType, 'image/png');

  const put = await call({ status: 201, body: '' }, () =>
    client.storage.uploadBlob('up', 'x/y.bin', new Uint8Array([7, 0, 7]), 'application/octet-stream'),
  );
  assert.equal(put.request.method, 'PUT');
  assert.equal(put.request.url, '/emulator/v1/storage/containers/up/blobs/x/y.bin');
  assert.equal(put.request.contentType, 'application/octet-stream');
  assert.deepEqual([...put.request.body], [7, 0, 7]);

  answer = { status: 404, body: '{"Message":"The app uses no storage bindings."}' };
  await assert.rejects(client.storage.listQueues(), (error: unknown) => {
    assert.ok(error instanceof ManagementApiError);
    assert.equal(error.message, 'Cannot list queues: The app uses no storage bindings (404)');
    return true;
  });
  await assert.rejects(client.storage.readBlob('up', 'a//b'), /Blob name '' cannot be used in a URL/);
});

test("Run Now: POST /admin/functions/{name} with {input}; 404 and 400 say why; an HTTP function's URL", async () => {
  const run = await call({ status: 202, body: '' }, () => client.runFunction('nightly report'));
  assert.equal(run.request.method, 'POST');
  assert.equal(run.request.url, '/admin/functions/nightly%20report');
  assert.deepEqual(JSON.parse(run.request.body.toString()), { input: '' });
  const withInput = await call({ status: 202, body: '' }, () => client.runFunction('orders', '{"id":1}'));
  assert.deepEqual(JSON.parse(withInput.request.body.toString()), { input: '{"id":1}' });

  const url = await call(
    { status: 200, body: '{"name":"ping","invoke_url_template":"http://127.0.0.1:7071/v2/ping"}' },
    () => client.getFunctionUrl('ping'),
  );
  assert.equal(url.request.url, '/admin/functions/ping');
  assert.equal(url.result, 'http://127.0.0.1:7071/v2/ping', 'with the route prefix the host uses');
  const none = await call({ status: 200, body: '{"name":"nightly","invoke_url_template":null}' }, () =>
    client.getFunctionUrl('nightly'),
  );
  assert.equal(none.result, undefined);

  answer = { status: 404, body: '' };
  await assert.rejects(
    client.runFunction('nope'),
    /Cannot run function 'nope': the app has no function named 'nope' \(404\)/,
  );
  answer = { status: 400, body: '{"Message":"ping is an HTTP function: call its URL."}' };
  await assert.rejects(
    client.runFunction('ping'),
    /Cannot run function 'ping': ping is an HTTP function: call its URL \(400\)/,
  );
});
