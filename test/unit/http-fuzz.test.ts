/**
 * Seeded fuzzing of every built-in route (admin API included) over real HTTP, against the real engine (in-process worker on the js-cjs
 * fixture, manual clock). Each request is hostile in some way (ids with `../` or 9,000 characters, malformed
 * JSON, wrong types, huge and NaN-like numbers, oversized bodies, wrong methods, query garbage); every answer
 * must be a documented success or a 4xx with a message (httpFuzz.ts `checkReply`), and after each one the clock
 * must still read as a valid date. At the end the emulator must still run an orchestration to completion.
 * Reproduce a failure with its seed: `FUZZ_SEED=<n> node --import tsx --test test/unit/http-fuzz.test.ts`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EMULATED_TIME } from '../../src/emulator/clock.js';
import { createHttpServer, type EmulatorHttpServer } from '../../src/emulator/http/server.js';
import { memoryTimerStatusStore } from '../../src/emulator/triggers/timerStatusStore.js';
import { createTriggers } from '../../src/emulator/triggers/triggers.js';
import { createTestEngine, type TestEngine } from './engineHarness.js';
import {
  checkReply,
  CONTENT_TYPES,
  describeRequest,
  fuzzBody,
  fuzzId,
  fuzzQuery,
  HOSTILE_BODIES,
  METHODS,
  Rng,
  send,
  type FuzzRequest,
} from './httpFuzz.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20260501);
const MAX_BODY_BYTES = 4096;
const WEBHOOK = '/runtime/webhooks/durabletask';
const KNOWN_IDS = ['fz-timer', 'fz-wait', 'fz-done'];

let te: TestEngine;
let server: EmulatorHttpServer;
let port = 0;

before(async () => {
  te = await createTestEngine();
  await te.run('timerOrchestration', 3600, 'fz-timer');
  await te.run('waitForGo', undefined, 'fz-wait');
  await te.run('helloSequence', undefined, 'fz-done');
  const functionTriggers = createTriggers({
    engine: te.engine,
    runner: te.engine.core.options.runner,
    statusStore: memoryTimerStatusStore(),
  });
  await functionTriggers.start();
  server = createHttpServer({
    engine: te.engine,
    triggers: { routes: () => [], invoke: () => Promise.reject(new Error('no user triggers')) },
    functionTriggers,
    routePrefix: 'api',
    maxBodyBytes: MAX_BODY_BYTES,
    hostStatus: () => ({ state: 'Running', version: 'fuzz' }),
  });
  port = await server.listen(0);
});

after(async () => {
  await server?.close();
  await te?.engine.stop();
});

interface RouteShape {
  method: string;
  path: (rng: Rng) => string;
  queryKeys?: string[];
  /** Bodies matter to this route (always send one). */
  body?: boolean;
}

const EMULATOR_ROUTES: RouteShape[] = [
  { method: 'GET', path: () => '/emulator/v1/events' },
  { method: 'GET', path: () => '/emulator/v1/clock' },
  { method: 'POST', path: () => '/emulator/v1/clock/advance', body: true },
  { method: 'GET', path: () => '/emulator/v1/timers', queryKeys: ['instanceId'] },
  {
    method: 'POST',
    path: (rng) => `/emulator/v1/instances/${fuzzId(rng, KNOWN_IDS)}/timers/fire`,
    queryKeys: ['timerId'],
  },
  { method: 'GET', path: () => '/emulator/v1/summary' },
  { method: 'GET', path: () => '/emulator/v1/functions' },
  { method: 'GET', path: (rng) => `/emulator/v1/instances/${fuzzId(rng, KNOWN_IDS)}` },
  { method: 'GET', path: () => '/emulator/v1/entities', queryKeys: ['name'] },
  { method: 'GET', path: (rng) => `/emulator/v1/entities/${fuzzId(rng, KNOWN_IDS)}/${fuzzId(rng, KNOWN_IDS)}` },
];

const FUNCTION_NAMES = ['helloSequence', 'sayHello', 'counter', 'HELLOSEQUENCE'];
const ADMIN_ROUTES: RouteShape[] = [
  { method: 'GET', path: () => '/admin/functions' },
  { method: 'GET', path: (rng) => `/admin/functions/${fuzzId(rng, FUNCTION_NAMES)}` },
  { method: 'POST', path: (rng) => `/admin/functions/${fuzzId(rng, FUNCTION_NAMES)}`, body: true },
];

