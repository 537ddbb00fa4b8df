/**
 * How an instance and a group read in the Instances view: icon ids and theme colours per status, the item's
 * `contextValue` (package.json menus match it), description and tooltip text. Plain strings, no VS Code, so
 * they are unit-tested; `instancesTree.ts` wraps them in ThemeIcon / MarkdownString.
 */
import type { InstanceDetails, JsonValue, OpenTask, ReturnedState, RuntimeStatus } from '../api/index.js';
import { describeFilter, isEmptyFilter, type InstanceFilter } from './instanceFilter.js';
import type { GroupBy, InstanceEntry } from './instanceNodes.js';

export interface IconSpec {
  /** A codicon id (`~spin` animates it). */
  id: string;
  /** A theme colour id. */
  color: string;
}

export const STATUS_ICONS: Record<RuntimeStatus, IconSpec> = {
  Running: { id: 'sync~spin', color: 'charts.blue' },
  Pending: { id: 'clock', color: 'charts.yellow' },
  Suspended: { id: 'debug-pause', color: 'charts.yellow' },
  Completed: { id: 'pass', color: 'testing.iconPassed' },
  Failed: { id: 'error', color: 'testing.iconFailed' },
  Terminated: { id: 'circle-slash', color: 'charts.orange' },
  Canceled: { id: 'circle-slash', color: 'disabledForeground' },
  ContinuedAsNew: { id: 'debug-restart', color: 'charts.blue' },
};

/** A Running instance whose function returned and that only waits for open tasks: nothing spins. */
export const RETURNED_ICON: IconSpec = { id: 'watch', color: 'charts.blue' };

export function instanceIcon(entry: Pick<InstanceEntry, 'runtimeStatus' | 'returned'>): IconSpec {
  return entry.runtimeStatus === 'Running' && entry.returned ? RETURNED_ICON : STATUS_ICONS[entry.runtimeStatus];
}

/** `instance status:Running timer`: package.json `view/item/context` menus match these words. */
export function instanceContextValue(entry: Pick<InstanceEntry, 'runtimeStatus' | 'hasPendingTimer'>): string {
  return `instance status:${entry.runtimeStatus}${entry.hasPendingTimer ? ' timer' : ''}`;
}

/** Group items must not start with `instance` (the instance menus match `^instance`). */
export function groupContextValue(groupBy: GroupBy): string {
  return `group:${groupBy}`;
}

