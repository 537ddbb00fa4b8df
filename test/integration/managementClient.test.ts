/**
 * The extension's typed client (src/extension/api) against the real emulator on test/fixtures/js-cjs: every
 * method, paging, typed errors, and the change stream (delivery, reconnection across an emulator restart on the
 * same port and store, dispose). A small local server checks what goes on the wire (key, JSON bodies, no Origin).
 * No sleeps: waits are on events, or polls with deadlines.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import {
  ManagementApiError,
  ManagementClient,
  ManagementConnectionError,
  subscribeToChanges,
  type ChangeEvent,
  type ChangeStreamState,
  type ChangeSubscription,
  type InstanceStatus,
  type RuntimeStatus,
} from '../../src/extension/api/index.js';
import { freePort } from '../../src/protocol/freePort.js';
import { FIXTURES, REPO, startEmulator, tempDir, waitFor, type Emulator } from './harness.js';

const APP = path.join(FIXTURES, 'js-cjs');
let emu: Emulator;
let client: ManagementClient;

before(async () => {
  emu = await startEmulator({ app: APP });
  client = new ManagementClient({ baseUrl: emu.url });
});
after(() => emu.stop());

const TERMINAL: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

function waitForStatus(
  id: string,
  statuses: RuntimeStatus[] = TERMINAL,
  c: ManagementClient = client,
): Promise<InstanceStatus> {
  return waitFor(
    async () => {
      const status = await c.getStatus(id);
      return status && statuses.includes(status.runtimeStatus) ? status : undefined;
    },
    `${id} to reach ${statuses.join('/')}`,
  );
}

async function waitForCustomStatus(id: string, customStatus: string): Promise<void> {
  await waitFor(async () => (await client.getStatus(id))?.customStatus === customStatus, `${id}: ${customStatus}`);
}

/** Asserts the promise fails with a ManagementApiError of that status and (when given) exactly that message. */
async function rejectsWith(promise: Promise<unknown>, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ManagementApiError, `a ManagementApiError, got ${String(error)}`);
    assert.equal(error.status, status, error.message);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  });
}

test('getHostStatus and getFunctions', async () => {
  assert.equal((await client.getHostStatus()).state, 'Running');
  const functions = await client.getFunctions();
  const kind = (name: string) => functions.find((f) => f.name === name)?.kind;
  assert.equal(kind('helloSequence'), 'orchestration');
  assert.equal(kind('counter'), 'entity');
  assert.equal(kind('sayHello'), 'activity');
});

test('startOrchestration and getStatus with its history and input options', async () => {
  const id = await client.startOrchestration('helloSequence', { instanceId: 'mc-hello' });
  assert.equal(id, 'mc-hello');
  const done = await waitForStatus(id);
  assert.equal(done.runtimeStatus, 'Completed');
  assert.deepEqual(done.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  assert.equal(done.historyEvents, undefined);

  const full = await client.getStatus(id, { showHistory: true, showHistoryOutput: true });
  const types = full?.historyEvents?.map((e) => e['EventType']);
  assert.equal(types?.[0], 'ExecutionStarted');
  assert.equal(types?.at(-1), 'ExecutionCompleted');
  assert.ok(full?.historyEvents?.some((e) => e['EventType'] === 'TaskCompleted' && e['Result'] === 'Hello Tokyo!'));

  const withInput = await client.startOrchestration('waitForGo', { input: { who: 'me' } });
  assert.match(withInput, /\S/, 'a generated id');
  assert.deepEqual((await client.getStatus(withInput))?.input, { who: 'me' });
  assert.equal((await client.getStatus(withInput, { showInput: false }))?.input, null);
  await client.terminate(withInput, 'done');
  assert.equal(await client.getStatus('mc-never-started'), undefined);
});

test('listInstances filters one page; allInstances follows continuation tokens (top=2)', async () => {
  const from = new Date((await client.getClock()).now);
  const ids = await Promise.all(
    [0, 1, 2, 3, 4].map((n) => client.startOrchestration('helloSequence', { instanceId: `mc-page-${n}` })),
  );
  await Promise.all(ids.map((id) => waitForStatus(id)));

  const sizes: number[] = [];
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.listInstances({ instanceIdPrefix: 'mc-page-', top: 2, continuationToken: token });
    sizes.push(page.items.length);
    seen.push(...page.items.map((s) => s.instanceId));
    token = page.continuationToken;
  } while (token !== undefined);
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual([...seen].sort(), ids);

  const all: string[] = [];
  for await (const status of client.allInstances({ instanceIdPrefix: 'mc-page-', top: 2 })) all.push(status.instanceId);
  assert.deepEqual([...all].sort(), ids);

  const filtered = await client.listInstances({
    runtimeStatus: ['Completed'],
    createdTimeFrom: from,
    createdTimeTo: new Date(Date.parse((await client.getClock()).now) + 60_000),
    instanceIdPrefix: 'mc-page-',
    showInput: false,
  });
  assert.equal(filtered.items.length, 5);
  assert.equal(filtered.continuationToken, undefined);
  assert.equal(
    (await client.listInstances({ runtimeStatus: ['Suspended'], instanceIdPrefix: 'mc-page-' })).items.length,
    0,
  );
  const future = await client.listInstances({ createdTimeFrom: new Date(Date.now() + 86_400_000 * 365) });
  assert.deepEqual(future.items, []);
});

