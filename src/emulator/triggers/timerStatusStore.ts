/**
 * Where timer schedules keep their status between runs of the emulator (the host's `ScheduleMonitor`, which keeps
 * it in blob storage): `<store>/timers.json`, one small JSON object by function name, written atomically after
 * each scheduled run. A restart reads it to know which schedules came due while the emulator was down.
 * The testing library keeps it in memory.
 */
import { join } from 'node:path';
import { AtomicJsonFile } from '../store/atomicJsonFile.js';

/** The host's `ScheduleStatus`, times in epoch ms (`last` undefined: never ran, the host's `DateTime.MinValue`). */
export interface ScheduleStatus {
  last?: number;
  next: number;
  lastUpdated: number;
}

export interface TimerStatusStore {
  /** Every stored status by function name (empty when there is none yet). */
  load(): Promise<Map<string, ScheduleStatus>>;
  /** Records one function's status; writes are applied in call order. */
  save(name: string, status: ScheduleStatus): Promise<void>;
}

interface StoredStatus {
  Last?: string;
  Next: string;
  LastUpdated: string;
}

export const TIMERS_FILE = 'timers.json';

export function fileTimerStatusStore(storeDir: string, log?: (message: string) => void): TimerStatusStore {
  const file = new AtomicJsonFile<Record<string, StoredStatus>>(join(storeDir, TIMERS_FILE));
  let statuses = new Map<string, ScheduleStatus>();
  let writing: Promise<void> = Promise.resolve();
  return {
    async load() {
      let stored: Record<string, StoredStatus> | null = null;
      await writing; // a reload reads what the last run wrote
      try {
        stored = await file.read();
      } catch (error) {
        // A damaged status file only costs the past-due check: start afresh (and say so).
        log?.(`Timer status ignored (${error instanceof Error ? error.message : String(error)})`);
      }
      statuses = new Map();
      for (const [name, value] of Object.entries(stored ?? {})) {
        const status = fromStored(value);
        if (status) statuses.set(name, status);
      }
      return new Map(statuses);
    },
    save(name, status) {
      statuses.set(name, status);
      const snapshot = Object.fromEntries([...statuses].map(([key, value]) => [key, toStored(value)]));
      writing = writing
        .then(() => file.write(snapshot))
        .catch((error: unknown) =>
          log?.(`Timer status not saved to ${file.path}: ${error instanceof Error ? error.message : String(error)}`),
        );
      return writing;
    },
  };
}

export function memoryTimerStatusStore(): TimerStatusStore {
  const statuses = new Map<string, ScheduleStatus>();
  return {
    load: () => Promise.resolve(new Map(statuses)),
    save(name, status) {
      statuses.set(name, { ...status });
      return Promise.resolve();
    },
  };
}

function toStored(status: ScheduleStatus): StoredStatus {
  return {
    ...(status.last !== undefined ? { Last: new Date(status.last).toISOString() } : {}),
    Next: new Date(status.next).toISOString(),
    LastUpdated: new Date(status.lastUpdated).toISOString(),
  };
}

function fromStored(value: unknown): ScheduleStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { Last, Next, LastUpdated } = value as Record<string, unknown>;
  const next = time(Next);
  const lastUpdated = time(LastUpdated);
  if (next === undefined || lastUpdated === undefined) return undefined;
  const last = time(Last);
  return { ...(last !== undefined ? { last } : {}), next, lastUpdated };
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
