/**
 * Runs the parts of the e2e run (the host tests, each UI scenario) in a few lanes at once, each part on its own
 * code-server. With more than one lane, what a part prints is held back and printed as one block when it ends (an
 * `AsyncLocalStorage` follows the part through its awaits), so the output reads as it does one part at a time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

export interface LaneTask<T> {
  /** What the live "started" line names. */
  label: string;
  run(): Promise<T>;
}

const held = new AsyncLocalStorage<string[]>();
let consoleHeld = false;

/** Routes `console.log/info/warn/error` of a part running in a lane into its held lines. */
function holdConsole(): void {
  if (consoleHeld) return;
  consoleHeld = true;
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const lines = held.getStore();
      if (lines) lines.push(format(...args));
      else original(...args);
    };
  }
}

/** Runs `tasks` in at most `lanes` at once, in order of start; the results are in the order of `tasks`. */
export async function runInLanes<T>(tasks: readonly LaneTask<T>[], lanes: number): Promise<T[]> {
  const results: T[] = [];
  if (lanes <= 1 || tasks.length <= 1) {
    for (const task of tasks) results.push(await task.run());
    return results;
  }
  holdConsole();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index]!;
      console.log(`  started ${task.label}`);
      const lines: string[] = [];
      try {
        results[index] = await held.run(lines, () => task.run());
      } finally {
        if (lines.length) console.log(lines.join('\n'));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, tasks.length) }, lane));
  return results;
}
