/**
 * Hazards found through class members and callbacks, date and random libraries, process and host state, yielded
 * promise variables, overwritten CommonJS exports, tagged-template I/O and reads of changing module state: code each
 * must flag, and near misses it must leave alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, RuleId } from '../../src/lint/api.js';
import { abs, applyFix, lint, lintBody, lintFiles, orch, rules, syntaxErrors } from './lint-harness.js';

function only(rule: RuleId, body: string, header = '', count = 1): Finding[] {
  const found = lintBody(body, header);
  assert.deepEqual(
    rules(found),
    Array<RuleId>(count).fill(rule),
    `${rule} x${count} on:\n${header}\n${body}\n-> ${JSON.stringify(found.map((f) => f.message))}`,
  );
  return found;
}

function clean(body: string, header = ''): void {
  const found = lintBody(body, header);
  assert.deepEqual(
    found.map((f) => `${f.rule}: ${f.message}`),
    [],
    `expected no findings on:\n${header}\n${body}`,
  );
}

/** Applies the first fix of the only finding and checks the result parses and is clean. */
function fixedTo(body: string, header: string, expected: string): void {
  const text = orch(`  ${body}`, { header });
  const [finding, ...rest] = lint(text);
  assert.equal(rest.length, 0, JSON.stringify([finding, ...rest].map((f) => f?.message)));
  const fix = finding!.fixes[0];
  assert.ok(fix, `a fix for ${finding!.message}`);
  const result = applyFix(text, fix);
  assert.equal(result, orch(`  ${expected}`, { header }));
  assert.deepEqual(syntaxErrors(result), [], result);
  assert.deepEqual(lint(result), [], result);
}

// 9. Helpers that are class members, and helpers called from callbacks.

test('class members are followed: static, instance (new, const, module-level), this, inherited, super', () => {
  const helper = 'class Helper { static compute() { return Date.now(); } stamp() { return Date.now(); } }';
  only('no-current-time', 'const r = Helper.compute();', helper);
  only('no-current-time', 'const h = new Helper(); const r = h.stamp();', helper);
  only('no-current-time', 'const r = new Helper().stamp();', helper);
  only('no-current-time', 'const r = shared.stamp();', `${helper}\nconst shared = new Helper();`);
  only(
    'no-random',
    'const r = h.run();',
    'class H { run() { return this.pick(); } pick() { return Math.random(); } }\nconst h = new H();',
  );
  only(
    'no-random',
    'const r = H.run();',
    'class H { static run() { return this.pick(); } static pick() { return Math.random(); } }',
  );
  only('no-current-time', 'const r = new Child().stamp();', `${helper}\nclass Child extends Helper {}`);
  only(
    'no-current-time',
    'const r = new Child().stamp();',
    `${helper}\nclass Child extends Helper { stamp() { return super.stamp() + 1; } }`,
  );
  only('no-current-time', 'const r = Child.compute();', `${helper}\nclass Child extends Helper {}`);
  only('no-current-time', 'const r = new Clock().now();', 'const Clock = class { now() { return Date.now(); } };');
});

test('getters, fields holding functions, constructor-assigned members, bound methods and object-literal this', () => {
  only('no-current-time', 'const r = c.now;', 'class C { get now() { return Date.now(); } }\nconst c = new C();');
  only('no-current-time', 'const r = C.now;', 'class C { static get now() { return Date.now(); } }');
  only('no-current-time', 'const r = clock.now;', 'const clock = { get now() { return Date.now(); } };');
  only('no-current-time', 'const r = c.stamp();', 'class C { stamp = () => Date.now(); }\nconst c = new C();');
  only(
    'no-current-time',
    'const r = s.clock.now();',
    'class Clock { now() { return Date.now(); } }\nclass S { clock: Clock; constructor() { this.clock = new Clock(); } }\nconst s = new S();',
  );
  only(
    'no-current-time',
    'const f = c.stamp.bind(c); const r = f();',
    'class C { stamp() { return Date.now(); } }\nconst c = new C();',
  );
  only(
    'no-random',
    'const r = utils.a();',
    'const utils = { a() { return this.b(); }, b() { return Math.random(); } };',
  );
  only(
    'no-random',
    'const r = utils.a();',
    'const utils = { a: function () { return this.b(); }, b: () => Math.random() };',
  );
});