const OPERATIONS = ['terminate', 'suspend', 'resume', 'rewind', 'restart', 'RESTART', 'bogus', '..'];
const MANAGEMENT_ROUTES: RouteShape[] = [
  {
    method: 'POST',
    path: (rng) =>
      `${WEBHOOK}/orchestrators/${rng.chance(0.5) ? rng.pick(['helloSequence', 'waitForGo']) : fuzzId(rng, [])}` +
      (rng.chance(0.5) ? `/${fuzzId(rng, KNOWN_IDS)}` : ''),
    queryKeys: ['timeout', 'pollingInterval', 'version'],
    body: true,
  },
  {
    method: 'GET',
    path: () => `${WEBHOOK}/instances`,
    queryKeys: ['instanceIdPrefix', 'createdTimeFrom', 'createdTimeTo', 'runtimeStatus', 'showInput', 'top'],
  },
  {
    method: 'DELETE',
    path: () => `${WEBHOOK}/instances`,
    queryKeys: ['createdTimeFrom', 'createdTimeTo', 'runtimeStatus'],
  },
  {
    method: 'GET',
    path: (rng) => `${WEBHOOK}/instances/${fuzzId(rng, KNOWN_IDS)}`,
    queryKeys: ['showHistory', 'showHistoryOutput', 'showInput', 'returnInternalServerErrorOnFailure'],
  },
  { method: 'DELETE', path: (rng) => `${WEBHOOK}/instances/${fuzzId(rng, KNOWN_IDS)}` },
  {
    method: 'POST',
    path: (rng) => `${WEBHOOK}/instances/${fuzzId(rng, KNOWN_IDS)}/${rng.pick(OPERATIONS)}`,
    queryKeys: ['reason', 'restartWithNewInstanceId'],
  },
  {
    method: 'POST',
    path: (rng) => `${WEBHOOK}/instances/${fuzzId(rng, KNOWN_IDS)}/raiseEvent/${fuzzId(rng, ['Go'])}`,
    body: true,
  },
  {
    method: 'GET',
    path: (rng) => `${WEBHOOK}/entities${rng.chance(0.7) ? `/${fuzzId(rng, ['counter'])}` : ''}`,
    queryKeys: ['fetchState', 'top', 'lastOperationTimeFrom', 'lastOperationTimeTo'],
  },
  { method: 'GET', path: (rng) => `${WEBHOOK}/entities/${fuzzId(rng, ['counter'])}/${fuzzId(rng, ['k', '$'])}` },
  {
    method: 'POST',
    path: (rng) => `${WEBHOOK}/entities/${fuzzId(rng, ['counter'])}/${fuzzId(rng, ['k'])}`,
    queryKeys: ['op'],
    body: true,
  },
];

/** One random request against one of `routes`: sometimes the wrong method, garbage query, odd body. */
function randomRequest(rng: Rng, routes: RouteShape[]): FuzzRequest {
  const route = rng.pick(routes);
  const method = rng.chance(0.15) ? rng.pick(METHODS) : route.method;
  let path = route.path(rng);
  if (route.queryKeys && rng.chance(0.7)) path += fuzzQuery(rng, route.queryKeys, KNOWN_IDS);
  else if (rng.chance(0.1)) path += fuzzQuery(rng, ['x', 'taskHub', 'code'], KNOWN_IDS);
  let body = route.body || rng.chance(0.2) ? fuzzBody(rng) : undefined;
  if (rng.chance(0.04)) body = 'x'.repeat(MAX_BODY_BYTES + 1 + rng.int(100));
  if (method === 'GET' || method === 'HEAD') body = undefined;
  return { method, path, body, contentType: rng.pick(CONTENT_TYPES) };
}

/** Sends, checks the answer, then checks the clock still reads as a valid date. */
async function exercise(request: FuzzRequest, allowed: (request: FuzzRequest) => number[] = () => []): Promise<void> {
  const what = `seed ${SEED}: ${describeRequest(request)}`;
  const reply = await send(port, request);
  checkReply(reply, what, allowed(request));
  const clock = await send(port, { method: 'GET', path: '/emulator/v1/clock' });
  assert.equal(clock.status, 200, `${what}: the clock no longer reads (${clock.status} ${clock.text})`);
  const now = Date.parse((JSON.parse(clock.text) as { now: string }).now);
  assert.ok(now <= MAX_EMULATED_TIME, `${what}: the clock is past the last valid time`);
}

/** The emulator still works: an orchestration started now runs to completion. */
async function stillWorks(): Promise<void> {
  const id = `fz-after-${SEED}`;
  const start = await send(port, { method: 'POST', path: `${WEBHOOK}/orchestrators/helloSequence/${id}` });
  assert.equal(start.status, 202, start.text);
  await te.settle();
  const status = await send(port, { method: 'GET', path: `${WEBHOOK}/instances/${id}` });
  assert.equal(status.status, 200, status.text);
  assert.equal((JSON.parse(status.text) as { runtimeStatus: string }).runtimeStatus, 'Completed');
  assert.deepEqual(
    te.logs.filter((line) => line.includes('internal error')),
    [],
  );
}

test('emulator API: hostile clock advances answer 400 with the allowed range; the clock keeps working', async () => {
  for (const body of HOSTILE_BODIES) {
    await exercise({ method: 'POST', path: '/emulator/v1/clock/advance', body, contentType: 'application/json' });
  }
  const tooFar = await send(port, {
    method: 'POST',
    path: '/emulator/v1/clock/advance',
    body: '{"ms": 8.64e15}',
    contentType: 'application/json',
  });
  assert.equal(tooFar.status, 400);
  assert.match(
    (JSON.parse(tooFar.text) as { Message: string }).Message,
    /can move forward by 0 to \d+ ms: .* up to 9999-12-31T23:59:59\.999Z/,
  );
  await stillWorks();
});

test(`emulator API: every route survives ${SEED} seeded hostile requests`, async () => {
  const rng = new Rng(SEED);
  for (let i = 0; i < 400; i++) await exercise(randomRequest(rng, EMULATOR_ROUTES));
  await stillWorks();
});

test('management API: every route survives seeded hostile requests', async () => {
  const rng = new Rng(SEED + 1);
  // The one 500 the real host documents: a Failed instance's status when the caller asks for it.
  const allowed = (request: FuzzRequest): number[] =>
    request.method === 'GET' && /returnInternalServerErrorOnFailure=true/i.test(request.path) ? [500] : [];
  for (let i = 0; i < 400; i++) await exercise(randomRequest(rng, MANAGEMENT_ROUTES), allowed);
  await stillWorks();
});

test('admin API: listing and invoking functions by hand survive seeded hostile requests', async () => {
  const rng = new Rng(SEED + 2);
  for (let i = 0; i < 200; i++) await exercise(randomRequest(rng, ADMIN_ROUTES));
  await stillWorks();
});