/** `14:02:07` today, `2024-05-01 14:02` on another day (local time). */
export function formatTime(ms: number, now: number): string {
  const date = new Date(ms);
  const today = new Date(now);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time.slice(0, 5)}`;
}

/** `850 ms`, `4.2 s`, `3 min 12 s`, `2 h 5 min`, `3 d 4 h`. */
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

/**
 * `helloSequence · 14:02:07 → 14:02:09 · 2.0 s`. The name is left out under a name group (it is the group's
 * label) unless the instance is nested under another one.
 */
export function instanceDescription(entry: InstanceEntry, groupBy: GroupBy, nested: boolean, now: number): string {
  const parts: string[] = [];
  if (groupBy === 'status' || nested) parts.push(entry.name);
  const returned = returnedSummary(entry, now);
  if (returned) parts.push(returned);
  const created = `${entry.createdTimeEstimated ? '~' : ''}${formatTime(entry.createdTime, now)}`;
  parts.push(`${created} → ${formatTime(entry.lastUpdatedTime, now)}`);
  parts.push(formatDuration(entry.lastUpdatedTime - entry.createdTime));
  return parts.join(' · ');
}

const RETURNED_VERBS: Record<ReturnedState['status'], string> = {
  Completed: 'returned',
  Failed: 'threw',
  ContinuedAsNew: 'continued as new',
};

const TIMER_NAMES: Record<Extract<OpenTask, { kind: 'timer' }>['purpose'], string> = {
  user: 'timer',
  retry: 'retry timer',
  httpPoll: 'HTTP poll timer',
};

/** `timer 1 (fires at 15:02:07)`, `activity 'slow' (task 0)`, ... (`now` picks the date format). */
export function openTaskText(task: OpenTask, now: number): string {
  switch (task.kind) {
    case 'timer':
      return `${TIMER_NAMES[task.purpose]} ${task.taskId} (fires at ${formatTime(Date.parse(task.fireAt), now)})`;
    case 'activity':
      return `activity '${task.name}' (task ${task.taskId})`;
    case 'subOrchestration':
      return `sub-orchestration '${task.name}' (task ${task.taskId})`;
    case 'http':
      return `HTTP ${task.method} (task ${task.taskId})`;
  }
}

/**
 * `returned, waiting for timer 1 (fires at 15:02:07)`: a still-running instance whose orchestrator function has
 * finished while tasks it started are open (like on Azure, it ends only once they are done). Undefined otherwise.
 */
export function returnedSummary(
  entry: Pick<InstanceEntry, 'runtimeStatus' | 'returned'>,
  now: number,
): string | undefined {
  const returned = shownReturned(entry.runtimeStatus, entry.returned);
  if (!returned) return undefined;
  const [first, ...more] = returned.openTasks;
  const waiting = first
    ? `waiting for ${openTaskText(first, now)}${more.length > 0 ? ` and ${more.length} more` : ''}`
    : 'finishing';
  return `${RETURNED_VERBS[returned.status]}, ${waiting}`;
}

/**
 * The history view's note: `The orchestrator returned at 10:00:04, but like on Azure the instance stays Running,
 * without output, until timer 1 (fires at 11:00:04) is done; then it ends Completed. ...`. Undefined otherwise.
 */
export function returnedNote(
  runtimeStatus: RuntimeStatus,
  returned: ReturnedState | null | undefined,
  now: number,
): string | undefined {
  const shown = shownReturned(runtimeStatus, returned ?? undefined);
  if (!shown) return undefined;
  const tasks = shown.openTasks.map((task) => openTaskText(task, now));
  const listed =
    tasks.length > 1 ? `${tasks.slice(0, -1).join(', ')} and ${tasks[tasks.length - 1]}` : (tasks[0] ?? 'its tasks');
  const then = shown.status === 'ContinuedAsNew' ? 'it continues as new' : `it ends ${shown.status}`;
  const timer = shown.openTasks.some((task) => task.kind === 'timer' && task.purpose === 'user');
  return (
    `The orchestrator ${RETURNED_VERBS[shown.status]} at ${formatTime(Date.parse(shown.at), now)}, but like on Azure ` +
    `the instance stays Running, without output, until ${listed} ${tasks.length > 1 ? 'are' : 'is'} done; then ` +
    `${then}.${timer ? ' Call timer.cancel() once a Task.any race is decided.' : ''}`
  );
}

/** The state is shown while the instance runs (or is suspended); a change may end it before the next read. */
function shownReturned(status: RuntimeStatus, returned: ReturnedState | undefined): ReturnedState | undefined {
  return status === 'Running' || status === 'Suspended' ? returned : undefined;
}

/** JSON on one line, cut to `max` characters with an ellipsis. */
export function previewJson(value: JsonValue | undefined, max = 80): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value) ?? '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Markdown-safe text (the tooltip renders markdown). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * The tooltip: identity, status, times, parent, custom status and output; with the emulator's details (read
 * when the item is hovered) also what it waits for, its timers and its sub-orchestrations.
 */
export function instanceTooltip(entry: InstanceEntry, details: InstanceDetails | undefined): string {
  const returned = shownReturned(entry.runtimeStatus, details ? (details.returned ?? undefined) : entry.returned);
  const lines: string[] = [
    `**${escapeMarkdown(entry.name)}** \`${entry.instanceId.replace(/`/g, "'")}\``,
    '',
    `Status: **${entry.runtimeStatus}**${entry.hasPendingTimer ? ' (timer pending)' : ''}`,
    ...(returned ? ['', ...returnedTooltip(returned)] : []),
    '',
    `Created: ${new Date(entry.createdTime).toISOString()}${entry.createdTimeEstimated ? ' (approx.)' : ''}`,
    '',
    `Last updated: ${new Date(entry.lastUpdatedTime).toISOString()}`,
    '',
    `Duration: ${formatDuration(entry.lastUpdatedTime - entry.createdTime)}`,
  ];
  const parent = details?.parentInstanceId ?? entry.parentInstanceId;
  if (parent) lines.push('', `Parent: \`${parent.replace(/`/g, "'")}\``);
  if (details) {
    if (details.waitingFor.length > 0)
      lines.push('', `Waiting for: ${details.waitingFor.map(escapeMarkdown).join(', ')}`);
    for (const timer of details.pendingTimers) {
      lines.push('', `Timer ${timer.timerId} (${timer.purpose}) fires at ${timer.fireAt}`);
    }
    if (details.subOrchestrations.length > 0) lines.push('', `Sub-orchestrations: ${details.subOrchestrations.length}`);
    lines.push('', `History: ${details.historyLength} events, ${details.episodes} episodes`);
  }
  if (entry.customStatus !== undefined && entry.customStatus !== null) {
    lines.push('', 'Custom status:', '', codeBlock(entry.customStatus));
  }
  if (entry.output !== undefined && entry.output !== null) lines.push('', 'Output:', '', codeBlock(entry.output));
  return lines.join('\n');
}