test('helpers called from callbacks: arrows, by name, this.method, in helpers of helpers', () => {
  const stamp = 'function stamp(x: number) { return Date.now() + x; }';
  only('no-current-time', 'const r = [1].map((x) => stamp(x));', stamp);
  only('no-current-time', 'const r = [1].map(stamp);', stamp);
  only(
    'no-current-time',
    'const r = outer([1]);',
    `${stamp}\nfunction outer(xs: number[]) { return xs.map((x) => stamp(x)); }`,
  );
  only(
    'no-current-time',
    'const r = outer([1]);',
    `${stamp}\nfunction outer(xs: number[]) { return xs.filter(stamp); }`,
  );
  only(
    'no-current-time',
    'const r = f.all([1]);',
    'class F { all(xs: number[]) { return xs.map(this.fmt); } fmt(x: number) { return Date.now() + x; } }\nconst f = new F();',
  );
  only(
    'no-current-time',
    'const r = f.all([1]);',
    'class F { all(xs: number[]) { return xs.map((x) => this.fmt(x)); } fmt(x: number) { return Date.now() + x; } }\nconst f = new F();',
  );
});

test('orchestrators written as class methods: this.helper() and static methods registered directly', () => {
  const text = `import * as df from 'durable-functions';
class Orchestrations {
  static *run(context: any): any { const x = this.stamp(); yield context.df.callActivity('a', x); }
  static stamp() { return Date.now(); }
}
df.app.orchestration('run', Orchestrations.run);
class Flow { *go(context: any): any { const y = [1].map((i) => this.pick(i)); yield context.df.callActivity('a', y); } pick(i: number) { return Math.random() + i; } }
const flow = new Flow();
df.app.orchestration('go', flow.go.bind(flow));
`;
  const found = lint(text);
  assert.deepEqual(
    found.map((f) => [f.rule, f.range.start.line]),
    [
      ['no-current-time', 3],
      ['no-random', 7],
    ],
  );
});

test('classes and their instances imported from other files, ESM and CommonJS', () => {
  const esm = {
    'orch.ts': orch('  const r = Helper.compute() + new Other().go();', {
      header: "import { Helper } from './helper';\nimport Other from './other';",
    }),
    'helper.ts': 'export class Helper { static compute() { return Date.now(); } }',
    'other.ts': 'export default class { go() { return Math.random(); } }',
  };
  assert.deepEqual(rules(lintFiles(esm)), ['no-current-time', 'no-random']);
  const cjs = {
    'orch.js': orch('  const r = Helper.compute() + clock.now();', {
      header: "const { Helper } = require('./helper');\nconst { clock } = require('./clock');",
    }),
    'helper.js': 'class Helper { static compute() { return Date.now(); } }\nmodule.exports = { Helper };',
    'clock.js': 'class Clock { now() { return Date.now(); } }\nexports.clock = new Clock();',
  };
  assert.deepEqual(rules(lintFiles(cjs)), ['no-current-time', 'no-current-time']);
});

test('near misses: class members that are safe, not the one called, or not resolvable', () => {
  clean(
    'const r = b.compute();',
    'class A { compute() { return Date.now(); } }\nclass B { compute() { return 1; } }\nconst b = new B();',
  );
  clean(
    'const r = ((x: { compute(): number }) => x.compute())(h);',
    'class A { compute() { return Date.now(); } }\nconst h = new A();',
  );
  clean('const r = A.compute;', 'class A { static compute() { return Date.now(); } }');
  clean('const r = new A().stamp();', 'class A { stamp() { return 1; } static now() { return Date.now(); } }');
  clean('const r = new A().now;', 'class A { now = 5; static get later() { return Date.now(); } }');
  clean(
    'const c = new C(); c.value = 3;',
    'class C { set value(v: number) { void v; } get value() { return Date.now(); } }',
  );
  // An activity class may read the clock; only the orchestrator's own calls count.
  clean("const r = yield context.df.callActivity('a');", 'class Act { run() { return Date.now(); } }\nvoid Act;');
  clean('function plain(this: any) { return this.now(); } void plain;');
});

