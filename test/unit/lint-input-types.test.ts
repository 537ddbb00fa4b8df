/**
 * `activity-input-type`: inputs passed to activities and sub-orchestrations, and results declared by the caller,
 * against the called function's types, with TypeScript's checker. What it flags, the many near misses it must leave
 * alone (unknown types, nullability, structural subtyping, JSON conversions, several apps), the "certainly
 * incompatible" relation on its own, and the type service under it (one program per lint, incremental after edits,
 * packages from node_modules).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Finding } from '../../src/lint/api.js';
import { AppIndex } from '../../src/lint/appIndex.js';
import { InputTypes } from '../../src/lint/inputTypes.js';
import { createLinter } from '../../src/lint/linter.js';
import { Resolver } from '../../src/lint/resolve.js';
import { certainMismatch } from '../../src/lint/typeCompat.js';
import { findLibDirectory, LIB_FILES, TypeService, withoutTypedArrays } from '../../src/lint/typeService.js';
import { Workspace } from '../../src/lint/workspace.js';
import { abs, lintFiles } from './lint-harness.js';

const RULE = 'activity-input-type';
const REPO = path.resolve(__dirname, '../..');

/** The real declarations of durable-functions and @azure/functions, as the app's node_modules would hold them. */
const PACKAGES: Record<string, string> = (() => {
  const files: Record<string, string> = {};
  for (const name of ['durable-functions', '@azure/functions']) {
    const root = path.join(REPO, 'node_modules', name);
    files[`node_modules/${name}/package.json`] = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const file of fs.readdirSync(path.join(root, 'types'))) {
      if (file.endsWith('.d.ts'))
        files[`node_modules/${name}/types/${file}`] = fs.readFileSync(path.join(root, 'types', file), 'utf8');
    }
  }
  return files;
})();

function typed(files: Record<string, string>, target = 'orch.ts'): Finding[] {
  return lintFiles(files, target).filter((f) => f.rule === RULE);
}

/** An orchestrator calling `body`, and activities registered in acts.ts. */
function app(body: string, activities: string, header = ''): Record<string, string> {
  return {
    'orch.ts': `import * as df from 'durable-functions';\n${header}\ndf.app.orchestration('o', function* (context) {\n${body}\n});\n`,
    'acts.ts': `import * as df from 'durable-functions';\n${activities}\n`,
  };
}

function flags(body: string, activities: string, header = ''): Finding {
  const found = typed(app(body, activities, header));
  assert.equal(found.length, 1, `expected one finding on:\n${body}\n${activities}\n-> ${JSON.stringify(found)}`);
  return found[0]!;
}

function clean(body: string, activities: string, header = ''): void {
  const found = typed(app(body, activities, header));
  assert.deepEqual(
    found.map((f) => f.message),
    [],
    `expected no finding on:\n${body}\n${activities}`,
  );
}

const SAY_HELLO = "df.app.activity('sayHello', { handler: (name: string) => `Hello ${name}` });";
const SHIP =
  'interface Order { id: string; count: number; note?: string }\n' +
  "df.app.activity('ship', { handler: async (order: Order) => order.count });";

test('flags a literal of another kind, with the handler parameter as related location', () => {
  const finding = flags("yield context.df.callActivity('sayHello', 42);", SAY_HELLO);
  assert.equal(finding.severity, 'error');
  assert.equal(
    finding.message,
    "`callActivity('sayHello', 42)` passes number, but activity 'sayHello' takes string (acts.ts:2).",
  );
  assert.deepEqual(finding.range, { start: { line: 4, column: 43 }, end: { line: 4, column: 45 } });
  assert.equal(finding.related.length, 1);
  assert.equal(finding.related[0]!.file, abs('acts.ts'));
  assert.equal(finding.related[0]!.range.start.line, 2);
  assert.equal(finding.related[0]!.message, "activity 'sayHello' takes string");
});

test('flags object literals without a required property, or with a property of another kind', () => {
  assert.match(
    flags("yield context.df.callActivity('ship', { id: 'a' });", SHIP).message,
    /passes \{ id: string; \}, but activity 'ship' takes Order \(acts\.ts:3\): its `count` is missing\.$/,
  );
  assert.match(
    flags("yield context.df.callActivity('ship', { id: 'a', count: '3' });", SHIP).message,
    /its `count` is string, not number\.$/,
  );
  assert.match(
    flags("yield context.df.callActivity('ship', { id: 'a', count: 1, note: 5 });", SHIP).message,
    /its `note` is number, not string\.$/,
  );
});

