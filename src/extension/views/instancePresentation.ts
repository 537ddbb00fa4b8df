/**
 * How an instance and a group read in the Instances view: icon ids and theme colours per status, the item's
 * `contextValue` (package.json menus match it), description and tooltip text. Plain strings, no VS Code, so
 * they are unit-tested; `instancesTree.ts` wraps them in ThemeIcon / MarkdownString.
 */
import type { InstanceDetails, JsonValue, OpenTask, ReturnedState, RuntimeStatus } from '../api/index.js';
import { describeFilter, isEmptyFilter, type InstanceFilter } from './instanceFilter.js';
import type { GroupBy, InstanceEntry } from './instanceNodes.js';
import { formatDurationBetween, formatFullTime, formatTime, type Precision } from './timeFormat.js';

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

export { formatDuration, formatTime } from './timeFormat.js';

/** Statuses of an instance that has not ended: its row says since when, not how long (that would go stale). */
const LIVE_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Running', 'Pending', 'Suspended']);

/** Whether the instance has not ended yet. */
export function isLive(status: RuntimeStatus): boolean {
  return LIVE_STATUSES.has(status);
}

const GUID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

/**
 * The id as a row shows it: every GUID in it cut to its first 8 characters and `…` (`3f2a9c1e…`, a sub-orchestration
 * `3f2a9c1e…:0`), so the host's generated ids leave room for the rest of the row; other ids as they are. The
 * tooltip, the accessible name and every command keep the whole id.
 */
export function shortInstanceId(instanceId: string): string {
  return instanceId.replace(GUID, (guid) => `${guid.slice(0, 8)}…`);
}

/** How precise the instance's duration is: milliseconds only when both of its times are known to the ms. */
export function durationPrecision(
  entry: Pick<InstanceEntry, 'createdTimePrecise' | 'lastUpdatedTimePrecise'>,
): Precision {
  return entry.createdTimePrecise && entry.lastUpdatedTimePrecise ? 'ms' : 's';
}

/** `117 ms` (times known to the ms), `< 1 s`, `3 s` (second-precision times): created to last updated. */
export function instanceDuration(entry: InstanceEntry): string {
  return formatDurationBetween(entry.createdTime, entry.lastUpdatedTime, durationPrecision(entry));
}

/**
 * The row's description, most important first (VS Code cuts the end of a row that does not fit the side bar):
 * the name when the group does not say it, then for an instance that has ended when it started and how long it took
 * (`14:02:07 · 117 ms`), for one that runs since when (`since 14:02:07`, which does not go stale; `~` when the
 * creation time is a guess), or for one whose function returned what it waits for (`returned · timer fires 15:02:07`).
 */
export function instanceDescription(entry: InstanceEntry, groupBy: GroupBy, nested: boolean, now: number): string {
  const parts: string[] = [];
  if (groupBy === 'status' || nested) parts.push(entry.name);
  const created = `${entry.createdTimeEstimated ? '~' : ''}${formatTime(entry.createdTime, now)}`;
  const returned = shortReturned(entry, now);
  if (returned) parts.push(returned);
  else if (isLive(entry.runtimeStatus)) parts.push(`since ${created}`);
  else parts.push(created, instanceDuration(entry));
  return parts.join(' · ');
}

/** The accessible name: `<name> <whole id>, <status>, <duration or since when>` (screen readers; tests find rows by it). */
export function instanceAccessibleLabel(entry: InstanceEntry, now: number): string {
  const returned = returnedSummary(entry, now);
  const when = isLive(entry.runtimeStatus) ? `since ${formatTime(entry.createdTime, now)}` : instanceDuration(entry);
  return `${entry.name} ${entry.instanceId}, ${entry.runtimeStatus}${returned ? ` (${returned})` : ''}, ${when}`;
}

/** `returned · timer fires 15:02:07`, `threw · waits for activity +1`: the row's short form of `returnedSummary`. */
function shortReturned(entry: Pick<InstanceEntry, 'runtimeStatus' | 'returned'>, now: number): string | undefined {
  const returned = shownReturned(entry.runtimeStatus, entry.returned);
  if (!returned) return undefined;
  const [first, ...more] = returned.openTasks;
  const verb = RETURNED_VERBS[returned.status];
  if (!first) return `${verb} · finishing`;
  const task =
    first.kind === 'timer'
      ? `${TIMER_NAMES[first.purpose]} fires ${formatTime(Date.parse(first.fireAt), now)}`
      : `waits for ${first.kind === 'subOrchestration' ? 'sub-orchestration' : first.kind === 'http' ? 'HTTP' : 'activity'}`;
  return `${verb} · ${task}${more.length > 0 ? ` +${more.length}` : ''}`;
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
    `Created: ${formatFullTime(entry.createdTime, entry.createdTimePrecise ? 'ms' : 's')}${entry.createdTimeEstimated ? ' (approx.)' : ''}`,
    '',
    `Last updated: ${formatFullTime(entry.lastUpdatedTime, entry.lastUpdatedTimePrecise ? 'ms' : 's')}`,
    '',
    // A running instance's duration would be stale as soon as the tooltip shows: say since when it runs instead.
    isLive(entry.runtimeStatus)
      ? `${entry.runtimeStatus} since ${formatFullTime(entry.runtimeStatus === 'Suspended' ? entry.lastUpdatedTime : entry.createdTime)}`
      : `Duration: ${instanceDuration(entry)}${durationPrecision(entry) === 's' ? ' (the host reports whole seconds)' : ''}`,
  ];
  const parent = details?.parentInstanceId ?? entry.parentInstanceId;
  if (parent) lines.push('', `Parent: \`${parent.replace(/`/g, "'")}\``);
  if (details) {
    if (details.waitingFor.length > 0)
      lines.push('', `Waiting for: ${details.waitingFor.map(escapeMarkdown).join(', ')}`);
    for (const timer of details.pendingTimers) {
      lines.push('', `Timer ${timer.timerId} (${timer.purpose}) fires at ${formatFullTime(Date.parse(timer.fireAt))}`);
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

/** Why a returned instance still runs, and the tasks that hold it (full times: the tooltip has room). */
function returnedTooltip(returned: ReturnedState): string[] {
  const how = `${RETURNED_VERBS[returned.status]}${returned.error ? ` (${escapeMarkdown(returned.error.split('\n', 1)[0]!)})` : ''}`;
  const then = returned.status === 'ContinuedAsNew' ? 'continues as new' : `ends ${returned.status}`;
  const lines = [
    `The orchestrator ${how} at ${formatFullTime(Date.parse(returned.at), 'ms')}, but like on Azure the instance stays Running, without output, ` +
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
      return `${TIMER_NAMES[task.purpose]} ${task.taskId} fires at ${formatFullTime(Date.parse(task.fireAt))}`;
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