// 10. Time and randomness through libraries.

test('moment, moment-timezone and dayjs asked for the current time', () => {
  const moment = "import moment from 'moment';";
  only('no-current-time', 'const a = moment();', moment);
  only('no-current-time', 'const a = moment.utc();', moment);
  only('no-current-time', 'const a = moment.now();', moment);
  only('no-current-time', "const a = moment().format('YYYY');", moment);
  only('no-current-time', 'const a = m();', "const m = require('moment');");
  only('no-current-time', 'const a = moment();', "import * as moment from 'moment';");
  only('no-current-time', "const a = moment.tz('Europe/Paris');", "import moment from 'moment-timezone';");
  only('no-current-time', 'const a = moment(input).fromNow();', `${moment}\ndeclare const input: Date;`);
  only('no-current-time', 'const expired = moment(input).isBefore();', `${moment}\ndeclare const input: Date;`);
  only('no-current-time', "const a = moment(input).add(1, 'day').diff();", `${moment}\ndeclare const input: Date;`);
  // Reported once, at the call that reads the clock.
  only('no-current-time', 'const a = moment().fromNow();', moment);
  const dayjs = "import dayjs from 'dayjs';";
  only('no-current-time', 'const a = dayjs();', dayjs);
  only('no-current-time', 'const a = dayjs.utc();', dayjs);
  only('no-current-time', 'const a = dayjs(input).fromNow();', `${dayjs}\ndeclare const input: Date;`);
  only('no-current-time', 'const a = dayjs(input).isToday();', `${dayjs}\ndeclare const input: Date;`);
});

test('luxon and date-fns reading the clock', () => {
  const luxon = "import { DateTime, Settings } from 'luxon';";
  only('no-current-time', 'const a = DateTime.now();', luxon);
  only('no-current-time', 'const a = DateTime.local();', luxon);
  only('no-current-time', 'const a = DateTime.utc();', luxon);
  only('no-current-time', "const a = DateTime.local({ zone: 'Europe/Paris' });", luxon);
  only('no-current-time', 'const a = Settings.now();', luxon);
  only('no-current-time', 'const a = L.DateTime.now();', "const L = require('luxon');");
  const start = 'const d = DateTime.fromJSDate(context.df.currentUtcDateTime);';
  only('no-current-time', `${start} const a = d.diffNow();`, luxon);
  only('no-current-time', `${start} const a = d.toRelative();`, luxon);
  only('no-current-time', `${start} const a = d.toRelative({ unit: 'days' });`, luxon);
  const fns = "import { isToday, isPast, formatDistanceToNow, startOfToday, isThisWeek } from 'date-fns';";
  for (const call of ['isToday(d)', 'isPast(d)', 'formatDistanceToNow(d)', 'startOfToday()', 'isThisWeek(d)']) {
    only('no-current-time', `const a = ${call};`, `${fns}\ndeclare const d: Date;`);
  }
  only('no-current-time', 'const a = isToday(d);', "import isToday from 'date-fns/isToday';\ndeclare const d: Date;");
  only(
    'no-current-time',
    'const a = isFuture(d);',
    "import { isFuture } from 'date-fns/isFuture';\ndeclare const d: Date;",
  );
  only('no-current-time', 'const a = f.isPast(d);', "const f = require('date-fns');\ndeclare const d: Date;");
  only(
    'no-current-time',
    'const a = differenceInDays(Date.now(), d);',
    "import { differenceInDays } from 'date-fns';\ndeclare const d: Date;",
  );
});

