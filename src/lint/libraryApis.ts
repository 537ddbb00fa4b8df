/**
 * Time and randomness through popular libraries, as banned-API table entries (bannedApis.ts merges them into
 * BANNED_MODULE_MEMBERS): moment, dayjs, luxon and date-fns calls that read the clock, lodash/underscore random
 * helpers, counters and timers. Only the uses that certainly read the clock or draw random values are listed:
 * `moment()` but not `moment(input)`, `DateTime.local()` but not `DateTime.local(2024, 1, 1)`. Also how
 * per-function packages (`date-fns/isToday`, `lodash/random`, `lodash.random`) map onto their main package, and the
 * members of banned packages that are safe (a seeded `new Chance(seed)`, query builders like drizzle's `sql`).
 */
import type { BannedApi, FixKind } from './bannedApis.js';

const NOW = 'returns the current time, a different value on every replay';
const CLOCK = 'reads the clock, a different value on every replay';
const RELATIVE = 'compares with the current time, which differs on every replay';
const RANDOM = 'returns a random value, different on every replay';
const COUNTER = 'returns the next value of a process-wide counter, different on every replay';
const TIMER = 'waits with a JavaScript timer, not recorded in the history';

function clock(path: string, args?: BannedApi['args'], what = NOW, fix?: FixKind): BannedApi {
  return { rule: 'no-current-time', path, use: 'call', what, ...(args ? { args } : {}), ...(fix ? { fix } : {}) };
}

/** moment and moment-timezone: `moment()`, `moment.utc()`, `moment.now()`, `moment.tz(zone)`, `m.fromNow()`, ... */
const MOMENT: readonly BannedApi[] = [
  clock('', 'none', NOW, 'clock-argument'),
  clock('default', 'none', NOW, 'clock-argument'),
  clock('utc', 'none', NOW, 'clock-argument'),
  clock('parseZone', 'none'),
  clock('now', undefined, CLOCK, 'current-time-ms'),
  // moment-timezone: the single argument is the zone, the time is now.
  clock('tz', 'one', NOW, 'clock-argument'),
  clock('().fromNow', undefined, RELATIVE),
  clock('().toNow', undefined, RELATIVE),
  ...['calendar', 'diff', 'isBefore', 'isAfter', 'isSame', 'isSameOrBefore', 'isSameOrAfter'].map((method) =>
    clock(`().${method}`, 'none', RELATIVE),
  ),
];

/** dayjs and its plugins: `dayjs()`, `dayjs.utc()`, `d.fromNow()`, `d.isToday()`, ... */
const DAYJS: readonly BannedApi[] = [
  clock('', 'none', NOW, 'clock-argument'),
  clock('default', 'none', NOW, 'clock-argument'),
  clock('utc', 'none', NOW, 'clock-argument'),
  ...['fromNow', 'toNow', 'isToday', 'isTomorrow', 'isYesterday'].map((method) =>
    clock(`().${method}`, undefined, RELATIVE),
  ),
  ...['calendar', 'diff', 'isBefore', 'isAfter', 'isSame', 'isSameOrBefore', 'isSameOrAfter'].map((method) =>
    clock(`().${method}`, 'none', RELATIVE),
  ),
];

/** luxon: `DateTime.now()`, `DateTime.local()` and `DateTime.utc()` without a date, `Settings.now()`, `dt.diffNow()`. */
const LUXON: readonly BannedApi[] = [
  clock('DateTime.now', undefined, NOW, 'luxon-local'),
  clock('DateTime.local', 'none-or-options', NOW, 'luxon-local'),
  clock('DateTime.utc', 'none-or-options', NOW, 'luxon-utc'),
  clock('Settings.now', undefined, CLOCK, 'current-time-ms'),
  clock('().diffNow', undefined, RELATIVE),
  clock('().toRelative', 'none-or-options', RELATIVE),
  clock('().toRelativeCalendar', 'none-or-options', RELATIVE),
];

/** date-fns functions that read the clock themselves (`differenceInDays(Date.now(), d)` is flagged at `Date.now()`). */
export const DATE_FNS_CLOCK_FUNCTIONS: readonly string[] = [
  'isToday',
  'isTomorrow',
  'isYesterday',
  'isPast',
  'isFuture',
  'isThisSecond',
  'isThisMinute',
  'isThisHour',
  'isThisWeek',
  'isThisISOWeek',
  'isThisISOYear',
  'isThisMonth',
  'isThisQuarter',
  'isThisYear',
  'formatDistanceToNow',
  'formatDistanceToNowStrict',
  'distanceInWordsToNow',
  'startOfToday',
  'endOfToday',
  'startOfTomorrow',
  'endOfTomorrow',
  'startOfYesterday',
  'endOfYesterday',
  'constructNow',
];

const DATE_FNS: readonly BannedApi[] = DATE_FNS_CLOCK_FUNCTIONS.map((name) =>
  clock(name, undefined, name.startsWith('is') || name.includes('ToNow') ? RELATIVE : NOW),
);

/** lodash, lodash-es, lodash/fp and underscore (`_.random()`, `_(xs).shuffle()`, `_.now()`, `_.delay()`). */
const LODASH: readonly BannedApi[] = [
  ...['random', 'shuffle', 'sample', 'sampleSize', '().shuffle', '().sample', '().sampleSize'].map(
    (path): BannedApi => ({ rule: 'no-random', path, use: 'call', what: RANDOM }),
  ),
  { rule: 'no-random', path: 'uniqueId', use: 'call', what: COUNTER },
  clock('now', undefined, CLOCK, 'current-time-ms'),
  { rule: 'no-timers', path: 'delay', use: 'call', what: TIMER },
  { rule: 'no-timers', path: 'defer', use: 'call', what: TIMER },
];

