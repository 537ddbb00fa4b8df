/**
 * Query-string parsing with the real host's leniency: a value that does not parse counts as absent (its
 * `TryGet...QueryParameterValue` helpers), so a bad `showHistory=yes` silently means the default.
 */
import { RUNTIME_STATUS_BY_NUMBER, type RuntimeStatus } from '../engine/model.js';

/** .NET `bool.TryParse`: `true`/`false`, any case, surrounding blanks allowed. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name)?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** .NET `int.TryParse` (32-bit). */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)?.trim();
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** Seconds as a double (`timeout`, `pollingInterval`), returned in milliseconds. */
export function querySecondsAsMs(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)?.trim();
  if (value === undefined || value.length === 0) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n * 1000 : undefined;
}

/**
 * A date-time as epoch ms. ISO text with an offset or `Z` is exact; text without one is taken as UTC (the
 * emulator's clock is UTC; the real host would use the machine's zone). Unparseable → undefined.
 */
export function parseDateTime(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  let text = value.trim();
  if (text.length === 0) return undefined;
  // `+` in a query string decodes to a space, so `...T10:00:00 01:00` was `+01:00`.
  text = text.replace(/ (\d{2}:?\d{2})$/, '+$1');
  const hasZone = /(z|[+-]\d{2}:?\d{2})$/i.test(text);
  const looksLikeDateTime = /^\d{1,4}-\d{1,2}-\d{1,2}T/i.test(text);
  const ms = Date.parse(looksLikeDateTime && !hasZone ? `${text}Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function queryDateTime(query: URLSearchParams, name: string): number | undefined {
  return parseDateTime(query.get(name));
}

/**
 * `runtimeStatus=A,B` (also repeated): names or their .NET numbers; unknown entries are ignored, as the host's
 * `Enum.TryParse` does. That parse is case-sensitive: `running` is not a status there, and a filter left with
 * nothing (for a purge: everything in the window) is what a lower-case query gets on Azure, so it gets it here too.
 * Undefined when nothing valid remains (= no filter).
 */
export function queryRuntimeStatuses(query: URLSearchParams, name: string): RuntimeStatus[] | undefined {
  const result: RuntimeStatus[] = [];
  for (const raw of query.getAll(name).flatMap((v) => v.split(','))) {
    const value = raw.trim();
    if (/^\d+$/.test(value)) {
      const status = RUNTIME_STATUS_BY_NUMBER[Number(value)];
      if (status !== undefined) result.push(status);
      continue;
    }
    const status = RUNTIME_STATUS_BY_NUMBER.find((s) => s === value);
    if (status !== undefined) result.push(status);
  }
  return result.length > 0 ? [...new Set(result)] : undefined;
}
