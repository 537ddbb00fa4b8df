/**
 * The history view's model: an instance status (the host's transformed `historyEvents`) in, the header, one row
 * per history event and the timeline's spans out. Pure: no DOM, no VS Code, so it is unit-tested on recorded
 * histories. Building it is one pass over the events plus a sort of the spans; previews and pretty-printed
 * details are computed later, only for the rows on screen.
 */
import { displayValue, firstLine, formatDueTime, parseTime, previewText, textOf } from './format.js';
import type { DefinitionTarget, HistoryStatus, JsonValue } from './protocol.js';
import { buildSpans, type TimelineSpan } from './spans.js';

export type { TimelineSpan } from './spans.js';

export type HistoryEvent = Record<string, JsonValue>;

/** How a row is highlighted. */
export type RowTone = 'normal' | 'failed' | 'warning' | 'pending';

/** A `TimerCreated` or `TimerFired` row's timer. */
export interface RowTimer {
  /** Its due time (`FireAt`, ms). */
  readonly fireAt: number;
  /** `cancelled`: it never fired and never will (the instance ended, or the host no longer lists it as pending). */
  readonly state: 'pending' | 'fired' | 'cancelled';
  /** The due time as the row shows it: with the date when it is not the row's day (or today). */
  readonly dueText: string;
}

export interface HistoryRow {
  /** Position in `historyEvents`. */
  readonly index: number;
  /**
   * Identifies the row across updates of a live instance (expanded rows, scroll anchor): the event type and how
   * many events of that type came before. Completions only ever append, so their keys are stable.
   */
  readonly key: string;
  readonly eventType: string;
  /** The function, event or entity operation the event is about ('' when none). */
  readonly name: string;
  /** What "go to definition" on the name opens. */
  readonly target: DefinitionTarget | undefined;
  /** A sub-orchestration's instance id, when the event names it. */
  readonly instanceId: string | undefined;
  /** `Timestamp` in ms since the epoch. */
  readonly time: number | undefined;
  /** Since the orchestration started. */
  readonly elapsedMs: number | undefined;
  /** Scheduled → completed, for completions that carry `ScheduledTime`. */
  readonly durationMs: number | undefined;
  readonly tone: RowTone;
  readonly event: HistoryEvent;
  /** The timeline span this row starts or ends, -1 when none. */
  spanIndex: number;
  /** Timer rows: the due time and whether the timer fired, is pending or was cancelled. */
  timer: RowTimer | undefined;
}

export interface HeaderModel {
  readonly name: string;
  readonly instanceId: string;
  readonly runtimeStatus: string;
  /** As the status API sends them: second precision on the Functions host and the emulator. */
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  /** `ExecutionStarted`'s timestamp, else `createdTime`. */
  readonly startedAt: number | undefined;
  /** `startedAt` comes from the history (millisecond precision), not from the second-precision `createdTime`. */
  readonly startPrecise: boolean;
  /** When the execution ended (its last event's timestamp); undefined while it runs. */
  readonly endedAt: number | undefined;
  /** Start to end, or start to now while it runs. */
  readonly durationMs: number | undefined;
  /** Why a failed instance failed, whole. */
  readonly failure: FailureReason | undefined;
  readonly input: JsonValue;
  readonly output: JsonValue;
  readonly customStatus: JsonValue;
}

/** A failed instance's failure: the message (all its lines) and the stack trace after it, if any. */
export interface FailureReason {
  readonly reason: string;
  readonly stack: string | undefined;
}

export interface HistoryModel {
  readonly header: HeaderModel;
  /** The `now` the model was built with (ms), if any. */
  readonly now: number | undefined;
  readonly rows: readonly HistoryRow[];
  /** Sorted by start time. */
  readonly spans: readonly TimelineSpan[];
  /** The time the timeline covers. */
  readonly range: { readonly start: number; readonly end: number };
}

export interface ModelOptions {
  /** The current time (ms): spans of a running instance extend to it. */
  now?: number;
  /**
   * The due times (ms) of the instance's pending timers, when the host tells (the emulator): a timer that neither
   * fired nor is listed was cancelled. Undefined: not known, an unfired timer of a running instance is pending.
   */
  pendingTimers?: readonly number[];
}

/** Statuses of an instance that can still change. */
export function isLive(runtimeStatus: string): boolean {
  return ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'].includes(runtimeStatus);
}