test('near misses: date libraries given a date', () => {
  const all =
    "import moment from 'moment'; import dayjs from 'dayjs'; import { DateTime, Duration } from 'luxon';\n" +
    "import { format, addDays, differenceInDays, isSameDay, formatDistance } from 'date-fns';\ndeclare const input: string;";
  clean(
    [
      'const now = context.df.currentUtcDateTime;',
      'const a = moment(now).add(1, "day").toISOString(); const b = moment.utc(input); const c = moment(input).isBefore(now);',
      'const d = dayjs(input); const e = dayjs(now).diff(input); const f = dayjs(now).isSame(input, "day");',
      'const g = DateTime.fromJSDate(now); const h = DateTime.local(2024, 1, 1); const i = DateTime.utc(2024);',
      'const j = g.toRelative({ base: h }); const k = Duration.fromMillis(5).toISO(); const l = g.plus({ days: 1 });',
      "const m = format(now, 'yyyy'); const n = addDays(now, 1); const o = differenceInDays(now, now);",
      'const p = isSameDay(now, now); const q = formatDistance(now, now); const r = moment(now).fromNow === undefined;',
    ].join('\n'),
    all,
  );
  // A local function or parameter named like the library is not the library.
  clean(
    'const a = moment(); const b = isToday(0);',
    'function moment() { return 1; }\nfunction isToday(x: number) { return x; }',
  );
  clean('function f(dayjs: () => number) { return dayjs(); } void f;');
});

test('library clock calls have quick fixes that give the orchestration time', () => {
  const moment = "import moment from 'moment';";
  fixedTo('const a = moment();', moment, 'const a = moment(context.df.currentUtcDateTime);');
  fixedTo('const a = moment.utc();', moment, 'const a = moment.utc(context.df.currentUtcDateTime);');
  fixedTo('const a = moment.now();', moment, 'const a = context.df.currentUtcDateTime.getTime();');
  const tz = "import moment from 'moment-timezone';";
  fixedTo("const a = moment.tz('UTC');", tz, "const a = moment.tz(context.df.currentUtcDateTime, 'UTC');");
  fixedTo('const a = dayjs();', "import dayjs from 'dayjs';", 'const a = dayjs(context.df.currentUtcDateTime);');
  const luxon = "import { DateTime } from 'luxon';";
  fixedTo('const a = DateTime.now();', luxon, 'const a = DateTime.fromJSDate(context.df.currentUtcDateTime);');
  fixedTo('const a = DateTime.local();', luxon, 'const a = DateTime.fromJSDate(context.df.currentUtcDateTime);');
  fixedTo(
    'const a = DateTime.utc();',
    luxon,
    "const a = DateTime.fromJSDate(context.df.currentUtcDateTime, { zone: 'utc' });",
  );
  fixedTo('const a = _.now();', "import _ from 'lodash';", 'const a = context.df.currentUtcDateTime.getTime();');
  const [withOptions] = lintBody("const a = DateTime.local({ zone: 'utc' });", luxon);
  assert.deepEqual(withOptions!.fixes, []);
});

test('lodash, underscore, faker and chance randomness', () => {
  const lodash = "import _ from 'lodash';";
  for (const call of ['_.random(1, 5)', '_.shuffle([1, 2])', '_.sample([1, 2])', '_.sampleSize([1, 2], 1)']) {
    only('no-random', `const a = ${call};`, lodash);
  }
  only('no-random', 'const a = _.uniqueId();', lodash);
  only('no-random', 'const a = _([1, 2]).shuffle().value();', lodash);
  only('no-random', 'const a = _.chain([1, 2]).sample().value();', lodash);
  only('no-random', 'const a = random(1, 5);', "import random from 'lodash/random';");
  only('no-random', 'const a = shuffle([1]);', "import { shuffle } from 'lodash-es';");
  only('no-random', 'const a = r(1, 2);', "const r = require('lodash.random');");
  only('no-random', 'const a = sample([1]);', "import sample from 'lodash-es/sample';");
  only('no-random', 'const a = u.random(1, 2);', "import u from 'underscore';");
  only('no-timers', '_.delay(() => undefined, 10);', lodash);
  only('no-random', 'const a = faker.person.firstName();', "import { faker } from '@faker-js/faker';");
  only('no-random', 'const a = faker.name.firstName();', "const faker = require('faker');");
  only('no-random', 'const a = fakerDE.person.firstName();', "import { fakerDE } from '@faker-js/faker/locale/de';");
  only('no-random', 'const a = faker.seed(); const b = 1;', "import { faker } from '@faker-js/faker';");
  only('no-random', 'const c = new Chance(); const a = c.integer();', "import Chance from 'chance';");
  only('no-random', 'const a = chance.integer();', "import Chance from 'chance';\nconst chance = new Chance();");
  // Seeded once per process: the state carries over between replays.
  only('no-random', 'const a = chance.integer();', "import Chance from 'chance';\nconst chance = new Chance(42);");
  only('no-random', 'const a = require("chance")().bool();');
});

