/**
 * The determinism policy's rule catalogue, as data: one entry per rule id with what it flags, why, the fix and a
 * flagged example next to a near miss. docs/lint-rules.md is generated from it (`renderRuleCatalogue`), the SARIF
 * output lists it, and the linter takes default severities from it. The banned APIs themselves are in bannedApis.ts.
 */
import type { RuleId, Severity } from './api.js';

export interface RuleInfo {
  readonly id: RuleId;
  /** One line, as SARIF's shortDescription and the docs' heading. */
  readonly title: string;
  /** Errors are real replay hazards; warnings are very likely bugs that may be harmless. */
  readonly defaultSeverity: Severity;
  readonly flags: string;
  readonly why: string;
  readonly fix: string;
  /** The quick fixes offered, or why there is none. */
  readonly quickFix: string;
  /** Orchestrator code the rule flags, and code it leaves alone. */
  readonly example: string;
  readonly nearMiss: string;
}

/** A mapped type: a rule id without an entry does not compile. */
export const RULES: { readonly [K in RuleId]: RuleInfo & { readonly id: K } } = {
  'no-current-time': {
    id: 'no-current-time',
    title: 'Orchestrators must not read the clock',
    defaultSeverity: 'error',
    flags:
      '`Date.now()`, `new Date()` without arguments, `Date()` called as a function (it always returns the current ' +
      'time), `performance.now()` (also from `perf_hooks`), `process.hrtime()`, `process.hrtime.bigint()`, `process.uptime()`.',
    why:
      'An orchestrator runs again from the start on every replay. The clock gives a different value each time, so ' +
      'decisions based on it (deadlines, timer dates, branches) change between replays and the history no longer matches.',
    fix: 'Use `context.df.currentUtcDateTime`: the time recorded in the history, the same on every replay.',
    quickFix:
      '`Date.now()` becomes `context.df.currentUtcDateTime.getTime()`, `new Date()` becomes ' +
      '`new Date(context.df.currentUtcDateTime)` and `Date()` becomes `context.df.currentUtcDateTime.toString()`. ' +
      'None for `performance.now()` and `process.hrtime()` (they measure durations, which have no replay-safe equivalent).',
    example: 'const deadline = new Date(Date.now() + 60_000);',
    nearMiss: 'const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60_000); // new Date(ms) is fine',
  },
  'no-random': {
    id: 'no-random',
    title: 'Orchestrators must not use random values or random ids',
    defaultSeverity: 'error',
    flags:
      '`Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()`, `randomBytes`/`randomInt`/`randomFill`/' +
      '`randomUUID` from `crypto`, the `uuid` package (`v1`, `v4`, `v6`, `v7`), `nanoid`, `ulid`, `cuid` and similar.',
    why: 'A random value differs on every replay, so anything computed from it (ids passed to activities, branches) changes.',
    fix:
      'For ids, `context.df.newGuid(context.df.instanceId)` (deterministic: derived from the instance id, the ' +
      'orchestration time and a counter). For other random values, generate them in an activity and yield its result.',
    quickFix:
      '`crypto.randomUUID()`, `randomUUID()` and uuid `v4()`/`v1()`/`v6()`/`v7()` without arguments become ' +
      '`context.df.newGuid(context.df.instanceId)`. None for `Math.random()` and random bytes.',
    example: 'const orderId = crypto.randomUUID();\nconst pick = items[Math.floor(Math.random() * items.length)];',
    nearMiss:
      "const orderId = context.df.newGuid(context.df.instanceId);\nconst id = uuidv5('order', NAMESPACE); // name-based",
  },
  'no-timers': {
    id: 'no-timers',
    title: 'Orchestrators must wait with durable timers',
    defaultSeverity: 'error',
    flags:
      '`setTimeout`, `setInterval`, `setImmediate`, the `timers` and `timers/promises` modules, and sleep helpers ' +
      '(`delay`, `sleep-promise`, ...).',
    why:
      'A JavaScript timer is not in the history: the orchestrator is unloaded while it waits for durable work, and ' +
      'on replay the callback runs at a different point, or never.',
    fix: 'Yield a durable timer: `yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms))`.',
    quickFix:
      '`await new Promise((resolve) => setTimeout(resolve, ms))`, `await setTimeout(ms)` (from `timers/promises`) ' +
      'and `await delay(ms)` in a generator orchestrator become ' +
      '`yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + ms))`. Other uses have no quick ' +
      'fix (a callback has to be restructured into code after the yield).',
    example: 'await new Promise((resolve) => setTimeout(resolve, 5000));',
    nearMiss: 'yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5000));',
  },
  'no-io': {
    id: 'no-io',
    title: 'Orchestrators must not do I/O',
    defaultSeverity: 'error',
    flags:
      "`fetch`, `XMLHttpRequest`, `WebSocket`, Node's `http`, `https`, `http2`, `net`, `tls`, `dgram`, `dns`, `fs`, " +
      '`child_process`, `worker_threads`, HTTP clients (`axios`, `node-fetch`, `got`, ...), database and cloud SDKs ' +
      '(`pg`, `mongodb`, `redis`, `@azure/*` except `@azure/functions`, `@aws-sdk/*`, ...) and `df.getClient`. ' +
      'The full list is `IO_MODULES` in src/lint/bannedApis.ts.',
    why:
      'I/O results differ between replays (and the I/O itself is repeated on every replay), and a slow call blocks ' +
      'the orchestrator. Results must come from the history.',
    fix:
      'Move the I/O into an activity and `yield context.df.callActivity(...)` it; for plain HTTP, ' +
      '`yield context.df.callHttp({ method, url })` records the response in the history.',
    quickFix: 'None: the code has to move into an activity.',
    example: "const res = await fetch('https://example.com/api');",
    nearMiss: "const res = yield context.df.callHttp({ method: 'GET', url: 'https://example.com/api' });",
  },
  'no-env': {
    id: 'no-env',
    title: 'Orchestrators should not read process.env',
    defaultSeverity: 'warning',
    flags: '`process.env` reads (`process.env.X`, `process.env[name]`, destructuring).',
    why:
      'App settings can change between replays (a redeploy, a slot swap), so an orchestrator that branches on one ' +
      'can take a different path on replay than the one recorded.',
    fix: 'Pass configuration as the orchestration input, or read it in an activity and yield its result.',
    quickFix: 'None.',
    example: "if (process.env.FEATURE_X === 'on') { ... }",
    nearMiss: 'const { featureX } = context.df.getInput(); // read the setting in the HTTP starter and pass it in',
  },
  'no-async-orchestrator': {
    id: 'no-async-orchestrator',
    title: 'Orchestrators must be generator functions, not async',
    defaultSeverity: 'error',
    flags: 'An orchestrator written as an `async` function or `async function*`.',
    why:
      '`durable-functions` drives orchestrators as generators: it records each yielded durable task and resumes the ' +
      'generator with its result. An async function returns a promise, so nothing is recorded, and awaited work is ' +
      'redone (or lost) on every replay.',
    fix: 'Write `function* (context) { ... }` and `yield` durable tasks instead of awaiting them.',
    quickFix:
      'Turns the function into `function*` (an arrow becomes a `function*` expression, an async method a `*` method) ' +
      'and every `await` of a durable task into `yield`; offered only when every `await` is on a durable task.',
    example: "df.app.orchestration('o', async (context) => { await context.df.callActivity('a'); });",
    nearMiss: "df.app.orchestration('o', function* (context) { yield context.df.callActivity('a'); });",
  },
  'no-await': {
    id: 'no-await',
    title: 'Orchestrators must yield, not await',
    defaultSeverity: 'error',
    flags: '`await` in orchestrator code (also in callbacks inside it).',
    why:
      'Awaiting a durable task bypasses the replay machinery (the task is never scheduled), and awaiting any other ' +
      'promise waits for non-durable work that is repeated, with possibly different results, on every replay.',
    fix: 'Yield durable tasks (`yield context.df.callActivity(...)`); move other asynchronous work into an activity.',
    quickFix:
      '`await task` becomes `yield task` when the operand is a durable task and the await is directly in a generator ' +
      'orchestrator; `await Promise.all([tasks])` becomes `yield context.df.Task.all([tasks])`.',
    example: "const result = await context.df.callActivity('a');",
    nearMiss: "const result = yield context.df.callActivity('a');",
  },
  'unyielded-task': {
    id: 'unyielded-task',
    title: 'Durable tasks must be yielded',
    defaultSeverity: 'error',
    flags:
      'A durable task (`callActivity*`, `callSubOrchestrator*`, `callEntity`, `callHttp`, `createTimer`, ' +
      '`waitForExternalEvent`, `lock`, `Task.all`/`any`, a registered activity called as a function) created as a ' +
      'statement on its own, or stored in a variable that is never yielded, passed on, returned or put in a collection.',
    why:
      '`durable-functions` schedules a task when it is yielded: a task that is never yielded never runs, and code ' +
      'after it does not wait for it.',
    fix: 'Yield it, or collect it and yield `context.df.Task.all(tasks)`.',
    quickFix: 'A task statement directly in a generator orchestrator gets `yield ` in front of it.',
    example: "context.df.callActivity('sendEmail', to);",
    nearMiss:
      "yield context.df.callActivity('sendEmail', to);\ncontext.df.signalEntity(id, 'add', 1); // fire and forget",
  },
  'no-promise-combinators': {
    id: 'no-promise-combinators',
    title: 'Use context.df.Task.all/any, not Promise combinators',
    defaultSeverity: 'error',
    flags: '`Promise.all`, `Promise.race`, `Promise.any`, `Promise.allSettled` in orchestrator code.',
    why:
      'Durable tasks are not promises: `Promise.all` over them never schedules them, and over real promises it waits ' +
      'for non-durable work. Only `context.df.Task.all` and `Task.any` are recorded in the history.',
    fix: '`yield context.df.Task.all(tasks)` (all) or `yield context.df.Task.any(tasks)` (first to complete).',
    quickFix:
      'When the argument is recognisably durable tasks: `Promise.all` becomes `context.df.Task.all`, `Promise.race` ' +
      'and `Promise.any` become `context.df.Task.any`. None for `allSettled` (no durable equivalent: catch failures ' +
      'in the tasks instead).',
    example: 'const results = yield Promise.all(tasks);',
    nearMiss: 'const results = yield context.df.Task.all(tasks);',
  },
  'yield-non-task': {
    id: 'yield-non-task',
    title: 'Only durable tasks may be yielded',
    defaultSeverity: 'error',
    flags:
      'Yielding something that is clearly not a durable task: a literal, an array or object literal, `await ...`, ' +
      '`new ...`, a function, a call of an `async` function, `Promise.resolve/reject`, an I/O call, or a ' +
      'fire-and-forget API (`signalEntity`, `continueAsNew`, `setCustomStatus`, ...). Unknown calls are not flagged.',
    why:
      '`durable-functions` fails the orchestration with "Orchestration yielded data of type ..." when the yielded ' +
      'value is not a durable task.',
    fix: 'Yield a durable task; do other work in an activity; call fire-and-forget APIs without `yield`.',
    quickFix:
      '`yield [task1, task2]` becomes `yield context.df.Task.all([task1, task2])`; `yield context.df.signalEntity(...)` ' +
      '(and the other fire-and-forget APIs) loses its `yield`.',
    example: "yield context.df.signalEntity(id, 'add', 1);\nyield [first, second];",
    nearMiss: 'const result = yield callMyActivity(context); // an unknown call is given the benefit of the doubt',
  },
  'no-shared-state-write': {
    id: 'no-shared-state-write',
    title: 'Orchestrators should not write module-level state',
    defaultSeverity: 'warning',
    flags:
      'Assignments, `++`/`--`, `delete` and mutating method calls (`push`, `set`, `add`, `splice`, ...) on ' +
      'module-level variables (or bindings imported from workspace files), from orchestrator code.',
    why:
      'Module state lives as long as the worker process, not the orchestration: it is shared by every instance and ' +
      'kept across replays, so a replay sees what earlier runs left there.',
    fix: 'Keep state in local variables (rebuilt on every replay), in the orchestration input/output, or in a durable entity.',
    quickFix: 'None.',
    example: 'let processed = 0;\n// in the orchestrator:\nprocessed++;',
    nearMiss: 'let processed = 0; // a local inside the orchestrator\nprocessed++;',
  },
  'unknown-function': {
    id: 'unknown-function',
    title: 'Called functions must be registered',
    defaultSeverity: 'error',
    flags:
      "`callActivity`, `callActivityWithRetry`, `callSubOrchestrator(WithRetry)`, a durable client's `startNew` and " +
      '`new df.EntityId(name, key)` naming an activity, orchestration or entity that no file of the workspace registers ' +
      'with `df.app.activity`, `df.app.orchestration` or `df.app.entity`. Names count when they are literals, constants, ' +
      'members of constant objects or enums (imported too); names computed at run time are not checked. Names are ' +
      'compared ignoring case, as the Functions host does.',
    why:
      "The call compiles and the orchestration starts, then fails at run time (\"The function 'sayHelo' doesn't exist, " +
      'is disabled, or is not an activity function"), often minutes into a long workflow.',
    fix:
      'Fix the name, or register the function. Functions registered by other means (a shared package) are declared in ' +
      'the `durableStudio.lint.knownFunctions` setting or with `--known activity:name` on the command line. The rule ' +
      'stays silent for a kind the workspace registers nothing of by a static name, and when only some files are ' +
      'indexed (the CLI indexes the whole app around the paths it lints: the folder with host.json or package.json).',
    quickFix:
      'When a registered name is close (a few edits apart): "Change to \'sayHello\'", on the literal that spells it.',
    example: "yield context.df.callActivity('sayHelo', name); // registered: df.app.activity('sayHello', ...)",
    nearMiss:
      "yield context.df.callActivity(ACTIVITIES.sayHello, name); // const ACTIVITIES = { sayHello: 'sayHello' }\n" +
      'yield context.df.callActivity(input.step, name); // computed at run time: not checked',
  },
  'unknown-entity-operation': {
    id: 'unknown-entity-operation',
    title: 'Entity operations must be handled by the entity',
    defaultSeverity: 'error',
    flags:
      '`callEntity(id, operation)` and `signalEntity(id, operation)` (on `context.df` or a durable client) where `id` ' +
      'is a `new df.EntityId(name, key)` with a static name and the entity function registered under that name ' +
      'handles a known set of operations without this one: a `switch` on `context.df.operationName` with static cases, ' +
      'or an `if` chain of `operationName === ...` tests that ends the function.',
    why:
      'The operation reaches the entity and matches nothing: a signal is silently dropped (or fails in the entity), a ' +
      'call waits for a result that never makes sense. Operation names are compared exactly, case included.',
    fix:
      'Fix the operation name, or handle it in the entity. An entity whose `default` (or final `else`) does anything ' +
      'but `throw`, or that uses the operation name any other way (a lookup table), handles any name and is never reported.',
    quickFix: 'When a handled operation is close: "Change to \'add\'".',
    example:
      "const id = new df.EntityId('counter', 'c1');\ncontext.df.signalEntity(id, 'ad', 1); // counter handles 'add', 'reset', 'get'",
    nearMiss:
      "context.df.signalEntity(id, 'add', 1);\ncontext.df.signalEntity(id, input.operation); // computed: not checked",
  },
  'activity-input-type': {
    id: 'activity-input-type',
    title: "Inputs and results must fit the called function's types",
    defaultSeverity: 'error',
    flags:
      'In TypeScript files, checked with the TypeScript type checker: the input passed to `callActivity`, ' +
      '`callActivityWithRetry`, `callSubOrchestrator(WithRetry)` that is certainly incompatible with what the called ' +
      "function declares it takes (an activity handler's first parameter annotation, a sub-orchestrator's " +
      '`getInput<T>()`), and `const x: T = yield context.df.callActivity(...)` where `T` is certainly incompatible with ' +
      "what the activity returns (awaited, declared or inferred) or the sub-orchestrator's generator returns. Certainly " +
      "incompatible: different kinds (a number where a string is taken), a literal that fails (`'red'` where " +
      "`'green' | 'blue'` is taken), an object literal without a property the target requires, a property or array " +
      'element certainly incompatible in turn; for unions, every member. Only calls whose name is static and registered ' +
      'once in the app, with a handler in a TypeScript file.',
    why:
      'Inputs and results cross a JSON boundary typed `unknown` (`callActivity(name, input?: unknown)`), so the ' +
      'compiler does not see that the orchestration and the activity disagree; the activity then works on a value of ' +
      'the wrong shape, fails or returns nonsense, and the orchestration finds out at run time, often after the ' +
      'history already holds the bad call.',
    fix: "Pass what the function takes (or read the result as what it returns), or change the handler's declared type.",
    quickFix: 'None: which side is wrong is a decision.',
    example:
      "yield context.df.callActivity('sayHello', 42); // df.app.activity('sayHello', { handler: (name: string) => ... })\n" +
      "const n: number = yield context.df.callActivity('getName', id); // getName returns Promise<string>",
    nearMiss:
      "yield context.df.callActivity('sayHello', input.name); // input: any, unknown or string | undefined\n" +
      "yield context.df.callActivity('ship', { ...order, extra: 1 }); // extra properties are ignored",
  },
};

/** In catalogue order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}