test('raiseEvent, suspend, resume and terminate', async () => {
  const id = await client.startOrchestration('waitForGo', { instanceId: 'mc-wait' });
  await waitForCustomStatus(id, 'waiting');
  await client.suspend(id, 'pause');
  assert.equal((await waitForStatus(id, ['Suspended'])).runtimeStatus, 'Suspended');
  await client.raiseEvent(id, 'Go', { by: 'client' });
  await client.resume(id, 'continue');
  const done = await waitForStatus(id);
  assert.deepEqual(done.output, { event: 'Go', data: { by: 'client' } });

  const other = await client.startOrchestration('waitForGo', { instanceId: 'mc-term' });
  await client.terminate(other, 'no longer needed');
  assert.equal((await waitForStatus(other)).output, 'no longer needed');
});

test('typed errors: 404, 410, 409, 412 and 400 carry the operation, status and server message', async () => {
  await rejectsWith(
    client.terminate('mc-unknown', 'x'),
    404,
    "Cannot terminate instance 'mc-unknown': no such instance (404)",
  );
  await rejectsWith(client.raiseEvent('mc-unknown', 'Go', 1), 404);
  await rejectsWith(
    client.terminate('mc-hello', 'again'),
    410,
    "Cannot terminate instance 'mc-hello': it has already finished (410)",
  );
  await rejectsWith(client.raiseEvent('mc-hello', 'Go'), 410);

  const running = await client.startOrchestration('waitForGo', { instanceId: 'mc-running' });
  // Pending until its first episode has run (as on Azure); the messages below name the status.
  await waitForStatus(running, ['Running']);
  await rejectsWith(
    client.startOrchestration('waitForGo', { instanceId: running }),
    409,
    "Cannot start orchestration 'waitForGo': An instance with ID 'mc-running' already exists and is Running (409)",
  );
  await rejectsWith(
    client.purge(running),
    412,
    /^Cannot purge instance 'mc-running': Only orchestrations in a terminal state/,
  );
  await rejectsWith(
    client.rewind(running, 'no'),
    412,
    /^Cannot rewind instance 'mc-running': This orchestration has status Running/,
  );
  await client.terminate(running, 'cleanup');

  await rejectsWith(
    client.getStatus('bad\\id'),
    400,
    "Cannot read instance 'bad\\id': Orchestration instance ids must not contain /, \\, #, ?, or control characters (400)",
  );
  await rejectsWith(client.terminate('x'.repeat(300)), 400, /must not exceed 256 characters/);
  await rejectsWith(
    client.startOrchestration('noSuchOrchestrator'),
    400,
    /The function 'noSuchOrchestrator' doesn't exist/,
  );
  // Ids a URL cannot carry would reach another route (`instances/` lists, or purges by filter): refused unsent.
  for (const id of ['', '.', '..']) {
    await rejectsWith(client.getStatus(id), 400, /cannot be used in a URL/);
    await rejectsWith(client.purge(id), 400, /cannot be used in a URL/);
  }
  const error = await client.terminate('mc-unknown').catch((e: unknown) => e);
  assert.ok(error instanceof ManagementApiError);
  assert.equal(error.operation, 'terminate');
  assert.equal(error.serverMessage, undefined, 'a bodiless 404');
});