test('flags variables, parameters and expressions of a certainly different type', () => {
  flags("const n = 5;\nyield context.df.callActivity('sayHello', n);", SAY_HELLO);
  flags("const ids = [1, 2];\nyield context.df.callActivity('sayHello', ids);", SAY_HELLO);
  flags("yield context.df.callActivity('sayHello', { name: 'x' });", SAY_HELLO);
  flags("yield context.df.callActivity('sayHello', 1 + 2);", SAY_HELLO);
  flags("yield context.df.callActivity('sayHello', true);", SAY_HELLO);
  flags(
    "const order: Order = { id: 'a', count: 1 };\nyield context.df.callActivity('sayHello', order);",
    SAY_HELLO,
    'interface Order { id: string; count: number }',
  );
  // Declared types: every member of a union is of another kind.
  flags("const v = context.df.isReplaying ? 1 : false;\nyield context.df.callActivity('sayHello', v);", SAY_HELLO);
  flags("function f(x: number | boolean) { return context.df.callActivity('sayHello', x); }\nyield f(1);", SAY_HELLO);
});

test('flags literals outside a union of literals, enums of another value and kind', () => {
  const paint = "df.app.activity('paint', { handler: (color: 'green' | 'blue') => color });";
  flags("yield context.df.callActivity('paint', 'red');", paint);
  flags("const c = 'red' as const;\nyield context.df.callActivity('paint', c);", paint);
  const level = "export enum Level { Low = 1, High = 2 }\ndf.app.activity('level', { handler: (l: Level) => l });";
  flags("yield context.df.callActivity('level', 'high');", level);
  flags("yield context.df.callActivity('level', 3);", level);
  // A literal written in an object literal passed as is: its value is known, though its type is widened.
  const order = "df.app.activity('order', { handler: (o: { kind: 'standard' | 'priority' }) => o });";
  assert.match(
    flags("yield context.df.callActivity('order', { kind: 'express' });", order).message,
    /its `kind` is "express", not "standard" \| "priority"\.$/,
  );
  clean("const o = { kind: 'express' };\nyield context.df.callActivity('order', o);", order);
});

test('flags arrays and tuples whose elements are certainly incompatible, and nested properties', () => {
  const sum = "df.app.activity('sum', { handler: (values: number[]) => values.length });";
  assert.match(flags("yield context.df.callActivity('sum', ['1', '2']);", sum).message, /passes string\[\]/);
  flags("const pair: [number, string] = [1, 'x'];\nyield context.df.callActivity('sum', pair);", sum);
  flags("yield context.df.callActivity('sum', 7);", sum);
  const nested =
    "df.app.activity('batch', { handler: (b: { items: { id: string; qty: number }[] }) => b.items.length });";
  assert.match(
    flags("yield context.df.callActivity('batch', { items: [{ id: 'a', qty: 'two' }] });", nested).message,
    /its `items\[\]\.qty` is string, not number\.$/,
  );
  const dictionary = "df.app.activity('dict', { handler: (d: Record<string, number>) => d });";
  flags("yield context.df.callActivity('dict', { a: 1, b: 'x' });", dictionary);
});

test('flags callActivityWithRetry and sub-orchestrations (input read with getInput<T>())', () => {
  const retry = 'const retry = new df.RetryOptions(1000, 3);';
  flags(`${retry}\nyield context.df.callActivityWithRetry('sayHello', retry, 42);`, SAY_HELLO);
  const child =
    'interface Job { id: string }\n' +
    "df.app.orchestration('child', function* (context) { const job = context.df.getInput<Job>(); return job.id; });";
  const subInput = flags("yield context.df.callSubOrchestrator('child', 5);", child);
  assert.match(subInput.message, /passes number, but orchestration 'child' takes Job \(acts\.ts:3\)/);
  flags("yield context.df.callSubOrchestratorWithRetry('child', new df.RetryOptions(1, 1), { id: 3 });", child);
  const annotated =
    'interface Job { id: string }\n' +
    "df.app.orchestration('child', function* (context) { const job: Job = context.df.getInput(); return job; });";
  flags("yield context.df.callSubOrchestrator('child', 'job-1');", annotated);
});

