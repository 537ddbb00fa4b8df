/**
 * The account the Storage view and the testing library see (StorageService), over the SDK clients of the app's
 * primary connection. Writes made here wake the queue listeners and blob scanners at once.
 */
import { displayText, encodeMessage, messageContent } from './encoding.js';
import { splitBlobPath } from './names.js';
import { isNotFound, type StorageClients } from './sdk.js';
import type { BlobEntry, PeekedMessage, QueueOptions, StorageService } from './types.js';

export interface ServiceOptions {
  clients: StorageClients;
  connection: 'azurite' | 'account';
  account: string;
  connectionString: string;
  queues: string[];
  containers: string[];
  encoding: QueueOptions['messageEncoding'];
  /** A message was added to `queue` (its listener polls at once). */
  enqueued(queue: string): void;
  /** A blob was written in `container` (blob triggers scan at once). */
  blobWritten(container: string): void;
}

export function createStorageService(options: ServiceOptions): StorageService {
  const { clients, encoding } = options;
  return {
    connection: options.connection,
    account: options.account,
    connectionString: options.connectionString,
    queues: options.queues,
    containers: options.containers,

    async listQueues() {
      const names: string[] = [];
      for await (const queue of clients.queues.listQueues()) names.push(queue.name);
      return Promise.all(
        names.map(async (name) => {
          const properties = await clients.queues.getQueueClient(name).getProperties();
          return { name, approximateMessageCount: properties.approximateMessagesCount ?? 0 };
        }),
      );
    },

    async peekMessages(queue, top): Promise<PeekedMessage[]> {
      const client = clients.queues.getQueueClient(queue);
      try {
        const peeked = await client.peekMessages({ numberOfMessages: Math.max(1, Math.min(32, top)) });
        return peeked.peekedMessageItems.map((m) => ({
          id: m.messageId,
          insertedOn: m.insertedOn.toISOString(),
          expiresOn: m.expiresOn.toISOString(),
          dequeueCount: m.dequeueCount,
          text: encoding === 'base64' ? displayText(m.messageText) : m.messageText,
        }));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    },

    async enqueue(queue, message) {
      const client = clients.queues.getQueueClient(queue);
      await client.createIfNotExists();
      const sent = await client.sendMessage(encodeMessage(messageContent(message), encoding));
      options.enqueued(queue);
      return { id: sent.messageId };
    },

    async listContainers() {
      const names: { name: string }[] = [];
      for await (const container of clients.blobs.listContainers()) names.push({ name: container.name });
      return names;
    },

    async listBlobs(container, prefix): Promise<BlobEntry[]> {
      const blobs: BlobEntry[] = [];
      const client = clients.blobs.getContainerClient(container);
      try {
        for await (const blob of client.listBlobsFlat(prefix ? { prefix } : {})) {
          blobs.push({
            name: blob.name,
            size: blob.properties.contentLength ?? 0,
            lastModified: blob.properties.lastModified.toISOString(),
            contentType: blob.properties.contentType ?? 'application/octet-stream',
          });
        }
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
      return blobs;
    },

    async getBlob(container, name) {
      const blob = clients.blobs.getContainerClient(container).getBlobClient(name);
      try {
        const content = await blob.downloadToBuffer();
        const properties = await blob.getProperties();
        return { content, contentType: properties.contentType ?? 'application/octet-stream' };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async putBlob(path, content, contentType) {
      const parts = splitBlobPath(path);
      if ('problem' in parts) throw new TypeError(parts.problem);
      const container = clients.blobs.getContainerClient(parts.container);
      await container.createIfNotExists();
      const bytes = blobBytes(content);
      await container.getBlockBlobClient(parts.name).upload(bytes, bytes.length, {
        blobHTTPHeaders: { blobContentType: contentType ?? defaultContentType(content) },
      });
      options.blobWritten(parts.container);
    },
  };
}

export function blobBytes(content: string | Uint8Array | object): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if (content instanceof Uint8Array) return Buffer.from(content);
  return Buffer.from(JSON.stringify(content), 'utf8');
}

function defaultContentType(content: string | Uint8Array | object): string {
  if (typeof content === 'string') return 'text/plain; charset=utf-8';
  if (content instanceof Uint8Array) return 'application/octet-stream';
  return 'application/json';
}
