/**
 * Reads a function app folder the way `func start` does: package.json `main` (a file or glob), host.json and
 * local.settings.json. Every problem becomes an `AppConfigError` with a one-line message a user can act on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import fg from 'fast-glob';
import { AppConfigError } from './appConfigError.js';
import { hubNameError, resolveReferences, settingsLookup } from './appSettings.js';

export { AppConfigError };

export interface AppConfig {
  appDir: string;
  /** Absolute paths of the files `main` names, in load order. */
  mainFiles: string[];
  /** The `main` pattern as written in package.json. */
  main: string;
  /** host.json `extensions.durableTask.hubName` with its `%Name%` references resolved, or the default. */
  hubName: string;
  routePrefix: string;
  /** Milliseconds; Infinity when host.json says -1. */
  functionTimeoutMs: number;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
  /** `local.settings.json` Values. */
  values: Record<string, string>;
  /** Versions of the durable packages the app resolves. */
  durableFunctionsVersion: string;
  azureFunctionsVersion: string;
  /** host.json `extensions.queues` (storage queue triggers and outputs). */
  queues: QueueOptions;
}

/** host.json `extensions.queues`, with the host's defaults (maxPollingInterval capped locally, see below). */
export interface QueueOptions {
  batchSize: number;
  newBatchThreshold: number;
  maxDequeueCount: number;
  /** Milliseconds a failed message stays invisible before it is tried again. */
  visibilityTimeoutMs: number;
  /** Milliseconds; the host's default is 1 min, locally at most 2 s so a message added by hand starts promptly. */
  maxPollingIntervalMs: number;
  messageEncoding: 'base64' | 'none';
}

/** The longest pause between two polls of an empty queue (the host waits up to a minute). */
const LOCAL_MAX_POLLING_MS = 2000;

/** A host.json duration: a TimeSpan string or a number of milliseconds. */
function durationMs(value: unknown, what: string, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return fallback;
  const ms = parseTimeSpan(value, what);
  return Number.isFinite(ms) ? ms : fallback;
}

function queueOptions(host: Record<string, unknown> | undefined): QueueOptions {
  const queues = get(host, 'extensions', 'queues');
  const q = (key: string): unknown => get(queues as Record<string, unknown> | undefined, key);
  const count = (key: string, fallback: number, max = Infinity): number => {
    const value = Number(q(key));
    return Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
  };
  const batchSize = count('batchSize', 16, 32);
  const threshold = Number(q('newBatchThreshold'));
  const encoding = q('messageEncoding');
  return {
    batchSize,
    newBatchThreshold: Number.isInteger(threshold) && threshold >= 0 ? threshold : Math.floor(batchSize / 2),
    maxDequeueCount: count('maxDequeueCount', 5),
    visibilityTimeoutMs: durationMs(q('visibilityTimeout'), 'extensions.queues.visibilityTimeout', 0),
    maxPollingIntervalMs: Math.min(
      durationMs(q('maxPollingInterval'), 'extensions.queues.maxPollingInterval', LOCAL_MAX_POLLING_MS),
      LOCAL_MAX_POLLING_MS,
    ),
    messageEncoding: typeof encoding === 'string' && encoding.toLowerCase() === 'none' ? 'none' : 'base64',
  };
}

const DEFAULT_FUNCTION_TIMEOUT_MS = 5 * 60 * 1000;

