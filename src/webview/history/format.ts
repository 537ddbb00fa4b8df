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
