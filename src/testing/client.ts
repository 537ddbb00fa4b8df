/**
 * `host.client`: a DurableClient of the app's own `durable-functions` package, made with the package's public
 * `getClient` from the client binding the host would give a client function, so it talks to this test host's
 * management API exactly as the app's client functions do. Calls on it are counted while they run: time skipping
 * waits for them (a `raiseEvent` just made must win over a 72-hour timer).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ClientBindingJson } from '../protocol/clientBinding.js';

interface DurableFunctionsModule {
  getClient(context: unknown): object;
}

export class ClientCalls {
  private running = 0;
  private readonly waiters = new Set<() => void>();

  get inFlight(): number {
    return this.running;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running++;
    const done = () => {
      this.running--;
      for (const waiter of this.waiters) waiter();
    };
    work.then(done, done);
    return work;
  }

  /** Resolves once no call is running. */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.running > 0) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

export function createDurableClient(appDir: string, binding: ClientBindingJson, calls: ClientCalls): object {
  const appRequire = createRequire(path.join(appDir, 'package.json'));
  let df: DurableFunctionsModule;
  try {
    df = appRequire('durable-functions') as DurableFunctionsModule;
  } catch (error) {
    throw new Error(
      `durable-studio/testing: the app in ${appDir} does not resolve 'durable-functions' (${(error as Error).message.split('\n', 1)[0]}): run npm install in the app`,
    );
  }
  const input = { type: 'durableClient', name: 'durableStudioTestClient' };
  const context = { options: { extraInputs: [input] }, extraInputs: { get: () => binding } };
  // Without WEBSITE_HOSTNAME, getClient rewrites every URL to localhost:7071 (the Core Tools default).
  const saved = process.env['WEBSITE_HOSTNAME'];
  process.env['WEBSITE_HOSTNAME'] = new URL(binding.baseUrl).host;
  let client: object;
  try {
    client = df.getClient(context);
  } finally {
    if (saved === undefined) delete process.env['WEBSITE_HOSTNAME'];
    else process.env['WEBSITE_HOSTNAME'] = saved;
  }
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? calls.track(result) : result;
      };
    },
  });
}
