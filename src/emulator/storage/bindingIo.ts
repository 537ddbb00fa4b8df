/**
 * Storage input and output bindings, read and written by the host side as the Functions host does: blob inputs
 * (`{string}` or `{bytes}` by `dataType`, a missing blob gives no value), table inputs (one entity by partition and
 * row key, or a query with `filter` / `take`); blob, queue and table outputs written after the function succeeded
 * (queue: one message per array item; table: an entity or an array of them, each with PartitionKey and RowKey).
 */
import type { BindingInfo, FunctionInfo, OutputValues, TypedData } from '../host/protocol.js';
import { resolveExpressions } from './bindingExpressions.js';
import { encodeMessage } from './encoding.js';
import { isConflict, isNotFound, type StorageClients } from './sdk.js';
import { blobBytes } from './service.js';
import type { ExpressionData, QueueOptions } from './types.js';

export interface BindingIoOptions {
  /** The clients of a binding's connection (by its setting name). */
  clientsFor(binding: BindingInfo): StorageClients;
  encoding: QueueOptions['messageEncoding'];
  enqueued(queue: string): void;
  blobWritten(container: string): void;
  now(): Date;
}

type Inputs = { name: string; data: TypedData }[];

const TABLE_QUERY_LIMIT = 1000;

export class BindingIo {
  private readonly createdQueues = new Set<string>();
  private readonly createdTables = new Set<string>();

  constructor(private readonly options: BindingIoOptions) {}

  async readInputs(fn: FunctionInfo, data: ExpressionData): Promise<Inputs> {
    const inputs: Inputs = [];
    const reads = fn.bindings
      .filter((b) => b.direction === 'in' && /^(blob|table)$/i.test(b.type))
      .map(async (binding) => {
        const value =
          binding.type.toLowerCase() === 'blob'
            ? await this.readBlob(binding, data)
            : await this.readTable(binding, data);
        if (value !== undefined) inputs.push({ name: binding.name, data: value });
      });
    await Promise.all(reads);
    return inputs;
  }

  async writeOutputs(fn: FunctionInfo, outputs: OutputValues, data: ExpressionData): Promise<void> {
    const writes = fn.bindings
      .filter((b) => b.direction === 'out' && outputs[b.name] !== undefined)
      .map((binding) => {
        const value = outputs[binding.name]!;
        switch (binding.type.toLowerCase()) {
          case 'blob':
            return this.writeBlob(binding, value, data);
          case 'queue':
            return this.writeQueue(binding, value, data);
          case 'table':
            return this.writeTable(binding, value, data);
          default:
            return Promise.resolve();
        }
      });
    await Promise.all(writes);
  }

  private resolve(binding: BindingInfo, property: string, data: ExpressionData): string | undefined {
    const raw = binding.properties[property];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    try {
      return resolveExpressions(text, { data, now: this.options.now() });
    } catch (error) {
      throw new Error(`binding '${binding.name}' (${binding.type}) ${property} "${text}": ${(error as Error).message}`);
    }
  }

  private blobPath(binding: BindingInfo, data: ExpressionData): { container: string; name: string } {
    const path = this.resolve(binding, 'path', data) ?? '';
    const at = path.indexOf('/');
    if (at <= 0 || at === path.length - 1) {
      throw new Error(`binding '${binding.name}' (blob): path "${path}" must be 'container/blob name'`);
    }
    return { container: path.slice(0, at), name: path.slice(at + 1) };
  }