test('rewind a failed instance', async () => {
  const flag = path.join(tempDir(), 'flag');
  const id = await client.startOrchestration('rewindable', { instanceId: 'mc-rewind', input: { flagFile: flag } });
  await waitForStatus(id, ['Failed']);
  fs.writeFileSync(flag, 'ok');
  await client.rewind(id, 'fixed it');
  const done = await waitForStatus(id, ['Completed']);
  assert.deepEqual(done.output, { before: 'Hello rewind!', result: 'flag found' });
});

test('restart under a new id and under the same id', async () => {
  const fresh = await client.restart('mc-hello');
  assert.notEqual(fresh, 'mc-hello');
  assert.equal((await waitForStatus(fresh)).runtimeStatus, 'Completed');
  const same = await client.restart('mc-hello', { newInstanceId: false });
  assert.equal(same, 'mc-hello');
  assert.equal((await waitForStatus(same)).runtimeStatus, 'Completed');
  await rejectsWith(client.restart('mc-unknown'), 400, /InstanceId does not match a valid orchestration instance/);
});

test('purge one instance, and purgeBy a filter', async () => {
  assert.equal(await client.purge('mc-page-0'), 1);
  assert.equal(await client.purge('mc-page-0'), 0, 'already gone');
  assert.equal(await client.getStatus('mc-page-0'), undefined);

  const from = new Date((await client.getClock()).now);
  const ids = await Promise.all(
    ['a', 'b'].map((n) => client.startOrchestration('waitForGo', { instanceId: `mc-purge-${n}` })),
  );
  await Promise.all(ids.map((id) => client.terminate(id, 'purge me')));
  await Promise.all(ids.map((id) => waitForStatus(id, ['Terminated'])));
  assert.equal(await client.purgeBy({ createdTimeFrom: from, runtimeStatus: ['Terminated'] }), 2);
  for (const id of ids) assert.equal(await client.getStatus(id), undefined);
  assert.equal(await client.purgeBy({ createdTimeFrom: from, runtimeStatus: ['Terminated'] }), 0, 'nothing left');
});