export function buildHistoryModel(status: HistoryStatus, options: ModelOptions = {}): HistoryModel {
  const events = status.historyEvents ?? [];
  const started = events.find((event) => event['EventType'] === 'ExecutionStarted');
  const preciseStart = parseTime(started?.['Timestamp']);
  const startedAt = preciseStart ?? parseTime(status.createdTime);
  const counts = new Map<string, number>();
  const responses = new Map<string, Naming>();
  let latest = parseTime(status.lastUpdatedTime) ?? startedAt ?? 0;
  let endedAt: number | undefined;
  let endRowIndex: number | undefined;

  const rows = events.map((event, index): HistoryRow => {
    const eventType = textOf(event['EventType']);
    const seen = counts.get(eventType) ?? 0;
    counts.set(eventType, seen + 1);
    const time = parseTime(event['Timestamp']);
    if (time !== undefined && time > latest) latest = time;
    if (time !== undefined && isEnd(eventType) && endedAt === undefined) {
      endedAt = time;
      endRowIndex = index;
    }
    const scheduled = parseTime(event['ScheduledTime']);
    const naming = nameOf(eventType, event, responses);
    return {
      index,
      key: `${eventType}#${seen}`,
      eventType,
      name: naming.name,
      target: naming.target,
      instanceId: naming.instanceId,
      time,
      elapsedMs: time !== undefined && startedAt !== undefined ? time - startedAt : undefined,
      durationMs: time !== undefined && scheduled !== undefined ? time - scheduled : undefined,
      tone: toneOf(eventType, event),
      event,
      spanIndex: -1,
      timer: undefined,
    };
  });

  const live = isLive(status.runtimeStatus);
  const horizon = Math.max(latest, live && options.now !== undefined ? options.now : latest);
  const end = endedAt ?? (live ? horizon : latest);
  const header: HeaderModel = {
    name: status.name,
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
    startedAt,
    startPrecise: preciseStart !== undefined,
    endedAt,
    durationMs: startedAt !== undefined ? end - startedAt : undefined,
    failure: status.runtimeStatus === 'Failed' ? failureOf(status, events) : undefined,
    input: status.input,
    output: status.output,
    customStatus: status.customStatus,
  };
  const spans = buildSpans(rows, {
    name: status.name,
    runtimeStatus: status.runtimeStatus,
    start: startedAt,
    end,
    horizon,
    latest,
    ...(endRowIndex === undefined ? {} : { endRowIndex }),
    ...(options.pendingTimers ? { pendingTimers: options.pendingTimers } : {}),
  });
  spans.forEach((span, spanIndex) => {
    const row = rows[span.rowIndex];
    if (row && row.spanIndex < 0) row.spanIndex = spanIndex;
    if (span.kind === 'timer') markTimerRows(rows, span, options.now);
  });
  let rangeStart = startedAt ?? horizon;
  let rangeEnd = end;
  for (const span of spans) {
    if (span.start < rangeStart) rangeStart = span.start;
    if (span.end > rangeEnd) rangeEnd = span.end;
  }
  // A pending timer due within a reasonable stretch of the axis is drawn up to its due time; one due later gets an
  // arrow and a label instead (a 72-hour timer would squeeze the rest of the history into a pixel).
  const reach = rangeStart + AXIS_STRETCH * Math.max(rangeEnd - rangeStart, 1);
  for (const span of spans) {
    if (span.kind === 'timer' && span.state === 'running' && span.dueAt !== undefined && span.dueAt <= reach) {
      if (span.dueAt > rangeEnd) rangeEnd = span.dueAt;
    }
  }
  return { header, now: options.now, rows, spans, range: { start: rangeStart, end: rangeEnd } };
}

/** A pending timer's due time stays on the axis when the axis need not grow beyond this many times its length. */
export const AXIS_STRETCH = 3;

function markTimerRows(rows: HistoryRow[], span: TimelineSpan, now: number | undefined): void {
  if (span.dueAt === undefined) return;
  const state = span.state === 'completed' ? 'fired' : span.state === 'cancelled' ? 'cancelled' : 'pending';
  for (const index of span.rows) {
    const row = rows[index];
    if (row) row.timer = { fireAt: span.dueAt, state, dueText: formatDueTime(span.dueAt, row.time, now) };
  }
}

/**
 * The failure of a failed instance: the end event's message (`ExecutionCompleted` with `FailureDetails`, or
 * `ExecutionFailed`), else the status's output; split where the stack trace starts.
 */