test('near misses: deterministic lodash, seeded faker and chance, other look-alikes', () => {
  clean(
    'const a = _.sortBy([2, 1]); const b = _.chunk([1], 1); const c = _.uniq([1]); const d = _.get({}, "a");',
    "import _ from 'lodash';",
  );
  clean('const a = sortBy([2, 1]);', "import sortBy from 'lodash/sortBy';");
  clean(
    'const c = new Chance(context.df.instanceId); const a = c.integer(); const b = Chance(context.df.instanceId).bool();',
    "import Chance from 'chance';",
  );
  clean('faker.seed(42); const a = faker.person.firstName();', "import { faker } from '@faker-js/faker';");
  clean("const s = faker.helpers.slugify('a b');", "import { faker } from '@faker-js/faker';");
  clean('const random = (a: number) => a; const r = random(1);');
});

// 11. Process and host state.

test('no-host-state: scheduling outside the replay, garbage collection, process and host facts', () => {
  only('no-host-state', 'process.nextTick(() => undefined);');
  only('no-host-state', 'queueMicrotask(() => undefined);');
  only('no-host-state', 'globalThis.queueMicrotask(() => undefined);');
  only('no-host-state', 'const r = new WeakRef({});');
  only('no-host-state', 'const f = new FinalizationRegistry(() => undefined);');
  only('no-host-state', 'const p = process.pid;');
  only('no-host-state', 'const p = process.ppid;');
  only('no-host-state', 'const s = `${process.pid}`.length;');
  only('no-host-state', 'const u = process.uptime();');
  only('no-host-state', 'const m = process.memoryUsage().heapUsed;');
  only('no-host-state', 'const m = process.memoryUsage.rss();');
  only('no-host-state', 'const c = process.cpuUsage();');
  only('no-host-state', 'const t = performance.timeOrigin;');
  only('no-host-state', 'const t = perf.timeOrigin;', "import { performance as perf } from 'node:perf_hooks';");
  for (const call of ['hostname()', 'networkInterfaces()', 'uptime()', 'freemem()', 'loadavg()', 'cpus()']) {
    only('no-host-state', `const v = os.${call};`, "import os from 'node:os';");
  }
  only('no-host-state', 'const h = hostname();', "const { hostname } = require('os');");
  only('no-host-state', 'const { pid } = process;');
  only('no-host-state', 'const p = pid;', "import { pid } from 'node:process';");
  only('no-host-state', 'nextTick(() => undefined);', "import { nextTick } from 'process';");
  only('no-host-state', 'const s = v8.getHeapStatistics();', "import v8 from 'v8';");
  const [finding] = only('no-host-state', 'const p = process.pid.toString();');
  assert.match(finding!.message, /^`process\.pid` depends on the worker process or host/);
});

test('near misses: host facts that are the same everywhere, shadowed names, activities', () => {
  clean(
    'const a = process.argv.length; const b = process.platform; const c = os.platform(); const d = os.EOL;',
    "import os from 'os';",
  );
  clean('const process = { pid: 1 }; const p = process.pid;');
  clean('function queueMicrotask(f: () => void) { f(); } queueMicrotask(() => undefined);');
  clean('const r = new Map(); const s = new WeakMap(); const t = new WeakSet();');
  const activity = `import * as df from 'durable-functions';\nimport os from 'os';\ndf.app.activity('host', { handler: () => \`\${os.hostname()}:\${process.pid}\` });\n`;
  assert.deepEqual(lint(activity), []);
});

