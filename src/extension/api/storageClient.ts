/**
 * The emulator-only storage routes (`/emulator/v1/storage/...`): the queues and blob containers the app's
 * bindings use, in Azurite or the account the app is configured with. Every route answers 404 ("The app uses no
 * storage bindings.") when the app has none; `getInfo` turns that into undefined, the others into the error.
 * One HTTP request per method, through the management client's transport (same key, timeout and errors).
 */
import type { OperationContext } from './errors.js';
import { context, segment } from './requestParts.js';
import { expectStatus, jsonBody, type RawResponse, type RequestSpec, type Transport } from './transport.js';
import type {
  BlobContent,
  BlobSummary,
  ContainerSummary,
  QueueMessage,
  QueueSummary,
  StorageInfo,
} from './appTypes.js';

export const STORAGE_PATH = '/emulator/v1/storage';

/** How many messages a peek asks for (the most the Queue service returns at once). */
export const PEEK_LIMIT = 32;

export class StorageClient {
  constructor(private readonly transport: Transport) {}

  /** Where the app's storage is and what it uses; undefined when the app has no storage binding. */
  async getInfo(): Promise<StorageInfo | undefined> {
    const ctx = context('getStorage', 'read the storage the app uses');
    const res = await this.send({ method: 'GET', path: STORAGE_PATH }, ctx);
    if (res.status === 404) return undefined;
    expectStatus(res, [200], ctx);
    return jsonBody<StorageInfo>(res, ctx);
  }

  /** The app's queues with their approximate message counts. */
  async listQueues(): Promise<QueueSummary[]> {
    const ctx = context('listQueues', 'list queues');
    return this.json<QueueSummary[]>({ method: 'GET', path: `${STORAGE_PATH}/queues` }, ctx);
  }

  /** The first messages of a queue, without dequeuing them (at most 32). */
  async peekMessages(queue: string, top = PEEK_LIMIT): Promise<QueueMessage[]> {
    const ctx = context('peekMessages', `read the messages of queue '${queue}'`);
    const path = `${STORAGE_PATH}/queues/${segment(queue, 'Queue name', ctx)}/messages`;
    return this.json<QueueMessage[]>({ method: 'GET', path, query: { top: String(top) } }, ctx);
  }

  /** Adds a message (its text as is); resolves with its id. */
  async addMessage(queue: string, text: string): Promise<string> {
    const ctx = context('addMessage', `add a message to queue '${queue}'`);
    const path = `${STORAGE_PATH}/queues/${segment(queue, 'Queue name', ctx)}/messages`;
    const res = await this.send({ method: 'POST', path, body: { json: { text } } }, ctx);
    expectStatus(res, [201], ctx);
    const id = jsonBody<{ id?: unknown }>(res, ctx).id;
    return typeof id === 'string' ? id : '';
  }

  /** The app's blob containers. */
  async listContainers(): Promise<ContainerSummary[]> {
    const ctx = context('listContainers', 'list blob containers');
    return this.json<ContainerSummary[]>({ method: 'GET', path: `${STORAGE_PATH}/containers` }, ctx);
  }

  /** The blobs of a container (whose names start with `prefix`). */
  async listBlobs(container: string, prefix = ''): Promise<BlobSummary[]> {
    const ctx = context('listBlobs', `list the blobs of container '${container}'`);
    const path = `${STORAGE_PATH}/containers/${segment(container, 'Container name', ctx)}/blobs`;
    return this.json<BlobSummary[]>({ method: 'GET', path, query: { prefix } }, ctx);
  }

  /** A blob's bytes and content type. */
  async readBlob(container: string, name: string): Promise<BlobContent> {
    const ctx = context('readBlob', `read blob '${container}/${name}'`);
    const res = await this.send({ method: 'GET', path: blobPath(container, name, ctx), binary: true }, ctx);
    expectStatus(res, [200], ctx);
    return { bytes: res.bytes ?? new Uint8Array(), contentType: res.headers.get('content-type') ?? undefined };
  }

  /** Writes a blob (replacing one of the same name). */
  async uploadBlob(container: string, name: string, bytes: Uint8Array, contentType?: string): Promise<void> {
    const ctx = context('uploadBlob', `upload blob '${container}/${name}'`);
    const body = { bytes, ...(contentType ? { contentType } : {}) };
    const res = await this.send({ method: 'PUT', path: blobPath(container, name, ctx), body }, ctx);
    expectStatus(res, [201], ctx);
  }

  private send(spec: RequestSpec, ctx: OperationContext): Promise<RawResponse> {
    return this.transport.send(spec, ctx);
  }

  private async json<T>(spec: RequestSpec, ctx: OperationContext): Promise<T> {
    const res = await this.send(spec, ctx);
    expectStatus(res, [200], ctx);
    return jsonBody<T>(res, ctx);
  }
}

/** `/containers/{c}/blobs/{a}/{b}`: a blob name's `/`-separated parts each encoded, so folders stay folders. */
function blobPath(container: string, name: string, ctx: OperationContext): string {
  const parts = name.split('/').map((part) => segment(part, 'Blob name', ctx));
  return `${STORAGE_PATH}/containers/${segment(container, 'Container name', ctx)}/blobs/${parts.join('/')}`;
}
