/**
 * The explorer against a stand-in host (a small local server answering as the contract says):
 * - the Storage view, with the emulator's storage routes (`/emulator/v1/storage/...`, one queue and one container):
 *   it shows only while the storage route answers, queues with their counts and peeked messages, Add Message…,
 *   Upload… of a file, Open of a text blob (a read-only document) and of a binary one (not opened). The emulator's
 *   own storage routes (with Azurite) come from the storage part of the emulator; this checks the view's side.
 * - Run Now and Copy URL on another host (no function list, no change stream), through the real host's admin API
 *   (`POST /admin/functions/{name}`, `GET /admin/functions/{name}`).
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import type { StorageNode } from '../../../src/extension/views/storageModel.js';
import type { StorageTree } from '../../../src/extension/views/storageTree.js';
import { activateExtension, waitFor } from './helpers.js';

interface Blob {
  bytes: Buffer;
  type: string;
}

/** The stand-in's state: what the app's storage holds. */
const queue: { id: string; text: string }[] = [{ id: 'm-1', text: 'first\nsecond line' }];
const blobs = new Map<string, Blob>([
  ['notes.txt', { bytes: Buffer.from('hello'), type: 'text/plain' }],
  ['logo.png', { bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), type: 'image/png' }],
]);
let storageUsed = true;
/** The admin API's invocations: function name and request body. */
const invoked: { name: string; body: string }[] = [];

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  const route = url.pathname;
  if (route === '/emulator/v1/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': connected\n\n');
    return;
  }
  const admin = /^\/admin\/functions\/([^/]+)$/.exec(route);
  if (admin && req.method === 'POST') {
    invoked.push({ name: decodeURIComponent(admin[1]!), body: body.toString() });
    res.writeHead(202);
    res.end();
    return;
  }
  if (admin) {
    const name = decodeURIComponent(admin[1]!);
    return json(res, 200, { name, invoke_url_template: name === 'ping' ? 'http://127.0.0.1/v2/ping' : null });
  }
  if (!route.startsWith('/emulator/v1/storage')) return json(res, 404, { Message: 'not in this stand-in' });
  if (!storageUsed) return json(res, 404, { Message: 'The app uses no storage bindings.' });
  const blob = /^\/emulator\/v1\/storage\/containers\/uploads\/blobs\/(.+)$/.exec(route);
  if (route === '/emulator/v1/storage') {
    return json(res, 200, {
      connection: 'azurite',
      account: 'devstoreaccount1',
      queues: ['orders'],
      containers: ['uploads'],
    });
  } else if (route === '/emulator/v1/storage/queues') {
    return json(res, 200, [{ name: 'orders', approximateMessageCount: queue.length }]);
  } else if (route === '/emulator/v1/storage/queues/orders/messages' && req.method === 'GET') {
    const at = '2026-01-01T00:00:00.000Z';
    return json(
      res,
      200,
      queue.map((m) => ({ ...m, insertedOn: at, expiresOn: at, dequeueCount: 0 })),
    );
  } else if (route === '/emulator/v1/storage/queues/orders/messages' && req.method === 'POST') {
    const id = `m-${queue.length + 1}`;
    queue.push({ id, text: (JSON.parse(body.toString()) as { text: string }).text });
    return json(res, 201, { id });
  } else if (route === '/emulator/v1/storage/containers') {
    return json(res, 200, [{ name: 'uploads' }]);
  } else if (route === '/emulator/v1/storage/containers/uploads/blobs') {
    const list = [...blobs].map(([name, b]) => ({
      name,
      size: b.bytes.length,
      lastModified: '2026-01-01T00:00:00.000Z',
      contentType: b.type,
    }));
    return json(res, 200, list);
  } else if (blob && req.method === 'PUT') {
    blobs.set(decodeURIComponent(blob[1]!), { bytes: body, type: req.headers['content-type'] ?? '' });
    return json(res, 201, {});
  } else if (blob) {
    const found = blobs.get(decodeURIComponent(blob[1]!));
    if (!found) return json(res, 404, { Message: 'no such blob' });
    res.writeHead(200, { 'Content-Type': found.type });
    res.end(found.bytes);
    return;
  }
  json(res, 404, { Message: 'no such route' });
}

function label(tree: StorageTree, node: StorageNode): string {
  const item = tree.getTreeItem(node);
  const text = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return item.description ? `${text} (${String(item.description)})` : text;
}

async function labels(tree: StorageTree, parent?: StorageNode): Promise<string[]> {
  return (await tree.getChildren(parent)).map((node) => label(tree, node));
}

async function child(tree: StorageTree, parent: StorageNode | undefined, text: string): Promise<StorageNode> {
  const found = (await tree.getChildren(parent)).find((node) => label(tree, node).startsWith(text));
  if (!found) throw new Error(`No "${text}" under ${parent ? label(tree, parent) : 'the root'}`);
  return found;
}

