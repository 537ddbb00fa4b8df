/**
 * The banned APIs of the determinism policy, as data: globals, built-in modules and packages an orchestrator must not
 * touch, each with the rule it belongs to, what it does wrong and the mechanical fix, if any. The analysis
 * (hazards.ts) only matches resolved references against these tables; add an entry here to ban something new.
 */
import type { RuleId } from './api.js';
import { LIBRARY_MEMBERS } from './libraryApis.js';

/** The rules whose findings come from these tables. */
export type BannedRule = Extract<
  RuleId,
  'no-current-time' | 'no-random' | 'no-timers' | 'no-io' | 'no-env' | 'no-host-state'
>;

/** Mechanical replacements (fixes.ts builds the edit from the orchestrator's context name). */
export type FixKind =
  /** `Date.now()` -> `<df>.currentUtcDateTime.getTime()` */
  | 'current-time-ms'
  /** `new Date()` -> `new Date(<df>.currentUtcDateTime)` */
  | 'current-date'
  /** `Date()` -> `<df>.currentUtcDateTime.toString()` */
  | 'current-date-string'
  /** `randomUUID()` -> `<df>.newGuid(<df>.instanceId)` (only when called without arguments) */
  | 'new-guid'
  /** `await sleep(ms)` -> `yield <df>.createTimer(...)` (only as the operand of `await` in a generator orchestrator) */
  | 'durable-timer'
  /** `moment()` -> `moment(<df>.currentUtcDateTime)`: the orchestration time as the first argument */
  | 'clock-argument'
  /** luxon `DateTime.now()` / `DateTime.local()` -> `DateTime.fromJSDate(<df>.currentUtcDateTime)` (no arguments) */
  | 'luxon-local'
  /** luxon `DateTime.utc()` -> `DateTime.fromJSDate(<df>.currentUtcDateTime, { zone: 'utc' })` (no arguments) */
  | 'luxon-utc';

/**
 * How the reference must be used to be flagged: called, constructed, constructed without arguments (`new Date()`),
 * or merely read (`process.env`).
 */
export type Use = 'call' | 'new' | 'call-or-new' | 'new-no-args' | 'read';

/**
 * What the arguments of a call must be for it to be flagged: none (`moment()`), exactly one (`moment.tz(zone)`), at
 * least one, or none or a single options object literal without a `base` (luxon's `DateTime.local({ zone })`).
 */
export type Args = 'none' | 'one' | 'some' | 'none-or-options';

export interface BannedApi {
  readonly rule: BannedRule;
  /**
   * Dotted member path from the global object or the module, e.g. `Date.now` or `randomUUID`; `` (empty) is the
   * module itself (`moment()`). A path starting with `().` is a method of anything a call into the module returned
   * (`().fromNow` matches `moment(d).fromNow()` and `moment.utc(d).add(1, 'day').fromNow()`).
   */
  readonly path: string;
  readonly use: Use;
  /** Flagged only with these arguments (any arguments when absent). */
  readonly args?: Args;
  /** Completes "`<code>` ...", e.g. "reads the wall clock". */
  readonly what: string;
  readonly fix?: FixKind;
}

const CLOCK = 'reads the clock, a different value on every replay';
const RANDOM = 'returns a random value, different on every replay';
const TIMER = 'waits with a JavaScript timer, not recorded in the history';
const HOST = 'depends on the worker process or host, which can differ between replays';
const HOST_NOW = 'measures the worker process or host right now, a different value on every replay';
const LATER = 'runs its callback after the orchestrator has returned, outside the replayed code';
const GC = 'depends on garbage collection, which runs at different times on every replay';

