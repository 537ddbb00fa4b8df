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
  /** The tasks' results (or error messages; a retrying task's attempt and last error) in full, for a hover. */
  values: unknown[];
}

/**
 * Longest inline text. The text goes after the code line, so it must fit beside code in half of a 1600-px window
 * (an editor split with the history view): longer values are shortened (`{…} 3 keys`, a cut string) and the hover
 * has them whole.
 */
export const MAX_INLINE_TEXT = 40;

/** Longest value preview in the Variables view (a row of its own, so longer than inline). */
export const MAX_PREVIEW = 80;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** A value as JSON, cut to `max` characters. */
export function preview(value: unknown, max = MAX_PREVIEW): string {
  return clip(value === undefined ? 'undefined' : (JSON.stringify(value) ?? typeof value), max);
}

/**
 * A value in at most `max` characters: its JSON when it fits; else a string cut with an ellipsis, or an object or
 * array by its size (`{…} 3 keys`, `[…] 12 items`), which says what it is rather than showing a cut half of it.
 */
export function shortValue(value: unknown, max: number): string {
  const json = value === undefined ? 'undefined' : (JSON.stringify(value) ?? typeof value);
  if (json.length <= max) return json;
  if (Array.isArray(value)) return clip(`[…] ${value.length} item${value.length === 1 ? '' : 's'}`, max);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).length;
    return clip(`{…} ${keys} key${keys === 1 ? '' : 's'}`, max);
  }
  return clip(json, max);
}

/**
 * The first line of an error message, without the host's `Activity function 'x' failed: ` prefix (the source line
 * names the call).
 */
function errorText(message: unknown, max: number): string {
  const text = typeof message === 'string' ? message : preview(message, max);
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
  if (task.winner !== undefined) {
    const head = `= [${task.winner}] won: `;
    return `${head}${shortValue(task.result, MAX_INLINE_TEXT - head.length)}`;
  }
  return `= ${shortValue(task.result, MAX_INLINE_TEXT - 2)}`;
}

/**
 * A retrying task: `… retry timer · ✗ <last error>` while the retry timer runs, `… attempt 2 · ✗ <last error>`
 * while a later attempt is pending; the error in what room is left (the hover has it whole).
 */
function retrying(retry: NonNullable<ObservedTask['retry']>): string {
  if (!retry.waitingForTimer && retry.attempt <= 1) return '… pending';
  const head = retry.waitingForTimer ? '… retry timer' : `… attempt ${retry.attempt}`;
  if (retry.lastError === undefined) return head;
  return `${head} · ✗ ${errorText(retry.lastError, MAX_INLINE_TEXT - head.length - 5)}`;
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
    const head = `×${tasks.length} = `;
    const text = `${head}${shortValue(
      completed.map((t) => t.result),
      MAX_INLINE_TEXT - head.length,
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

/** A task's whole value for the hover: its result or error; for a retrying task, its attempt and last error. */
function hoverValue(task: ObservedTask): unknown {
  if (task.state !== 'running') return task.result ?? null;
  const retry = task.retry;
  if (!retry || retry.attempt <= 1) return null;
  return { attempt: retry.attempt, waitingForRetryTimer: retry.waitingForTimer, lastError: retry.lastError ?? null };
}

/** Whatever the parts, never more than `MAX_INLINE_TEXT` characters. */
function capped(summary: { text: string; state: InlineState }): { text: string; state: InlineState } {
  return { ...summary, text: clip(summary.text, MAX_INLINE_TEXT) };
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
      ...capped(summarise(lineTasks)),
      values: lineTasks.map(hoverValue),
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