suite('Stand-in host: the Storage view, and Run Now on another host', () => {
  let api: DurableStudioApi;
  let tree: StorageTree;
  let server: http.Server;
  const sockets = new Set<net.Socket>();
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-e2e-storage-'));

  suiteSetup(async () => {
    api = await activateExtension();
    tree = api.explorer.storageTree;
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handle(req, Buffer.concat(chunks), res));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    api.ctx.connections.connect({ kind: 'emulator', baseUrl: `http://127.0.0.1:${port}`, label: 'storage stand-in' });
  });

  suiteTeardown(async () => {
    api.ctx.connections.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(temp, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('shows the queues with their counts and peeked messages, and the containers with their blobs', async () => {
    await waitFor('the Storage view to be available', async () => {
      await tree.whenLoaded();
      return tree.available;
    });
    assert.equal(tree.view.description, 'Azurite');
    assert.deepEqual(await labels(tree), ['Queues', 'Containers']);
    const queues = await child(tree, undefined, 'Queues');
    assert.deepEqual(await labels(tree, queues), ['orders (1 message)']);
    assert.deepEqual(await labels(tree, await child(tree, queues, 'orders')), ['first']);
    const uploads = await child(tree, await child(tree, undefined, 'Containers'), 'uploads');
    const shown = await labels(tree, uploads);
    assert.equal(shown.length, 2);
    assert.match(shown[0]!, /^logo\.png \(7 B · /);
    assert.match(shown[1]!, /^notes\.txt \(5 B · /);
  });

  test('Add Message… sends the text and the queue shows the new count', async () => {
    const id = await vscode.commands.executeCommand<string>('durableStudio.storage.addMessage', 'orders', '{"n":7}');
    assert.equal(id, 'm-2');
    assert.equal(queue[1]?.text, '{"n":7}');
    const queues = await child(tree, undefined, 'Queues');
    assert.deepEqual(await labels(tree, queues), ['orders (2 messages)']);
    assert.deepEqual(await labels(tree, await child(tree, queues, 'orders')), ['first', '{"n":7}']);
  });

  test('Upload… sends the file with its content type; the container lists it', async () => {
    const file = path.join(temp, 'order.json');
    fs.writeFileSync(file, '{"orderId": 42}');
    const name = await vscode.commands.executeCommand<string>('durableStudio.storage.uploadBlob', 'uploads', {
      file,
      name: 'in/order.json',
    });
    assert.equal(name, 'in/order.json');
    assert.equal(blobs.get('in/order.json')?.bytes.toString(), '{"orderId": 42}');
    assert.equal(blobs.get('in/order.json')?.type, 'application/json');
    const uploads = await child(tree, await child(tree, undefined, 'Containers'), 'uploads');
    assert.ok((await labels(tree, uploads)).some((l) => l.startsWith('in/order.json (15 B')));
  });

  test('Open shows a text blob read-only in its language; a binary blob is not opened', async () => {
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('durableStudio.storage.openBlob', {
      container: 'uploads',
      name: 'in/order.json',
    });
    assert.equal(doc.getText(), '{"orderId": 42}');
    assert.equal(doc.languageId, 'json');
    assert.equal(doc.uri.scheme, 'durable-blob');
    const binary = await vscode.commands.executeCommand('durableStudio.storage.openBlob', {
      container: 'uploads',
      name: 'logo.png',
    });
    assert.equal(binary, undefined);
  });

  test('the view hides when the app uses no storage', async () => {
    storageUsed = false;
    await vscode.commands.executeCommand('durableStudio.storage.refresh');
    assert.equal(tree.available, false);
    assert.deepEqual(await tree.getChildren(), []);
  });

  test('another host: Run Now and Copy URL go through its admin API; no function list, no Storage view', async () => {
    const port = (server.address() as net.AddressInfo).port;
    api.ctx.connections.connect({ kind: 'remote', baseUrl: `http://127.0.0.1:${port}`, label: 'stand-in host' });
    await tree.whenLoaded();
    assert.equal(tree.available, false);
    assert.deepEqual(await api.explorer.functionsTree.getChildren(), []);
    assert.match(String(api.explorer.functionsTree.view.message), /stand-in host cannot/);
    assert.equal(await vscode.commands.executeCommand('durableStudio.function.runNow', 'bus', 'hello'), true);
    assert.deepEqual(invoked, [{ name: 'bus', body: '{"input":"hello"}' }]);
    assert.equal(
      await vscode.commands.executeCommand('durableStudio.function.copyUrl', 'ping'),
      'http://127.0.0.1/v2/ping',
    );
  });
});