/** Globals (not shadowed by a local declaration; `globalThis.x` counts too). */
export const BANNED_GLOBALS: readonly BannedApi[] = [
  { rule: 'no-current-time', path: 'Date.now', use: 'call', what: CLOCK, fix: 'current-time-ms' },
  { rule: 'no-current-time', path: 'Date', use: 'new-no-args', what: CLOCK, fix: 'current-date' },
  {
    rule: 'no-current-time',
    path: 'Date',
    use: 'call',
    what: 'returns the current time as a string (whatever its arguments), different on every replay',
    fix: 'current-date-string',
  },
  { rule: 'no-current-time', path: 'performance.now', use: 'call', what: CLOCK },
  { rule: 'no-current-time', path: 'process.hrtime', use: 'call', what: CLOCK },
  { rule: 'no-current-time', path: 'process.hrtime.bigint', use: 'call', what: CLOCK },
  { rule: 'no-random', path: 'Math.random', use: 'call', what: RANDOM },
  { rule: 'no-random', path: 'crypto.randomUUID', use: 'call', what: RANDOM, fix: 'new-guid' },
  { rule: 'no-random', path: 'crypto.getRandomValues', use: 'call', what: RANDOM },
  { rule: 'no-timers', path: 'setTimeout', use: 'call', what: TIMER },
  { rule: 'no-timers', path: 'setInterval', use: 'call', what: TIMER },
  { rule: 'no-timers', path: 'setImmediate', use: 'call', what: TIMER },
  { rule: 'no-io', path: 'fetch', use: 'call', what: 'does network I/O' },
  { rule: 'no-io', path: 'XMLHttpRequest', use: 'new', what: 'does network I/O' },
  { rule: 'no-io', path: 'WebSocket', use: 'new', what: 'does network I/O' },
  { rule: 'no-io', path: 'EventSource', use: 'new', what: 'does network I/O' },
  { rule: 'no-env', path: 'process.env', use: 'read', what: 'reads app settings (they can change between replays)' },
  { rule: 'no-host-state', path: 'process.nextTick', use: 'call', what: LATER },
  { rule: 'no-host-state', path: 'queueMicrotask', use: 'call', what: LATER },
  { rule: 'no-host-state', path: 'WeakRef', use: 'new', what: GC },
  { rule: 'no-host-state', path: 'FinalizationRegistry', use: 'new', what: GC },
  { rule: 'no-host-state', path: 'process.pid', use: 'read', what: HOST },
  { rule: 'no-host-state', path: 'process.ppid', use: 'read', what: HOST },
  ...['uptime', 'memoryUsage', 'memoryUsage.rss', 'cpuUsage', 'resourceUsage', 'availableMemory'].map(
    (path): BannedApi => ({ rule: 'no-host-state', path: `process.${path}`, use: 'call', what: HOST_NOW }),
  ),
  { rule: 'no-host-state', path: 'performance.timeOrigin', use: 'read', what: HOST },
  { rule: 'no-host-state', path: 'performance.eventLoopUtilization', use: 'call', what: HOST_NOW },
];

/** Members of built-in modules (specifiers without `node:`; `import x from`, `import * as x`, `require` alike). */
export const BANNED_MODULE_MEMBERS: Readonly<Record<string, readonly BannedApi[]>> = {
  crypto: [
    ...['randomUUID'].map((path): BannedApi => ({
      rule: 'no-random',
      path,
      use: 'call',
      what: RANDOM,
      fix: 'new-guid',
    })),
    ...[
      'randomBytes',
      'randomInt',
      'randomFill',
      'randomFillSync',
      'getRandomValues',
      'pseudoRandomBytes',
      'webcrypto.getRandomValues',
      'webcrypto.randomUUID',
      'generateKey',
      'generateKeySync',
      'generateKeyPair',
      'generateKeyPairSync',
    ].map((path): BannedApi => ({ rule: 'no-random', path, use: 'call', what: RANDOM })),
  ],
  perf_hooks: [
    { rule: 'no-current-time', path: 'performance.now', use: 'call', what: CLOCK },
    { rule: 'no-host-state', path: 'performance.timeOrigin', use: 'read', what: HOST },
    { rule: 'no-host-state', path: 'performance.eventLoopUtilization', use: 'call', what: HOST_NOW },
  ],
  process: [
    { rule: 'no-current-time', path: 'hrtime', use: 'call', what: CLOCK },
    { rule: 'no-current-time', path: 'hrtime.bigint', use: 'call', what: CLOCK },
    { rule: 'no-env', path: 'env', use: 'read', what: 'reads app settings (they can change between replays)' },
    { rule: 'no-host-state', path: 'nextTick', use: 'call', what: LATER },
    { rule: 'no-host-state', path: 'pid', use: 'read', what: HOST },
    { rule: 'no-host-state', path: 'ppid', use: 'read', what: HOST },
    ...['uptime', 'memoryUsage', 'memoryUsage.rss', 'cpuUsage', 'resourceUsage', 'availableMemory'].map(
      (path): BannedApi => ({ rule: 'no-host-state', path, use: 'call', what: HOST_NOW }),
    ),
  ],
  os: [
    ...['hostname', 'networkInterfaces'].map((path): BannedApi => ({
      rule: 'no-host-state',
      path,
      use: 'call',
      what: HOST,
    })),
    ...['uptime', 'freemem', 'loadavg', 'cpus'].map((path): BannedApi => ({
      rule: 'no-host-state',
      path,
      use: 'call',
      what: HOST_NOW,
    })),
  ],
  v8: ['getHeapStatistics', 'getHeapSpaceStatistics'].map((path): BannedApi => ({
    rule: 'no-host-state',
    path,
    use: 'call',
    what: HOST_NOW,
  })),
  timers: ['setTimeout', 'setInterval', 'setImmediate'].map((path): BannedApi => ({
    rule: 'no-timers',
    path,
    use: 'call',
    what: TIMER,
  })),
  'timers/promises': [
    { rule: 'no-timers', path: 'setTimeout', use: 'call', what: TIMER, fix: 'durable-timer' },
    { rule: 'no-timers', path: 'setInterval', use: 'call', what: TIMER },
    { rule: 'no-timers', path: 'setImmediate', use: 'call', what: TIMER },
    { rule: 'no-timers', path: 'scheduler.wait', use: 'call', what: TIMER, fix: 'durable-timer' },
  ],
  uuid: ['v1', 'v4', 'v6', 'v7', 'default.v1', 'default.v4', 'default.v6', 'default.v7'].map((path): BannedApi => ({
    rule: 'no-random',
    path,
    use: 'call',
    what: RANDOM,
    fix: 'new-guid',
  })),
  'durable-functions': [
    { rule: 'no-io', path: 'getClient', use: 'call', what: 'creates a durable client, which does network I/O' },
  ],
  ...LIBRARY_MEMBERS,
};