test('process.uptime() is a host-state warning, no longer a clock error', () => {
  const [finding] = only('no-host-state', 'const u = process.uptime();');
  assert.equal(finding!.severity, 'warning');
});

// 12 (a). Yielding a variable that holds a promise or another non-task.

test('yield-non-task: a variable holding a promise, a literal or a fire-and-forget result', () => {
  const load = 'async function load() { return 1; }';
  const [found] = only('yield-non-task', 'const p = load(); yield p;', load);
  assert.match(found!.message, /`p` holds `load\(\)`/);
  only('yield-non-task', 'const p = Promise.resolve(1); yield p;');
  only('yield-non-task', 'const p = new Promise((resolve) => resolve(1)); yield p;');
  only('yield-non-task', 'let p = load(); yield p;', load);
  only('yield-non-task', "const s = context.df.setCustomStatus('x'); yield s;");
  only('yield-non-task', 'yield ready;', `${load}\nconst ready = load();`);
  assert.deepEqual(rules(lintBody("const r = fetch('x'); yield r;")), ['no-io', 'yield-non-task']);
});

test('near misses: variables holding tasks, reassigned, awaited or unknown', () => {
  clean("const t = context.df.callActivity('a'); yield t;");
  clean("const t = context.df.Task.all([context.df.callActivity('a')]); yield t;");
  clean("let t = Promise.resolve(1) as any; t = context.df.callActivity('a'); yield t;");
  clean("let t: any = 1; for (t of [context.df.callActivity('a')]) yield t;");
  clean('const t = makeTask(context); yield t;', "function makeTask(c: any) { return c.df.callActivity('a'); }");
  clean('const t = other; yield t;', 'const other: any = undefined;');
  clean('function* inner(p: any) { yield p; } void inner;');
});

// 12 (b). module.exports overwritten after a named export of an orchestrator.

function exportsLint(text: string, extra: Record<string, string> = {}): Finding[] {
  return lintFiles({ 'orch.js': text, ...extra }, 'orch.js');
}

