/**
 * Which call's user code the app worker is running synchronously, kept where the engine can still read it after
 * the worker died or stopped answering: eight bytes at the start of a small file, rewritten (one `pwrite`) when a
 * handler or hook is entered and when its synchronous part returns.
 *
 * Why a file: a worker whose event loop is blocked cannot answer over IPC, and one that called `process.exit()`
 * is gone, but the page cache keeps what it wrote. So when the worker blocks or exits while the marker names a
 * call, that call was executing at that instant: it is the culprit, and nothing else in flight is to blame. The
 * marker says nothing about code that runs after an `await` (it is 0 there); the engine then finds the culprit by
 * isolating suspects (blame.ts, workerClient.ts).
 */
import { openSync, readFileSync, writeSync } from 'node:fs';

const NONE = 0;

/** Runs `fn` with the marker naming the call; the synchronous part of `fn` is what the marker covers. */
export type MarkUserCode = <T>(fn: () => T) => T;

export const unmarked: MarkUserCode = (fn) => fn();

/** The worker's side: owns the file descriptor for the worker's lifetime. */
export class UserCodeMarker {
  private readonly fd: number;
  private readonly bytes = Buffer.alloc(8);
  private current = NONE;

  constructor(file: string) {
    this.fd = openSync(file, 'w');
    this.write(NONE);
  }

  /** A `MarkUserCode` for one call; nested marks restore the outer call's id. */
  forCall(callId: number): MarkUserCode {
    return (fn) => {
      const outer = this.current;
      this.write(callId);
      try {
        return fn();
      } finally {
        this.write(outer);
      }
    };
  }

  private write(callId: number): void {
    this.current = callId;
    this.bytes.writeDoubleLE(callId, 0);
    writeSync(this.fd, this.bytes, 0, 8, 0);
  }
}

/** The engine's side: the call id the marker names, or undefined (no call, or no marker file). */
export function readUserCodeMarker(file: string): number | undefined {
  try {
    const bytes = readFileSync(file);
    if (bytes.length < 8) return undefined;
    const callId = bytes.readDoubleLE(0);
    return Number.isInteger(callId) && callId > NONE ? callId : undefined;
  } catch {
    return undefined;
  }
}
