/**
 * A queue trigger's listener, with the host's semantics (QueueListener in the WebJobs storage extension): fetch up
 * to `batchSize` messages and run them in parallel, fetch again when no more than `newBatchThreshold` are still
 * running; a message is deleted when its function succeeds, made visible again after `visibilityTimeout` when it
 * fails, and moved to `<queue>-poison` once it has failed `maxDequeueCount` times. An empty queue is polled with a
 * doubling pause up to `maxPollingInterval` (capped at 2 s locally); `poke()` (a message we enqueued) polls at once.
 * While a message runs it stays invisible to other receivers, its lease renewed, as the host does.
 */
import type { QueueClient, DequeuedMessageItem } from '@azure/storage-queue';
import type { FunctionInfo, TypedData } from '../host/protocol.js';
import type { TriggerInvoker } from '../triggers/types.js';
import { decodeMessage } from './encoding.js';
import type { QueueOptions } from './types.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface QueueListenerOptions {
  fn: FunctionInfo;
  client: QueueClient;
  poisonClient: QueueClient;
  options: QueueOptions;
  invoker: TriggerInvoker;
  log: Log;
}

const MIN_POLL_MS = 100;
/** How long a message being processed stays invisible; renewed at half that while its function runs. */
const LEASE_SECONDS = 30;

export class QueueListener {
  private stopped = false;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private failing = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: QueueListenerOptions) {}

  get queueName(): string {
    return this.o.client.name;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Polls at once (a message was just added through our API or an output binding). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { batchSize, newBatchThreshold, maxPollingIntervalMs } = this.o.options;
    let delay = MIN_POLL_MS;
    let created = false;
    while (!this.stopped) {
      if (this.inFlight > newBatchThreshold) {
        await this.pause(maxPollingIntervalMs);
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      try {
        if (!created) {
          await this.o.client.createIfNotExists();
          created = true;
        }
        const received = await this.o.client.receiveMessages({
          numberOfMessages: batchSize,
          visibilityTimeout: LEASE_SECONDS,
        });
        messages = received.receivedMessageItems;
        if (this.failing) this.o.log('info', `[${this.o.fn.name}] Queue '${this.queueName}' can be read again.`);
        this.failing = false;
      } catch (error) {
        if (this.stopped) break;
        if (!this.failing) this.o.log('warn', `[${this.o.fn.name}] Queue '${this.queueName}': ${describe(error)}`);
        this.failing = true;
      }
      if (messages.length > 0) {
        delay = MIN_POLL_MS;
        for (const message of messages) {
          this.inFlight++;
          void this.process(message).finally(() => {
            this.inFlight--;
            this.wake?.();
          });
        }
        continue;
      }
      await this.pause(delay);
      delay = Math.min(delay * 2, maxPollingIntervalMs);
    }
  }

  /** Waits `ms`, or less when poked, stopped, or (while the batch is full) when a message finishes. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
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

  private async process(message: DequeuedMessageItem): Promise<void> {
    const { client, options, invoker, fn } = this.o;
    let popReceipt = message.popReceipt;
    try {
      if (message.dequeueCount > options.maxDequeueCount) return await this.poison(message, popReceipt);
      const text = decodeMessage(message.messageText, options.messageEncoding);
      const renew = setInterval(
        () => {
          client
            .updateMessage(message.messageId, popReceipt, undefined, LEASE_SECONDS)
            .then((r) => (popReceipt = r.popReceipt ?? popReceipt))
            .catch(() => undefined);
        },
        (LEASE_SECONDS * 1000) / 2,
      );
      const outcome = await invoker
        .run({
          functionName: fn.name,
          trigger: { string: text },
          triggerMetadata: metadata(message, text),
          reason: 'queue',
        })
        .finally(() => clearInterval(renew));
      if (this.stopped) return;
      if (outcome.ok) await client.deleteMessage(message.messageId, popReceipt);
      else if (message.dequeueCount >= options.maxDequeueCount) await this.poison(message, popReceipt);
      else await client.updateMessage(message.messageId, popReceipt, undefined, options.visibilityTimeoutMs / 1000);
    } catch (error) {
      if (!this.stopped)
        this.o.log('warn', `[${fn.name}] Queue '${this.queueName}' message ${message.messageId}: ${describe(error)}`);
    }
  }

  private async poison(message: DequeuedMessageItem, popReceipt: string): Promise<void> {
    const { poisonClient, client, options, fn } = this.o;
    this.o.log(
      'warn',
      `[${fn.name}] Message has reached MaxDequeueCount of ${options.maxDequeueCount}. ` +
        `Moving message to queue '${poisonClient.name}'.`,
    );
    await poisonClient.createIfNotExists();
    await poisonClient.sendMessage(message.messageText);
    await client.deleteMessage(message.messageId, popReceipt);
  }
}

/** The queue trigger's metadata as the host sends it (the library camel-cases the keys). */
function metadata(message: DequeuedMessageItem, text: string): Record<string, TypedData> {
  const time = (date: Date | undefined): TypedData => ({ json: JSON.stringify(date?.toISOString() ?? null) });
  return {
    Id: { string: message.messageId },
    DequeueCount: { json: String(message.dequeueCount) },
    ExpirationTime: time(message.expiresOn),
    InsertionTime: time(message.insertedOn),
    NextVisibleTime: time(message.nextVisibleOn),
    PopReceipt: { string: message.popReceipt },
    QueueTrigger: { string: text },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
