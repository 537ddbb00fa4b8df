/**
 * Durable entities end to end (fixture js-cjs, entity "counter"): signals from the management API and from
 * the app's DurableClient, reads, 1,000 concurrent signals applied one at a time, calls and signals from an
 * orchestration, entity errors surfacing in the orchestrator, delete, and listing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, startEmulator, startOrchestration, waitFor, waitForStatus, type Emulator } from './harness.js';
import { postJson, uid, webhook, signalCounter } from './semantics-helpers.js';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});

after(async () => {
  await emu?.stop();
});

async function readState(key: string): Promise<{ status: number; value?: unknown }> {
  const res = await webhook(emu, `entities/counter/${encodeURIComponent(key)}`);
  return res.status === 200 ? { status: 200, value: await res.json() } : { status: res.status };
}

function waitForState(key: string, value: unknown, timeoutMs?: number): Promise<unknown> {
  return waitFor(
    async () => {
      const state = await readState(key);
      return state.status === 200 && JSON.stringify(state.value) === JSON.stringify(value) ? true : undefined;
    },
    `counter@${key} = ${JSON.stringify(value)}`,
    timeoutMs,
  );
}

test('signal from the management API, then read the state', async () => {
  const key = uid('k');
  assert.equal((await readState(key)).status, 404, 'an entity never signalled does not exist');
  assert.equal((await signalCounter(emu, key, 'add', 5)).status, 202);
  assert.equal((await signalCounter(emu, key, 'add', 2)).status, 202);
  await waitForState(key, 7);
  assert.equal((await signalCounter(emu, key, 'reset')).status, 202);
  await waitForState(key, 0);
});

test("the app's DurableClient signals (client.signalEntity) and reads (client.readEntityState)", async () => {
  const key = uid('client');
  const missing = await fetch(`${emu.url}/api/counter/${key}`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { key, exists: false });
  const res = await postJson(`${emu.url}/api/counter/${key}/add`, 11);
  assert.equal(res.status, 202);
  await waitFor(async () => {
    const r = await fetch(`${emu.url}/api/counter/${key}`);
    return r.status === 200 ? ((await r.json()) as { value: number }).value === 11 : undefined;
  }, 'client read 11');
  const read = await fetch(`${emu.url}/api/counter/${key}`);
  assert.deepEqual(await read.json(), { key, exists: true, value: 11 });
});

test('1,000 concurrent signals to one entity end with the exact count', async () => {
  const key = uid('many');
  const responses = await Promise.all(Array.from({ length: 1000 }, () => signalCounter(emu, key, 'add', 1)));
  assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([202]));
  await waitForState(key, 1000, 30_000);
  // Nothing is applied twice: a later operation sees exactly 1000 before it (operations run in order).
  assert.equal((await signalCounter(emu, key, 'add', 1_000_000)).status, 202);
  await waitForState(key, 1_001_000);
});

test('calls and signals from an orchestration; the result comes back to the orchestrator', async () => {
  const key = uid('orch');
  const id = await startOrchestration(emu, 'counterOrchestration', { key, amount: 3 }, uid('co'));
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, { key, value: 6 });
  await waitForState(key, 6);
  // Again on the same entity: previous state + 2 * amount.
  const id2 = await startOrchestration(emu, 'counterOrchestration', { key, amount: 10 }, uid('co'));
  assert.deepEqual((await waitForStatus(emu, id2)).output, { key, value: 26 });
});

test('an entity operation error surfaces in the calling orchestrator; the state is unchanged', async () => {
  const key = uid('err');
  assert.equal((await signalCounter(emu, key, 'add', 4)).status, 202);
  await waitForState(key, 4);
  const id = await startOrchestration(emu, 'counterError', { key }, uid('ce'));
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as { caught: boolean; message: string };
  assert.equal(out.caught, true);
  // durable-functions reports an entity error as JSON.stringify(error), which is "{}" for an Error, and the
  // orchestrator then sees Error("[object Object]"): the same on Azure (protocol reference §3.2, quirk).
  assert.match(out.message, /counter operation failed on purpose|\[object Object\]/);
  assert.deepEqual(await readState(key), { status: 200, value: 4 });
  // The entity keeps working after a failed operation.
  assert.equal((await signalCounter(emu, key, 'add', 1)).status, 202);
  await waitForState(key, 5);
});

test('signalling an entity function the app does not have is refused with 400, as by the real host', async () => {
  for (const init of [{ method: 'POST' }, { method: 'DELETE' }]) {
    const res = await webhook(emu, 'entities/NoSuchEntity/k?op=add', init);
    assert.equal(res.status, 400, init.method);
    const body = (await res.json()) as { Message: string };
    assert.match(
      body.Message,
      /^The function 'nosuchentity' doesn't exist, is disabled, or is not an entity function\. Additional info: The following are the known entity functions: '.*counter/,
    );
  }
  assert.equal((await webhook(emu, 'entities/nosuchentity/k')).status, 404, 'nothing was queued for it');
});

test('delete: DELETE entities/counter/{key} removes the entity', async () => {
  const key = uid('del');
  assert.equal((await signalCounter(emu, key, 'add', 9)).status, 202);
  await waitForState(key, 9);
  const res = await webhook(emu, `entities/counter/${key}`, { method: 'DELETE' });
  assert.equal(res.status, 202);
  await waitFor(async () => ((await readState(key)).status === 404 ? true : undefined), `counter@${key} deleted`);
  const list = (await (await webhook(emu, 'entities/counter')).json()) as { entityId: { key: string } }[];
  assert.ok(!list.some((e) => e.entityId.key === key), 'a deleted entity is not listed');
  // It can come back: a new signal recreates it from the initial state.
  assert.equal((await signalCounter(emu, key, 'add', 1)).status, 202);
  await waitForState(key, 1);
});

test('list entities, with state and paging', async () => {
  const keys = [uid('list'), uid('list'), uid('list')];
  for (const [i, key] of keys.entries()) assert.equal((await signalCounter(emu, key, 'add', i + 1)).status, 202);
  for (const [i, key] of keys.entries()) await waitForState(key, i + 1);
  const res = await webhook(emu, 'entities/counter?fetchState=true');
  assert.equal(res.status, 200);
  const list = (await res.json()) as {
    entityId: { name: string; key: string };
    lastOperationTime: string;
    state: unknown;
  }[];
  for (const [i, key] of keys.entries()) {
    const entry = list.find((e) => e.entityId.key === key);
    assert.ok(entry, `${key} listed`);
    assert.equal(entry.entityId.name, 'counter');
    assert.equal(entry.state, i + 1);
    assert.ok(!Number.isNaN(Date.parse(entry.lastOperationTime)));
  }
  const seen = new Set<string>();
  let token: string | null = null;
  let pages = 0;
  do {
    const page: Response = await webhook(
      emu,
      'entities/counter?top=2',
      token ? { headers: { 'x-ms-continuation-token': token } } : undefined,
    );
    const items = (await page.json()) as { entityId: { key: string } }[];
    assert.ok(items.length <= 2);
    for (const item of items) {
      assert.ok(!seen.has(item.entityId.key), 'no entity twice across pages');
      seen.add(item.entityId.key);
    }
    token = page.headers.get('x-ms-continuation-token');
    pages++;
  } while (token && pages < 100);
  assert.equal(token, null);
  assert.equal(seen.size, list.length);
  assert.ok(pages >= 2);
});
