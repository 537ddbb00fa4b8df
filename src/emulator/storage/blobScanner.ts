/**
 * A blob trigger's scanner: lists the container of its `path` pattern every second (and right after our own
 * writes), and runs the function for each matching blob that is new or changed (by ETag) since its receipt. The
 * trigger value is the blob's bytes; the metadata holds the pattern's `{x}` values, `BlobTrigger` (the path), `Uri`,
 * `Properties` and `Metadata`. A function that fails on a blob is tried 5 times in all, then the blob is reported
 * on the `webjobs-blobtrigger-poison` queue and not tried again, as the host does.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import type { FunctionInfo, TypedData } from '../host/protocol.js';
import type { TriggerInvoker } from '../triggers/types.js';
import { matchBlobPattern } from './bindingExpressions.js';
import type { BlobReceipts } from './blobReceipts.js';
import { encodeMessage } from './encoding.js';
import type { QueueOptions } from './types.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface BlobScannerOptions {
  fn: FunctionInfo;
  /** The trigger's `path` (`container/{name}.txt`). */
  pattern: string;
  container: ContainerClient;
  poisonQueue: QueueClient;
  receipts: BlobReceipts;
  invoker: TriggerInvoker;
  encoding: QueueOptions['messageEncoding'];
  log: Log;
}

const SCAN_INTERVAL_MS = 1000;
const MAX_ATTEMPTS = 5;
export const BLOB_POISON_QUEUE = 'webjobs-blobtrigger-poison';

export class BlobScanner {
  private stopped = false;
  /** Resolves on stop, so a scan waiting on a long-running function does not hold the emulator's shutdown. */
  private readonly stopping: Promise<void>;
  private markStopped: () => void = () => undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private failing = false;
  /** Failed attempts per blob version (`path@etag`). */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly o: BlobScannerOptions) {
    this.stopping = new Promise((resolve) => (this.markStopped = resolve));
  }

  get containerName(): string {
    return this.o.container.containerName;
  }

  start(): void {
    this.loop ??= this.run();
  }

  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.markStopped();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await Promise.race([this.scan(), this.stopping]);
        this.failing = false;
      } catch (error) {
        if (!this.failing && !this.stopped) {
          this.o.log('warn', `[${this.o.fn.name}] Blob container '${this.containerName}': ${describe(error)}`);
        }
        this.failing = true;
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, SCAN_INTERVAL_MS);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = () => {
          this.wake = undefined;
          done();
        };
      });
    }
  }

  private async scan(): Promise<void> {
    const { pattern, container, receipts, fn } = this.o;
    const blobPattern = pattern.slice(pattern.indexOf('/') + 1);
    const prefix = blobPattern.split('{')[0]!;
    const runs: Promise<void>[] = [];
    if (!(await container.exists())) return;
    for await (const blob of container.listBlobsFlat({ prefix, includeMetadata: true })) {
      if (this.stopped) return;
      const values = matchBlobPattern(blobPattern, blob.name);
      const etag = blob.properties.etag ?? '';
      const blobPath = `${this.containerName}/${blob.name}`;
      if (!values || receipts.has(fn.name, blobPath, etag)) continue;
      const meta: Record<string, TypedData> = {
        BlobTrigger: { string: blobPath },
        Uri: { string: container.getBlobClient(blob.name).url },
        Properties: { json: JSON.stringify(blob.properties) },
        Metadata: { json: JSON.stringify(blob.metadata ?? {}) },
      };
      for (const [name, value] of Object.entries(values)) meta[name] = { string: value };
      runs.push(this.runOne(blob.name, blobPath, etag, meta));
    }
    await Promise.all(runs);
  }

  private async runOne(name: string, blobPath: string, etag: string, meta: Record<string, TypedData>): Promise<void> {
    const { fn, receipts, invoker } = this.o;
    const content = await this.o.container.getBlobClient(name).downloadToBuffer();
    const outcome = await invoker.run({
      functionName: fn.name,
      trigger: { bytes: content },
      triggerMetadata: meta,
      reason: 'blob',
    });
    if (this.stopped) return;
    const key = `${blobPath}@${etag}`;
    if (outcome.ok) {
      this.attempts.delete(key);
      await receipts.add(fn.name, blobPath, etag);
      return;
    }
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempts);
    if (attempts < MAX_ATTEMPTS) return;
    this.attempts.delete(key);
    this.o.log(
      'warn',
      `[${fn.name}] Blob '${blobPath}' failed ${MAX_ATTEMPTS} times: giving up and reporting it on queue '${BLOB_POISON_QUEUE}'.`,
    );
    const message = {
      Type: 'blob',
      FunctionId: `Host.Functions.${fn.name}`,
      BlobType: 'BlockBlob',
      ContainerName: this.containerName,
      BlobName: name,
      ETag: etag,
    };
    await this.o.poisonQueue.createIfNotExists();
    await this.o.poisonQueue.sendMessage(encodeMessage(JSON.stringify(message), this.o.encoding));
    await receipts.add(fn.name, blobPath, etag);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