test('flags results declared as something the activity or sub-orchestrator certainly does not return', () => {
  const finding = flags("const n: number = yield context.df.callActivity('sayHello', 'x');", SAY_HELLO);
  assert.equal(finding.message, "`n` is declared number, but activity 'sayHello' returns string (acts.ts:2).");
  assert.equal(finding.related[0]!.message, "activity 'sayHello' returns string");
  // Awaited, and inferred when not declared.
  flags("const s: string = yield context.df.callActivity('ship', { id: 'a', count: 1 });", SHIP);
  flags(
    "const r: { id: string; total: number } = yield (context.df.callActivity('make'));",
    "df.app.activity('make', { handler: async () => ({ id: 'x' }) });",
  );
  flags(
    "const s: string = yield context.df.callSubOrchestrator('child');",
    "df.app.orchestration('child', function* () { return 42; });",
  );
});

test('flags calls anywhere they are written: helpers, callbacks, other files', () => {
  flags(
    "const tasks = [1, 2].map((n) => context.df.callActivity('sayHello', n));\nyield context.df.Task.all(tasks);",
    SAY_HELLO,
  );
  const files = {
    'helper.ts': "export function* step(ctx: any, n: number) { return yield ctx.df.callActivity('sayHello', n); }\n",
    'orch.ts':
      "import * as df from 'durable-functions';\nimport { step } from './helper';\n" +
      "df.app.orchestration('o', function* (context) { yield* step(context, 1); });\n",
    'acts/hello.ts': `import * as df from 'durable-functions';\nimport { greet } from './greet';\ndf.app.activity('sayHello', { handler: greet });\n`,
    'acts/greet.ts': 'export async function greet(name: string): Promise<string> { return name; }\n',
  };
  const found = typed(files, 'helper.ts');
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /takes string \(greet\.ts:1\)/);
  assert.equal(found[0]!.related[0]!.file, abs('acts/greet.ts'));
});

test('with the packages installed: typed contexts, getInput<T>(), ActivityHandler variables', () => {
  const files = {
    ...PACKAGES,
    'orch.ts':
      "import * as df from 'durable-functions';\n" +
      "df.app.orchestration('o', function* (context) {\n" +
      '  const input = context.df.getInput<{ count: number; name: string }>();\n' +
      "  yield context.df.callActivity('sayHello', input.count);\n" +
      "  yield context.df.callActivity('sayHello', input.name);\n" +
      "  yield context.df.callActivity('sayHello', context.df.instanceId);\n" +
      "  yield context.df.callActivity('sayHello', context.df.currentUtcDateTime);\n" +
      "  const n: number = yield context.df.callActivity('sayHello', 'x');\n" +
      '});\n',
    'acts.ts':
      "import * as df from 'durable-functions';\nimport type { ActivityHandler } from 'durable-functions';\n" +
      "import type { InvocationContext } from '@azure/functions';\n" +
      'const sayHello: ActivityHandler = (name: string, context: InvocationContext): string => {\n' +
      '  context.log(name);\n  return name;\n};\n' +
      "df.app.activity('sayHello', { handler: sayHello });\n",
  };
  const found = typed(files);
  assert.deepEqual(
    found.map((f) => f.range.start.line),
    [4, 8],
    found.map((f) => f.message).join('\n'),
  );
});

test('near misses: unknown types on either side are never reported', () => {
  clean("yield context.df.callActivity('sayHello', context.df.getInput());", SAY_HELLO); // no package types: any
  clean("const x: any = 5;\nyield context.df.callActivity('sayHello', x);", SAY_HELLO);
  clean("const x: unknown = 5;\nyield context.df.callActivity('sayHello', x);", SAY_HELLO);
  clean("yield context.df.callActivity('sayHello', 5 as any);", SAY_HELLO);
  clean("yield context.df.callActivity('sayHello', v);", SAY_HELLO, "import { v } from 'some-package';");
  clean("yield context.df.callActivity('sayHello', v);", SAY_HELLO, "import { v } from './missing';");
  clean("yield context.df.callActivity('sayHello', Buffer.from('x'));", SAY_HELLO); // @types/node is not loaded
  clean("yield context.df.callActivity('a', 42);", "df.app.activity('a', { handler: (input: any) => input });");
  clean("yield context.df.callActivity('a', 42);", "df.app.activity('a', { handler: (input: unknown) => input });");
  clean("yield context.df.callActivity('a', 42);", "df.app.activity('a', { handler: (input) => input });");
  clean("yield context.df.callActivity('a', 42);", "df.app.activity('a', { handler: (...args: string[]) => args });");
  clean(
    "yield context.df.callActivity('a', 42);",
    "import type { Payload } from 'contracts';\ndf.app.activity('a', { handler: (input: Payload) => input });",
  );
  clean(
    "yield context.df.callActivity('a', 42);",
    "df.app.activity('a', { handler: (input: Missing) => input });", // unresolved name: an error type
  );
  clean("yield context.df.callActivity('a', 42);", "df.app.activity('a', { handler: <T>(input: T) => input });");
  clean(
    "function* step<T>(ctx: any, value: T) { yield ctx.df.callActivity('sayHello', value); }\nyield* step(context, 1);",
    SAY_HELLO,
  );
});