test('overwritten-export: a named export of an orchestrator replaced by module.exports = ...', () => {
  const lost = [
    "const df = require('durable-functions');",
    'module.exports.hello = function* (context) { yield context.df.callActivity("a"); };',
    "df.app.orchestration('hello', module.exports.hello);",
    'module.exports = function* other(context) { yield context.df.callActivity("b"); };',
  ].join('\n');
  const [finding, ...rest] = exportsLint(lost);
  assert.equal(rest.length, 0);
  assert.equal(finding!.rule, 'overwritten-export');
  assert.equal(finding!.severity, 'error');
  assert.deepEqual(finding!.range.start, { line: 2, column: 1 });
  assert.match(finding!.message, /`module\.exports\.hello = …` is lost: `module\.exports = function\* other/);
  assert.match(finding!.message, /on line 4 replaces the whole exports object/);
  // Exported here, registered elsewhere.
  const elsewhere = {
    'index.js':
      "const df = require('durable-functions');\nconst { hello } = require('./orch');\ndf.app.orchestration('hello', hello);",
  };
  const text =
    'exports.hello = function* (context) { yield context.df.callActivity("a"); };\nmodule.exports = { other: 1 };';
  assert.deepEqual(rules(exportsLint(text, elsewhere)), ['overwritten-export']);
  // `exports.x` after `module.exports = ...`: `exports` is still the old object.
  const after =
    "module.exports = { other: 1 };\nexports.hello = function* (context) { yield context.df.callActivity('a'); };";
  const [late] = exportsLint(after);
  assert.match(late!.message, /after `module\.exports = \{ other: 1 \};` on line 1, `exports` still points at the old/);
  // Any function registered in this file through the exports object counts (here, after it was replaced).
  const registeredLate = [
    "const df = require('durable-functions');",
    'module.exports.o = async function (context) { return 1; };',
    'module.exports = {};',
    "df.app.orchestration('o', module.exports.o);",
  ].join('\n');
  assert.deepEqual(rules(exportsLint(registeredLate)), ['overwritten-export']);
});

test('near misses: the right order, exports kept or re-exported, not orchestrators, not top level', () => {
  const gen = 'function* (context) { yield context.df.callActivity("a"); }';
  const none = (text: string) =>
    assert.deepEqual(
      exportsLint(text).filter((f) => f.rule === 'overwritten-export'),
      [],
      text,
    );
  none(`module.exports = ${gen};\nmodule.exports.hello = ${gen};`);
  none(`exports = module.exports = ${gen};\nexports.hello = ${gen};`);
  none(`module.exports.hello = ${gen};\nmodule.exports = { ...module.exports, other: 1 };`);
  none(`module.exports.hello = ${gen};\nmodule.exports = Object.assign(module.exports, { other: 1 });`);
  none(`const hello = ${gen};\nmodule.exports.hello = hello;\nmodule.exports = { hello, other: 1 };`);
  none('module.exports.add = (a, b) => a + b;\nmodule.exports = { other: 1 };');
  none(`module.exports.hello = ${gen};\nif (process.env.X) { module.exports = {}; }`);
  none(`module.exports.hello = ${gen};\nfunction reset() { module.exports = {}; }\nvoid reset;`);
  none(`module.exports.hello = ${gen};\nmodule.exports.other = 1;`);
});

test('overwritten-export can be suppressed and configured', () => {
  const text =
    '// durable-lint-disable-next-line overwritten-export -- replaced on purpose\n' +
    'module.exports.hello = function* (context) { yield context.df.callActivity("a"); };\nmodule.exports = {};';
  assert.deepEqual(exportsLint(text), []);
  const plain = 'module.exports.hello = function* (context) { yield 1; };\nmodule.exports = {};';
  const files = { 'orch.js': plain };
  assert.deepEqual(rules(lintFiles(files, 'orch.js', { rules: { 'overwritten-export': 'off' } })), []);
});

// 12 (c). Tagged-template I/O.

test('no-io: tagged templates of database clients and shells', () => {
  only('no-io', 'const r = sql`SELECT 1`;', "import { sql } from '@vercel/postgres';");
  only('no-io', 'const r = db`SELECT 1`;', "import postgres from 'postgres';\nconst db = postgres('postgres://x');");
  only('no-io', 'const r = $`ls`;', "import { $ } from 'zx';");
  only('no-io', 'const r = $`ls`;', "import { $ } from 'execa';");
  only('no-io', 'const r = mssql.query`SELECT 1`;', "import mssql from 'mssql';");
  only(
    'no-io',
    'const r = pool.query(sql.typeAlias("id")`SELECT 1`);',
    "import { createPool, sql } from 'slonik';\nconst pool = createPool('x');",
  );
  only(
    'no-current-time',
    'const s = stamp`x`;',
    'function stamp(s: TemplateStringsArray) { return s[0] + Date.now(); }',
  );
  const [finding] = lintBody('const r = sql`SELECT 1`;', "import { sql } from '@vercel/postgres';");
  assert.match(finding!.message, /^`` sql`…` `` \(from `@vercel\/postgres`\) does I\/O/);
});

test('near misses: query builders and plain tags', () => {
  clean('const q = sql`SELECT 1`; const r = sql.raw("x");', "import { sql } from 'drizzle-orm';");
  clean('const q = Prisma.sql`SELECT 1`;', "import { Prisma } from '@prisma/client';");
  clean('const q = sql`SELECT 1`; const i = sql.identifier(["a"]);', "import { sql } from 'slonik';");
  clean('const a = String.raw`x`; const b = tag`y`;', 'function tag(s: TemplateStringsArray) { return s.join(""); }');
});

// 13. Reads of module-level state that other code changes.

test('no-shared-state-read: a let some function assigns, a collection some function fills', () => {
  const [finding] = only(
    'no-shared-state-read',
    'if (paused) return;',
    'let paused = false;\nexport function pause() { paused = true; }',
  );
  assert.equal(finding!.severity, 'warning');
  assert.match(
    finding!.message,
    /^`paused` reads module-level state that other code changes \(`paused = true` at orch\.ts:3\)/,
  );
  only(
    'no-shared-state-read',
    "const v = cache.get('k');",
    "const cache = new Map<string, number>();\nexport function fill() { cache.set('k', 1); }",
  );
  only(
    'no-shared-state-read',
    'const n = queue.length;',
    'const queue: number[] = [];\nexport const enqueue = (x: number) => queue.push(x);',
  );
  only(
    'no-shared-state-read',
    'const m = config.mode;',
    "const config = { mode: 'a' };\nexport function setMode(m: string) { config.mode = m; }",
  );
  only(
    'no-shared-state-read',
    'const m = settings.level;',
    'var settings = { level: 1 };\nsetInterval(() => { settings = { level: 2 }; }, 1000);',
  );
  only(
    'no-shared-state-read',
    'const h = handler();',
    'let handler = () => 1;\nexport function use(h: () => number) { handler = h; }',
  );
});

test('no-shared-state-read: once per variable and orchestrator, through helpers and imports', () => {
  const header = 'let count = 0;\nexport function bump() { count++; }\nfunction twice() { return count * 2; }';
  const found = only('no-shared-state-read', 'const a = count; const b = count + 1; const c = twice();', header);
  assert.deepEqual(found[0]!.range.start.line, 6);
  const files = {
    'orch.ts': orch("  const v = cache.get('k') ?? limit;", {
      header: "import { cache } from './state';\nconst { limit } = require('./limits');",
    }),
    'state.ts':
      'export const cache = new Map<string, number>();\nexport function remember(k: string, v: number) { cache.set(k, v); }',
    'limits.js': 'let limit = 1;\nfunction setLimit(l) { limit = l; }\nmodule.exports = { limit, setLimit };',
  };
  const imported = lintFiles(files);
  assert.deepEqual(rules(imported), ['no-shared-state-read', 'no-shared-state-read']);
  assert.match(imported[0]!.message, /cache\.set\(k, v\)` at state\.ts:2/);
  // Mutated by the reading file through its import.
  const local = {
    'orch.ts': orch("  const v = cache.get('k');", {
      header: "import { cache } from './state';\nexport function put() { cache.set('k', 1); }",
    }),
    'state.ts': 'export const cache = new Map<string, number>();',
  };
  assert.deepEqual(rules(lintFiles(local)), ['no-shared-state-read']);
});

