/**
 * The emulator's side of storage before and around the SDK bundle: which functions use storage and through which
 * connection, Azurite (found or started, in parallel with loading the SDK bundle), and the runtime once it is
 * ready. Costs nothing when no function has a storage binding: no Azurite, no SDK.
 */
import path from 'node:path';
import type { AppConfig } from '../appConfig.js';
import { settingsLookup } from '../appSettings.js';
import type { FunctionInfo } from '../host/protocol.js';
import type { TriggerInvoker } from '../triggers/types.js';
import { startAzurite, type AzuriteHandle } from './azurite.js';
import {
  DEFAULT_AZURITE_PORTS,
  DEFAULT_CONNECTION,
  devStorageConnectionString,
  isDevelopmentStorage,
  resolveConnection,
  storageBindings,
} from './connection.js';
import { loadStorageBundle } from './load.js';
import type { StorageConnection, StorageRuntime, StorageService } from './types.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface StorageHostOptions {
  config: AppConfig;
  /** The emulator's store folder: Azurite's data goes to `<store>/azurite`, blob receipts next to it. */
  storeDir: string | undefined;
  /**
   * `default`: Azurite on 10000-10002 (one already running is used); `ephemeral`: a private Azurite on ports the OS
   * chooses (tests; `DURABLE_STUDIO_AZURITE_PORTS=0`), in memory when `inMemory`.
   */
  azurite: { ports: 'default' | 'ephemeral'; inMemory?: boolean };
  /**
   * The environment the app worker gets over local.settings.json: with a private Azurite, its explicit connection
   * string is put there for each development-storage setting, so app code talks to the same Azurite.
   */
  workerEnv?: Record<string, string>;
  log: Log;
}

export class StorageHost {
  private starting: Promise<StorageRuntime> | undefined;
  private runtime: StorageRuntime | undefined;
  private azurite: AzuriteHandle | undefined;
  private triggersStarted = false;

  constructor(private readonly options: StorageHostOptions) {}

  /** Whether the app uses storage (set by `prepare`). */
  get used(): boolean {
    return this.starting !== undefined;
  }

  /** The account, once storage is ready (undefined when the app uses none). */
  get service(): StorageService | undefined {
    return this.runtime?.service;
  }

  /**
   * Given the app's functions: when some use storage, resolves their connections (a missing setting throws an
   * AppConfigError), starts Azurite if needed and loads the SDK bundle, and resolves once ready. Resolves true when
   * the worker's environment changed (a private Azurite): the worker must restart to see it.
   */
  async prepare(functions: FunctionInfo[]): Promise<boolean> {
    if (this.starting) {
      await this.starting;
      return false;
    }
    const refs = storageBindings(functions);
    if (refs.length === 0) return false;
    const { config } = this.options;
    const lookup = settingsLookup(config.values, process.env);
    const connections = new Map<string, StorageConnection>();
    for (const ref of refs) connections.set(ref.setting, resolveConnection(ref, lookup));
    const primarySetting = connections.has(DEFAULT_CONNECTION) ? DEFAULT_CONNECTION : refs[0]!.setting;
    this.starting = this.start(functions, connections, primarySetting);
    const runtime = await this.starting;
    this.runtime = runtime;
    return this.azurite !== undefined && this.exportToWorker(connections);
  }

  /** The runtime (starting it is `prepare`'s job); rejects when storage could not start. */
  ready(): Promise<StorageRuntime> {
    if (!this.starting) return Promise.reject(new Error('the app uses no storage bindings'));
    return this.starting;
  }

  /** Starts the queue listeners and blob scanners (once; a no-op without storage). */
  startTriggers(invoker: TriggerInvoker): void {
    if (!this.runtime || this.triggersStarted) return;
    this.triggersStarted = true;
    this.runtime.startTriggers(invoker);
  }

  async stop(): Promise<void> {
    const runtime = this.runtime ?? (await this.starting?.catch(() => undefined));
    await runtime?.stop();
    await this.azurite?.stop();
  }

  private async start(
    functions: FunctionInfo[],
    connections: Map<string, StorageConnection>,
    primarySetting: string,
  ): Promise<StorageRuntime> {
    const { options } = this;
    const needsAzurite = [...connections.values()].some((c) => c.kind === 'azurite');
    const location = path.join(options.storeDir ?? options.config.appDir, 'azurite');
    const [started, loaded] = await Promise.allSettled([
      needsAzurite
        ? startAzurite({ ...options.azurite, location, appDir: options.config.appDir, log: options.log })
        : undefined,
      Promise.resolve().then(loadStorageBundle),
    ]);
    const azurite = started.status === 'fulfilled' ? started.value : undefined;
    if (started.status === 'rejected' || loaded.status === 'rejected') {
      await azurite?.stop();
      throw started.status === 'rejected' ? started.reason : (loaded as PromiseRejectedResult).reason;
    }
    const bundle = loaded.value;
    this.azurite = azurite;
    const ports = azurite?.ports ?? DEFAULT_AZURITE_PORTS;
    const strings = new Map<string, string>();
    for (const [setting, c] of connections) {
      strings.set(setting, c.kind === 'azurite' ? devStorageConnectionString(ports) : c.connectionString);
    }
    try {
      const runtime = await bundle.createStorageRuntime({
        functions,
        connections: strings,
        primarySetting,
        primaryKind: connections.get(primarySetting)!.kind,
        queueOptions: options.config.queues,
        storeDir: options.storeDir,
        log: options.log,
        verify: azurite !== undefined && !azurite.started,
      });
      if (azurite)
        options.log('info', `Storage: Azurite on 127.0.0.1 ports ${ports.blob}, ${ports.queue}, ${ports.table}.`);
      return runtime;
    } catch (error) {
      await azurite?.stop();
      throw error;
    }
  }

  /** Puts a private Azurite's connection string into the worker's environment; true when something changed. */
  private exportToWorker(connections: Map<string, StorageConnection>): boolean {
    const env = this.options.workerEnv;
    const ports = this.azurite?.ports;
    if (!env || !ports || ports.blob === DEFAULT_AZURITE_PORTS.blob) return false;
    const value = devStorageConnectionString(ports);
    const settings = new Set<string>();
    const webJobs = settingsLookup(this.options.config.values, process.env)(DEFAULT_CONNECTION);
    if (webJobs !== undefined && isDevelopmentStorage(webJobs)) settings.add(DEFAULT_CONNECTION);
    for (const [setting, c] of connections) if (c.kind === 'azurite') settings.add(setting);
    let changed = false;
    for (const setting of settings) {
      if (env[setting] !== value) changed = true;
      env[setting] = value;
    }
    return changed;
  }
}