test('near misses: null, undefined, optional and missing inputs are not certain mismatches', () => {
  clean(
    "const name = context.df.isReplaying ? undefined : 'x';\nyield context.df.callActivity('sayHello', name);",
    SAY_HELLO,
  );
  clean("yield context.df.callActivity('sayHello', null);", SAY_HELLO);
  clean("yield context.df.callActivity('sayHello', undefined);", SAY_HELLO);
  clean("yield context.df.callActivity('sayHello');", SAY_HELLO);
  clean("yield context.df.callActivity('ship', { id: 'a', count: 1, note: undefined });", SHIP);
  clean("yield context.df.callActivity('ship', { id: 'a', count: 1 });", SHIP); // optional note absent
  clean(
    "const o: { id: string; count: number | null } = { id: 'a', count: null };\nyield context.df.callActivity('ship', o);",
    SHIP,
  );
  clean(
    "yield context.df.callActivity('opt', 'x');",
    "df.app.activity('opt', { handler: (input?: string) => input });",
  );
});

test('near misses: structural subtyping, excess properties and spreads', () => {
  clean("yield context.df.callActivity('ship', { id: 'a', count: 1, extra: true });", SHIP);
  clean("const o = { id: 'a', count: 1, extra: [1] };\nyield context.df.callActivity('ship', o);", SHIP);
  // A declared type without `count` may still hold a value that has it.
  clean("const o: { id: string } = { id: 'a' };\nyield context.df.callActivity('ship', o);", SHIP);
  clean("const base: { id: string } = { id: 'a' };\nyield context.df.callActivity('ship', { ...base });", SHIP);
  // A literal kept in a variable may have been given more since (this compiles without noImplicitAny).
  clean(
    "const o = { id: 'a' };\n(o as Record<string, unknown>)['count'] = 3;\nyield context.df.callActivity('ship', o);",
    SHIP,
  );
  // Every property optional: any object fits.
  clean(
    "yield context.df.callActivity('opts', { b: 1 });",
    "df.app.activity('opts', { handler: (o: { a?: string }) => o });",
  );
  clean("yield context.df.callActivity('obj', { a: 1 });", "df.app.activity('obj', { handler: (o: object) => o });");
  clean("yield context.df.callActivity('obj', 'x');", "df.app.activity('obj', { handler: (o: {}) => o });");
});

test('near misses: wider values that may hold a fitting one, enums and brands', () => {
  const paint = "df.app.activity('paint', { handler: (color: 'green' | 'blue') => color });";
  clean("const c: string = context.df.instanceId;\nyield context.df.callActivity('paint', c);", paint);
  clean("yield context.df.callActivity('paint', 'green');", paint);
  clean("const c = context.df.isReplaying ? 'red' : 'green';\nyield context.df.callActivity('paint', c);", paint);
  clean(
    "yield context.df.callActivity('order', { kind: k });",
    "df.app.activity('order', { handler: (o: { kind: 'a' | 'b' }) => o });",
    'const k: string = String(1);',
  );
  const colors =
    "export enum Color { Red = 'red', Blue = 'blue' }\ndf.app.activity('color', { handler: (c: Color) => c });";
  clean("yield context.df.callActivity('color', 'red');", colors);
  const level = "export enum Level { Low = 1, High = 2 }\ndf.app.activity('level', { handler: (l: Level) => l });";
  clean("yield context.df.callActivity('level', 2);", level);
  const branded =
    "type UserId = string & { readonly __brand: 'UserId' };\n" +
    "df.app.activity('user', { handler: (id: UserId) => id });";
  clean("yield context.df.callActivity('user', 'u-1');", branded);
  clean("yield context.df.callActivity('sayHello', id);", SAY_HELLO, "const id = 'u' as string & { __brand: 1 };");
  clean("yield context.df.callActivity('tpl', 'x');", "df.app.activity('tpl', { handler: (s: string & {}) => s });");
  clean(
    "const s: string = 'x';\nyield context.df.callActivity('tpl', s);",
    "df.app.activity('tpl', { handler: (s: `id-${string}`) => s });",
  );
});