  private async readBlob(binding: BindingInfo, data: ExpressionData): Promise<TypedData | undefined> {
    const { container, name } = this.blobPath(binding, data);
    const blob = this.options.clientsFor(binding).blobs.getContainerClient(container).getBlobClient(name);
    try {
      const content = await blob.downloadToBuffer();
      return String(binding.properties['dataType']).toLowerCase() === 'string'
        ? { string: content.toString('utf8') }
        : { bytes: content };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async readTable(binding: BindingInfo, data: ExpressionData): Promise<TypedData | undefined> {
    const tableName = this.resolve(binding, 'tableName', data) ?? '';
    const partitionKey = this.resolve(binding, 'partitionKey', data);
    const rowKey = this.resolve(binding, 'rowKey', data);
    const table = this.options.clientsFor(binding).table(tableName);
    try {
      if (partitionKey !== undefined && rowKey !== undefined) {
        const entity = await table.getEntity(partitionKey, rowKey);
        return { json: JSON.stringify(hostEntity(entity)) };
      }
      const clauses: string[] = [];
      if (partitionKey !== undefined) clauses.push(`PartitionKey eq '${partitionKey.replace(/'/g, "''")}'`);
      const filter = this.resolve(binding, 'filter', data);
      if (filter) clauses.push(`(${filter})`);
      const takeValue = Number(binding.properties['take']);
      const take = Number.isInteger(takeValue) && takeValue > 0 ? takeValue : TABLE_QUERY_LIMIT;
      const entities: Record<string, unknown>[] = [];
      const query = clauses.length > 0 ? { queryOptions: { filter: clauses.join(' and ') } } : {};
      for await (const entity of table.listEntities(query)) {
        entities.push(hostEntity(entity));
        if (entities.length >= take) break;
      }
      return { json: JSON.stringify(entities) };
    } catch (error) {
      if (isNotFound(error)) return partitionKey !== undefined && rowKey !== undefined ? undefined : { json: '[]' };
      throw error;
    }
  }

  private async writeBlob(binding: BindingInfo, value: TypedData, data: ExpressionData): Promise<void> {
    const { container, name } = this.blobPath(binding, data);
    const client = this.options.clientsFor(binding).blobs.getContainerClient(container);
    await client.createIfNotExists();
    const bytes =
      'bytes' in value ? Buffer.from(value.bytes) : blobBytes('string' in value ? value.string : value.json);
    await client.getBlockBlobClient(name).upload(bytes, bytes.length);
    this.options.blobWritten(container);
  }

  private async writeQueue(binding: BindingInfo, value: TypedData, data: ExpressionData): Promise<void> {
    const queueName = (this.resolve(binding, 'queueName', data) ?? '').toLowerCase();
    const client = this.options.clientsFor(binding).queues.getQueueClient(queueName);
    if (!this.createdQueues.has(queueName)) {
      await client.createIfNotExists();
      this.createdQueues.add(queueName);
    }
    const messages: (string | Uint8Array)[] = [];
    if ('json' in value) {
      const parsed: unknown = JSON.parse(value.json);
      const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
      for (const item of items) messages.push(typeof item === 'string' ? item : JSON.stringify(item));
    } else messages.push('string' in value ? value.string : value.bytes);
    for (const message of messages) await client.sendMessage(encodeMessage(message, this.options.encoding));
    this.options.enqueued(queueName);
  }

  private async writeTable(binding: BindingInfo, value: TypedData, data: ExpressionData): Promise<void> {
    const tableName = this.resolve(binding, 'tableName', data) ?? '';
    const parsed: unknown =
      'json' in value ? JSON.parse(value.json) : 'string' in value ? tryParse(value.string) : null;
    const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    const table = this.options.clientsFor(binding).table(tableName);
    if (!this.createdTables.has(tableName)) {
      try {
        await table.createTable();
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      this.createdTables.add(tableName);
    }
    const defaults = {
      partitionKey: this.resolve(binding, 'partitionKey', data),
      rowKey: this.resolve(binding, 'rowKey', data),
    };
    for (const item of items) await table.upsertEntity(sdkEntity(binding, item, defaults), 'Replace');
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An entity as the host hands it to a function: PartitionKey, RowKey, Timestamp, then the properties. */
function hostEntity(entity: Record<string, unknown>): Record<string, unknown> {
  const { partitionKey, rowKey, timestamp, etag: _etag, 'odata.metadata': _metadata, ...rest } = entity;
  return { PartitionKey: partitionKey, RowKey: rowKey, Timestamp: timestamp, ...rest };
}

/** A function's entity as the SDK writes it; PartitionKey and RowKey are required (binding properties fill in). */
function sdkEntity(
  binding: BindingInfo,
  item: unknown,
  defaults: { partitionKey: string | undefined; rowKey: string | undefined },
): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new Error(`table output '${binding.name}': each value must be an object with PartitionKey and RowKey`);
  }
  const entity = { ...(item as Record<string, unknown>) };
  const take = (...keys: string[]): unknown => {
    for (const key of keys) {
      if (key in entity) {
        const value = entity[key];
        delete entity[key];
        return value;
      }
    }
    return undefined;
  };
  const partitionKey = take('PartitionKey', 'partitionKey') ?? defaults.partitionKey;
  const rowKey = take('RowKey', 'rowKey') ?? defaults.rowKey;
  take('Timestamp', 'timestamp');
  take('ETag', 'etag');
  if (partitionKey === undefined || rowKey === undefined) {
    throw new Error(
      `table output '${binding.name}': the entity has no ${partitionKey === undefined ? 'PartitionKey' : 'RowKey'}`,
    );
  }
  return { ...entity, partitionKey: keyText(partitionKey), rowKey: keyText(rowKey) };
}

function keyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