test('entities: signal, read, list with paging, reset, delete, and the empty key', async () => {
  assert.equal(await client.getEntity('counter', 'mc-c'), undefined);
  await client.signalEntity('counter', 'mc-c', 'add', 2);
  await client.signalEntity('counter', 'mc-c', 'add', 3);
  await waitFor(async () => (await client.getEntity('counter', 'mc-c')) === 5, 'the counter to reach 5');

  await Promise.all(['mc-e1', 'mc-e2'].map((key) => client.signalEntity('counter', key, 'add')));
  await waitFor(
    async () =>
      (await client.getEntity('counter', 'mc-e2')) === 1 && (await client.getEntity('counter', 'mc-e1')) === 1,
    'e1, e2',
  );
  const page = await client.listEntities('counter', { fetchState: true });
  const c = page.items.find((e) => e.entityId.key === 'mc-c');
  assert.deepEqual(c?.entityId, { name: 'counter', key: 'mc-c' });
  assert.equal(c?.state, 5);
  assert.match(c?.lastOperationTime ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.equal((await client.listEntities(undefined, { top: 1 })).items.length <= 1, true);
  const keys: string[] = [];
  for await (const entity of client.allEntities('counter', { top: 1 })) keys.push(entity.entityId.key);
  for (const key of ['mc-c', 'mc-e1', 'mc-e2']) assert.ok(keys.includes(key), `${key} listed`);
  assert.equal(new Set(keys).size, keys.length);

  await client.signalEntity('counter', 'mc-c', 'reset');
  await waitFor(async () => (await client.getEntity('counter', 'mc-c')) === 0, 'reset');
  await client.signalEntity('counter', 'mc-c', 'delete');
  await waitFor(async () => (await client.getEntity('counter', 'mc-c')) === undefined, 'deleted');

  await client.signalEntity('counter', '', 'add', 7);
  await waitFor(async () => (await client.getEntity('counter', '')) === 7, 'the empty-key counter');
  await rejectsWith(client.signalEntity('', 'k', 'add'), 400, /cannot be used in a URL/);
});

test('clock, timers and fireTimer', async () => {
  const clock = await client.getClock();
  assert.ok(!Number.isNaN(Date.parse(clock.now)));
  const id = await client.startOrchestration('waitForGo', { instanceId: 'mc-timer' });
  await waitForCustomStatus(id, 'waiting');
  const timers = await client.getTimers(id);
  assert.equal(timers.length, 1);
  assert.equal(timers[0]?.purpose, 'user');
  assert.equal(timers[0]?.instanceId, id);
  assert.ok((await client.getTimers()).some((t) => t.instanceId === id));

  const advanced = await client.advanceClock(1_000);
  assert.ok(advanced.offsetMs >= clock.offsetMs + 1_000, JSON.stringify({ clock, advanced }));
  const to = new Date(Date.parse(advanced.now) + 2_000);
  // The emulated clock keeps running with wall time after the jump: the answer is `to` or a few ms later.
  const jumped = Date.parse((await client.advanceClockTo(to)).now) - to.getTime();
  assert.ok(jumped >= 0 && jumped < 1_000, `now is ${jumped} ms after the target`);
  await rejectsWith(
    client.advanceClock(-1),
    400,
    /"ms" must be a number of milliseconds in range\. The clock can move/,
  );

  await client.fireTimer(id, timers[0]?.timerId);
  assert.deepEqual((await waitForStatus(id)).output, { timedOut: true });
  await rejectsWith(client.fireTimer(id), 410);
  await rejectsWith(
    client.fireTimer('mc-unknown'),
    404,
    "Cannot fire a timer of instance 'mc-unknown': No pending timer for instance 'mc-unknown' (404)",
  );
});

test('summary counts instances by status; instance details name what an instance waits for', async () => {
  const before = await client.getSummary();
  const id = await client.startOrchestration('waitForGo', { instanceId: 'mc-summary' });
  await waitForCustomStatus(id, 'waiting');
  const during = await client.getSummary();
  assert.equal(during.instances.Running ?? 0, (before.instances.Running ?? 0) + 1, JSON.stringify({ before, during }));
  const details = await client.getInstanceDetails(id);
  assert.equal(details?.name, 'waitForGo');
  assert.equal(details?.pendingTimers.length, 1);
  assert.equal(await client.getInstanceDetails('mc-never-started'), undefined);
  await client.terminate(id);
  await waitForStatus(id);
  const after = await client.getSummary();
  assert.equal(after.instances.Running ?? 0, before.instances.Running ?? 0);
  assert.equal(after.instances.Terminated ?? 0, (before.instances.Terminated ?? 0) + 1);
});

// ---- on the wire: a local server that records what the client sends ----

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

test('the key, the task hub, URL-encoded ids and JSON bodies on the wire; never an Origin header', async () => {
  const recorded: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      recorded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/prefix/hang')) return; // never answers
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'new-id' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/prefix/`;
  try {
    const withHeader = new ManagementClient({ baseUrl: base, key: 's3cret', taskHub: 'Hub' });
    assert.equal(await withHeader.startOrchestration('orch', { instanceId: 'a b/c?', input: { x: 1 } }), 'new-id');
    await withHeader.raiseEvent('id', 'Ev ent');
    await withHeader.signalEntity('counter', 'k', 'add');
    const [start, raise, signal] = recorded;
    assert.equal(start?.method, 'POST');
    assert.equal(start?.url, '/prefix/runtime/webhooks/durabletask/orchestrators/orch/a%20b%2Fc%3F?taskHub=Hub');
    assert.equal(start?.headers['x-functions-key'], 's3cret');
    assert.equal(start?.headers['content-type'], 'application/json');
    assert.equal(start?.body, '{"x":1}');
    assert.equal(raise?.url, '/prefix/runtime/webhooks/durabletask/instances/id/raiseEvent/Ev%20ent?taskHub=Hub');
    assert.equal(raise?.headers['content-type'], 'application/json', 'raiseEvent always declares JSON');
    assert.equal(raise?.body, '');
    assert.equal(signal?.url, '/prefix/runtime/webhooks/durabletask/entities/counter/k?op=add&taskHub=Hub');
    assert.equal(signal?.headers['content-type'], undefined, 'no input, no body');
    for (const r of recorded) {
      assert.equal(r.headers.origin, undefined, `${r.url}: no Origin`);
      assert.equal(r.headers['sec-fetch-site'], undefined, `${r.url}: no Sec-Fetch-Site`);
    }

    recorded.length = 0;
    const withQuery = new ManagementClient({ baseUrl: base, key: 's3cret', keyLocation: 'query' });
    await withQuery.terminate('i', 'why not');
    assert.equal(
      recorded[0]?.url,
      '/prefix/runtime/webhooks/durabletask/instances/i/terminate?reason=why+not&code=s3cret',
    );
    assert.equal(recorded[0]?.headers['x-functions-key'], undefined);

    // No answer within timeoutMs: a connection error, not an API error.
    const impatient = new ManagementClient({ baseUrl: `${base}hang`, timeoutMs: 200 });
    await assert.rejects(impatient.getHostStatus(), (error: unknown) => {
      assert.ok(error instanceof ManagementConnectionError);
      assert.equal(error.timedOut, true);
      assert.match(
        error.message,
        /^Cannot read the host status: no answer from http:\/\/127\.0\.0\.1:\d+ \(timed out after 200 ms\)$/,
      );
      return true;
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  // The server just closed its keep-alive sockets: a GET that meets a stale pooled one is sent again, and the
  // answer is the truth (nothing listens any more); so does a port that never had a server.
  for (const baseUrl of [base, `http://127.0.0.1:${await freePort()}`]) {
    await assert.rejects(new ManagementClient({ baseUrl }).listInstances(), (error: unknown) => {
      assert.ok(error instanceof ManagementConnectionError);
      assert.equal(error.timedOut, false);
      assert.match(
        error.message,
        /^Cannot list instances: no answer from .* \(connection refused: is the host running\?\)$/,
      );
      return true;
    });
  }
  // Deterministically: one dropped connection is retried for a GET, never for a POST (it may have been applied).
  let calls = 0;
  const dropOnce: typeof fetch = (input, init) => {
    calls++;
    if (calls % 2 === 1) return Promise.reject(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }));
    return fetch(input, init);
  };
  const flaky = new ManagementClient({ baseUrl: emu.url, fetch: dropOnce });
  assert.equal((await flaky.getHostStatus()).state, 'Running');
  assert.equal(calls, 2);
  calls = 0;
  await assert.rejects(flaky.startOrchestration('helloSequence'), /\(connection closed\)$/);
  assert.equal(calls, 1);
});

