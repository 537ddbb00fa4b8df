/** Runs `fn` over `items` with at most `limit` calls in flight; resolves when all have settled (never rejects). */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch {
        // Each call reports its own failures; one failure does not stop the others.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A deduplicating work queue with a concurrency limit and a cap on what waits: during a burst (thousands of
 * changes) keys beyond `maxWaiting` are dropped rather than queued, so the host is never flooded with reads.
 */
export class BoundedQueue {
  private readonly waiting = new Set<string>();
  private running = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly work: (key: string) => Promise<void>,
  ) {}

  /** Queues `key` unless it is queued already or the queue is full; resolves false when dropped. */
  add(key: string): boolean {
    if (this.waiting.has(key)) return true;
    if (this.waiting.size >= this.maxWaiting) return false;
    this.waiting.add(key);
    this.pump();
    return true;
  }

  /** Drops everything waiting (calls already running finish). */
  clear(): void {
    this.waiting.clear();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.size > 0) {
      const key = this.waiting.values().next().value as string;
      this.waiting.delete(key);
      this.running++;
      void this.work(key)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}