test('near misses: values JSON turns into something else (Date, toJSON, Map), functions and methods', () => {
  clean("yield context.df.callActivity('sayHello', context.df.currentUtcDateTime);", SAY_HELLO);
  clean("yield context.df.callActivity('sayHello', new Date(0));", SAY_HELLO);
  clean(
    "yield context.df.callActivity('sayHello', new Money(1));",
    SAY_HELLO,
    'class Money { constructor(readonly cents: number) {} toJSON() { return `${this.cents}`; } }',
  );
  clean("yield context.df.callActivity('sayHello', new Map<string, number>());", SAY_HELLO);
  clean(
    "yield context.df.callActivity('when', '2024-01-01T00:00:00Z');",
    "df.app.activity('when', { handler: (at: Date) => at });",
  );
  clean("yield context.df.callActivity('sayHello', () => 'x');", SAY_HELLO);
  clean(
    "yield context.df.callActivity('ship', new Shipment());",
    SHIP,
    'class Shipment { id = "a"; get count() { return 1; } }',
  );
  clean(
    "yield context.df.callActivity('ship', { id: 'a', count: 1, total() { return 2; } });",
    "df.app.activity('ship', { handler: (o: { id: string; count: number; total: string }) => o });",
  );
});

test('near misses: arrays, tuples and readonly arrays that fit', () => {
  const sum = "df.app.activity('sum', { handler: (values: number[]) => values.length });";
  clean("yield context.df.callActivity('sum', []);", sum);
  clean("yield context.df.callActivity('sum', [1, 2] as const);", sum);
  clean("const v: readonly number[] = [1];\nyield context.df.callActivity('sum', v);", sum);
  clean("const v: [number, number] = [1, 2];\nyield context.df.callActivity('sum', v);", sum);
  clean(
    "yield context.df.callActivity('list', { length: 1 });",
    "df.app.activity('list', { handler: (v: ArrayLike<number>) => v });",
  );
});

test('near misses: names that are computed, unknown, registered twice, and calls that are not durable', () => {
  clean('const name = context.df.getInput() as string;\nyield context.df.callActivity(name, 42);', SAY_HELLO);
  clean("yield context.df.callActivity('nobody', 42);", SAY_HELLO);
  clean(
    "yield context.df.callActivity('sayHello', 42);",
    `${SAY_HELLO}\ndf.app.activity('sayHello', { handler: (n: number) => n });`,
  );
  clean(
    "const notDf = { callActivity: (a: string, b: unknown) => [a, b] };\nnotDf.callActivity('sayHello', 42);",
    SAY_HELLO,
  );
  clean("yield context.df.callActivity('sayHello', 'x');", SAY_HELLO);
  clean("const s: string = yield context.df.callActivity('sayHello', 'x');", SAY_HELLO);
  // Overload signatures are not what runs; the implementation takes anything.
  clean(
    "yield context.df.callActivity('over', 42);",
    'function over(input: string): string;\nfunction over(input: unknown): unknown { return input; }\n' +
      "df.app.activity('over', { handler: over });",
  );
  // `this` is not the input.
  clean(
    "yield context.df.callActivity('self', 'x');",
    "df.app.activity('self', { handler: function (this: void, input: string) { return input; } });",
  );
});

test('near misses: results the caller does not declare, or that may fit', () => {
  clean("const n = yield context.df.callActivity('sayHello', 'x');", SAY_HELLO);
  clean("const n: unknown = yield context.df.callActivity('sayHello', 'x');", SAY_HELLO);
  clean(
    "const n: number = yield context.df.callActivity('log', 'x');",
    "df.app.activity('log', { handler: (s: string) => { void s; } });",
  );
  clean(
    "const n: number = yield context.df.callActivity('any', 'x');",
    "df.app.activity('any', { handler: (s: string): any => s });",
  );
  clean(
    "const n: string = yield context.df.callActivity('maybe', 'x');",
    "df.app.activity('maybe', { handler: async (s: string) => (s ? s : undefined) });",
  );
  clean(
    "const when: string = yield context.df.callActivity('now');",
    "df.app.activity('now', { handler: () => new Date(0) });", // a string once serialised
  );
  clean("const n = (yield context.df.callActivity('sayHello', 'x')) as number;", SAY_HELLO);
});

