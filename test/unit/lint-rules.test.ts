/**
 * Every rule of the catalogue: code it must flag inside an orchestrator, and near misses it must leave alone (the
 * same code outside orchestrators, safe look-alikes, shadowed globals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuleId } from '../../src/lint/api.js';
import { RULE_IDS } from '../../src/lint/policy.js';
import { lint, lintBody, orch, rules } from './lint-harness.js';

function flags(rule: RuleId, body: string, header = '', count = 1): void {
  const found = lintBody(body, header).filter((f) => f.rule === rule);
  assert.equal(
    found.length,
    count,
    `${rule} on:\n${body}\n-> ${JSON.stringify(lintBody(body, header).map((f) => f.message))}`,
  );
}

function clean(body: string, header = ''): void {
  const found = lintBody(body, header);
  assert.deepEqual(
    found.map((f) => `${f.rule}: ${f.message}`),
    [],
    `expected no findings on:\n${body}`,
  );
}

const flagged: Record<RuleId, readonly (readonly [string, string?])[]> = {
  'no-current-time': [
    ['const t = Date.now();'],
    ['const d = new Date();'],
    ['const d = new Date;'],
    ['const s = Date();'],
    ['const s = Date(2020, 1);'],
    ['const t = globalThis.Date.now();'],
    ['const t = performance.now();'],
    ['const t = process.hrtime();'],
    ['const t = process.hrtime.bigint();'],
    ['const t = perf.now();', "import { performance as perf } from 'perf_hooks';"],
    ['const t = hrtime();', "import { hrtime } from 'node:process';"],
  ],
  'no-random': [
    ['const r = Math.random();'],
    ['const id = crypto.randomUUID();'],
    ['crypto.getRandomValues(new Uint8Array(4));'],
    ['const b = randomBytes(8);', "import { randomBytes } from 'crypto';"],
    ['const b = c.randomInt(8);', "import * as c from 'node:crypto';"],
    ['const b = nodeCrypto.randomFillSync(buf);', "const nodeCrypto = require('crypto'); const buf = Buffer.alloc(4);"],
    ['const id = v4();', "import { v4 } from 'uuid';"],
    ['const id = uuid.v1();', "import * as uuid from 'uuid';"],
    ['const id = uuidv7();', "const { v7: uuidv7 } = require('uuid');"],
    ['const id = nanoid();', "import { nanoid } from 'nanoid';"],
    ['const id = ulid();', "import { ulid } from 'ulid';"],
  ],
  'no-timers': [
    ['setTimeout(() => undefined, 10);'],
    ['setInterval(() => undefined, 10);'],
    ['setImmediate(() => undefined);'],
    ['globalThis.setTimeout(() => undefined, 10);'],
    ['yield wait(10);', "import { setTimeout as wait } from 'node:timers/promises';"],
    ['yield delay(10);', "import delay from 'delay';"],
    ['timers.setTimeout(() => undefined, 1);', "import timers from 'timers';"],
  ],
  'no-io': [
    ["const r = fetch('https://example.com');"],
    ['const x = new XMLHttpRequest();'],
    ["const r = axios.get('https://example.com');", "import axios from 'axios';"],
    ["const text = fs.readFileSync('a.txt', 'utf8');", "import fs from 'node:fs';"],
    ["const text = readFile('a.txt');", "import { readFile } from 'fs/promises';"],
    ["const text = fs.promises.readFile('a.txt');", "const fs = require('fs');"],
    ["http.get('http://example.com');", "import * as http from 'http';"],
    ["execSync('ls');", "import { execSync } from 'child_process';"],
    ["const pool = new Pool(); pool.query('select 1');", "import { Pool } from 'pg';"],
    ["client.query('select 1');", "import { Client } from 'pg'; const client = new Client();"],
    [
      "const c = BlobServiceClient.fromConnectionString('x');",
      "import { BlobServiceClient } from '@azure/storage-blob';",
    ],
    ['s3.send(cmd);', "import { S3Client } from '@aws-sdk/client-s3'; const s3 = new S3Client({}); const cmd = {};"],
    ["const r = got('https://example.com');", "import got from 'got';"],
    ["const r = redis.get('k');", "import Redis from 'ioredis'; const redis = new Redis();"],
    ['const client = df.getClient(context as never);'],
  ],
  'no-env': [
    ['const v = process.env.FEATURE;'],
    ["const v = process.env['FEATURE'];"],
    ['const { FEATURE } = process.env;'],
    ['const v = env.FEATURE;', "import { env } from 'node:process';"],
  ],
  'no-async-orchestrator': [],
  'no-await': [
    ["const r = await context.df.callActivity('a');"],
    ['await Promise.resolve(1);'],
    ["const xs = [1].map(async (x) => await context.df.callActivity('a', x));"],
  ],
  'unyielded-task': [
    ["context.df.callActivity('a');"],
    ["context.df.callSubOrchestrator('child');"],
    ['context.df.createTimer(new Date(0));'],
    ['context.df.Task.all([]);'],
    ["const t = context.df.callActivity('a');"],
    ['const t = context.df.createTimer(new Date(0)); t.cancel();'],
    ["[1, 2].forEach((x) => { context.df.callActivity('a', x); });"],
  ],
  'no-promise-combinators': [
    ["const r = yield Promise.all([context.df.callActivity('a')]);"],
    ['const r = yield Promise.race(tasks);', 'declare const tasks: Task[]; type Task = unknown;'],
    ['const r = yield Promise.any([]);'],
    ["const r = yield Promise.allSettled([context.df.callActivity('a')]);"],
  ],
  'yield-non-task': [
    ['yield 5;'],
    ["yield 'x';"],
    ['yield;'],
    ['yield undefined;'],
    ['yield { a: 1 };'],
    ["yield [context.df.callActivity('a')];"],
    ['yield new Promise((resolve) => resolve(1));'],
    ['yield Promise.resolve(1);'],
    ["yield fetch('https://example.com');"],
    ['yield load();', 'async function load() { return 1; }'],
    ["yield context.df.signalEntity(new df.EntityId('e', 'k'), 'op');"],
    ['yield context.df.continueAsNew(1);'],
    ["yield context.df.setCustomStatus('x');"],
  ],
  'no-shared-state-write': [
    ['counter++;', 'let counter = 0;'],
    ['counter += 1;', 'let counter = 0;'],
    ['total = 5;', 'var total = 0;'],
    ["cache.set('k', 1);", 'const cache = new Map();'],
    ['seen.add(1);', 'const seen = new Set();'],
    ['items.push(1);', 'const items: number[] = [];'],
    ['state.count = 1;', 'const state = { count: 0 };'],
    ['state.nested.list[0] = 1;', 'const state = { nested: { list: [0] } };'],
    ['delete state.count;', 'const state: { count?: number } = { count: 0 };'],
    ['Object.assign(state, { count: 1 });', 'const state = { count: 0 };'],
  ],
  'unknown-function': [
    ["yield context.df.callActivity('sayHelo', 'x');", "df.app.activity('sayHello', { handler: () => 1 });"],
    [
      "yield context.df.callSubOrchestrator('chlid');",
      "df.app.activity('a', { handler: () => 1 });\ndf.app.orchestration('child', function* () {});",
    ],
    ["const id = new df.EntityId('countr', 'k');", "df.app.entity('counter', () => undefined);"],
  ],
  'unknown-entity-operation': [
    [
      "context.df.signalEntity(new df.EntityId('counter', 'k'), 'ad', 1);",
      "df.app.entity('counter', (context) => { switch (context.df.operationName) { case 'add': break; } });",
    ],
  ],
  'no-host-state': [
    ['process.nextTick(() => undefined);'],
    ['queueMicrotask(() => undefined);'],
    ['const r = new WeakRef({});'],
    ['const f = new FinalizationRegistry(() => undefined);'],
    ['const p = process.pid;'],
    ['const u = process.uptime();'],
    ['const m = process.memoryUsage().rss;'],
    ['const o = performance.timeOrigin;'],
    ['const h = os.hostname();', "import os from 'node:os';"],
    ['const l = loadavg();', "import { loadavg } from 'os';"],
    ['const { pid } = process;'],
  ],
  'overwritten-export': [],
  'no-shared-state-read': [
    ['if (paused) return;', 'let paused = false;\nexport function pause() { paused = true; }'],
    [
      "const v = cache.get('k');",
      "const cache = new Map<string, number>();\nexport function fill() { cache.set('k', 1); }",
    ],
    ['const n = queue.length;', 'const queue: number[] = [];\nexport const enqueue = (x: number) => queue.push(x);'],
    [
      'const a = config.mode + config.mode;',
      "const config = { mode: 'a' };\nexport function setMode(m: string) { config.mode = m; }",
    ],
  ],
  'uncancelled-timer': [
    [
      "const e = context.df.waitForExternalEvent('E'); const t = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));\nconst w = yield context.df.Task.any([e, t]); if (w === e) return 1; return 2;",
    ],
    [
      "const e = context.df.waitForExternalEvent('E');\nconst w = yield context.df.Task.any([e, context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 9))]);\nreturn w === e;",
    ],
  ],
  'unbounded-history': [
    ["while (true) { yield context.df.callActivity('poll'); }"],
    ["for (;;) { const e = yield context.df.waitForExternalEvent('tick'); if (e) continue; }"],
  ],
  'code-after-continue-as-new': [
    ["context.df.continueAsNew(1);\nyield context.df.callActivity('a');"],
    ["if (context.df.getInput()) { context.df.continueAsNew(1); }\nconst r = yield context.df.callActivity('a');"],
  ],
  'replay-unsafe-logging': [
    ["console.log('start');\nyield context.df.callActivity('a');"],
    ["context.log('start');\nyield context.df.callActivity('a');"],
  ],
  'timer-out-of-range': [
    ['yield context.df.createTimer(new Date(0));'],
    ['yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() - 60_000));'],
    ["yield context.df.createTimer(new Date('not a date'));"],
  ],
  'activity-input-type': [
    [
      "yield context.df.callActivity('sayHello', 42);",
      "df.app.activity('sayHello', { handler: (name: string) => name });",
    ],
  ],
};

for (const rule of RULE_IDS) {
  const cases = flagged[rule];
  for (const [body, header] of cases) {
    test(`${rule} flags: ${body}`, () => flags(rule, body, header));
  }
}

test('no-async-orchestrator flags async functions, async arrows, async generators and async methods', () => {
  const cases = [
    "df.app.orchestration('o', async function (context) { return 1; });",
    "df.app.orchestration('o', async (context) => 1);",
    "df.app.orchestration('o', async function* (context) { yield context.df.callActivity('a'); });",
    "df.app.orchestration('o', { async handler(context) { return 1; } });",
  ];
  for (const registration of cases) {
    const found = lint(`import * as df from 'durable-functions';\n${registration}\n`);
    assert.deepEqual(rules(found), ['no-async-orchestrator'], registration);
  }
});

test('near misses: safe look-alikes inside an orchestrator', () => {
  clean('const d = new Date(0); const e = new Date(context.df.currentUtcDateTime); const f = new Date(2020, 1, 2);');
  clean(
    'const t = context.df.currentUtcDateTime.getTime(); const p = Date.parse("2020-01-01"); const u = Date.UTC(2020, 1);',
  );
  clean('const id = context.df.newGuid(context.df.instanceId);');
  clean("const id = v5('name', NS);", "import { v5 } from 'uuid'; const NS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';");
  clean("const h = crypto.createHash('sha256').update('x').digest('hex');", "import crypto from 'node:crypto';");
  clean('const n = Math.floor(Math.max(1, 2));');
  clean("const r = yield context.df.callHttp({ method: 'GET', url: 'https://example.com' });");
  clean('yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));');
  clean("context.df.signalEntity(new df.EntityId('e', 'k'), 'op'); context.df.setCustomStatus({ a: 1 });");
  clean("if (!context.df.isReplaying) { context.log('hello'); }");
  clean("const input = context.df.getInput(); const path = require('path'); const p = path.join('a', 'b');");
});

test('near misses: shadowed globals and local look-alikes are not the banned APIs', () => {
  clean("const r = fetch('x');", 'function fetch(url: string) { return url.length; }');
  clean('const t = Date.now();', 'const Date = { now: () => 0 };');
  clean('const r = Math.random();', 'const Math = { random: () => 4 };');
  clean('function inner(crypto: { randomUUID(): string }) { return crypto.randomUUID(); } void inner;');
  clean('const process = { env: { A: 1 } }; const a = process.env.A;');
  clean('const setTimeout = (f: () => void) => f(); setTimeout(() => undefined);');
});

test('near misses: tasks used correctly are not unyielded', () => {
  clean("const t = context.df.callActivity('a'); yield t;");
  clean(
    "const a = context.df.callActivity('a'); const b = context.df.callActivity('b'); yield context.df.Task.all([a, b]);",
  );
  clean(
    "const tasks = []; for (const x of [1, 2]) tasks.push(context.df.callActivity('a', x)); yield context.df.Task.all(tasks);",
  );
  clean("const t = context.df.callActivity('a'); return t;");
  clean(
    "const e = context.df.waitForExternalEvent('E'); const timer = context.df.createTimer(deadline);\n" +
      'const winner = yield context.df.Task.any([e, timer]); if (winner === e) timer.cancel();',
    'declare const deadline: Date;',
  );
  clean(
    "const tasks = [1, 2].map((x) => context.df.callActivity('a', x)); const r = yield context.df.Task.all(tasks);",
  );
  clean("const r = yield act('input');", "const act = df.app.activity('act', { handler: () => 1 });");
  clean('const r = yield helper(context);', "function helper(c: any) { return c.df.callActivity('a'); }");
});

test('near misses: module-level state that is only read, and local state', () => {
  clean(
    "const v = LIMIT + table.get('a')!; const local = new Map(); local.set('a', 1); let n = 0; n++;",
    "const LIMIT = 3; const table = new Map([['a', 1]]);",
  );
  clean('const copy = [...items].sort();', 'const items = [3, 1];');
});

test('hazards outside orchestrators are never flagged (activities, entities, HTTP functions, plain code)', () => {
  const text = `
import * as df from 'durable-functions';
import { app } from '@azure/functions';
import axios from 'axios';
let calls = 0;
df.app.activity('act', { handler: async () => { calls++; await new Promise((r) => setTimeout(r, 10)); return (await axios.get('x')).data + Date.now() + Math.random() + process.env.A; } });
df.app.entity('ent', (context) => { context.df.setState(Date.now()); });
app.http('start', { extraInputs: [df.input.durableClient()], handler: async (req, ctx) => { const client = df.getClient(ctx); await client.startNew('o'); return { body: new Date().toISOString() }; } });
export function plain() { return fetch('x').then(() => crypto.randomUUID()); }
export async function* gen() { yield 5; await Promise.all([]); }
`;
  assert.deepEqual(lint(text), []);
});

test('severity: errors for replay hazards, warnings for env and shared state; configurable and off', () => {
  const body = 'const t = Date.now(); const v = process.env.A; counter++;';
  const header = 'let counter = 0;';
  const found = lintBody(body, header);
  assert.deepEqual(
    found.map((f) => [f.rule, f.severity]),
    [
      ['no-current-time', 'error'],
      ['no-env', 'warning'],
      ['no-shared-state-write', 'warning'],
    ],
  );
  const text = `import * as df from 'durable-functions';\n${header}\ndf.app.orchestration('o', function* (context) {\n${body}\n});\n`;
  const configured = lint(text, 'orch.ts', { rules: { 'no-current-time': 'off', 'no-env': 'error' } });
  assert.deepEqual(
    configured.map((f) => [f.rule, f.severity]),
    [
      ['no-env', 'error'],
      ['no-shared-state-write', 'warning'],
    ],
  );
});

test("messages and fixes use the orchestrator's own context name", () => {
  const text =
    "import * as df from 'durable-functions';\ndf.app.orchestration('o', function* (ctx) { const t = Date.now(); });\n";
  const [finding] = lint(text);
  assert.match(finding!.message, /ctx\.df\.currentUtcDateTime/);
  assert.equal(finding!.fixes[0]!.edits[0]!.newText, 'ctx.df.currentUtcDateTime.getTime()');
  const destructured =
    "import * as df from 'durable-functions';\ndf.app.orchestration('o', function* ({ df: d }) { const t = Date.now(); });\n";
  assert.equal(lint(destructured)[0]!.fixes[0]!.edits[0]!.newText, 'd.currentUtcDateTime.getTime()');
});

test('ranges are 1-based with exclusive ends', () => {
  const [finding] = lint(orch('  const t = Date.now();'));
  assert.deepEqual(finding!.range, { start: { line: 4, column: 13 }, end: { line: 4, column: 23 } });
});
