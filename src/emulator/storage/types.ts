/**
 * The storage part's contracts: what the rest of the emulator (HTTP API, testing library, binding runner) sees of
 * the storage account, and what the lazily loaded storage bundle (dist/storage.js, runtime.ts) offers. Types only:
 * importing this file loads none of the Azure SDKs.
 */
import type { BindingInfo, BindingValues, FunctionInfo, OutputValues } from '../host/protocol.js';
import type { TriggerInvoker } from '../triggers/types.js';
import type { QueueOptions } from '../appConfig.js';

/** A message as the Storage view lists it (a peek: it stays in the queue, its dequeue count unchanged). */
export interface PeekedMessage {
  id: string;
  insertedOn: string;
  expiresOn: string;
  dequeueCount: number;
  /** The text decoded from base64 when it decodes to valid UTF-8 text, else the raw message text. */
  text: string;
}

export interface BlobEntry {
  name: string;
  size: number;
  lastModified: string;
  contentType: string;
}

/** The app's storage account (Azurite or a real one), for the Storage view, the testing library and tests. */
export interface StorageService {
  /** `azurite` for development storage, `account` for a connection string to a real account. */
  readonly connection: 'azurite' | 'account';
  readonly account: string;
  /** The connection string of the account (for Azurite: its explicit endpoints). */
  readonly connectionString: string;
  /** Queues and containers the app's bindings name (binding expressions left out). */
  readonly queues: string[];
  readonly containers: string[];
  listQueues(): Promise<{ name: string; approximateMessageCount: number }[]>;
  peekMessages(queue: string, top: number): Promise<PeekedMessage[]>;
  /**
   * Adds a message as the host expects it (base64 unless host.json says `messageEncoding: none`); objects are sent
   * as JSON. Creates the queue if needed; the queue's listener polls at once.
   */
  enqueue(queue: string, message: string | Uint8Array | object): Promise<{ id: string }>;
  listContainers(): Promise<{ name: string }[]>;
  listBlobs(container: string, prefix?: string): Promise<BlobEntry[]>;
  /** The blob's bytes and content type, or undefined when the container or blob does not exist. */
  getBlob(container: string, name: string): Promise<{ content: Buffer; contentType: string } | undefined>;
  /** Writes `container/name` (container created if needed); objects are written as JSON. Blob triggers scan at once. */
  putBlob(path: string, content: string | Uint8Array | object, contentType?: string): Promise<void>;
}

/** A storage binding's connection, resolved from its app setting. */
export type StorageConnection =
  | { kind: 'azurite'; setting: string }
  | { kind: 'account'; setting: string; connectionString: string; account: string };

/** What the storage bundle needs to start. */
export interface StorageRuntimeOptions {
  functions: FunctionInfo[];
  /** Connection string per app setting name the bindings use. */
  connections: Map<string, string>;
  /** The setting the Storage view and the testing library use. */
  primarySetting: string;
  primaryKind: 'azurite' | 'account';
  queueOptions: QueueOptions;
  /** Where blob receipts are kept (the emulator's store folder); undefined: in memory only. */
  storeDir: string | undefined;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** dist/storage.js's export (runtime.ts). */
export interface StorageRuntime {
  service: StorageService;
  /** Values of a function's storage input bindings (blob and table), binding expressions resolved from `data`. */
  readInputs(fn: FunctionInfo, data: ExpressionData): Promise<NonNullable<BindingValues['inputs']>>;
  /** Writes a function's storage outputs after it succeeded. */
  writeOutputs(fn: FunctionInfo, outputs: OutputValues, data: ExpressionData): Promise<void>;
  /** Starts queue listeners and blob scanners; they run functions through `invoker`. */
  startTriggers(invoker: TriggerInvoker): void;
  stop(): Promise<void>;
}

/** What binding expressions are resolved against: trigger metadata and the trigger's (or input's) JSON payload. */
export interface ExpressionData {
  metadata: Record<string, unknown>;
  payload: unknown;
}

/** A storage binding of a function with its connection setting's name. */
export interface StorageBindingRef {
  fn: FunctionInfo;
  binding: BindingInfo;
  setting: string;
}

export type { QueueOptions };