export function failureOf(status: HistoryStatus, events: readonly HistoryEvent[]): FailureReason | undefined {
  let text = '';
  for (let i = events.length - 1; i >= 0 && !text; i--) {
    const event = events[i]!;
    const type = event['EventType'];
    if (type === 'ExecutionCompleted' && event['OrchestrationStatus'] === 'Failed') {
      const details = event['FailureDetails'];
      const message =
        typeof details === 'object' && details !== null && !Array.isArray(details) ? details['ErrorMessage'] : null;
      text = textOf(message) || textOf(event['Result']);
    } else if (type === 'ExecutionFailed') {
      text = [textOf(event['Reason']), textOf(event['Details'])].filter(Boolean).join('\n');
    }
  }
  text ||= textOf(status.output);
  if (!text.trim()) return undefined;
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((line) => /^\s+at\s/.test(line));
  if (at <= 0) return { reason: text.trim(), stack: undefined };
  return { reason: lines.slice(0, at).join('\n').trim(), stack: lines.slice(at).join('\n') };
}

function isEnd(eventType: string): boolean {
  return eventType === 'ExecutionCompleted' || eventType === 'ExecutionFailed' || eventType === 'ExecutionTerminated';
}

/** `@counter@key` → `{name: 'counter', key: 'key'}`; undefined for an orchestration instance id. */
export function parseEntityId(instanceId: string): { name: string; key: string } | undefined {
  if (!instanceId.startsWith('@')) return undefined;
  const at = instanceId.indexOf('@', 1);
  return at < 0 ? undefined : { name: instanceId.slice(1, at), key: instanceId.slice(at + 1) };
}

/** The entity request an `EventSent` carries (its `Input` is the JSON of the request message). */
export interface EntityRequest {
  entity: { name: string; key: string };
  operation: string;
  /** The request id; the response is an `EventRaised` with this name. */
  id: string | undefined;
  signal: boolean;
  kind: 'operation' | 'lock' | 'release';
}

export function entityRequestOf(event: HistoryEvent): EntityRequest | undefined {
  const target = event['InstanceId'];
  const entity = typeof target === 'string' ? parseEntityId(target) : undefined;
  if (!entity) return undefined;
  const message = displayValue(event['Input'] ?? null, true);
  const body = typeof message === 'object' && message !== null && !Array.isArray(message) ? message : {};
  const id = typeof body['id'] === 'string' ? body['id'] : undefined;
  const kind = event['Name'] === 'release' ? 'release' : body['lockset'] !== undefined ? 'lock' : 'operation';
  const operation = kind === 'operation' ? (typeof body['op'] === 'string' ? body['op'] : textOf(event['Name'])) : kind;
  return { entity, operation, id, signal: body['signal'] === true, kind };
}

interface Naming {
  name: string;
  target: DefinitionTarget | undefined;
  instanceId: string | undefined;
}

function named(name: string, kind: DefinitionTarget['kind'] | undefined, instanceId?: string): Naming {
  // Built-in activities (`BuiltIn::HttpActivity` for callHttp) have no definition in the app.
  const target = kind && name && !name.startsWith('BuiltIn::') ? { kind, name } : undefined;
  return { name, target, instanceId };
}

/**
 * Names rows. `responses` carries entity requests awaiting their response: the response is an `EventRaised` named
 * by the request id, shown under the entity's name instead.
 */
function nameOf(eventType: string, event: HistoryEvent, responses: Map<string, Naming>): Naming {
  switch (eventType) {
    case 'ExecutionStarted':
      return named(textOf(event['FunctionName'] ?? event['Name']), 'orchestration');
    case 'TaskScheduled':
      return named(textOf(event['Name']), 'activity');
    case 'TaskCompleted':
    case 'TaskFailed':
      return named(textOf(event['FunctionName']), 'activity');
    case 'SubOrchestrationInstanceCreated':
      return named(textOf(event['Name']), 'orchestration', textOf(event['InstanceId']) || undefined);
    case 'SubOrchestrationInstanceCompleted':
    case 'SubOrchestrationInstanceFailed':
      return named(textOf(event['FunctionName']), 'orchestration');
    case 'EventSent': {
      const request = entityRequestOf(event);
      if (!request) return named(textOf(event['Name']), undefined);
      const naming: Naming = {
        name: `${request.entity.name}@${request.entity.key} ${request.operation}`,
        target: { kind: 'entity', name: request.entity.name },
        instanceId: undefined,
      };
      if (request.id !== undefined && !request.signal && request.kind !== 'release') responses.set(request.id, naming);
      return naming;
    }
    case 'EventRaised': {
      const name = textOf(event['Name']);
      const request = responses.get(name);
      if (!request) return named(name, undefined);
      responses.delete(name);
      return { ...request, name: `${request.name} (response)` };
    }
    default:
      return named(textOf(event['Name'] ?? event['FunctionName']), undefined);
  }
}

