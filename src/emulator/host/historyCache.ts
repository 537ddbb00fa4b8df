/**
 * The worker's copy of each running execution's past events, so an episode only carries what is new. Replaying
 * still walks the whole history (the library offers no other way), but the engine no longer serialises it, IPC
 * no longer copies it, and its timestamps are parsed to Dates once instead of once per episode.
 *
 * Invariant: an entry holds exactly the first `events.length` events of the execution named by `key`, as the
 * engine stored them; the engine only builds on an entry whose length it set itself, and otherwise gets a miss.
 */
import type { HistoryEvent } from '../engine/history.js';

const MAX_CACHED_EVENTS = 500_000;

export class HistoryCache {
  private readonly entries = new Map<string, { key: string; events: HistoryEvent[] }>();
  private total = 0;

  /** The cached past events, when the worker holds exactly what the engine expects. */
  get(instanceId: string, key: string, length: number): HistoryEvent[] | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry || entry.key !== key || entry.events.length !== length) return undefined;
    // Most recently used last, for eviction.
    this.entries.delete(instanceId);
    this.entries.set(instanceId, entry);
    return entry.events;
  }

  set(instanceId: string, key: string, events: HistoryEvent[]): void {
    this.delete(instanceId);
    this.entries.set(instanceId, { key, events });
    this.total += events.length;
    for (const [id, entry] of this.entries) {
      if (this.total <= MAX_CACHED_EVENTS || id === instanceId) break;
      this.entries.delete(id);
      this.total -= entry.events.length;
    }
  }

  delete(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.entries.delete(instanceId);
    this.total -= entry.events.length;
  }
}