// ---- the change stream against the emulator ----

/** A subscription that records what it receives, with waits on its records. */
function watch(url: string, retry = { initialRetryMs: 50, maxRetryMs: 400 }) {
  const changes: ChangeEvent[] = [];
  const states: ChangeStreamState[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const sub: ChangeSubscription = subscribeToChanges(
    url,
    (change) => {
      changes.push(change);
      notify();
    },
    {
      ...retry,
      onStateChange: (state) => {
        states.push(state);
        notify();
      },
    },
  );
  const until = <T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(test);
        reject(new Error(`timed out waiting for ${what}; states: ${states.map((s) => s.kind).join(',')}`));
      }, timeoutMs);
      const test = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(test);
        resolve(value);
      };
      waiters.add(test);
      test();
    });
  const instance = (id: string, status: RuntimeStatus) =>
    until(
      () => changes.find((c) => c.type === 'instance' && c.instanceId === id && c.runtimeStatus === status),
      `${id} ${status}`,
    );
  return { sub, changes, states, until, instance };
}

test('the change stream delivers instance changes; a disposed subscription gets nothing more', async () => {
  const watched = watch(emu.url);
  const witness = watch(emu.url);
  await watched.until(() => watched.states.find((s) => s.kind === 'open'), 'open');
  await witness.until(() => witness.states.find((s) => s.kind === 'open'), 'witness open');

  const id = await client.startOrchestration('helloSequence', { instanceId: 'mc-stream' });
  const completed = await watched.instance(id, 'Completed');
  assert.equal(completed.type === 'instance' && completed.name, 'helloSequence');
  assert.ok(watched.changes.some((c) => c.type === 'instance' && c.instanceId === id && c.runtimeStatus === 'Running'));

  await client.signalEntity('counter', 'mc-stream', 'add');
  await watched.until(
    () => watched.changes.find((c) => c.type === 'entity' && c.entityKey === 'mc-stream'),
    'entity change',
  );
  await client.purge(id);
  await watched.until(
    () => watched.changes.find((c) => c.type === 'instanceDeleted' && c.instanceId === id),
    'deleted',
  );

  watched.sub.dispose();
  assert.deepEqual(watched.sub.state, { kind: 'closed' });
  const received = watched.changes.length;
  // The witness, still subscribed, proves the change was streamed; the disposed one must not have seen it.
  const after = await client.startOrchestration('helloSequence', { instanceId: 'mc-after-dispose' });
  await witness.instance(after, 'Completed');
  assert.equal(watched.changes.length, received);
  assert.deepEqual(watched.states.at(-1), { kind: 'closed' });
  witness.sub.dispose();
});