function toneOf(eventType: string, event: HistoryEvent): RowTone {
  switch (eventType) {
    case 'TaskFailed':
    case 'SubOrchestrationInstanceFailed':
    case 'ExecutionFailed':
      return 'failed';
    case 'ExecutionCompleted':
      if (event['OrchestrationStatus'] === 'Failed') return 'failed';
      return event['OrchestrationStatus'] === 'Terminated' ? 'warning' : 'normal';
    case 'ExecutionTerminated':
    case 'ExecutionSuspended':
      return 'warning';
    case 'TaskScheduled':
    case 'SubOrchestrationInstanceCreated':
      return 'pending';
    default:
      return 'normal';
  }
}

/** One expandable field of a row. */
export interface DetailField {
  readonly label: string;
  readonly value: JsonValue;
  /** The value is JSON text (history `Input`s) and is parsed for display. */
  readonly jsonText: boolean;
  /** Part of a failure: highlighted. */
  readonly failure: boolean;
}

const FIELD_ORDER = ['Input', 'Result', 'Reason', 'Details', 'FailureDetails'];
const FAILURE_FIELDS = new Set(['Reason', 'Details', 'FailureDetails']);

/** The fields a row expands to: every field of the event but its type and timestamp, the payloads first. */
export function rowDetails(row: HistoryRow): DetailField[] {
  const keys = Object.keys(row.event).filter((key) => key !== 'EventType' && key !== 'Timestamp');
  const rank = (key: string): number => {
    const at = FIELD_ORDER.indexOf(key);
    return at < 0 ? FIELD_ORDER.length : at;
  };
  keys.sort((a, b) => rank(a) - rank(b));
  const failed = row.tone === 'failed';
  return keys.map((key) => ({
    label: key,
    value: row.event[key] ?? null,
    jsonText: key === 'Input',
    failure: failed && (FAILURE_FIELDS.has(key) || (key === 'Result' && row.eventType === 'ExecutionCompleted')),
  }));
}

/** The due time of a pending timer's `TimerCreated` row (its summary counts down to it), else undefined. */
export function pendingDue(row: HistoryRow): number | undefined {
  return row.eventType === 'TimerCreated' && row.timer?.state === 'pending' ? row.timer.fireAt : undefined;
}

/**
 * The event number a person reads in the `#` column and finds in an exported history: the 1-based position of the
 * event in the host-format `historyEvents` (the list *Export JSON…* writes). Rows the filter hides leave gaps.
 */
export function eventNumber(row: HistoryRow): number {
  return row.index + 1;
}

/** The one-line summary in the table's last column. */
export function rowPreview(row: HistoryRow): string {
  const event = row.event;
  const has = (key: string): boolean => event[key] !== undefined;
  const value = (key: string): JsonValue => event[key] ?? null;
  switch (row.eventType) {
    case 'TaskFailed':
    case 'SubOrchestrationInstanceFailed':
    case 'ExecutionFailed':
      return firstLine(textOf(value('Reason')) || failureMessage(value('FailureDetails')));
    case 'ExecutionCompleted':
      if (event['OrchestrationStatus'] === 'Failed') return `Failed: ${firstLine(textOf(value('Result')))}`;
      return `${textOf(value('OrchestrationStatus'))}${has('Result') ? `: ${previewText(value('Result'), false)}` : ''}`;
    case 'TimerCreated': {
      const timer = row.timer;
      if (!timer) return `fires ${formatDueTime(parseTime(event['FireAt']) ?? NaN, row.time)}`;
      return timer.state === 'cancelled' ? `cancelled · was due ${timer.dueText}` : `fires ${timer.dueText}`;
    }
    case 'TimerFired':
      return `due at ${row.timer?.dueText ?? formatDueTime(parseTime(event['FireAt']) ?? NaN, row.time)}`;
    case 'ExecutionTerminated':
      return `reason: ${previewText(value('Input'), true)}`;
    case 'ExecutionSuspended':
    case 'ExecutionResumed':
      return has('Reason') && event['Reason'] !== null ? `reason: ${textOf(value('Reason'))}` : '';
    case 'EventSent': {
      const request = entityRequestOf(event);
      if (request?.signal) return 'signal (no response)';
      return request ? `request ${request.id ?? ''}` : `to ${textOf(value('InstanceId'))}`;
    }
    default:
      if (has('Result')) return `→ ${previewText(value('Result'), false)}`;
      if (has('Input')) return previewText(value('Input'), true);
      return '';
  }
}

function failureMessage(details: JsonValue): string {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return '';
  return `${textOf(details['ErrorType'])}: ${textOf(details['ErrorMessage'])}`;
}