/** Library members by module, merged into BANNED_MODULE_MEMBERS (aliases such as `lodash-es` map onto these). */
export const LIBRARY_MEMBERS: Readonly<Record<string, readonly BannedApi[]>> = {
  moment: MOMENT,
  'moment-timezone': MOMENT,
  dayjs: DAYJS,
  luxon: LUXON,
  'date-fns': DATE_FNS,
  lodash: LODASH,
  underscore: LODASH,
};

/** Other builds of the same API. */
const MODULE_ALIASES: Readonly<Record<string, string>> = {
  'dayjs/esm': 'dayjs',
  'date-fns/esm': 'date-fns',
  'date-fns/fp': 'date-fns',
  'lodash-es': 'lodash',
  'lodash/fp': 'lodash',
};

/** Packages with one module per function (`date-fns/isToday`, `lodash/random`, `lodash-es/random`): their parent. */
const PER_FUNCTION_PARENTS: Readonly<Record<string, string>> = {
  'date-fns': 'date-fns',
  'date-fns/esm': 'date-fns',
  'date-fns/fp': 'date-fns',
  lodash: 'lodash',
  'lodash/fp': 'lodash',
  'lodash-es': 'lodash',
};

/** The standalone lodash packages of the listed helpers (`lodash.random`), by their lower-case name. */
const LODASH_PACKAGES: Readonly<Record<string, string>> = {
  'lodash.random': 'random',
  'lodash.shuffle': 'shuffle',
  'lodash.sample': 'sample',
  'lodash.samplesize': 'sampleSize',
  'lodash.uniqueid': 'uniqueId',
  'lodash.now': 'now',
  'lodash.delay': 'delay',
  'lodash.defer': 'defer',
};

/**
 * A reference into an alias or a per-function module, as a member of the main package: `lodash-es` is `lodash`;
 * `date-fns/isToday` (its default or its named export) is `date-fns` `isToday`; `lodash.random` is `lodash`
 * `random`. Anything else is returned as it is.
 */
export function libraryMember(module: string, path: readonly string[]): { module: string; path: readonly string[] } {
  const alias = MODULE_ALIASES[module];
  if (alias) return { module: alias, path };
  const standalone = LODASH_PACKAGES[module];
  if (standalone) return { module: 'lodash', path: [standalone, ...withoutDefault(path, standalone)] };
  const slash = module.lastIndexOf('/');
  const main = slash > 0 ? PER_FUNCTION_PARENTS[module.slice(0, slash)] : undefined;
  if (!main) return { module, path };
  const name = module.slice(slash + 1);
  return { module: main, path: [name, ...withoutDefault(path, name)] };
}

function withoutDefault(path: readonly string[], name: string): readonly string[] {
  return path[0] === 'default' || path[0] === name ? path.slice(1) : path;
}

/**
 * A use of a member of a banned package that is safe, so not flagged: `path` is the member path (`*` matches any
 * leading members, a trailing `.*` any members under it), `args: 'some'` that it must be called with arguments.
 */
export interface AllowedUse {
  readonly path: string;
  readonly args?: 'some';
}

/** Safe members of packages that RANDOM_MODULES or IO_MODULES ban as a whole. */
export const PACKAGE_ALLOWED_USES: Readonly<Record<string, readonly AllowedUse[]>> = {
  // `new Chance(seed)` (and `Chance(seed)`) is deterministic; `new Chance()` is seeded at random.
  chance: [
    { path: '', args: 'some' },
    { path: 'default', args: 'some' },
    { path: 'Chance', args: 'some' },
  ],
  // Seeding with a value makes the following calls repeatable; `seed()` without one picks a random seed.
  '@faker-js/faker': [{ path: '*.seed', args: 'some' }, { path: '*.setDefaultRefDate' }, { path: '*.helpers.slugify' }],
  faker: [{ path: '*.seed', args: 'some' }, { path: '*.helpers.slugify' }],
  // Query builders: they only build SQL text, the query runs elsewhere.
  'drizzle-orm': [{ path: 'sql.*' }],
  '@prisma/client': [{ path: 'Prisma.*' }],
  slonik: [{ path: 'sql.*' }],
};

/** Whether a call or `new` of `path` in `module` (a banned package) is one of its safe uses. */
export function isAllowedUse(module: string, path: readonly string[], hasArgs: boolean): boolean {
  const root = Object.keys(PACKAGE_ALLOWED_USES).find((key) => module === key || module.startsWith(key + '/'));
  const allowed = root ? PACKAGE_ALLOWED_USES[root] : undefined;
  if (!allowed) return false;
  const joined = path.join('.');
  return allowed.some((use) => pathMatches(use.path, joined) && (use.args !== 'some' || hasArgs));
}

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.startsWith('*.')) return path === pattern.slice(2) || path.endsWith(pattern.slice(1));
  if (pattern.endsWith('.*')) return path === pattern.slice(0, -2) || path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}

/** Packages whose module-wide random state a `seed(value)` call earlier in the same function makes repeatable. */
export const SEEDABLE_MODULES: readonly string[] = ['@faker-js/faker', 'faker'];
