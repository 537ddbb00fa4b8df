/**
 * Why the Events tab and the Timeline tab count differently: the table has a row per history event, the timeline a
 * lane per span, and a lane joins the event that starts it with the one that ends it (`ExecutionStarted` →
 * `ExecutionCompleted`, `TimerCreated` → `TimerFired`), while a few events (a terminate request, ...) draw no lane.
 * This builds the note the timeline shows when the two counts differ. Pure: no DOM.
 */
import type { HistoryRow, TimelineSpan } from './model.js';

/** The note, or undefined when every event is a lane of its own. */
export function timelineNote(rows: readonly HistoryRow[], spans: readonly TimelineSpan[]): string | undefined {
  if (rows.length === spans.length && spans.every((span) => span.rows.length === 1)) return undefined;
  const drawn = new Set<number>();
  const joined = new Map<string, number>();
  for (const span of spans) {
    for (const index of span.rows) drawn.add(index);
    if (span.rows.length < 2) continue;
    const first = rows[span.rows[0]!]?.eventType ?? '';
    const last = rows[span.rows[span.rows.length - 1]!]?.eventType ?? '';
    const pair = `${first} → ${last}`;
    joined.set(pair, (joined.get(pair) ?? 0) + 1);
  }
  const undrawn = new Map<string, number>();
  for (const row of rows) {
    if (!drawn.has(row.index)) undrawn.set(row.eventType, (undrawn.get(row.eventType) ?? 0) + 1);
  }
  const parts = [`${plural(rows.length, 'event')} in ${plural(spans.length, 'lane')}`];
  if (joined.size > 0) parts.push(`one lane from start to end for ${listed(joined)}`);
  if (undrawn.size > 0) parts.push(`no lane for ${listed(undrawn)}`);
  return `${parts.join('; ')}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `TimerCreated → TimerFired (×2), ExecutionStarted → ExecutionCompleted`. */
function listed(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([what, count]) => (count === 1 ? what : `${what} (×${count})`)).join(', ');
}
