/** Text for the history view: durations, times, JSON. Pure functions (the webview and the unit tests use them). */
import type { JsonValue } from './protocol.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `850 ms`, `1.234 s`, `2 min 3 s`, `1 h 2 min`, `3 d 4 h`. Negative durations keep their sign. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(3).replace(/\.?0+$/, '')} s`;
  if (ms < HOUR) return pair(ms, MINUTE, 'min', SECOND, 's');
  if (ms < DAY) return pair(ms, HOUR, 'h', MINUTE, 'min');
  return pair(ms, DAY, 'd', HOUR, 'h');
}

function pair(ms: number, big: number, bigUnit: string, small: number, smallUnit: string): string {
  const whole = Math.floor(ms / big);
  const rest = Math.floor((ms - whole * big) / small);
  return rest === 0 ? `${whole} ${bigUnit}` : `${whole} ${bigUnit} ${rest} ${smallUnit}`;
}

/** `+1.5 s`: the time since the orchestration started. */
export function formatElapsed(ms: number): string {
  return ms < 0 ? formatDuration(ms) : `+${formatDuration(ms)}`;
}

/** `22:42:34.084` (UTC, like every time the host reports). */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 23) : '';
}

/** `2024-05-01 10:00:02.000 UTC`. */
export function formatDateTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

/** Whether two times (ms) fall on the same UTC day. */
export function sameUtcDay(a: number, b: number): boolean {
  return Math.floor(a / DAY) === Math.floor(b / DAY);
}

/**
 * A due time: `22:42:34.084` when it falls on the same UTC day as each of `days` (the row's own time, now), else
 * `2026-11-25 22:42:34` (a date days away needs no milliseconds; the tooltip has the whole value).
 */
export function formatDueTime(ms: number, ...days: (number | undefined)[]): string {
  if (!Number.isFinite(ms)) return '';
  const sameDay = days.every((day) => day === undefined || sameUtcDay(ms, day));
  if (sameDay) return formatTime(ms);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** `in 2 d 23 h`, `in 5 s` (whole seconds, rounded up under a minute), `due now` once the time has come. */
export function formatTimeLeft(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'due now';
  return `in ${formatDuration(ms < MINUTE ? Math.ceil(ms / SECOND) * SECOND : ms)}`;
}

/**
 * A duration measured from a time known to the second only (`createdTime`), or one that ticks: whole seconds,
 * `< 1 s` below one. Never milliseconds the source does not have.
 */
export function formatDurationSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms < 0) return `-${formatDurationSeconds(-ms)}`;
  if (ms < SECOND) return '< 1 s';
  return formatDuration(Math.floor(ms / SECOND) * SECOND);
}

/**
 * An ISO date-time as the host sent it, at its own precision: `2026-11-22T22:42:34Z` (the status API's second
 * precision) → `2026-11-22 22:42:34 UTC`, `...34.3441234Z` → `2026-11-22 22:42:34.344 UTC`. Text that is not a
 * date-time comes back as it is.
 */
export function formatIsoText(text: string): string {
  const ms = parseTime(text);
  if (ms === undefined) return text;
  const iso = new Date(ms).toISOString();
  const precise = /T\d{2}:\d{2}:\d{2}[.,]\d/.test(text);
  return `${iso.slice(0, 10)} ${iso.slice(11, precise ? 23 : 19)} UTC`;
}

/** A field as text: strings as they are, null/absent as '', anything else as JSON. */
export function textOf(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

/** Parses an ISO date-time; undefined for anything else. */
export function parseTime(value: JsonValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The value to show: `Input` fields of history events are JSON text and are parsed first (text that is not JSON,
 * such as a terminate reason, stays as it is).
 */
export function displayValue(value: JsonValue, jsonText: boolean): JsonValue {
  if (!jsonText || typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value;
  }
}

/** Multi-line text: strings as they are (stack traces keep their lines), anything else as indented JSON. */
export function prettyText(value: JsonValue, jsonText: boolean): string {
  const shown = displayValue(value, jsonText);
  return typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2);
}

/** One line of at most `max` characters: compact JSON (strings quoted), line breaks shown as spaces. */
export function previewText(value: JsonValue, jsonText: boolean, max = 160): string {
  const shown = displayValue(value, jsonText);
  return truncate(JSON.stringify(shown), max);
}

/** The first line of a text, cut to `max` characters. */
export function firstLine(text: string, max = 160): string {
  const end = text.indexOf('\n');
  return truncate(end < 0 ? text : text.slice(0, end), max);
}

export function truncate(text: string, max: number): string {
  const single = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const flat = single.replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Number of lines of a text. */
export function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
