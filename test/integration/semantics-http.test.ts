/**
 * Durable HTTP and the real DurableClient (fixture js-cjs): `context.df.callHttp` against the emulator's own
 * user routes, the asynchronous 202 polling pattern, and the app's HTTP starters that use `durable-functions`'
 * own DurableClient (createCheckStatusResponse, waitForCompletionOrCreateCheckStatusResponse).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  FIXTURES,
  startEmulator,
  startOrchestration,
  waitFor,
  waitForStatus,
  type Emulator,
  CHECK_STATUS_LINKS,
} from './harness.js';
import { history, ofType, postJson, timers, uid } from './semantics-helpers.js';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
});

after(async () => {
  await emu?.stop();
});

interface HttpOutput {
  statusCode: number;
  content: string;
  headers: Record<string, string | string[]>;
}

function header(headers: HttpOutput['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

test('callHttp: a POST with body and headers reaches the app route; the response is recorded', async () => {
  const id = uid('http');
  await startOrchestration(
    emu,
    'httpCaller',
    {
      url: `${emu.url}/api/echo/7?q=1`,
      method: 'POST',
      body: 'hello body',
      headers: { 'x-test': 'from-orchestrator' },
    },
    id,
  );
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as HttpOutput;
  assert.equal(out.statusCode, 200);
  const echoed = JSON.parse(out.content) as {
    method: string;
    params: { id: string };
    query: Record<string, string>;
    headers: { 'x-test': string };
    body: string;
  };
  assert.equal(echoed.method, 'POST');
  assert.equal(echoed.params.id, '7');
  assert.deepEqual(echoed.query, { q: '1' });
  assert.equal(echoed.headers['x-test'], 'from-orchestrator');
  assert.equal(echoed.body, 'hello body');
  assert.match(String(header(out.headers, 'content-type')), /application\/json/);
  const completed = ofType(await history(emu, id), 'TaskCompleted');
  assert.equal(completed.length, 1);
  assert.equal(completed[0]!.FunctionName, 'BuiltIn::HttpActivity');
});

test('callHttp: an error status is a response, not a failure', async () => {
  const id = uid('http404');
  await startOrchestration(emu, 'httpCaller', `${emu.url}/api/status/404`, id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as HttpOutput;
  assert.equal(out.statusCode, 404);
  assert.equal(out.content, 'status 404');
  assert.equal(header(out.headers, 'x-custom'), 'custom-value');
});

test('callHttp: a 202 with Location is polled until the final response', async () => {
  const key = uid('job');
  const id = uid('poll');
  await startOrchestration(emu, 'httpCaller', `${emu.url}/api/longjob/${key}/start?polls=3`, id);
  const status = await waitForStatus(emu, id, undefined, 15_000);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as HttpOutput;
  assert.equal(out.statusCode, 200);
  assert.deepEqual(JSON.parse(out.content), { key, polls: 3 });
  const events = await history(emu, id);
  // start (202) + status (202) + status (202) + status (200); a timer before each poll.
  assert.equal(ofType(events, 'TaskCompleted').length, 4);
  assert.equal(ofType(events, 'TimerFired').length, 3);
  assert.deepEqual(
    events.filter((e) => e.EventType === 'TaskCompleted').map((e) => (e.Result as { statusCode: number }).statusCode),
    [202, 202, 202, 200],
  );
});

test('callHttp: a long Retry-After is a durable poll timer the emulator API can fire now', async () => {
  const key = uid('slowjob');
  const id = uid('poll-timer');
  await startOrchestration(emu, 'httpCaller', `${emu.url}/api/longjob/${key}/start?polls=1&retryAfter=3600`, id);
  const [timer] = await waitFor(async () => {
    const list = await timers(emu, id);
    return list.length === 1 ? list : undefined;
  }, 'the poll timer');
  assert.equal(timer!.purpose, 'httpPoll');
  assert.ok(Date.parse(timer!.fireAt) - Date.now() > 3000 * 1000);
  const fired = await fetch(`${emu.url}/emulator/v1/instances/${encodeURIComponent(id)}/timers/fire`, {
    method: 'POST',
  });
  assert.equal(fired.status, 202);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  const out = status.output as HttpOutput;
  assert.equal(out.statusCode, 200);
  assert.deepEqual(JSON.parse(out.content), { key, polls: 1 });
});

test('a callHttp to an unreachable host fails the task (uncaught: the orchestration fails)', async () => {
  const id = uid('http-down');
  await startOrchestration(emu, 'httpCaller', 'http://127.0.0.1:1/nothing', id);
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Failed');
  assert.match(String(status.output), /BuiltIn::HttpActivity/);
});

test('the real DurableClient: createCheckStatusResponse and waitForCompletionOrCreateCheckStatusResponse', async () => {
  // df.app.client.http starter: 202 with the check-status payload, URLs pointing at this emulator.
  const id = uid('client');
  const res = await postJson(`${emu.url}/api/client/start/helloSequence?instanceId=${id}`);
  assert.equal(res.status, 202);
  const body = (await res.json()) as Record<string, string>;
  assert.equal(body.id, id);
  for (const key of CHECK_STATUS_LINKS) {
    assert.ok(body[key]?.startsWith(`${emu.url}/runtime/webhooks/durabletask/instances/${id}`), `${key}: ${body[key]}`);
  }
  assert.equal(res.headers.get('location'), body.statusQueryGetUri);
  // Following statusQueryGetUri the way a client does: 202 while running, 200 with the output at the end.
  const final = await waitFor(async () => {
    const r = await fetch(body.statusQueryGetUri!);
    return r.status === 200 ? ((await r.json()) as { runtimeStatus: string; output: unknown }) : undefined;
  }, 'statusQueryGetUri 200');
  assert.equal(final.runtimeStatus, 'Completed');
  assert.deepEqual(final.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);

  // app.http starter with waitForCompletionOrCreateCheckStatusResponse: 200 with the output when it completes in time.
  const waited = await postJson(
    `${emu.url}/api/orchestrators/fanOutFanIn/wait?timeoutMs=10000&instanceId=${uid('wait')}`,
    4,
  );
  assert.equal(waited.status, 200);
  assert.deepEqual(await waited.json(), { count: 4, results: [2, 4, 6, 8], sum: 20 });

  // ... and 202 with the check-status payload when it does not.
  const slowId = uid('slow');
  const slow = await postJson(`${emu.url}/api/orchestrators/waitForGo/wait?timeoutMs=300&instanceId=${slowId}`);
  assert.equal(slow.status, 202);
  const slowBody = (await slow.json()) as Record<string, string>;
  assert.equal(slowBody.id, slowId);
  // sendEventPostUri is a template with {eventName}: raising through it completes the instance.
  const raise = await postJson(slowBody.sendEventPostUri!.replace('{eventName}', 'Go'), 'via client url');
  assert.equal(raise.status, 202);
  const done = await waitForStatus(emu, slowId);
  assert.deepEqual(done.output, { event: 'Go', data: 'via client url' });

  // The classic app.http + df.getClient starter.
  const classic = await postJson(`${emu.url}/api/orchestrators/helloSequence`);
  assert.equal(classic.status, 202);
  const classicId = ((await classic.json()) as { id: string }).id;
  assert.equal((await waitForStatus(emu, classicId)).runtimeStatus, 'Completed');
});