/**
 * Packages any call into which (a function, a method, `new` of a class, methods of what those return) is flagged.
 * A trailing `/*` covers a scope (`@aws-sdk/*`); `IO_MODULE_EXCEPTIONS` lists what such a pattern leaves out.
 */
export const RANDOM_MODULES: readonly string[] = [
  'nanoid',
  'nanoid/non-secure',
  'ulid',
  'ulidx',
  'cuid',
  '@paralleldrive/cuid2',
  'short-uuid',
  'shortid',
  'uuid-random',
  'hyperid',
  'crypto-random-string',
  'randomstring',
  'random-js',
  '@faker-js/faker',
  'faker',
  'chance',
];

export const SLEEP_MODULES: readonly string[] = [
  'delay',
  'sleep-promise',
  'await-sleep',
  'sleep',
  'timers-ext/promise/sleep',
];

export const IO_MODULES: readonly string[] = [
  // Node built-ins
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'fs',
  'fs/promises',
  'child_process',
  'worker_threads',
  'cluster',
  'readline',
  'readline/promises',
  'inspector',
  // HTTP clients
  'axios',
  'node-fetch',
  'cross-fetch',
  'isomorphic-fetch',
  'got',
  'superagent',
  'undici',
  'ky',
  'request',
  'request-promise',
  'request-promise-native',
  'needle',
  'phin',
  'ws',
  'socket.io-client',
  // files and processes
  'fs-extra',
  'graceful-fs',
  'execa',
  'cross-spawn',
  'shelljs',
  'zx',
  // databases
  'pg',
  'pg-promise',
  'postgres',
  'mysql',
  'mysql2',
  'mysql2/promise',
  'mongodb',
  'mongoose',
  'redis',
  'ioredis',
  '@redis/*',
  'mssql',
  'tedious',
  'sqlite3',
  'sqlite',
  'better-sqlite3',
  'prisma',
  '@prisma/client',
  'knex',
  'sequelize',
  'typeorm',
  'drizzle-orm',
  'cassandra-driver',
  'oracledb',
  '@elastic/elasticsearch',
  'neo4j-driver',
  '@vercel/postgres',
  'slonik',
  // cloud SDKs and services
  '@azure/*',
  'aws-sdk',
  '@aws-sdk/*',
  '@google-cloud/*',
  'firebase-admin',
  'firebase',
  '@supabase/supabase-js',
  'amqplib',
  'kafkajs',
  'nodemailer',
  '@sendgrid/mail',
  'twilio',
  'stripe',
  'openai',
  '@octokit/rest',
  '@octokit/*',
];

/** Packages a scope pattern in IO_MODULES would catch that do no I/O (or are the durable programming model itself). */
export const IO_MODULE_EXCEPTIONS: readonly string[] = [
  '@azure/functions',
  '@azure/functions-core',
  '@azure/abort-controller',
  '@azure/logger',
  '@azure/core-util',
];

/** The table entry a module-wide package list stands for. */
export interface BannedPackage {
  readonly rule: Extract<BannedRule, 'no-random' | 'no-timers' | 'no-io'>;
  readonly what: string;
}

const PACKAGE_TABLES: readonly (readonly [readonly string[], BannedPackage])[] = [
  [RANDOM_MODULES, { rule: 'no-random', what: 'generates random values or ids, different on every replay' }],
  [SLEEP_MODULES, { rule: 'no-timers', what: TIMER }],
  [IO_MODULES, { rule: 'no-io', what: 'does I/O (repeated on every replay, with results that can differ)' }],
];

function matchesPattern(pattern: string, module: string): boolean {
  if (pattern.endsWith('/*')) return module.startsWith(pattern.slice(0, -1));
  return module === pattern || module.startsWith(pattern + '/');
}

/** The package-wide ban that covers `module` (a bare specifier, `node:` already stripped), if any. */
export function bannedPackage(module: string): BannedPackage | undefined {
  if (IO_MODULE_EXCEPTIONS.some((exception) => matchesPattern(exception, module))) return undefined;
  for (const [patterns, ban] of PACKAGE_TABLES) {
    if (patterns.some((pattern) => matchesPattern(pattern, module))) return ban;
  }
  return undefined;
}

/** Sleep helpers whose single argument is milliseconds (so `await sleep(ms)` has a durable-timer fix). */
export const SLEEP_CALLS_WITH_MS: readonly string[] = ['delay', 'sleep-promise', 'await-sleep'];
