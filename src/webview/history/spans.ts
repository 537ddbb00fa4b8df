/**
 * Pairs history events into the timeline's spans. The host's transformed history already folds each
 * `TaskScheduled` / `SubOrchestrationInstanceCreated` into its completion (which carries `ScheduledTime`), so a
 * completion is a whole span and a scheduling event left in the history is one still running. Timers pair by
 * `FireAt` (the transform drops `TimerId`), entity calls by the request id their response is named after.
 * A timer that never fired is pending while the instance runs, unless the host's list of pending timers (the
 * emulator's) leaves it out: then the orchestrator cancelled it (`timer.cancel()`), as it is once the instance ended.
 * Pure: no DOM.
 */
import { displayValue, formatDueTime, parseTime, textOf } from './format.js';
import type { HistoryEvent, HistoryRow } from './model.js';
import type { DefinitionTarget } from './protocol.js';

export type SpanKind =
  | 'orchestration'
  | 'activity'
  | 'subOrchestration'
  | 'timer'
  | 'externalEvent'
  | 'entity'
  | 'suspended'
  | 'continueAsNew';

/** `instant`: an event without duration (a raised event, a signal), drawn as a marker. */
export type SpanState = 'completed' | 'failed' | 'running' | 'cancelled' | 'terminated' | 'instant';

export interface TimelineSpan {
  readonly kind: SpanKind;
  readonly label: string;
  /** A second line for tooltips and screen readers: "retry delay", "fires at ...". */
  readonly detail: string;
  /** ms since the epoch. */
  readonly start: number;
  readonly end: number;
  readonly state: SpanState;
  /** The table row that completes the span (or starts it, while it runs). */
  readonly rowIndex: number;
  /** Every history row the lane draws (a timer: its `TimerCreated` and `TimerFired`), in order. */
  readonly rows: readonly number[];
  /** A timer's due time (`FireAt`, ms). */
  readonly dueAt?: number;
  readonly target: DefinitionTarget | undefined;
}

export interface OrchestrationInfo {
  name: string;
  runtimeStatus: string;
  start: number | undefined;
  /** When the execution ended, or `horizon` while it runs. */
  end: number;
  /** The latest time known: open spans end here. */
  horizon: number;
  /** The latest event's time: a timer cancelled while the instance runs was cancelled by then. */
  latest: number;
  /** The row that ended the execution. */
  endRowIndex?: number;
  /**
   * The due times (ms) of the instance's timers still pending, when the host tells (the emulator); undefined when
   * it does not (a timer that never fired then counts as pending while the instance runs).
   */
  pendingTimers?: readonly number[];
}

type MutableSpan = { -readonly [K in keyof TimelineSpan]: TimelineSpan[K] } & { rows: number[] };

const LIVE_STATUSES = new Set(['Running', 'Pending', 'Suspended', 'ContinuedAsNew']);

