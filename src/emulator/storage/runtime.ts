/**
 * The entry of dist/storage.js, the bundle with the Azure Storage SDKs that the emulator loads (lazily, see
 * load.ts) only when the app has storage bindings: SDK clients per connection, the binding reads and writes, queue
 * listeners, blob scanners and the StorageService of the Storage view.
 */
import path from 'node:path';
import type { BindingInfo } from '../host/protocol.js';
import type { TriggerInvoker } from '../triggers/types.js';
import { BindingIo } from './bindingIo.js';
import { BlobReceipts } from './blobReceipts.js';
import { BLOB_POISON_QUEUE, BlobScanner } from './blobScanner.js';
import { accountOf, DEV_ACCOUNT, storageBindings } from './connection.js';
import { QueueListener } from './queueListener.js';
import { createClients, verifyServices, type StorageClients } from './sdk.js';
import { createStorageService } from './service.js';
import type { StorageRuntime, StorageRuntimeOptions } from './types.js';

export interface RuntimeStart extends StorageRuntimeOptions {
  /** Check that the primary connection's endpoints answer as Azure Storage (an Azurite we found running). */
  verify: boolean;
}

export async function createStorageRuntime(options: RuntimeStart): Promise<StorageRuntime> {
  const refs = storageBindings(options.functions);
  const clientsBySetting = new Map<string, StorageClients>();
  for (const [setting, connectionString] of options.connections) {
    clientsBySetting.set(setting, createClients(connectionString));
  }
  const settingOf = new Map<BindingInfo, string>(refs.map((ref) => [ref.binding, ref.setting]));
  const primary = clientsBySetting.get(options.primarySetting)!;
  const primaryConnection = options.connections.get(options.primarySetting)!;
  if (options.verify) await verifyServices(primary, 'the Azurite ports 127.0.0.1:10000-10002');

  const listeners: QueueListener[] = [];
  const scanners: BlobScanner[] = [];
  const enqueued = (queue: string): void => listeners.filter((l) => l.queueName === queue).forEach((l) => l.poke());
  const blobWritten = (container: string): void =>
    scanners.filter((s) => s.containerName === container).forEach((s) => s.poke());
  const encoding = options.queueOptions.messageEncoding;

  const names = (type: string, property: string): string[] => {
    const found = new Set<string>();
    for (const { binding } of refs) {
      const value = binding.properties[property];
      if (!new RegExp(`^${type}(trigger)?$`, 'i').test(binding.type) || typeof value !== 'string') continue;
      const name = type === 'blob' ? value.split('/')[0]! : value.toLowerCase();
      if (name && !name.includes('{')) found.add(name);
    }
    return [...found].sort();
  };

  const io = new BindingIo({
    clientsFor: (binding) => clientsBySetting.get(settingOf.get(binding) ?? options.primarySetting) ?? primary,
    encoding,
    enqueued,
    blobWritten,
    now: () => new Date(),
  });
  const service = createStorageService({
    clients: primary,
    connection: options.primaryKind,
    account: accountOf(primaryConnection) ?? DEV_ACCOUNT,
    connectionString: primaryConnection,
    queues: names('queue', 'queueName'),
    containers: names('blob', 'path'),
    encoding,
    enqueued,
    blobWritten,
  });

  return {
    service,
    readInputs: (fn, data) => io.readInputs(fn, data),
    writeOutputs: (fn, outputs, data) => io.writeOutputs(fn, outputs, data),
    startTriggers(invoker: TriggerInvoker) {
      const receipts = new BlobReceipts(
        options.storeDir ? path.join(options.storeDir, 'blob-receipts.json') : undefined,
      );
      for (const { fn, binding, setting } of refs) {
        const clients = clientsBySetting.get(setting) ?? primary;
        const type = binding.type.toLowerCase();
        if (type === 'queuetrigger') {
          const queueName = text(binding.properties['queueName']).toLowerCase();
          const listener = new QueueListener({
            fn,
            client: clients.queues.getQueueClient(queueName),
            poisonClient: clients.queues.getQueueClient(`${queueName}-poison`),
            options: options.queueOptions,
            invoker,
            log: options.log,
          });
          listeners.push(listener);
          listener.start();
        } else if (type === 'blobtrigger') {
          const pattern = text(binding.properties['path']);
          const scanner = new BlobScanner({
            fn,
            pattern,
            container: clients.blobs.getContainerClient(pattern.split('/')[0]!),
            poisonQueue: clients.queues.getQueueClient(BLOB_POISON_QUEUE),
            receipts,
            invoker,
            encoding,
            log: options.log,
          });
          scanners.push(scanner);
          scanner.start();
        }
      }
    },
    async stop() {
      await Promise.all([...listeners, ...scanners].map((part) => part.stop()));
    },
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