function readJson(file: string, what: string, required: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppConfigError(`cannot read ${what} (${file}): ${(error as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('expected a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (error) {
    throw new AppConfigError(`${what} is not valid JSON (${file}): ${(error as Error).message}`);
  }
}

/** Parses a .NET TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`, with optional fraction) or -1 into milliseconds. */
export function parseTimeSpan(value: string, what = 'functionTimeout'): number {
  if (value.trim() === '-1') return Infinity;
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new AppConfigError(`host.json ${what} "${value}" is not a time span like "00:05:00"`);
  const [, days, hours, minutes, seconds, fraction] = match;
  const ms =
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    (fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0);
  return ms;
}

function get(obj: Record<string, unknown> | undefined, ...keys: string[]): unknown {
  let current: unknown = obj;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function packageVersion(appRequire: NodeRequire, name: string, appDir: string): string {
  let entry: string;
  try {
    entry = appRequire.resolve(name);
  } catch {
    throw new AppConfigError(
      `the app in ${appDir} does not have "${name}" installed: run \`npm install ${name}\` in the app folder`,
    );
  }
  // Walk up from the resolved entry to the package's own package.json.
  let dir = path.dirname(entry);
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = readJson(file, `${name} package.json`, true);
      if (pkg?.['name'] === name) return typeof pkg['version'] === 'string' ? pkg['version'] : 'unknown';
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

/**
 * The task hub name as the host computes it: host.json's value with every `%Name%` resolved from the app settings
 * (`DurableTaskOptions.ResolveAppSettingOptions`), `TestHubName` when none is given, then checked by the Azure
 * Storage provider's rule. The real host leaves an unresolved reference in place and then rejects the name; saying
 * which setting is missing is more useful, so that is reported first.
 */
function resolveHubName(host: Record<string, unknown> | undefined, values: Record<string, string>): string {
  const raw = get(host, 'extensions', 'durableTask', 'hubName');
  const where = 'host.json extensions.durableTask.hubName';
  // Configuration binding turns a JSON number or boolean into its text; an empty value means the default.
  const text = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
  if (text === '') return 'TestHubName';
  const resolved = resolveReferences(text, settingsLookup(values, process.env));
  if (!resolved.ok) throw new AppConfigError(`${where} "${text}": ${resolved.reason}`);
  // Other storage providers (mssql, Netherite, ...) have rules of their own, which the emulator does not check.
  const provider = get(host, 'extensions', 'durableTask', 'storageProvider', 'type');
  if (typeof provider === 'string' && provider.toLowerCase() !== 'azurestorage') return resolved.value;
  const invalid = hubNameError(resolved.value);
  if (invalid) throw new AppConfigError(`${where}${resolved.value === text ? '' : ` "${text}"`}: ${invalid}`);
  return resolved.value;
}

export function loadAppConfig(appDirInput: string): AppConfig {
  const appDir = path.resolve(appDirInput);
  if (!fs.existsSync(appDir) || !fs.statSync(appDir).isDirectory()) {
    throw new AppConfigError(`app folder not found: ${appDir}`);
  }
  const pkg = readJson(path.join(appDir, 'package.json'), 'package.json', false);
  if (!pkg) throw new AppConfigError(`no package.json in ${appDir}: is this a function app folder?`);
  const main = typeof pkg['main'] === 'string' && pkg['main'] ? pkg['main'] : 'index.js';
  const mainFiles = fg
    .sync(main.replace(/\\/g, '/'), { cwd: appDir, absolute: true, onlyFiles: true })
    .sort((a, b) => a.localeCompare(b));
  if (mainFiles.length === 0) {
    const looksBuilt = /(^|\/)(dist|out|build|lib)\//.test(main);
    throw new AppConfigError(
      `package.json "main" (${main}) matches no file in ${appDir}` +
        (looksBuilt || fs.existsSync(path.join(appDir, 'tsconfig.json')) ? ': run `npm run build` first' : ''),
    );
  }
  const host = readJson(path.join(appDir, 'host.json'), 'host.json', false);
  const settings = readJson(path.join(appDir, 'local.settings.json'), 'local.settings.json', false);
  const values: Record<string, string> = {};
  const rawValues = get(settings, 'Values');
  if (rawValues && typeof rawValues === 'object') {
    for (const [key, value] of Object.entries(rawValues as Record<string, unknown>)) {
      // The host passes settings as strings; numbers and booleans are written as JSON would.
      if (value !== null && value !== undefined)
        values[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  const appRequire = createRequire(path.join(appDir, 'package.json'));
  const azureFunctionsVersion = packageVersion(appRequire, '@azure/functions', appDir);
  const durableFunctionsVersion = packageVersion(appRequire, 'durable-functions', appDir);

  const hubName = resolveHubName(host, values);
  const routePrefix = get(host, 'extensions', 'http', 'routePrefix');
  const timeout = get(host, 'functionTimeout');
  const maxActivities = Number(get(host, 'extensions', 'durableTask', 'maxConcurrentActivityFunctions'));
  const maxOrchestrators = Number(get(host, 'extensions', 'durableTask', 'maxConcurrentOrchestratorFunctions'));
  return {
    appDir,
    main,
    mainFiles,
    hubName,
    routePrefix: typeof routePrefix === 'string' ? routePrefix.replace(/^\/+|\/+$/g, '') : 'api',
    functionTimeoutMs: typeof timeout === 'string' ? parseTimeSpan(timeout) : DEFAULT_FUNCTION_TIMEOUT_MS,
    maxConcurrentActivityFunctions: Number.isFinite(maxActivities) && maxActivities > 0 ? maxActivities : 100,
    maxConcurrentOrchestratorFunctions:
      Number.isFinite(maxOrchestrators) && maxOrchestrators > 0 ? maxOrchestrators : 100,
    values,
    durableFunctionsVersion,
    azureFunctionsVersion,
    queues: queueOptions(host),
  };
}