test('near misses: constants, load-time setup, local state, state the orchestrator itself writes', () => {
  clean('const r = LIMITS.retries + NAMES[0]!.length;', "const LIMITS = { retries: 3 };\nconst NAMES = ['a'];");
  clean('const v = table.get("a");', "const table = new Map([['a', 1]]);\ntable.set('b', 2);");
  clean(
    'const v = registry.get("a");',
    "const registry = new Map<string, number>();\nfunction register(n: string) { registry.set(n, 1); }\nregister('a');\nregister('b');",
  );
  clean('const v = mode;', "let mode = 'a';\nif (Math.max(1, 2) > 1) mode = 'b';");
  clean('const f = helper(); const C = Klass; const d = df.app;', 'function helper() { return 1; }\nclass Klass {}');
  clean('let local = 0; local++; const v = local;');
  clean('const v = fs.readFileSync;', "import fs from 'fs';\nexport function patch() { (fs as any).x = 1; }");
  clean('const v = shadow;', 'export function f() { let shadow = 1; shadow++; return shadow; }\nconst shadow = 2;');
  // Written by the orchestrator itself: no-shared-state-write reports it, once.
  assert.deepEqual(
    rules(lintBody('counter++; const v = counter;', 'let counter = 0;\nexport function reset() { counter = 0; }')),
    ['no-shared-state-write'],
  );
  // Imported constants of another file, never changed.
  const files = {
    'orch.ts': orch('  const v = config.retries;', { header: "import { config } from './config';" }),
    'config.ts': 'export const config = { retries: 3 };',
  };
  assert.deepEqual(lintFiles(files), []);
  void abs;
});
