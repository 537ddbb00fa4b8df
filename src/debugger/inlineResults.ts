/**
 * What the replay debugger shows next to the orchestrator's source lines while paused: for each line that created
 * tasks, what those tasks had received at the current position (a result, a failure, or still pending), and the
 * history view row the position stands for. Pure: computed from a position's observation.
 */
import { eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
import type { ObservedTask, SourceSite } from './instrument.js';

export type InlineState = 'completed' | 'failed' | 'pending' | 'mixed';

/** One line's text, e.g. `= "Hello Tokyo!"`, `✗ boom`, `… pending`, `×3 = [2,4,6]`. */
export interface InlineResult {
  file: string;
  /** 1-based. */
  line: number;
  text: string;
  state: InlineState;
  /** The tasks' results (or error messages) in full, for a hover. */
  values: unknown[];
}

/** Longest inline text; longer values are cut with an ellipsis (the hover has them whole). */
export const MAX_INLINE_TEXT = 80;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value as JSON, cut to `max` characters. */
export function preview(value: unknown, max = MAX_INLINE_TEXT): string {
  return clip(value === undefined ? 'undefined' : (JSON.stringify(value) ?? typeof value), max);
}

/**
 * The first line of an error message, without the host's `Activity function 'x' failed: ` prefix (the source line
 * names the call).
 */
function errorText(message: unknown, max: number): string {
  const text = typeof message === 'string' ? message : preview(message);
  const firstLine = text
    .replace(/^(Activity|Orchestrator) function '[^']*' failed: /, '')
    .split('\n')[0]!
    .trim();
  return clip(firstLine, max);
}

function siteKey(site: SourceSite): string {
  return `${site.file}\u0000${site.line}`;
}

/** A task's outcome in a few words; timers have no result, they fired. */
function outcome(task: ObservedTask): string {
  if (task.state === 'failed') return `✗ ${errorText(task.result, MAX_INLINE_TEXT - 2)}`;
  if (task.state === 'running') return task.retry ? retrying(task.retry) : '… pending';
  if (task.method === 'createTimer' && task.result === undefined) return '= fired';
  if (task.winner !== undefined) return `= [${task.winner}] won: ${preview(task.result)}`;
  return `= ${preview(task.result)}`;
}

function retrying(retry: NonNullable<ObservedTask['retry']>): string {
  const failed = retry.lastError !== undefined ? `: ${errorText(retry.lastError, MAX_INLINE_TEXT - 40)}` : '';
  if (retry.waitingForTimer) return `… attempt ${retry.attempt - 1} failed${failed}; retry timer pending`;
  return retry.attempt > 1
    ? `… attempt ${retry.attempt} pending (attempt ${retry.attempt - 1} failed${failed})`
    : '… pending';
}

function summarise(tasks: ObservedTask[]): { text: string; state: InlineState } {
  if (tasks.length === 1) {
    const task = tasks[0]!;
    const state = task.state === 'running' ? 'pending' : task.state;
    return { text: outcome(task), state };
  }
  const completed = tasks.filter((t) => t.state === 'completed');
  const failed = tasks.filter((t) => t.state === 'failed').length;
  const pending = tasks.filter((t) => t.state === 'running').length;
  if (completed.length === tasks.length) {
    const text = `×${tasks.length} = ${preview(
      completed.map((t) => t.result),
      MAX_INLINE_TEXT - 6,
    )}`;
    return { text, state: 'completed' };
  }
  const parts = [
    completed.length ? `${completed.length} completed` : '',
    failed ? `${failed} failed` : '',
    pending ? `${pending} pending` : '',
  ].filter(Boolean);
  const state: InlineState = pending === tasks.length ? 'pending' : failed === tasks.length ? 'failed' : 'mixed';
  return { text: `×${tasks.length}: ${parts.join(', ')}`, state };
}

/**
 * The inline results of one position: the tasks it observed, grouped by the source line that created them (a loop
 * that creates tasks gives one line with all of them), in file and line order. Fire-and-forget calls (signals)
 * have no result and are left out; tasks never yielded (no sequence id) are left out unless they are compound.
 */
export function inlineResults(tasks: readonly ObservedTask[]): InlineResult[] {
  const groups = new Map<string, { site: SourceSite; tasks: ObservedTask[] }>();
  for (const task of tasks) {
    if (!task.site || task.fireAndForget) continue;
    if (task.id === null && !task.compound && task.state === 'running') continue;
    const key = siteKey(task.site);
    const group = groups.get(key) ?? { site: task.site, tasks: [] };
    group.tasks.push(task);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ site, tasks: lineTasks }) => ({
      file: site.file,
      line: site.line,
      ...summarise(lineTasks),
      values: lineTasks.map((t) => (t.state === 'running' ? null : (t.result ?? null))),
    }))
    .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/**
 * The history view's row key of the event at `eventIndex` (`<EventType>#<n>`: the n-th event of that type, see
 * `src/webview/history/model.ts`). The observed events (completions, timers, external events, the start) keep their
 * order and count in the host's transformed `showHistory` form, so the key names the same row whether the view
 * shows the emulator's history or an export of it.
 */
export function historyRowKey(history: readonly HistoryEvent[], eventIndex: number): string | undefined {
  const event = history[eventIndex];
  if (!event) return undefined;
  let seen = 0;
  for (let i = 0; i < eventIndex; i++) if (history[i]!.EventType === event.EventType) seen++;
  return `${eventTypeName(event.EventType)}#${seen}`;
}
