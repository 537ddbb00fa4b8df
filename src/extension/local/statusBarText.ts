/**
 * What the emulator's status bar item says while the emulator runs: its port, the running and failed instances, the
 * debugger, and, once the emulated clock has been moved forward, how far and what time it is there, in the
 * explorer's time format (`Durable: :7071 · clock +3 d 0 h (2026-12-08 14:16)`; the date is always written, to the
 * minute, so the text changes once a minute at most). No VS Code here: unit-tested in plain Node.
 */
import { formatClockOffset, formatDuration, formatFullTime } from '../views/timeFormat.js';

export interface RunningStatus {
  port: number;
  url: string;
  appDir: string;
  counts: { running: number; failed: number } | undefined;
  debugging: boolean;
  /** Emulated time minus wall time; 0 when the clock was never moved. */
  clockOffsetMs: number;
  /** Wall time, epoch ms. */
  now: number;
}

export function runningStatusText(status: RunningStatus): { text: string; tooltip: string } {
  const counts = status.counts ? ` · ${status.counts.running} running · ${status.counts.failed} failed` : '';
  const moved = status.clockOffsetMs > 0;
  const emulatedNow = status.now + status.clockOffsetMs;
  const clock = moved
    ? ` · clock ${formatClockOffset(status.clockOffsetMs)} (${formatFullTime(emulatedNow).slice(0, 16)})`
    : '';
  const debug = status.debugging ? ' $(debug-alt)' : '';
  const tooltip = [
    `Emulator running at ${status.url} for ${status.appDir}. Click for actions.`,
    ...(moved
      ? [
          `The emulated clock runs ${formatDuration(status.clockOffsetMs)} ahead of this computer's clock ` +
            `(${formatFullTime(emulatedNow)} there, local time). The offset is kept in the store across restarts.`,
        ]
      : []),
  ].join('\n\n');
  return { text: `$(pulse) Durable: :${status.port}${counts}${clock}${debug}`, tooltip };
}
