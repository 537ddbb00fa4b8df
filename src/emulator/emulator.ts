/**
 * The composition root of `durable-studio start`: app config, store, app worker, engine and HTTP server, wired
 * together, plus shutdown and code reload. Everything is chosen here explicitly (no environment sniffing).
 */
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import { SystemClock } from './clock.js';
import { CLOCK_FILE, fileClockStore } from './clockStore.js';
import { loadAppConfig, type AppConfig } from './appConfig.js';
import { Engine } from './engine/engine.js';
import { createHttpServer, type EmulatorHttpServer } from './http/server.js';
import { ChildProcessWorker } from './host/workerClient.js';
import type { LogLevel } from './host/protocol.js';
import { createFileStore } from './store/fileStore.js';
import { settingsLookup } from './appSettings.js';
import { fileTimerStatusStore } from './triggers/timerStatusStore.js';
import { createTriggers, timerTimeZone, type Triggers } from './triggers/triggers.js';
import { emulatorLevel, httpTriggers } from './wiring.js';
import type { Store } from './store/types.js';
import type { StorageService } from './storage/types.js';
import { withStorage } from './storage/wiring.js';
import { DURABLE_STUDIO_VERSION } from '../protocol/version.js';

export const EMULATOR_VERSION = DURABLE_STUDIO_VERSION;

export interface EmulatorOptions {
  appDir: string;
  port: number;
  storeDir?: string;
  /** `undefined`: no inspector; `''`: `--inspect`; `'9230'` or `'127.0.0.1:9230'`: `--inspect=<value>`. */
  inspect?: string | undefined;
  watch?: boolean;
  fsync?: boolean;
  /** Repair a damaged store (keep what is valid, move the damaged files aside) instead of refusing to start. */
  repair?: boolean;
  /**
   * Azurite for development storage: `default` on 10000-10002 (one already running is used), `ephemeral` a private
   * one on ports the OS chooses (tests). Default: `ephemeral` when DURABLE_STUDIO_AZURITE_PORTS=0, else `default`.
   */
  azurite?: 'default' | 'ephemeral';
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  config: AppConfig;
  engine: Engine;
  /** Timer schedules, the trigger host (queue, blob and hand-invoked runs) and manual invocation. */
  triggers: Triggers;
  /** The app's storage account (Azurite or a real one); undefined when the app has no storage bindings. */
  readonly storage: StorageService | undefined;
  stop(): Promise<void>;
}

/** Where the store is when `--store` is not given: `.durable-studio` in the app folder. */
export function defaultStoreDir(appDir: string): string {
  return path.join(path.resolve(appDir), '.durable-studio');
}

