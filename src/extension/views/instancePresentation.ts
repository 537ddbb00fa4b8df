/**
 * How an instance and a group read in the Instances view: icon ids and theme colours per status, the item's
 * `contextValue` (package.json menus match it), description and tooltip text. Plain strings, no VS Code, so
 * they are unit-tested; `instancesTree.ts` wraps them in ThemeIcon / MarkdownString.
 */
import type { InstanceDetails, JsonValue, RuntimeStatus } from '../api/index.js';
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
  const created = `${entry.createdTimeEstimated ? '~' : ''}${formatTime(entry.createdTime, now)}`;
  parts.push(`${created} → ${formatTime(entry.lastUpdatedTime, now)}`);
  parts.push(formatDuration(entry.lastUpdatedTime - entry.createdTime));
  return parts.join(' · ');
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
  const lines: string[] = [
    `**${escapeMarkdown(entry.name)}** \`${entry.instanceId.replace(/`/g, "'")}\``,
    '',
    `Status: **${entry.runtimeStatus}**${entry.hasPendingTimer ? ' (timer pending)' : ''}`,
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