test('near misses: JavaScript is not checked; another app registers its own activity', () => {
  const js = {
    'orch.js':
      "const df = require('durable-functions');\n" +
      "df.app.orchestration('o', function* (context) { yield context.df.callActivity('sayHello', 42); });\n",
    'acts.ts': `import * as df from 'durable-functions';\n${SAY_HELLO}\n`,
  };
  assert.deepEqual(typed(js, 'orch.js'), []);
  const jsHandler = {
    'orch.ts':
      "import * as df from 'durable-functions';\n" +
      "df.app.orchestration('o', function* (context) { yield context.df.callActivity('sayHello', 42); });\n",
    'acts.js': "const df = require('durable-functions');\ndf.app.activity('sayHello', { handler: (name) => name });\n",
  };
  assert.deepEqual(typed(jsHandler), []);
  const apps = {
    'one/host.json': '{}',
    'one/orch.ts':
      "import * as df from 'durable-functions';\n" +
      "df.app.orchestration('o', function* (context) { yield context.df.callActivity('sayHello', 42); });\n",
    'one/acts.ts':
      "import * as df from 'durable-functions';\ndf.app.activity('sayHello', { handler: (n: number) => n });\n",
    'two/host.json': '{}',
    'two/acts.ts': `import * as df from 'durable-functions';\n${SAY_HELLO}\n`,
  };
  assert.deepEqual(typed(apps, 'one/orch.ts'), []);
});

test('a suppression comment silences it; the rule can be turned off', () => {
  const files = app(
    "// durable-lint-disable-next-line activity-input-type -- the activity accepts numbers too\nyield context.df.callActivity('sayHello', 42);",
    SAY_HELLO,
  );
  assert.deepEqual(typed(files), []);
  const map = new Map(
    Object.entries(app("yield context.df.callActivity('sayHello', 42);", SAY_HELLO)).map(([k, v]) => [abs(k), v]),
  );
  const linter = createLinter(
    { readFile: (f) => map.get(f), listFiles: () => [...map.keys()] },
    { rules: { [RULE]: 'warning' } },
  );
  assert.deepEqual(
    linter.lintFile(abs('orch.ts')).map((f) => [f.rule, f.severity]),
    [[RULE, 'warning']],
  );
  linter.configure({ rules: { [RULE]: 'off' } });
  assert.deepEqual(linter.lintFile(abs('orch.ts')), []);
});

test('the checker follows edits: the handler file, a type that appears, the call site', () => {
  const files = new Map<string, string>([
    [
      abs('orch.ts'),
      "import * as df from 'durable-functions';\nimport type { Input } from './types';\ndf.app.orchestration('o', function* (context) {\n  const input: Input = { n: 1 };\n  yield context.df.callActivity('a', input.n);\n});\n",
    ],
    [
      abs('acts.ts'),
      "import * as df from 'durable-functions';\ndf.app.activity('a', { handler: (s: number) => s });\n",
    ],
  ]);
  const linter = createLinter({ readFile: (f) => files.get(f), listFiles: () => [...files.keys()] });
  const lint = () =>
    linter
      .lintFile(abs('orch.ts'))
      .filter((f) => f.rule === RULE)
      .map((f) => f.message);
  assert.deepEqual(lint(), []); // Input is missing: an error type
  files.set(abs('types.ts'), 'export interface Input { n: number }\n');
  linter.invalidate(abs('types.ts'));
  assert.deepEqual(lint(), []); // number to number
  files.set(
    abs('acts.ts'),
    "import * as df from 'durable-functions';\ndf.app.activity('a', { handler: (s: string) => s });\n",
  );
  linter.invalidate(abs('acts.ts'));
  assert.equal(lint().length, 1);
  files.set(abs('types.ts'), 'export interface Input { n: string }\n');
  linter.invalidate(abs('types.ts'));
  assert.deepEqual(lint(), []);
  files.set(abs('orch.ts'), files.get(abs('orch.ts'))!.replace('input.n);', '42);'));
  linter.invalidate(abs('orch.ts'));
  assert.equal(lint().length, 1);
});

