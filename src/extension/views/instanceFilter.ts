/**
 * The Instances view's filter: what the user chose (kept per workspace as typed, so a relative time such as `24h`
 * stays relative), how it becomes the management API's query parameters, and how a single instance is checked
 * against it (for changes from the live stream, and for the orchestration name, which the API cannot filter on).
 * No VS Code here: unit-tested in plain Node.
 */
import { RUNTIME_STATUS_NAMES } from '../../webview/instances/protocol.js';
import type { InstanceQuery, RuntimeStatus } from '../api/index.js';

/** Every runtime status, in the order the view (and the Instances table) shows them: what needs attention first. */
export const RUNTIME_STATUSES: readonly RuntimeStatus[] = RUNTIME_STATUS_NAMES;

/** Statuses whose instances can be purged. */
export const PURGEABLE_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

/** The filter as the user gave it. Absent fields do not filter. */
export interface InstanceFilter {
  statuses?: RuntimeStatus[];
  /** Orchestration name, compared without regard to case (function names are case-insensitive). */
  name?: string;
  idPrefix?: string;
  /** A time spec (see `parseTimeSpec`): an ISO date-time, or a span before now such as `30m`, `1h`, `7d`. */
  createdFrom?: string;
  createdTo?: string;
}

/** The filter with times resolved against a given "now", ready to send and to match. */
export interface ResolvedFilter {
  statuses?: ReadonlySet<RuntimeStatus>;
  /** Lower case. */
  name?: string;
  idPrefix?: string;
  createdFrom?: number;
  createdTo?: number;
}

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export type TimeSpecResult = { ok: true; time: number } | { ok: false; problem: string };

/**
 * A time typed by the user: `now`, a span before now (`90s`, `30m`, `1h`, `1.5d`, `2w`) or an ISO date or
 * date-time (`2024-05-01`, `2024-05-01T10:00`, `2024-05-01T10:00:00Z`; without a zone it is local time).
 */
export function parseTimeSpec(text: string, now: number): TimeSpecResult {
  const value = text.trim();
  if (value.toLowerCase() === 'now') return { ok: true, time: now };
  const relative = RELATIVE.exec(value);
  if (relative) {
    const unit = UNIT_MS[relative[2]!.toLowerCase()]!;
    return { ok: true, time: now - Number(relative[1]) * unit };
  }
  if (ISO_DATE.test(value)) {
    const time = Date.parse(value.replace(' ', 'T'));
    if (!Number.isNaN(time)) return { ok: true, time };
  }
  return {
    ok: false,
    problem: 'Enter a span before now such as 30m, 1h, 24h, 7d, or a date-time such as 2024-05-01T10:00:00Z.',
  };
}

/** For an input box's `validateInput`: undefined when the text is empty or a valid time spec. */
export function timeSpecProblem(text: string, now: number): string | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseTimeSpec(text, now);
  return parsed.ok ? undefined : parsed.problem;
}

export function isEmptyFilter(filter: InstanceFilter): boolean {
  return (
    (filter.statuses === undefined || filter.statuses.length === 0) &&
    !filter.name &&
    !filter.idPrefix &&
    !filter.createdFrom &&
    !filter.createdTo
  );
}

/** A filter read back from storage (or given by a caller): unknown fields and values dropped, blanks removed. */
export function sanitizeFilter(value: unknown): InstanceFilter {
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const text = (field: string): string | undefined => {
    const v = raw[field];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const filter: InstanceFilter = {};
  if (Array.isArray(raw.statuses)) {
    const statuses = RUNTIME_STATUSES.filter((s) => (raw.statuses as unknown[]).includes(s));
    if (statuses.length > 0) filter.statuses = statuses;
  }
  const name = text('name');
  const idPrefix = text('idPrefix');
  const createdFrom = text('createdFrom');
  const createdTo = text('createdTo');
  if (name) filter.name = name;
  if (idPrefix) filter.idPrefix = idPrefix;
  if (createdFrom) filter.createdFrom = createdFrom;
  if (createdTo) filter.createdTo = createdTo;
  return filter;
}

/** Resolves relative times against `now`; a time that does not parse is an error naming the field. */
export function resolveFilter(filter: InstanceFilter, now: number): ResolvedFilter {
  const resolved: ResolvedFilter = {};
  if (filter.statuses && filter.statuses.length > 0) resolved.statuses = new Set(filter.statuses);
  if (filter.name) resolved.name = filter.name.toLowerCase();
  if (filter.idPrefix) resolved.idPrefix = filter.idPrefix;
  for (const field of ['createdFrom', 'createdTo'] as const) {
    const spec = filter[field];
    if (!spec) continue;
    const parsed = parseTimeSpec(spec, now);
    if (!parsed.ok)
      throw new Error(
        `The filter's ${field === 'createdFrom' ? 'created from' : 'created to'} time '${spec}' is not valid. ${parsed.problem}`,
      );
    resolved[field] = parsed.time;
  }
  return resolved;
}

/** The query parameters the server understands (everything but the name). */
export function toInstanceQuery(filter: ResolvedFilter): InstanceQuery {
  const query: InstanceQuery = {};
  if (filter.statuses) query.runtimeStatus = [...filter.statuses];
  if (filter.idPrefix) query.instanceIdPrefix = filter.idPrefix;
  if (filter.createdFrom !== undefined) query.createdTimeFrom = new Date(filter.createdFrom);
  if (filter.createdTo !== undefined) query.createdTimeTo = new Date(filter.createdTo);
  return query;
}

/** What one instance must carry to be matched. */
export interface FilterSubject {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdTime: number;
}

export function matchesFilter(filter: ResolvedFilter, subject: FilterSubject): boolean {
  if (filter.statuses && !filter.statuses.has(subject.runtimeStatus)) return false;
  if (filter.name !== undefined && subject.name.toLowerCase() !== filter.name) return false;
  if (filter.idPrefix !== undefined && !subject.instanceId.startsWith(filter.idPrefix)) return false;
  // The server compares at its own (second) precision; so does this, to agree about the edges.
  const created = Math.floor(subject.createdTime / 1000) * 1000;
  if (filter.createdFrom !== undefined && created < Math.floor(filter.createdFrom / 1000) * 1000) return false;
  if (filter.createdTo !== undefined && created > filter.createdTo) return false;
  return true;
}

/** The filter in a few words, for the view's description and confirmations ("Failed, Terminated · name helloSequence"). */
export function describeFilter(filter: InstanceFilter): string {
  const parts: string[] = [];
  if (filter.statuses && filter.statuses.length > 0) parts.push(filter.statuses.join(', '));
  if (filter.name) parts.push(`name ${filter.name}`);
  if (filter.idPrefix) parts.push(`id ${filter.idPrefix}…`);
  if (filter.createdFrom && filter.createdTo) {
    parts.push(`created ${describeTime(filter.createdFrom)} to ${describeTime(filter.createdTo)}`);
  } else if (filter.createdFrom) {
    parts.push(`created since ${describeTime(filter.createdFrom)}`);
  } else if (filter.createdTo) {
    parts.push(`created until ${describeTime(filter.createdTo)}`);
  }
  return parts.join(' · ');
}

function describeTime(spec: string): string {
  return RELATIVE.test(spec.trim()) ? `${spec.trim()} ago` : spec.trim();
}
