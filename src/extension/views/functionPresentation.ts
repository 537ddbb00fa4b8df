/**
 * How a function reads in the Functions view, without VS Code (unit-tested): its trigger summary
 * (`timer · 0 *\/5 * * * *`, `queue · orders`, `http · GET /api/x`), icon, context value (what the menus match),
 * tooltip, the URL of an HTTP function, and what Run Now asks for.
 */
import type { FunctionInfo, FunctionKind } from '../api/index.js';
import type { FunctionEntry } from './functionsModel.js';
import { escapeMarkdown, formatDuration, formatTime } from './instancePresentation.js';

/** A codicon id (`~spin` animates it) and, for a failed last run, a theme colour. */
export interface FunctionIcon {
  id: string;
  color?: string;
}

export const KIND_ICONS: Record<FunctionKind, string> = {
  orchestration: 'type-hierarchy',
  activity: 'symbol-method',
  entity: 'symbol-class',
  http: 'globe',
  timer: 'watch',
  queue: 'mail',
  blob: 'file-binary',
  other: 'plug',
};

/** Kinds Run Now can invoke through `POST /admin/functions/{name}` (orchestrations start through the client API). */
export const ADMIN_RUNNABLE: ReadonlySet<FunctionKind> = new Set(['timer', 'queue', 'blob', 'other']);

export const NOT_LOCAL_NOTE = 'not run locally · Run Now to invoke';

/** The emulator does not start it by itself: only Run Now does (a trigger it cannot serve). */
export function runsOnlyByHand(info: FunctionInfo): boolean {
  return info.runsLocally === false || (info.runsLocally === undefined && info.kind === 'other');
}

/** `serviceBusTrigger` → `serviceBus`. */
function shortTrigger(triggerType: string | undefined): string {
  if (!triggerType) return 'other';
  return triggerType.replace(/Trigger$/i, '') || triggerType;
}

/** `GET /api/orders/{id}`; all methods when none are listed. */
export function httpRoute(info: FunctionInfo, routePrefix = 'api'): string {
  const prefix = routePrefix === '' ? '' : `/${routePrefix}`;
  const route = `${prefix}/${(info.route ?? info.name).replace(/^\/+/, '')}`;
  const methods = info.methods?.map((m) => m.toUpperCase()) ?? [];
  return methods.length > 0 ? `${methods.join(',')} ${route}` : route;
}

/** The trigger in a few words: the item's description. */
export function triggerSummary(info: FunctionInfo): string {
  let summary: string;
  switch (info.kind) {
    case 'timer':
      summary = info.schedule ? `timer · ${info.schedule}` : 'timer';
      break;
    case 'queue':
      summary = info.queueName ? `queue · ${info.queueName}` : 'queue';
      break;
    case 'blob':
      summary = info.path ? `blob · ${info.path}` : 'blob';
      break;
    case 'http':
      summary = `http · ${httpRoute(info)}`;
      break;
    case 'orchestration':
    case 'activity':
    case 'entity':
      summary = info.kind;
      break;
    case 'other':
      summary = shortTrigger(info.triggerType);
      break;
  }
  return runsOnlyByHand(info) ? `${summary} · ${NOT_LOCAL_NOTE}` : summary;
}

export function functionIcon(entry: FunctionEntry): FunctionIcon {
  if (entry.runningSince !== undefined) return { id: 'sync~spin' };
  const icon = KIND_ICONS[entry.info.kind];
  return entry.info.lastRun?.status === 'Failed' ? { id: icon, color: 'list.errorForeground' } : { id: icon };
}

/** `function kind:timer runnable`: menus match `kind:` and `runnable` (Run Now) with `viewItem =~`. */
export function functionContextValue(info: FunctionInfo): string {
  const runnable = ADMIN_RUNNABLE.has(info.kind) || info.kind === 'orchestration';
  return `function kind:${info.kind}${runnable ? ' runnable' : ''}`;
}

function when(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const delta = ms - now;
  const relative = Math.abs(delta) < 1000 ? 'now' : delta > 0 ? `in ${formatDuration(delta)}` : '';
  return relative ? `${formatTime(ms, now)} (${relative})` : formatTime(ms, now);
}

/** The tooltip, as Markdown: trigger details, schedule and next run, last run (time, status, duration, error). */
export function functionTooltip(entry: FunctionEntry, now: number): string {
  const { info } = entry;
  const trigger = info.triggerType ? ` (${escapeMarkdown(info.triggerType)})` : '';
  const lines = [`**${escapeMarkdown(info.name)}** · ${info.kind}${trigger}`];
  if (info.kind === 'http') lines.push(`Route: \`${httpRoute(info)}\``);
  if (info.schedule) lines.push(`Schedule: \`${info.schedule}\``);
  if (info.nextRun) lines.push(`Next run: ${when(info.nextRun, now)}`);
  if (info.queueName) lines.push(`Queue: \`${info.queueName}\``);
  if (info.path) lines.push(`Path: \`${info.path}\``);
  if (info.connection) lines.push(`Connection: \`${info.connection}\``);
  if (entry.runningSince !== undefined) lines.push(`Running since ${when(entry.runningSince, now)}`);
  const run = info.lastRun;
  if (run) {
    const reason = run.reason === 'manual' ? 'Run Now' : run.reason;
    lines.push(`Last run: ${when(run.at, now)} · ${run.status} · ${formatDuration(run.durationMs)} · ${reason}`);
    if (run.error) lines.push(`Error: ${escapeMarkdown(run.error)}`);
  } else if (ADMIN_RUNNABLE.has(info.kind)) {
    lines.push('Not run yet.');
  }
  if (runsOnlyByHand(info)) lines.push('The emulator does not start this trigger: *Run Now* invokes it by hand.');
  return lines.join('\n\n');
}

/** What Run Now asks for before invoking the function; undefined: nothing (timers). */
export function runInputPrompt(info: FunctionInfo): { prompt: string; placeHolder: string; value: string } | undefined {
  switch (info.kind) {
    case 'timer':
    case 'orchestration':
    case 'activity':
    case 'entity':
    case 'http':
      return undefined;
    case 'queue':
      return {
        prompt: `The message text ${info.name} gets${info.queueName ? ` (as if from queue '${info.queueName}')` : ''}`,
        placeHolder: 'Text or JSON, e.g. {"orderId": 42}',
        value: '',
      };
    case 'blob':
      return {
        prompt: `The blob path ${info.name} gets (container/name); the blob must exist`,
        placeHolder: info.path ?? 'container/name',
        value: info.path ? info.path.replace(/\{[^}]*\}/g, '') : '',
      };
    case 'other':
      return {
        prompt: `The input ${info.name} gets as its ${info.triggerType ? `${shortTrigger(info.triggerType)} ` : ''}trigger value`,
        placeHolder: 'Text or JSON (empty for none)',
        value: '',
      };
  }
}

/** A run's outcome for a notification: "nightly succeeded in 12 ms" / "nightly failed after 3 ms: boom". */
export function runOutcomeText(name: string, status: 'Succeeded' | 'Failed', durationMs = 0, error?: string): string {
  if (status === 'Succeeded') return `${name} succeeded in ${formatDuration(durationMs)}.`;
  return `${name} failed after ${formatDuration(durationMs)}${error ? `: ${error}` : '.'}`;
}
