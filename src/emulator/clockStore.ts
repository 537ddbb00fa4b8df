/**
 * Where the emulated clock's offset (how far it was moved forward, `POST /emulator/v1/clock/advance`) is kept between
 * runs: `<store>/clock.json`, `{"offsetMs": <number>}`, written atomically before the clock moves. A restart starts
 * the clock with that offset, so the instances' times never go backwards and a timer due at an emulated time fires
 * when that time comes, as it would have without the restart (timers that became due while the emulator was down
 * fire at start-up, as without a moved clock). Deleting the file (with the emulator stopped) goes back to wall time.
 * A damaged file is reported and read as no offset. The testing library keeps nothing (its clock is manual).
 */
import { join } from 'node:path';
import { MAX_EMULATED_TIME } from './clock.js';
import { AtomicJsonFile } from './store/atomicJsonFile.js';

export const CLOCK_FILE = 'clock.json';

export interface ClockStore {
  /** The offset kept by the last run (0 when there is none). */
  load(): Promise<number>;
  /** Keeps the offset; resolves once it is written (writes apply in call order). */
  save(offsetMs: number): Promise<void>;
}

interface StoredClock {
  offsetMs: number;
}

export function fileClockStore(storeDir: string, log?: (message: string) => void): ClockStore {
  const file = new AtomicJsonFile<StoredClock>(join(storeDir, CLOCK_FILE), { fsync: true });
  let writing: Promise<void> = Promise.resolve();
  return {
    async load() {
      await writing;
      try {
        const stored = await file.read();
        if (stored === null) return 0;
        const offset = stored.offsetMs;
        if (
          typeof offset === 'number' &&
          Number.isFinite(offset) &&
          offset >= 0 &&
          Date.now() + offset <= MAX_EMULATED_TIME
        )
          return offset;
        log?.(`Emulated clock offset ignored (${file.path}: offsetMs ${JSON.stringify(offset)} is not valid)`);
      } catch (error) {
        // No store folder (yet), or a file where it should be: the store itself says so when it opens.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return 0;
        log?.(`Emulated clock offset ignored (${error instanceof Error ? error.message : String(error)})`);
      }
      return 0;
    },
    save(offsetMs) {
      const run = writing.then(() => file.write({ offsetMs }));
      writing = run.catch(() => undefined);
      return run;
    },
  };
}