test('the change stream reconnects after the emulator restarts on the same port and store', async () => {
  const port = await freePort();
  const storeDir = tempDir('ds-mc-store-');
  let second: Emulator | undefined;
  const first = await startEmulator({ app: APP, port, storeDir });
  const watched = watch(first.url);
  try {
    await watched.until(() => watched.states.find((s) => s.kind === 'open'), 'open');
    const c1 = new ManagementClient({ baseUrl: first.url });
    await watched.instance(await c1.startOrchestration('helloSequence', { instanceId: 'before-restart' }), 'Completed');

    assert.equal(await first.stop(), 0);
    await watched.until(() => watched.states.find((s) => s.kind === 'retrying'), 'retrying');
    second = await startEmulator({ app: APP, port, storeDir });
    await watched.until(() => watched.states.find((s) => s.kind === 'open' && s.reconnected), 'reopened');
    const c2 = new ManagementClient({ baseUrl: second.url });
    assert.equal((await c2.getStatus('before-restart'))?.runtimeStatus, 'Completed', 'the store survived');
    await watched.instance(await c2.startOrchestration('helloSequence', { instanceId: 'after-restart' }), 'Completed');
    const kinds = watched.states.map((s) => s.kind);
    assert.deepEqual(kinds.slice(0, 3), ['connecting', 'open', 'retrying']);
    assert.equal(kinds.at(-1), 'open');
  } finally {
    watched.sub.dispose();
    await first.stop();
    await second?.stop();
  }
});

test('disposed subscriptions (open or retrying) leave nothing that keeps a process alive', async () => {
  const deadPort = await freePort();
  const script = `
    const { subscribeToChanges } = require(${JSON.stringify(path.join(REPO, 'src/extension/api/changeStream.ts'))});
    const stopWhen = (url, kind) => new Promise((resolve) => {
      const sub = subscribeToChanges(url, () => {}, {
        initialRetryMs: 60_000,
        onStateChange: (state) => { if (state.kind === kind) { sub.dispose(); resolve(); } },
      });
    });
    stopWhen(${JSON.stringify(emu.url)}, 'open')
      .then(() => stopWhen('http://127.0.0.1:${deadPort}', 'retrying'))
      .then(() => console.log('disposed both'));
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit by itself after dispose:\n${output}`));
    }, 15_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  assert.equal(code, 0, output);
  assert.match(output, /disposed both/);
});