function workerLog(log: EmulatorOptions['log']) {
  return (level: LogLevel, message: string, functionName?: string): void =>
    log(emulatorLevel(level), functionName ? `[${functionName}] ${message}` : message);
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const config = loadAppConfig(options.appDir);
  const timeZone = timerTimeZone(settingsLookup(config.values, process.env));
  const storeDir = path.resolve(options.storeDir ?? defaultStoreDir(config.appDir));
  const fileStore = createFileStore(storeDir, {
    fsync: options.fsync ?? false,
    repair: options.repair ?? false,
    log: (msg) => options.log('info', msg),
  });
  // The engine loads the store and the app in parallel; if the app fails first, the store must finish loading
  // before it is closed (closing releases the lock file; a load still in flight must not race the close).
  let loading: Promise<unknown> = Promise.resolve();
  const store: Store = {
    load: () => {
      const contents = fileStore.load();
      loading = contents.catch(() => undefined);
      return contents;
    },
    commit: (batch) => fileStore.commit(batch),
    close: () => fileStore.close(),
    stats: () => fileStore.stats(),
  };
  let ready = false;
  // The worker learns the server's origin once it listens (the port may be chosen by the OS).
  const workerEnv: Record<string, string> = {};
  const worker = new ChildProcessWorker({
    config,
    origin: '',
    log: workerLog(options.log),
    inspect: options.inspect,
    env: workerEnv,
  });
  // Storage inputs and outputs around every invocation; Azurite starts as soon as the functions are known.
  const { runner, storage } = withStorage(worker, {
    config,
    storeDir,
    azurite: options.azurite,
    workerEnv,
    log: options.log,
  });
  // The emulated clock goes on from where the last run moved it (see clockStore.ts).
  const clockStore = fileClockStore(storeDir, (msg) => options.log('warn', msg));
  const clockOffset = await clockStore.load();
  if (clockOffset > 0) {
    options.log('info', `Emulated clock: ${Math.round(clockOffset / 1000)} s ahead of wall time (from ${CLOCK_FILE})`);
  }
  const engine = new Engine({
    store,
    runner,
    clock: new SystemClock(clockOffset),
    saveClockOffset: (offsetMs) => clockStore.save(offsetMs),
    hubName: config.hubName,
    maxConcurrentActivities: config.maxConcurrentActivityFunctions,
    maxConcurrentOrchestrations: config.maxConcurrentOrchestratorFunctions,
    log: options.log,
  });
  const triggers = createTriggers({
    engine,
    runner,
    statusStore: fileTimerStatusStore(storeDir, (msg) => options.log('warn', msg)),
    timeZone,
  });
  const server: EmulatorHttpServer = createHttpServer({
    engine,
    triggers: httpTriggers(engine, runner),
    functionTriggers: triggers,
    routePrefix: config.routePrefix,
    log: options.log,
    hostStatus: () => ({ state: ready ? 'Running' : 'Initialized', version: EMULATOR_VERSION }),
    isReady: () => ready,
    storage: () => storage.service,
  });
  const port = await server.listen(options.port);
  const url = `http://localhost:${port}`;
  worker.setOrigin(url);
  try {
    await engine.start();
  } catch (error) {
    await Promise.allSettled([server.close(), worker.stop(), storage.stop(), loading.then(() => store.close())]);
    throw error;
  }
  try {
    await triggers.load();
  } catch (error) {
    await Promise.allSettled([server.close(), storage.stop(), engine.stop()]);
    throw error;
  }
  storage.startTriggers(triggers.host);
  server.reloadRoutes();
  ready = true;
  // Once the server answers: a timer run at start may call the app's routes or start orchestrations.
  triggers.begin();

  let watcher: FSWatcher | undefined;
  if (options.watch) watcher = watchApp(config, engine, triggers, server, options.log);

  let stopping: Promise<void> | undefined;
  const running: RunningEmulator = {
    url,
    port,
    config,
    engine,
    triggers,
    get storage() {
      return storage.service;
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        await watcher?.close();
        await server.close();
        triggers.stop();
        await storage.stop();
        await engine.stop();
      })();
      return stopping;
    },
  };
  return running;
}

/** --watch: reload the user's code (never the store) when the files `main` names change. */
function watchApp(
  config: AppConfig,
  engine: Engine,
  triggers: Triggers,
  server: EmulatorHttpServer,
  log: EmulatorOptions['log'],
): FSWatcher {
  const roots = [...new Set(config.mainFiles.map((file) => path.dirname(file)))];
  const watcher = chokidar.watch(roots, { ignoreInitial: true, ignored: (p) => p.includes('node_modules') });
  let timer: NodeJS.Timeout | undefined;
  let reloading = Promise.resolve();
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(async () => {
        try {
          const fresh = loadAppConfig(config.appDir);
          config.mainFiles = fresh.mainFiles;
          config.values = fresh.values;
          const functions = await engine.reload();
          server.reloadRoutes();
          await triggers.reload();
          log('info', `Code changed: reloaded ${functions.length} functions.`);
        } catch (error) {
          log('error', `Reload failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    }, 200);
  });
  return watcher;
}