test('one program serves a lint of many files; an unrelated edit keeps it', () => {
  const map = new Map<string, string>();
  for (let i = 0; i < 5; i++) {
    map.set(
      abs(`orch${i}.ts`),
      `import * as df from 'durable-functions';\ndf.app.orchestration('o${i}', function* (context) { yield context.df.callActivity('a${i}', ${i}); });\n`,
    );
    map.set(
      abs(`act${i}.ts`),
      `import * as df from 'durable-functions';\ndf.app.activity('a${i}', { handler: (s: string) => s });\n`,
    );
  }
  map.set(abs('other.ts'), 'export const x = 1;\n');
  const workspace = new Workspace({ readFile: (f) => map.get(f) });
  const service = new TypeService(workspace);
  const linter = createLinter({ readFile: (f) => map.get(f), listFiles: () => [...map.keys()] });
  assert.equal(linter.lintFiles([...map.keys()]).filter((f) => f.rule === RULE).length, 5);
  // The same through the service directly: files asked for after one `want` share a program.
  service.want([...map.keys()].filter((file) => !file.endsWith('other.ts')));
  for (let i = 0; i < 5; i++) assert.ok(service.checkerFor([abs(`orch${i}.ts`), abs(`act${i}.ts`)]));
  assert.equal(service.builds, 1);
  workspace.invalidate(abs('other.ts'));
  service.invalidate(abs('other.ts'));
  assert.ok(service.checkerFor([abs('orch0.ts')]));
  assert.equal(service.builds, 1);
  workspace.invalidate(abs('act0.ts'));
  service.invalidate(abs('act0.ts'));
  assert.ok(service.checkerFor([abs('orch0.ts'), abs('act0.ts')]));
  assert.equal(service.builds, 2);
  // JavaScript and declaration files are never asked about.
  assert.equal(service.checkerFor([abs('x.js')]), undefined);
});

test('after an edit, one program serves the edited file and the other files linted lately (open files)', () => {
  const map = new Map<string, string>();
  for (let i = 0; i < 2; i++) {
    map.set(abs(`orch${i}.ts`), `export const x${i}: number = ${i};\n`);
    map.set(abs(`act${i}.ts`), `export const y${i}: string = '${i}';\n`);
  }
  const workspace = new Workspace({ readFile: (f) => map.get(f) });
  const service = new TypeService(workspace);
  const lint = (i: number) => {
    const files = [abs(`orch${i}.ts`), abs(`act${i}.ts`)];
    service.want(files, [`{ n${i}: number }`]);
    const checker = service.checkerFor(files, [`{ n${i}: number }`]);
    assert.ok(checker && service.typeOf(`{ n${i}: number }`));
  };
  lint(0);
  lint(1);
  assert.equal(service.builds, 2);
  map.set(abs('orch0.ts'), 'export const x0: number = 10;\n');
  workspace.invalidate(abs('orch0.ts'));
  service.invalidate(abs('orch0.ts'));
  lint(0);
  lint(1);
  assert.equal(service.builds, 3);
});

test('a checker that fails gives no finding, and is not asked again about the same text', () => {
  class Failing extends TypeService {
    calls = 0;
    override checkerFor(): ts.TypeChecker | undefined {
      this.calls++;
      throw new Error('Debug Failure.');
    }
  }
  const files = new Map(
    Object.entries(app("yield context.df.callActivity('sayHello', 42);", SAY_HELLO)).map(([k, v]) => [abs(k), v]),
  );
  const workspace = new Workspace({ readFile: (f) => files.get(f) });
  const resolver = new Resolver(workspace);
  const index = new AppIndex(workspace, resolver);
  index.add(files.keys());
  const types = new Failing(workspace);
  const rule = new InputTypes(workspace, resolver, index, types);
  assert.deepEqual(rule.issues(workspace.source(abs('orch.ts'))!), []);
  assert.deepEqual(rule.issues(workspace.source(abs('orch.ts'))!), []);
  assert.equal(types.calls, 1);
});

