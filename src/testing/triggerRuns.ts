/**
 * The test host's view of timer, queue and blob runs: a `TriggerInvoker` in front of the trigger host that counts
 * the runs in flight (so `waitForIdle` and time skipping wait for them) and lets `enqueue`, `putBlob` and `invoke`
 * wait for the runs their message, blob or call caused.
 */
import type { TypedData } from '../emulator/host/protocol.js';
import type { TriggerInvoker, TriggerOutcome, TriggerRequest } from '../emulator/triggers/types.js';

type Listener = (request: TriggerRequest, outcome: TriggerOutcome) => void;

export class TriggerRuns implements TriggerInvoker {
  private running = 0;
  private readonly listeners = new Set<Listener>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly inner: TriggerInvoker) {}

  get inFlight(): number {
    return this.running;
  }

  async run(request: TriggerRequest): Promise<TriggerOutcome> {
    this.running++;
    try {
      const outcome = await this.inner.run(request);
      for (const listener of [...this.listeners]) listener(request, outcome);
      return outcome;
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of [...this.waiters]) wake();
    }
  }

  /** Resolves when no run is in flight. */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** Calls `listener` after every run; returns the unsubscribe function. */
  onRun(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** The text of a trigger metadata value (`Id`, `BlobTrigger`, ...), or undefined. */
export function metadataText(request: TriggerRequest, key: string): string | undefined {
  const value: TypedData | undefined = request.triggerMetadata?.[key];
  if (!value) return undefined;
  return 'string' in value ? value.string : 'json' in value ? value.json : undefined;
}
