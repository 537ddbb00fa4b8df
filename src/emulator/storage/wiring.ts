/**
 * Storage in a composition root (emulator.ts, and the testing library's host): the StorageHost and the binding
 * runner wrapped around the app worker. The engine, the HTTP triggers and the trigger host must all be given the
 * returned `runner`, so every invocation gets its storage inputs and outputs.
 */
import type { AppConfig } from '../appConfig.js';
import type { FunctionRunner } from '../host/runner.js';
import { BindingRunner } from './bindingRunner.js';
import { StorageHost } from './host.js';

export interface StorageWiring {
  config: AppConfig;
  storeDir: string | undefined;
  /** Default: `ephemeral` when DURABLE_STUDIO_AZURITE_PORTS=0 (tests), else `default` (10000-10002). */
  azurite?: 'default' | 'ephemeral' | undefined;
  /** A private Azurite without data on disk (the testing library). */
  inMemory?: boolean;
  /** The object given to the worker as `env`: a private Azurite's connection string is put there. */
  workerEnv: Record<string, string>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export function withStorage(
  worker: FunctionRunner,
  wiring: StorageWiring,
): { runner: BindingRunner; storage: StorageHost } {
  const ports = wiring.azurite ?? (process.env['DURABLE_STUDIO_AZURITE_PORTS'] === '0' ? 'ephemeral' : 'default');
  const storage = new StorageHost({
    config: wiring.config,
    storeDir: wiring.storeDir,
    azurite: { ports, ...(wiring.inMemory ? { inMemory: true } : {}) },
    workerEnv: wiring.workerEnv,
    log: wiring.log,
  });
  return { runner: new BindingRunner(worker, storage, wiring.log), storage };
}