export function buildSpans(rows: readonly HistoryRow[], info: OrchestrationInfo): TimelineSpan[] {
  const live = LIVE_STATUSES.has(info.runtimeStatus);
  const spans: MutableSpan[] = [];
  const open = new Set<MutableSpan>();
  const timersByFireAt = new Map<number, MutableSpan[]>();
  const entityCalls = new Map<string, MutableSpan>();
  let suspended: MutableSpan | undefined;
  let orchestration: MutableSpan | undefined;

  const add = (span: MutableSpan, pending = false): MutableSpan => {
    spans.push(span);
    if (pending) open.add(span);
    return span;
  };
  const pending = (row: HistoryRow, time: number, kind: SpanKind, label: string, detail: string): MutableSpan =>
    add(
      {
        kind,
        label,
        detail,
        start: time,
        end: info.horizon,
        state: 'running',
        rowIndex: row.index,
        rows: [row.index],
        target: row.target,
      },
      true,
    );
  const close = (span: MutableSpan, row: HistoryRow, time: number, state: SpanState): void => {
    span.end = Math.max(time, span.start);
    span.state = state;
    span.rowIndex = row.index;
    span.rows.push(row.index);
    open.delete(span);
  };

  rows.forEach((row, index) => {
    const time = row.time;
    if (time === undefined) return;
    const event = row.event;
    switch (row.eventType) {
      case 'ExecutionStarted':
        orchestration ??= {
          kind: 'orchestration',
          label: row.name || info.name,
          detail: 'orchestration',
          start: time,
          end: info.end,
          state: orchestrationState(info.runtimeStatus),
          rowIndex: row.index,
          rows: info.endRowIndex === undefined ? [row.index] : [row.index, info.endRowIndex],
          target: row.target,
        };
        break;
      case 'TaskScheduled':
        pending(row, time, 'activity', row.name, 'activity');
        break;
      case 'SubOrchestrationInstanceCreated':
        pending(row, time, 'subOrchestration', row.name, `sub-orchestration ${row.instanceId ?? ''}`.trim());
        break;
      case 'TaskCompleted':
      case 'TaskFailed':
      case 'SubOrchestrationInstanceCompleted':
      case 'SubOrchestrationInstanceFailed': {
        const activity = row.eventType.startsWith('Task');
        const start = parseTime(event['ScheduledTime']) ?? time;
        add({
          kind: activity ? 'activity' : 'subOrchestration',
          label: row.name,
          detail: activity ? 'activity' : 'sub-orchestration',
          start: Math.min(start, time),
          end: time,
          state: row.tone === 'failed' ? 'failed' : 'completed',
          rowIndex: row.index,
          rows: [row.index],
          target: row.target,
        });
        break;
      }
      case 'TimerCreated': {
        const fireAt = parseTime(event['FireAt']);
        const previous = rows[index - 1];
        const retry = previous?.tone === 'failed' && previous.eventType !== 'ExecutionCompleted';
        const label = retry ? `retry delay: ${previous.name}` : 'timer';
        const span = pending(row, time, 'timer', label, `due ${formatDueTime(fireAt ?? NaN, time)}`);
        if (fireAt !== undefined) {
          span.dueAt = fireAt;
          const queue = timersByFireAt.get(fireAt);
          if (queue) queue.push(span);
          else timersByFireAt.set(fireAt, [span]);
        }
        break;
      }
      case 'TimerFired': {
        const fireAt = parseTime(event['FireAt']);
        const queue = fireAt !== undefined ? timersByFireAt.get(fireAt) : undefined;
        const span = queue?.shift();
        if (span) close(span, row, time, 'completed');
        else add(instant(row, time, 'timer', 'timer fired'));
        break;
      }
      case 'EventSent':
        entitySent(row, time, event);
        break;
      case 'EventRaised': {
        const call = entityCalls.get(textOf(event['Name']));
        if (call) {
          entityCalls.delete(textOf(event['Name']));
          close(call, row, time, responseFailed(event) ? 'failed' : 'completed');
        } else {
          add(instant(row, time, 'externalEvent', row.name, 'external event'));
        }
        break;
      }
      case 'ExecutionSuspended':
        suspended = pending(row, time, 'suspended', 'suspended', textOf(event['Reason']));
        break;
      case 'ExecutionResumed':
        if (suspended) close(suspended, row, time, 'completed');
        suspended = undefined;
        break;
      case 'ContinueAsNew':
        add(instant(row, time, 'continueAsNew', 'continue as new'));
        break;
      default:
        break;
    }
  });

  function entitySent(row: HistoryRow, time: number, event: HistoryEvent): void {
    const body = displayValue(event['Input'] ?? null, true);
    const request = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
    const id = typeof request['id'] === 'string' ? request['id'] : undefined;
    const oneWay = request['signal'] === true || event['Name'] === 'release' || id === undefined;
    if (oneWay) {
      add(instant(row, time, 'entity', row.name, request['signal'] === true ? 'entity signal' : 'entity message'));
      return;
    }
    entityCalls.set(id, pending(row, time, 'entity', row.name, 'entity call'));
  }

  // What never completed: still running, or (the instance ended) cancelled at the end of the execution. A timer the
  // host no longer lists as pending while the instance runs was cancelled by the latest event.
  const stillPending = new Map<number, number>();
  for (const dueAt of info.pendingTimers ?? []) stillPending.set(dueAt, (stillPending.get(dueAt) ?? 0) + 1);
  for (const span of open) {
    let cancelled = !live;
    if (live && span.kind === 'timer' && info.pendingTimers && span.dueAt !== undefined) {
      const left = stillPending.get(span.dueAt) ?? 0;
      if (left > 0) stillPending.set(span.dueAt, left - 1);
      // One already due may have fired, its TimerFired not yet in the history: not known to be cancelled.
      else cancelled = span.dueAt > info.horizon;
    }
    span.end = Math.max(span.start, !live ? info.end : cancelled ? info.latest : info.horizon);
    span.state = cancelled ? 'cancelled' : 'running';
  }
  spans.sort((a, b) => a.start - b.start || a.rowIndex - b.rowIndex);
  return orchestration ? [orchestration, ...spans] : spans;
}

function instant(row: HistoryRow, time: number, kind: SpanKind, label: string, detail = ''): MutableSpan {
  return {
    kind,
    label,
    detail,
    start: time,
    end: time,
    state: 'instant',
    rowIndex: row.index,
    rows: [row.index],
    target: row.target,
  };
}

function responseFailed(event: HistoryEvent): boolean {
  const body = displayValue(event['Input'] ?? null, true);
  return typeof body === 'object' && body !== null && !Array.isArray(body) && typeof body['exceptionType'] === 'string';
}

function orchestrationState(runtimeStatus: string): SpanState {
  switch (runtimeStatus) {
    case 'Completed':
    case 'ContinuedAsNew':
      return 'completed';
    case 'Failed':
      return 'failed';
    case 'Terminated':
    case 'Canceled':
      return 'terminated';
    default:
      return 'running';
  }
}
