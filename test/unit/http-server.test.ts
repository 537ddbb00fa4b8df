/**
 * The server over real HTTP on an ephemeral port, against a small in-memory EngineApi (the lead adds
 * integration tests against the real engine). No sleeps: waits are on events or responses.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { FakeEngine } from './httpFakeEngine.js';
import type { HttpTriggerInvoker, WorkerHttpRequest } from '../../src/protocol/http.js';
import { createHttpServer, type EmulatorHttpServer } from '../../src/emulator/http/server.js';

const invoked: WorkerHttpRequest[] = [];
const triggers: HttpTriggerInvoker = {
  routes: () => [{ functionName: 'hello', route: 'hello/{name:alpha}', methods: ['POST'] }],
  invoke: (functionName, request) => {
    invoked.push(request);
    return Promise.resolve({
      status: 201,
      headers: { 'content-type': 'text/plain', 'x-fn': functionName },
      cookies: ['a=1; Path=/'],
      body: new TextEncoder().encode(`hi ${request.params['name']}`),
    });
  },
};

const engine = new FakeEngine();
let emulator: EmulatorHttpServer;
let port = 0;
let ready = true;
const logs: string[] = [];
const WEBHOOK = '/runtime/webhooks/durabletask';

before(async () => {
  emulator = createHttpServer({
    engine,
    triggers,
    routePrefix: 'api',
    maxBodyBytes: 1024,
    log: (level, msg) => logs.push(`${level}: ${msg}`),
    hostStatus: () => ({ state: ready ? 'Running' : 'Initialized', version: '0.1.0' }),
    isReady: () => ready,
  });
  port = await emulator.listen(0);
});
after(() => emulator.close());

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

function request(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined && !options.chunked)
      req.setHeader('content-length', Buffer.byteLength(options.body));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
const JSON_HEADERS = { 'content-type': 'application/json' };

test('host status', async () => {
  const r = await request('GET', '/admin/host/status');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { state: 'Running', version: '0.1.0' });
});

test('while the app loads, routes answer 503 with Retry-After and the host status says Initialized', async () => {
  ready = false;
  try {
    const status = await request('GET', '/admin/host/status');
    assert.deepEqual(status.json(), { state: 'Initialized', version: '0.1.0' });
    const start = await request('POST', `${WEBHOOK}/orchestrators/orch`, { body: '' });
    assert.equal(start.status, 503);
    assert.equal(start.headers['retry-after'], '1');
    assert.equal((await request('POST', '/api/hello/world', { body: 'x' })).status, 503);
  } finally {
    ready = true;
  }
  assert.equal(
    (await request('POST', '/api/hello/world', { body: 'x' })).status,
    201,
    'the trigger answers once ready',
  );
});

test('security: foreign Host 403, foreign Origin / cross-site POST 403, loopback Origin allowed', async () => {
  assert.equal((await request('GET', '/admin/host/status', { headers: { host: 'evil.com' } })).status, 403);
  assert.equal((await request('GET', '/admin/host/status', { headers: { host: 'x.localhost:1' } })).status, 200);
  const post = (headers: Record<string, string>) =>
    request('POST', `${WEBHOOK}/orchestrators/orch`, { headers, body: '' });
  assert.equal((await post({ origin: 'https://evil.com' })).status, 403);
  assert.equal((await post({ origin: 'null' })).status, 403);
  assert.equal((await post({ 'sec-fetch-site': 'cross-site' })).status, 403);
  assert.equal((await post({ origin: `http://localhost:${port}` })).status, 202);
  assert.equal((await request('GET', '/admin/host/status', { headers: { origin: 'https://evil.com' } })).status, 200);
});

test('oversized body: 413 with a message, and the server stays up', async () => {
  const big = 'x'.repeat(4096);
  const declared = await request('POST', `${WEBHOOK}/orchestrators/orch`, { body: big });
  assert.equal(declared.status, 413);
  assert.match((declared.json() as { Message: string }).Message, /too large.*1024/);
  const chunked = await request('POST', `${WEBHOOK}/orchestrators/orch`, { body: big, chunked: true });
  assert.equal(chunked.status, 413);
  assert.equal((await request('GET', '/admin/host/status')).status, 200);
});

test("a request line past Node's header limit: 431 with a message, and the server stays up", async () => {
  const r = await request('GET', `/emulator/v1/instances/${'x'.repeat(20_000)}`);
  assert.equal(r.status, 431);
  assert.match((r.json() as { Message: string }).Message, /too large: the limit is \d+ bytes/);
  assert.equal((await request('GET', '/admin/host/status')).status, 200);
});

test('start: 202 check-status with the request origin, Location, Retry-After; bad JSON 400; unknown 400', async () => {
  const r = await request('POST', `${WEBHOOK}/orchestrators/orch/my-id?taskHub=x&code=y`, {
    headers: JSON_HEADERS,
    body: '{"a":1}',
  });
  assert.equal(r.status, 202);
  const body = r.json() as Record<string, string>;
  assert.equal(body['id'], 'my-id');
  assert.equal(
    body['statusQueryGetUri'],
    `http://localhost:${port}${WEBHOOK}/instances/my-id?taskHub=TestHub&connection=Storage`,
  );
  assert.equal(r.headers.location, body['statusQueryGetUri']);
  assert.equal(r.headers['retry-after'], '10');
  assert.equal(engine.getInstance('my-id')?.input, '{"a":1}');
  const bad = await request('POST', `${WEBHOOK}/orchestrators/orch`, { headers: JSON_HEADERS, body: '{nope' });
  assert.equal(bad.status, 400);
  assert.equal((bad.json() as { Message: string }).Message, 'Invalid JSON content');
  assert.equal((await request('POST', `${WEBHOOK}/orchestrators/unknown`, { body: '' })).status, 400);
  assert.equal((await request('POST', `${WEBHOOK}/orchestrators/orch/my-id`, { body: '' })).status, 409);
  assert.equal((await request('GET', `${WEBHOOK}/orchestrators/orch`)).status, 404, 'other methods → 404');
});

test('start with timeout waits on change events: completed → 200 with output; timeout → 202', async () => {
  engine.onStart = (record) => setImmediate(() => engine.setStatus(record.instanceId, 'Completed', '"done"'));
  const done = await request('POST', `${WEBHOOK}/orchestrators/orch?timeout=30&pollingInterval=1`, { body: '' });
  engine.onStart = undefined;
  assert.equal(done.status, 200);
  assert.equal(done.json(), 'done');
  const pending = await request('POST', `${WEBHOOK}/orchestrators/orch?timeout=0&pollingInterval=0`, { body: '' });
  assert.equal(pending.status, 202);
  // As on Azure Storage: a polling interval over the timeout is refused, after the instance has started.
  const refused = await request('POST', `${WEBHOOK}/orchestrators/orch/slow-poll?timeout=1&pollingInterval=2.5`, {
    body: '',
  });
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.json(), {
    Message: 'One or more of the arguments submitted is incorrect',
    ExceptionMessage: 'Total timeout 1 should be bigger than retry timeout 2.5',
  });
  assert.equal(engine.getInstance('slow-poll')?.status, 'Running');
  assert.equal(engine.listeners.size, 0, 'waiters unsubscribe');
});

test('status: 202 while running (Location, Retry-After 5), 200 when done, 500 on failure when asked, 404 unknown', async () => {
  engine.add('s1', 'Running', { input: '"in"' });
  const running = await request('GET', `${WEBHOOK}/instances/s1?showInput=false`);
  assert.equal(running.status, 202);
  assert.equal(running.headers['retry-after'], '5');
  assert.equal(running.headers.location, `http://localhost:${port}${WEBHOOK}/instances/s1?showInput=false`);
  assert.equal((running.json() as { input: unknown }).input, null);
  engine.setStatus('s1', 'Failed', 'boom');
  assert.equal((await request('GET', `${WEBHOOK}/instances/s1`)).status, 200);
  const failed = await request('GET', `${WEBHOOK}/instances/s1?returnInternalServerErrorOnFailure=true`);
  assert.equal(failed.status, 500);
  assert.equal((failed.json() as { output: unknown }).output, 'boom');
  const missing = await request('GET', `${WEBHOOK}/instances/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.text, '');
});

test('instance id validation on every route: 400', async () => {
  for (const id of ['a%2Fb', 'a%5Cb', '..', '%2E', 'a%01b', 'x'.repeat(257)]) {
    assert.equal((await request('GET', `${WEBHOOK}/instances/${id}`)).status, 400, id);
    assert.equal((await request('POST', `${WEBHOOK}/instances/${id}/terminate`)).status, 400, id);
    assert.equal(
      (await request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/e`, { headers: JSON_HEADERS, body: '1' })).status,
      400,
      id,
    );
    assert.equal((await request('POST', `${WEBHOOK}/orchestrators/orch/${id}`, { body: '' })).status, 400, id);
  }
});

test('raiseEvent: 404 unknown, 410 finished, 400 content type / bad JSON, 202', async () => {
  engine.add('r1', 'Running');
  engine.add('r2', 'Completed');
  const raise = (id: string, body: string, headers: Record<string, string> = JSON_HEADERS) =>
    request('POST', `${WEBHOOK}/instances/${id}/raiseEvent/approve`, { headers, body });
  assert.equal((await raise('missing', '1')).status, 404);
  assert.equal((await raise('r2', '1')).status, 410);
  assert.equal((await raise('r1', '1', { 'content-type': 'text/plain' })).status, 400);
  assert.equal((await raise('r1', '{bad')).status, 400);
  assert.equal((await raise('r1', '{"ok": true}')).status, 202);
  assert.deepEqual(engine.events.at(-1), { id: 'r1', name: 'approve', inputJson: '{"ok":true}' });
  assert.equal((await request('POST', `${WEBHOOK}/instances/r2/terminate?reason=x`)).status, 410);
  assert.equal((await request('POST', `${WEBHOOK}/instances/r1/SUSPEND`)).status, 202);
  assert.equal((await request('POST', `${WEBHOOK}/instances/missing/terminate`)).status, 404);
  assert.equal((await request('POST', `${WEBHOOK}/instances/r1/rewind`)).status, 412);
  assert.equal((await request('POST', `${WEBHOOK}/instances/r1/bogus`)).status, 404);
});

test('list: continuation token loop ends, header absent on the last page', async () => {
  for (let i = 0; i < 5; i++) engine.add(`page-${i}`, 'Completed');
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await request(
      'GET',
      `${WEBHOOK}/instances/?instanceIdPrefix=page-&top=2`,
      token ? { headers: { 'x-ms-continuation-token': token } } : {},
    );
    assert.equal(r.status, 200);
    seen.push(...(r.json() as { instanceId: string }[]).map((s) => s.instanceId));
    token = r.headers['x-ms-continuation-token'] as string | undefined;
    assert.notEqual(token, 'null');
    assert.ok(++pages < 10, 'loop must end');
  } while (token);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
});

test('purge: 412 running, 200 done, 404 unknown; purge by filter needs createdTimeFrom', async () => {
  engine.add('p-run', 'Running');
  engine.add('p-done', 'Completed');
  const refused = await request('DELETE', `${WEBHOOK}/instances/p-run`);
  assert.deepEqual([refused.status, refused.json()], [412, 'p-run has status Running']);
  assert.equal((await request('DELETE', `${WEBHOOK}/instances/@counter@k`)).status, 404, 'entities are not purged');
  const ok = await request('DELETE', `${WEBHOOK}/instances/p-done`);
  assert.deepEqual([ok.status, ok.json()], [200, { instancesDeleted: 1 }]);
  assert.equal((await request('DELETE', `${WEBHOOK}/instances/p-done`)).status, 404);
  const noFrom = await request('DELETE', `${WEBHOOK}/instances`);
  assert.deepEqual([noFrom.status, noFrom.json()], [400, "Please provide value for 'createdTimeFrom' parameter."]);
  assert.equal((await request('DELETE', `${WEBHOOK}/instances?createdTimeFrom=2020-01-01T00:00:00Z`)).status, 404);
});

test('entities: get 404/200 ($ = empty key), signal JSON / text / DELETE', async () => {
  assert.equal((await request('GET', `${WEBHOOK}/entities/counter/k1`)).status, 404);
  engine.entities.set('@counter@', {
    id: '@counter@',
    name: 'counter',
    key: '',
    exists: true,
    state: '5',
    queue: [],
    lockedBy: null,
    lastOperationTime: 0,
  });
  const got = await request('GET', `${WEBHOOK}/entities/counter/$`);
  assert.deepEqual([got.status, got.json()], [200, 5]);
  const list = await request('GET', `${WEBHOOK}/entities?fetchState=true`);
  assert.deepEqual(list.json(), [
    { entityId: { name: 'counter', key: '' }, lastOperationTime: '1970-01-01T00:00:00Z', state: 5 },
  ]);
  assert.equal(
    (await request('POST', `${WEBHOOK}/entities/counter/k1?op=add`, { headers: JSON_HEADERS, body: '{"n": 1}' }))
      .status,
    202,
  );
  assert.equal(
    (
      await request('POST', `${WEBHOOK}/entities/counter/k1?op=add`, {
        headers: { 'content-type': 'text/plain' },
        body: 'hi',
      })
    ).status,
    202,
  );
  assert.equal(
    (await request('POST', `${WEBHOOK}/entities/counter/k1?op=add`, { headers: JSON_HEADERS, body: '{' })).status,
    400,
  );
  assert.equal((await request('DELETE', `${WEBHOOK}/entities/counter/k1`)).status, 202);
  assert.deepEqual(engine.signals, [
    { name: 'counter', key: 'k1', operation: 'add', inputJson: '{"n":1}' },
    { name: 'counter', key: 'k1', operation: 'add', inputJson: '"hi"' },
    { name: 'counter', key: 'k1', operation: 'delete', inputJson: undefined },
  ]);
});

test('a handler error becomes a 500 JSON body and the server stays up', async () => {
  const r = await request('POST', `${WEBHOOK}/orchestrators/throws`, { body: '' });
  assert.equal(r.status, 500);
  assert.deepEqual(r.json(), {
    Message: 'Something went wrong while processing your request',
    ExceptionMessage: 'engine exploded',
  });
  assert.ok(logs.some((l) => l.startsWith('error:') && l.includes('engine exploded')));
  assert.equal((await request('GET', '/admin/host/status')).status, 200);
  assert.equal((await request('GET', '/nowhere')).status, 404);
  assert.equal((await request('GET', `${WEBHOOK}/instances/%E0%A4%A`)).status, 400);
});

test('emulator API: clock, advance, timers, fire, functions', async () => {
  assert.deepEqual((await request('GET', '/emulator/v1/clock')).json(), {
    now: '2024-05-01T10:00:00.000Z',
    offsetMs: 0,
  });
  const adv = await request('POST', '/emulator/v1/clock/advance', { headers: JSON_HEADERS, body: '{"ms":60000}' });
  assert.deepEqual(adv.json(), { now: '2024-05-01T10:01:00.000Z', offsetMs: 60000 });
  assert.equal(
    (await request('POST', '/emulator/v1/clock/advance', { headers: JSON_HEADERS, body: '{"ms":-1}' })).status,
    400,
  );
  assert.deepEqual((await request('GET', '/emulator/v1/timers')).json(), [
    { instanceId: 'a', timerId: 2, fireAt: '1970-01-01T00:00:00.000Z', purpose: 'user' },
  ]);
  engine.add('t1', 'Running');
  assert.equal((await request('POST', '/emulator/v1/instances/t1/timers/fire?timerId=2')).status, 202);
  assert.equal((await request('POST', '/emulator/v1/instances/t1/timers/fire?timerId=x')).status, 400);
  assert.equal((await request('POST', '/emulator/v1/instances/zz/timers/fire')).status, 404);
  const badId = await request('GET', '/emulator/v1/timers?instanceId=..%2F..%2Fx');
  assert.deepEqual(
    [badId.status, badId.json()],
    [400, { Message: 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.' }],
  );
  assert.equal((await request('GET', '/emulator/v1/timers?instanceId=')).status, 200, 'empty means every instance');
  assert.deepEqual((await request('GET', '/emulator/v1/functions')).json(), [
    { name: 'orch', kind: 'orchestration', triggerType: 'orchestrationTrigger', runsLocally: true },
  ]);
});

test('SSE stream delivers a change and unsubscribes on close', async () => {
  const before = engine.listeners.size;
  const received = await new Promise<string>((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/emulator/v1/events', headers: { host: `localhost:${port}` } },
      (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (text.includes(': connected') && !text.includes('event:')) {
            engine.emit({ type: 'instanceDeleted', instanceId: 'gone-1' });
          }
          const at = text.indexOf('event:');
          if (at >= 0 && text.includes('\n\n', at)) {
            req.destroy();
            resolve(text);
          }
        });
      },
    );
    req.on('error', reject);
  });
  assert.match(received, /event: instanceDeleted\ndata: \{"type":"instanceDeleted","instanceId":"gone-1"\}\n\n/);
  // The server sees the disconnect asynchronously; wait for its unsubscribe by polling with a deadline.
  const deadline = Date.now() + 5000;
  while (engine.listeners.size > before && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.equal(engine.listeners.size, before);
});

test('user HTTP triggers: request built from the Host header, response written back; wrong method 404', async () => {
  const r = await request('POST', '/api/hello/World?x=1&x=2', { headers: { 'X-Custom': 'v' }, body: 'payload' });
  assert.equal(r.status, 201);
  assert.equal(r.text, 'hi World');
  assert.equal(r.headers['x-fn'], 'hello');
  assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/']);
  const seen = invoked.at(-1)!;
  assert.equal(seen.url, `http://localhost:${port}/api/hello/World?x=1&x=2`);
  assert.equal(seen.headers['x-custom'], 'v');
  assert.deepEqual(seen.query, { x: '1,2' });
  assert.deepEqual(seen.params, { name: 'World' });
  assert.equal(Buffer.from(seen.body!).toString(), 'payload');
  assert.equal((await request('GET', '/api/hello/World')).status, 404);
  assert.equal((await request('POST', '/api/hello/123')).status, 404, 'constraint alpha');
});

test('listen: a clear error when the port is in use', async () => {
  const other = createHttpServer({
    engine,
    triggers,
    routePrefix: 'api',
    hostStatus: () => ({ state: 'Running', version: 'x' }),
  });
  await assert.rejects(other.listen(port), new RegExp(`port ${port} is already in use`));
  await other.close();
});