/** Why a returned instance still runs, and the tasks that hold it (ISO times: the tooltip has room). */
function returnedTooltip(returned: ReturnedState): string[] {
  const how = `${RETURNED_VERBS[returned.status]}${returned.error ? ` (${escapeMarkdown(returned.error.split('\n', 1)[0]!)})` : ''}`;
  const then = returned.status === 'ContinuedAsNew' ? 'continues as new' : `ends ${returned.status}`;
  const lines = [
    `The orchestrator ${how} at ${returned.at}, but like on Azure the instance stays Running, without output, ` +
      `until these tasks are done; then it ${then}:`,
    '',
    ...returned.openTasks.map((task) => `- ${openTaskLine(task)}`),
  ];
  if (returned.openTasks.some((task) => task.kind === 'timer' && task.purpose === 'user')) {
    lines.push('', 'Call `timer.cancel()` once a `Task.any` race is decided.');
  }
  return lines;
}

function openTaskLine(task: OpenTask): string {
  switch (task.kind) {
    case 'timer':
      return `${TIMER_NAMES[task.purpose]} ${task.taskId} fires at ${task.fireAt}`;
    case 'activity':
      return `activity ${escapeMarkdown(task.name)} (task ${task.taskId})`;
    case 'subOrchestration':
      return `sub-orchestration ${escapeMarkdown(task.name)} \`${task.instanceId.replace(/`/g, "'")}\` (task ${task.taskId})`;
    case 'http':
      return `HTTP ${task.method} ${escapeMarkdown(task.uri)} (task ${task.taskId})`;
  }
}

function codeBlock(value: JsonValue): string {
  let text = JSON.stringify(value, null, 2) ?? '';
  if (text.length > 1500) text = `${text.slice(0, 1499)}…`;
  return ['```json', text.replace(/```/g, '`\u200b``'), '```'].join('\n');
}

/** What the Instances view's description and message say about its state. */
export interface InstancesViewState {
  /** undefined when not connected (the welcome view shows instead). `live`: the host sends changes. */
  connection: { label: string; live: boolean } | undefined;
  filter: InstanceFilter;
  loadError: string | undefined;
  streamProblem: string | undefined;
  loading: boolean;
  pages: number;
  size: number;
}

/**
 * The view's description (the filter; a host refreshed by hand) and its message (what went wrong, that a host
 * sends no live updates, loading, nothing to show), most important first.
 */
export function instancesViewText(state: InstancesViewState): { description?: string; message?: string } {
  const { connection } = state;
  const filter = isEmptyFilter(state.filter) ? undefined : describeFilter(state.filter);
  const parts = [
    filter && `filter: ${filter}`,
    connection && !connection.live && `${connection.label} · refresh by hand`,
  ];
  const description = parts.filter(Boolean).join(' · ') || undefined;
  let message: string | undefined;
  if (!connection) message = undefined;
  else if (state.loadError) message = `Could not list the instances: ${state.loadError}`;
  else if (!connection.live) message = `${connection.label} sends no live updates: use Refresh to see changes.`;
  else if (state.streamProblem) message = state.streamProblem;
  else if (state.loading && state.pages === 0) message = 'Loading instances…';
  else if (state.size === 0 && state.pages > 0) {
    message = filter ? 'No instance matches the filter.' : 'No instances yet: start one with the + button.';
  }
  return { ...(description ? { description } : {}), ...(message ? { message } : {}) };
}
