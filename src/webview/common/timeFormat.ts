/**
 * The explorer's one way of writing times and durations (tree rows, tooltips, the status bar and the Instances
 * table webview), in local time, 24-hour, date first:
 *
 * - full (`formatFullTime`, tooltips and the table): `2024-05-01 14:02:07`, with `.123` only when the milliseconds
 *   are known (the management API's `createdTime`/`lastUpdatedTime` have second precision: no `.000` is invented);
 * - short (`formatTime`, tree rows where a 300-px side bar leaves little room): the full form without the parts that
 *   are the same as now's: `14:02:07` today, `05-01 14:02` on another day of this year, `2023-05-01` another year.
 *
 * "Today" is the day of `now` on the host's clock (the emulator's clock may have been moved forward). Durations say
 * no more than their ends know: from second-precision times `< 1 s`, `< 2 s`, `3 s`, `2 min 5 s`; from ms-precision times
 * `117 ms`, `4.2 s`. No VS Code here: unit-tested in plain Node.
 */

/** How precise a time (or a duration computed from times) is. */
export type Precision = 'ms' | 's';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function datePart(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function clockPart(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * The short form: the full form without what `now` already says. `14:02:07` today, `05-01 14:02` on another day of
 * the same year (month-day, to the minute), `2023-05-01` in another year (local time; `now` on the host's clock).
 */
export function formatTime(ms: number, now: number): string {
  const date = new Date(ms);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return clockPart(date);
  if (date.getFullYear() !== today.getFullYear()) return datePart(date);
  return `${datePart(date).slice(5)} ${clockPart(date).slice(0, 5)}`;
}

/** `2024-05-01 14:02:07`, or `2024-05-01 14:02:07.123` when the milliseconds are known (local time). */
export function formatFullTime(ms: number, precision: Precision = 's'): string {
  const date = new Date(ms);
  const base = `${datePart(date)} ${clockPart(date)}`;
  return precision === 'ms' ? `${base}.${pad(date.getMilliseconds(), 3)}` : base;
}

/**
 * The time between two instants. With `precision: 's'` (either end known to the second only) it is computed from
 * the whole seconds of both ends and never shows milliseconds: `< 1 s`, `< 2 s`, `42 s`. With `'ms'`: `850 ms`, `4.2 s`.
 * Longer spans read the same either way: `3 min 12 s`, `2 h 5 min`, `3 d 4 h`.
 */
export function formatDurationBetween(from: number, to: number, precision: Precision): string {
  if (precision === 'ms') return formatDuration(to - from);
  const seconds = Math.floor(to / 1000) - Math.floor(from / 1000);
  // Each end may be up to a second later than it reads: 0 whole seconds apart is under 1 s, 1 apart under 2 s.
  if (seconds < 1) return '< 1 s';
  if (seconds < 2) return '< 2 s';
  return seconds < 60 ? `${seconds} s` : formatDuration(seconds * 1000);
}

/** `850 ms`, `4.2 s`, `42 s`, `3 min 12 s`, `2 h 5 min`, `3 d 4 h` (a duration measured to the millisecond). */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.floor(value / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min ${seconds} s`;
}

/** `+3 d 2 h`, `+45 min 0 s`: how far the emulated clock runs ahead of wall time (for the status bar). */
export function formatClockOffset(offsetMs: number): string {
  const text = offsetMs < 60_000 ? `${Math.round(offsetMs / 1000)} s` : formatDuration(offsetMs);
  return `+${text}`;
}
