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
      'time), `performance.now()` (also from `perf_hooks`), `process.hrtime()`, `process.hrtime.bigint()`; and date ' +
      'libraries asked for the current time: `moment()`, `moment.utc()`, `moment.now()`, `moment.tz(zone)`, ' +
      '`dayjs()`, `dayjs.utc()` (without arguments), luxon `DateTime.now()`, `DateTime.local()`/`DateTime.utc()` ' +
      'without a date, `Settings.now()`, date-fns functions that compare with or return today (`isToday`, `isPast`, ' +
      '`isFuture`, `isThisWeek`, `formatDistanceToNow`, `startOfToday`, `endOfToday`, ...), lodash/underscore ' +
      '`_.now()`, and methods that measure from now (`moment(d).fromNow()`, `dayjs(d).isBefore()` without an ' +
      'argument, luxon `dt.diffNow()`, `dt.toRelative()`).',
    why:
      'An orchestrator runs again from the start on every replay. The clock gives a different value each time, so ' +
      'decisions based on it (deadlines, timer dates, branches) change between replays and the history no longer matches.',
    fix: 'Use `context.df.currentUtcDateTime`: the time recorded in the history, the same on every replay.',
    quickFix:
      '`Date.now()` becomes `context.df.currentUtcDateTime.getTime()`, `new Date()` becomes ' +
      '`new Date(context.df.currentUtcDateTime)` and `Date()` becomes `context.df.currentUtcDateTime.toString()`. ' +
      '`moment()`, `moment.utc()`, `dayjs()` and `dayjs.utc()` get `context.df.currentUtcDateTime` as their argument; ' +
      'luxon `DateTime.now()`/`local()`/`utc()` become `DateTime.fromJSDate(context.df.currentUtcDateTime)` (in UTC ' +
      'for `utc()`); `moment.now()` and `_.now()` become `context.df.currentUtcDateTime.getTime()`. ' +
      'None for `performance.now()` and `process.hrtime()` (they measure durations, which have no replay-safe ' +
      'equivalent) nor for the date-fns functions.',
    example: "const deadline = new Date(Date.now() + 60_000);\nconst label = moment().format('YYYY-MM-DD');",
    nearMiss:
      'const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60_000); // new Date(ms) is fine\n' +
      'const start = DateTime.fromJSDate(context.df.currentUtcDateTime); const due = dayjs(input.due);',
  },
  'no-random': {
    id: 'no-random',
    title: 'Orchestrators must not use random values or random ids',
    defaultSeverity: 'error',
    flags:
      '`Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()`, `randomBytes`/`randomInt`/`randomFill`/' +
      '`randomUUID` from `crypto`, the `uuid` package (`v1`, `v4`, `v6`, `v7`), `nanoid`, `ulid`, `cuid` and similar; ' +
      'lodash/underscore `random`, `shuffle`, `sample`, `sampleSize` and `uniqueId` (a process-wide counter), from ' +
      '`lodash`, `lodash-es`, `lodash/random`, `lodash.random` alike; `@faker-js/faker` and `faker` (unless seeded ' +
      'with `faker.seed(value)` earlier in the same function); `chance` (`new Chance()`, and a module-level ' +
      '`Chance`, seeded or not, whose state carries over between replays).',
    why: 'A random value differs on every replay, so anything computed from it (ids passed to activities, branches) changes.',
    fix:
      'For ids, `context.df.newGuid(context.df.instanceId)` (deterministic: derived from the instance id, the ' +
      'orchestration time and a counter). For other random values, generate them in an activity and yield its result.',
    quickFix:
      '`crypto.randomUUID()`, `randomUUID()` and uuid `v4()`/`v1()`/`v6()`/`v7()` without arguments become ' +
      '`context.df.newGuid(context.df.instanceId)`. None for `Math.random()` and random bytes.',
    example: 'const orderId = crypto.randomUUID();\nconst pick = items[Math.floor(Math.random() * items.length)];',
    nearMiss:
      "const orderId = context.df.newGuid(context.df.instanceId);\nconst id = uuidv5('order', NAMESPACE); // name-based\n" +
      'const chance = new Chance(context.df.instanceId); // seeded here, so repeatable\nconst sorted = _.sortBy(items);',
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
  'no-host-state': {
    id: 'no-host-state',
    title: 'Orchestrators should not depend on the process or the host',
    defaultSeverity: 'warning',
    flags:
      '`process.nextTick`, `queueMicrotask`, `new WeakRef`, `new FinalizationRegistry`, `process.pid`, ' +
      '`process.ppid`, `process.uptime()`, `process.memoryUsage()`, `process.cpuUsage()`, `process.resourceUsage()`, ' +
      '`performance.timeOrigin`, `performance.eventLoopUtilization()`, and from `os`: `hostname()`, ' +
      '`networkInterfaces()`, `uptime()`, `freemem()`, `loadavg()`, `cpus()`; `v8.getHeapStatistics()`.',
    why:
      'Each replay can run in another worker process or on another host (scale-out, restarts), so the process id, ' +
      'the host name and its addresses differ between replays; uptime, memory, CPU and load figures differ on every ' +
      'call. `process.nextTick` and `queueMicrotask` callbacks run after durable-functions has replayed the ' +
      'orchestrator and taken its actions, so what they do is never recorded. `WeakRef.deref()` and ' +
      '`FinalizationRegistry` callbacks depend on when the garbage collector runs. It is a warning, not an error: ' +
      'unlike the clock, the process and host facts stay the same while the orchestration stays in one worker, and ' +
      'they are mostly logged rather than used for decisions. `process.argv`, `os.platform()` and the like are the ' +
      'same on every worker of an app and are not flagged.',
    fix:
      'Read host facts in an activity and yield its result; run follow-up work as durable tasks (or directly, ' +
      'before the next `yield`); keep plain references instead of `WeakRef`.',
    quickFix: 'None.',
    example: "const worker = `${os.hostname()}:${process.pid}`;\nprocess.nextTick(() => context.log('done'));",
    nearMiss: "const worker = yield context.df.callActivity('describeHost'); // an activity may read the host",
  },
  'overwritten-export': {
    id: 'overwritten-export',
    title: 'Orchestrators exported on module.exports must not be overwritten',
    defaultSeverity: 'error',
    flags:
      'In a file that defines or registers orchestrators: `module.exports.name = ...` (or `exports.name = ...`) of a ' +
      'generator function or orchestrator, followed later at the top level by `module.exports = ...`, which ' +
      'replaces the whole exports object; and `exports.name = ...` after `module.exports = ...` (`exports` still ' +
      'points at the old object). The same order the other way round (`module.exports = f` first, then ' +
      '`module.exports.name = g`, which adds `name` to `f`) and an overwrite that keeps the old exports ' +
      '(`module.exports = { ...module.exports, other }`, or an object that has `name` again) are fine.',
    why:
      'The function assigned first is no longer exported: a file that requires the module and registers ' +
      '`require(...).name` registers `undefined` (the app fails at start-up), or a registration through ' +
      '`module.exports.name` after the overwrite picks up whatever the new object holds under that name.',
    fix:
      'Assign `module.exports` once, with every export (`module.exports = { orchestrator, other }`), or assign the ' +
      'whole object first and add named exports after it with `module.exports.name = ...`.',
    quickFix: 'None.',
    example:
      'module.exports.helloOrchestrator = function* (context) { ... };\nmodule.exports = function* other(context) { ... };',
    nearMiss:
      'module.exports = function* main(context) { ... };\nmodule.exports.helloOrchestrator = function* (context) { ... };',
  },
  'no-shared-state-read': {
    id: 'no-shared-state-read',
    title: 'Orchestrators should not read module-level state that other code changes',
    defaultSeverity: 'warning',
    flags:
      'Reading, from orchestrator code, a module-level `let`/`var` that some function assigns, or a module-level ' +
      'object, array, `Map` or `Set` that some function mutates (`push`, `set`, `x.y = ...`, `delete`, ...), in the ' +
      'file that declares it or in the file that reads it (imports from workspace files included). Reported once ' +
      'per variable and orchestrator, at the first read. A module-level value only changed while the module loads ' +
      '(top-level code, or a function that only top-level code calls), constants, configuration objects nobody mutates, functions, classes and packages are not ' +
      'flagged; neither is a variable the orchestrator itself writes (`no-shared-state-write` reports that).',
    why:
      'Module state lives as long as the worker process: activities, HTTP functions and other orchestrations ' +
      'change it between replays, so a replay can read another value than the first run did and take another path.',
    fix: 'Pass the value in the orchestration input, get it from an activity (recorded in the history), or keep it in a durable entity.',
    quickFix: 'None.',
    example:
      'let maintenance = false; // set by an HTTP function: export function setMaintenance(on) { maintenance = on; }\n' +
      '// in the orchestrator:\nif (maintenance) return;',
    nearMiss:
      'const LIMITS = { retries: 3 }; // never changed\n// in the orchestrator:\nconst retries = LIMITS.retries;',
  },
  'uncancelled-timer': {
    id: 'uncancelled-timer',
    title: 'Timers raced in Task.any must be cancelled when another task wins',
    defaultSeverity: 'warning',
    flags:
      'A timer (`context.df.createTimer`, in a variable or written inline) raced in ' +
      '`yield context.df.Task.any([...])`, when some path where another task won reaches the end of the ' +
      'orchestrator (a `return` or the end of the function) without `timer.cancel()`. Understood: ' +
      '`winner === task` and `!==` tests, `timer.isCompleted`, a cancel before or inside the branch, early returns, ' +
      'loops, `yield timer` and `continueAsNew` (which discards the timer). Code it cannot follow (the timer passed ' +
      'to a function or stored, a test of the winner it does not understand, a `try` around the race) is not reported.',
    why:
      'durable-functions documents that "all pending timers must be completed or canceled for an orchestration to ' +
      'complete" (TimerTask reference), and the Durable extension keeps the instance in the Running state after ' +
      'the orchestrator function has returned, until the timer fires (CreateTimer remarks). A 72-hour approval ' +
      'timeout keeps an approved request Running for 72 hours, and whatever waits for it to complete (a parent ' +
      'orchestration, a client polling its status) waits as long.',
    fix:
      'Cancel the timer where another task won: `if (winner === approval) { timeout.cancel(); ... }`, or ' +
      '`if (!timeout.isCompleted) timeout.cancel();` before returning.',
    quickFix:
      'Inserts `timer.cancel();` at the start of the branch where another task won (a single-statement branch gets ' +
      'braces), when one such place covers every path. None for a timer written inline in the array.',
    example:
      'const timeout = context.df.createTimer(deadline);\n' +
      'const winner = yield context.df.Task.any([approval, timeout]);\n' +
      "if (winner === approval) return 'approved'; // timeout still pending\n" +
      "return 'timed out';",
    nearMiss:
      'const winner = yield context.df.Task.any([approval, timeout]);\n' +
      "if (winner === approval) { timeout.cancel(); return 'approved'; }\n" +
      "return 'timed out';",
  },
  'unbounded-history': {
    id: 'unbounded-history',
    title: 'Endless loops must restart with continueAsNew',
    defaultSeverity: 'warning',
    flags:
      'A loop that never ends (`while (true)`, `for (;;)`, `do ... while (true)`, with no `break`, `return` or ' +
      '`throw` that leaves it) and yields durable tasks, with no `continueAsNew` in it or in a workspace function ' +
      'it calls.',
    why:
      'Every yielded task adds events to the orchestration history, and the orchestrator replays the whole history ' +
      'each time it wakes up. The Durable Functions documentation on eternal orchestrations warns that an ' +
      'orchestrator in an infinite loop that keeps scheduling work makes the history grow critically large and ' +
      'causes significant performance problems: replays get slower, memory grows, and the instance eventually fails.',
    fix:
      'Write an eternal orchestration: do one round of work, `yield` it, then call ' +
      '`context.df.continueAsNew(nextInput)` and `return`. The instance restarts with the same id and an empty history.',
    quickFix: 'None (the loop has to become a restart).',
    example: "while (true) {\n  yield context.df.callActivity('cleanup');\n  yield context.df.createTimer(nextRun);\n}",
    nearMiss:
      "yield context.df.callActivity('cleanup');\nyield context.df.createTimer(nextRun);\n" +
      'context.df.continueAsNew(input);\nreturn;\n' +
      'while (context.df.currentUtcDateTime < expiry) { ... } // a monitor that ends',
  },
  'code-after-continue-as-new': {
    id: 'code-after-continue-as-new',
    title: 'No durable work after continueAsNew',
    defaultSeverity: 'warning',
    flags:
      'A statement after `context.df.continueAsNew(...)` on the same path that yields (`yield ...`, ' +
      '`const x = yield ...`, `return yield ...`) or calls `signalEntity` or `continueAsNew` again. The path is ' +
      'followed out of blocks and `if` branches, past statements that certainly go on (no `return`, `throw`, ' +
      '`break` or `continue` in them); it stops at loops, `switch` and `try`.',
    why:
      '`continueAsNew` does not stop the orchestrator. durable-functions records the restart and sets ' +
      '`willContinueAsNew`; from then on its executor records no actions (`addToActions` and ' +
      '`recordFireAndForgetAction` do nothing) and ends the execution at the next `yield`. So a task yielded after ' +
      'it is never scheduled, the code after that `yield` never runs, and entity signals (or a second ' +
      '`continueAsNew`) are dropped, all silently. It is a warning because the dropped work is sometimes work that ' +
      'was only meant for the other path.',
    fix: 'Do the work before `continueAsNew`, and `return` right after it.',
    quickFix:
      'Inserts `return;` on the continueAsNew path before the work that would be dropped (right before it in the ' +
      'same block, else at the end of the block holding `continueAsNew`); offered when that work is a `yield`.',
    example: "context.df.continueAsNew(next);\nyield context.df.callActivity('report', next);",
    nearMiss:
      "yield context.df.callActivity('report', next);\ncontext.df.continueAsNew(next);\n" +
      "context.df.setCustomStatus('restarting'); // plain code after it runs\nreturn;",
  },
  'replay-unsafe-logging': {
    id: 'replay-unsafe-logging',
    title: 'Log only when not replaying',
    defaultSeverity: 'info',
    flags:
      "`console.log`/`info`/`warn`/`error`/`debug`/`trace`/`dir`/`table` and the orchestration context's " +
      '`log`/`trace`/`debug`/`info`/`warn`/`error` in orchestrator code, unless a condition that reads ' +
      '`isReplaying` guards them: an enclosing `if`, `? :`, `&&` or `||`, or an earlier ' +
      '`if (context.df.isReplaying) return;` (directly, through a constant, or in a workspace function it calls).',
    why:
      'The orchestrator runs again from the start on every replay, and so do its log calls: a line before the third ' +
      '`yield` is logged at least three times. In durable-functions v3 the orchestration context is the Azure ' +
      'Functions InvocationContext with `df` added; its log methods go to the host as they are (there is no ' +
      'replay-safe logger as in .NET), so the guard is up to the code.',
    fix: 'Guard the log with `if (!context.df.isReplaying)`.',
    quickFix:
      "Wraps the log statement in `if (!context.df.isReplaying) { ... }`, with the orchestrator's own context name.",
    example: 'context.log(`Processing order ${orderId}`);',
    nearMiss: 'if (!context.df.isReplaying) context.log(`Processing order ${orderId}`);',
  },
  'timer-out-of-range': {
    id: 'timer-out-of-range',
    title: 'Timer due times must be valid future dates',
    defaultSeverity: 'warning',
    flags:
      '`createTimer` with a due time that is known without running the code and certainly wrong: an Invalid Date ' +
      "(`new Date('garbage')`, `new Date(NaN)`), a date more than a day before the time of linting (`new Date(0)`, " +
      "`new Date('2020-01-01')`), a time before the orchestration's own " +
      '(`new Date(context.df.currentUtcDateTime.getTime() - 60_000)`), a date after 9999-12-31, or a number or ' +
      'string instead of a Date (`createTimer(60_000)`). Due times computed at run time are never reported.',
    why:
      'A timer due in the past fires at once, so the wait it stands for never happens. durable-functions rejects ' +
      'anything but a Date with a TypeError ("fireAt: Expected valid Date object"). An Invalid Date (sent as ' +
      '`null`) or a date after 9999-12-31 cannot be held by the Durable extension, which keeps due times as .NET ' +
      'DateTime values. There is no maximum duration: durable-functions v3 splits long timers itself (LongTimerTask, ' +
      'with the maximumShortTimerDuration and longRunningTimerIntervalDuration the extension sends), although the ' +
      'timers documentation still says JavaScript timers are limited to six days, which held before long-timer ' +
      'support (extensions without replay schema V3).',
    fix: 'Compute the due time from `context.df.currentUtcDateTime` plus a positive delay.',
    quickFix: 'None (the intended time is not known).',
    example:
      'yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() - 60_000));\n' +
      "yield context.df.createTimer(new Date('2020-01-01'));",
    nearMiss:
      'yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));\n' +
      'yield context.df.createTimer(new Date(input.deadline)); // computed at run time',
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
      'once in the app, with a handler in a TypeScript file. Never for `any`, `unknown` or unresolved types (of ' +
      'packages, only durable-functions is read), null or undefined, a wider type that may hold a fitting value, a ' +
      'declared type without a required property (the value may have it), extra properties, values JSON turns into ' +
      'something else (`Date`, `Map`, `toJSON`), generics, or JavaScript files.',
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