test('the lib the checker loads (es5 without typed arrays, es2015) has no dangling reference', () => {
  const libDir = findLibDirectory()!;
  const user = '/app/x.ts';
  const text =
    'export async function f(m: Map<string, number[]>, p: Promise<Date>, r: Record<string, unknown>) {\n' +
    '  const d = await p; const [first] = [...m.values()]; function* g() { yield 1; return first; }\n' +
    '  return { d, r, g: g(), s: Symbol.iterator, j: JSON.stringify(new ArrayBuffer(8)), n: Number.isInteger(1) };\n}\n';
  const options: ts.CompilerOptions = {
    lib: [...LIB_FILES],
    types: [],
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  host.getDefaultLibLocation = () => libDir;
  host.getSourceFile = (file) => {
    if (file === user) return ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
    let libText = fs.readFileSync(file, 'utf8');
    if (path.basename(file) === 'lib.es5.d.ts') libText = withoutTypedArrays(libText);
    return ts.createSourceFile(file, libText, ts.ScriptTarget.Latest);
  };
  const program = ts.createProgram([user], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
  assert.deepEqual(diagnostics, []);
  assert.ok(program.getSourceFiles().length > LIB_FILES.length, 'the lib references pulled more lib files');
});

test('without lib files there is no checker and no finding', () => {
  const workspace = new Workspace({ readFile: () => 'export {}' });
  const service = new TypeService(workspace, null);
  assert.equal(service.available, false);
  assert.equal(service.checkerFor([abs('a.ts')]), undefined);
  assert.ok(findLibDirectory(), 'the typescript package has its lib files');
  for (const file of LIB_FILES) assert.ok(fs.existsSync(path.join(findLibDirectory()!, file)), file);
});

/** The type of `source` passed as an argument, and of `target` declared as a type, for the relation alone. */
function relation(source: string, target: string, prelude = ''): boolean {
  const text = `export {};\n${prelude}\ntype Target = ${target};\ndeclare function use(value: unknown): void;\nuse(${source});\n`;
  const workspace = new Workspace({ readFile: (f) => (f === abs('rel.ts') ? text : undefined) });
  const checker = new TypeService(workspace).checkerFor([abs('rel.ts')])!;
  const sf = workspace.source(abs('rel.ts'))!.sf;
  let targetType: ts.Type | undefined;
  let sourceType: ts.Type | undefined;
  for (const statement of sf.statements) {
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === 'Target')
      targetType = checker.getTypeFromTypeNode(statement.type);
    if (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression))
      sourceType = checker.getTypeAtLocation(statement.expression.arguments[0]!);
  }
  return certainMismatch(checker, sourceType!, targetType!) !== undefined;
}

test('the relation: certain mismatches and values that may fit', () => {
  const certain: [string, string, string?][] = [
    ['42', 'string'],
    ["'a'", 'number'],
    ["'a'", "'b' | 'c'"],
    ['true', 'false'],
    ['1n', 'number'],
    ['[1]', 'string[]'],
    ["{ a: 'x' }", '{ a: string; b: number }'],
    ['{ a: 1 }', '{ a: string }'],
    ["{ a: 'x' }", 'string[]'],
    ['[1]', '{ id: string }'],
    ["'x'", 'object'],
    ['{ a: { b: 1 } }', '{ a: { b: string } }'],
    ["{ k: 'c' }", "{ k: 'a' } | { k: 'b' }"],
    ["'abc'", '`id-${string}`'],
    ['null! as number | boolean', 'string'],
    ['null! as { id: number }', '{ id: string }'],
  ];
  const fits: [string, string, string?][] = [
    ['null! as string', "'a' | 'b'"],
    ['null! as string | number', 'string'],
    ['null! as string | undefined', 'string'],
    ['null', 'string'],
    ['null! as { id: string }', '{ id: string; n: number }'],
    ["{ a: 'x', extra: 1 }", '{ a: string }'],
    ['[]', 'string[]'],
    ['null! as any', 'string'],
    ['null! as unknown', 'string'],
    ['new Date()', 'string'],
    ["'2020-01-01'", 'Date'],
    ['null! as Map<string, number>', 'Record<string, number>'],
    ["'red'", 'Color', "enum Color { Red = 'red' }"],
    ['1', 'Level', 'enum Level { A = 1 }'],
    ["'x'", "string & { __brand: 'B' }"],
    ['null! as { a?: number }', '{ a?: number }'],
    ['{}', '{ a?: string }'],
    ['(x: number) => x', 'string'],
    ['null! as symbol', 'string'],
    ['null! as object', 'string'],
    ['null! as never', 'string'],
  ];
  for (const [source, target, prelude] of certain)
    assert.equal(relation(source, target, prelude), true, `${source} -> ${target}`);
  for (const [source, target, prelude] of fits)
    assert.equal(relation(source, target, prelude), false, `${source} -> ${target}`);
});
