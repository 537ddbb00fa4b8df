/**
 * The Azure Storage SDK clients of one account. This file and everything that imports it is bundled into
 * dist/storage.js, which the emulator loads only when the app has storage bindings.
 */
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

export interface StorageClients {
  queues: QueueServiceClient;
  blobs: BlobServiceClient;
  tables: TableServiceClient;
  table(name: string): TableClient;
}

/** Few, short retries: a local Azurite answers at once or is down, and a hung call would stall a trigger. */
const retryOptions = { maxTries: 3, tryTimeoutInMs: 30_000, retryDelayInMs: 200, maxRetryDelayInMs: 1000 };

export function createClients(connectionString: string): StorageClients {
  // http endpoints (Azurite) need allowInsecureConnection for the tables client.
  const tableOptions = { allowInsecureConnection: true, retryOptions: { maxRetries: 2 } };
  const tables = new Map<string, TableClient>();
  return {
    queues: QueueServiceClient.fromConnectionString(connectionString, { retryOptions }),
    blobs: BlobServiceClient.fromConnectionString(connectionString, { retryOptions }),
    tables: TableServiceClient.fromConnectionString(connectionString, tableOptions),
    table(name) {
      let client = tables.get(name);
      if (!client) {
        client = TableClient.fromConnectionString(connectionString, name, tableOptions);
        tables.set(name, client);
      }
      return client;
    },
  };
}

/** Whether an SDK error is the service's 404. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

/** Whether an SDK error is the service's 409 (already exists). */
export function isConflict(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 409;
}

/**
 * Checks that each service at the account's endpoints answers as Azure Storage (an Azurite found already running):
 * something else on those ports gives a clear error instead of failing later.
 */
export async function verifyServices(clients: StorageClients, where: string): Promise<void> {
  const checks: [string, (signal: AbortSignal) => Promise<unknown>][] = [
    ['blob', (abortSignal) => clients.blobs.getProperties({ abortSignal })],
    ['queue', (abortSignal) => clients.queues.getProperties({ abortSignal })],
    ['table', (abortSignal) => clients.tables.getProperties({ abortSignal })],
  ];
  await Promise.all(
    checks.map(async ([service, check]) => {
      try {
        await check(AbortSignal.timeout(3000));
      } catch (error) {
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        throw new Error(`the ${service} service at ${where} does not answer as Azure Storage (${reason})`);
      }
    }),
  );
}
