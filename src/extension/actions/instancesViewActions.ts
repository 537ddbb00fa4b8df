/**
 * The Instances view's own commands: refresh, group by status or name, filter, clear the filter, load more, and
 * purge every finished instance matching the filter.
 */
import * as vscode from 'vscode';
import type { RuntimeStatus } from '../api/index.js';
import type { HostConnection } from '../connection/hostConnection.js';
import type { Ctx } from '../ctx.js';
import {
  describeFilter,
  isEmptyFilter,
  matchesFilter,
  PURGEABLE_STATUSES,
  resolveFilter,
  sanitizeFilter,
  type InstanceFilter,
  type ResolvedFilter,
} from '../views/instanceFilter.js';
import type { InstancesTree } from '../views/instancesTree.js';
import { optionsArg } from './args.js';
import { promptFilter } from './filterPrompt.js';
import { confirm } from './prompts.js';

/** `durableStudio.instances.purgeFiltered` options. */
export interface PurgeFilteredArgs {
  /** Ask the user first (default true). */
  confirm?: boolean;
}

export function registerInstancesViewActions(ctx: Ctx, tree: InstancesTree): void {
  ctx.registerCommand('durableStudio.instances.refresh', () => tree.reload());
  ctx.registerCommand('durableStudio.instances.groupByStatus', () => tree.setGroupBy('status'));
  ctx.registerCommand('durableStudio.instances.groupByName', () => tree.setGroupBy('name'));
  /**
   * `durableStudio.instances.filter(filter?: InstanceFilter)`: with a filter object, sets it without asking
   * (statuses, name, idPrefix, createdFrom, createdTo; times as `1h` or ISO); resolves with the filter in force.
   */
  ctx.registerCommand('durableStudio.instances.filter', async (given?: unknown) => {
    const filter = optionsArg<InstanceFilter>(given)
      ? sanitizeFilter(given)
      : await promptFilter(tree.filter, ctx.connections.current);
    if (filter) await tree.setFilter(filter);
    return tree.filter;
  });
  ctx.registerCommand('durableStudio.instances.clearFilter', () => tree.setFilter({}));
  ctx.registerCommand('durableStudio.instances.loadMore', () => tree.loadMore());
  /**
   * `durableStudio.instances.purgeFiltered(options?: PurgeFilteredArgs)`: deletes the finished instances
   * matching the filter (after a confirmation naming the filter; `{confirm: false}` skips it), with progress.
   * Resolves with the number deleted.
   */
  ctx.registerCommand('durableStudio.instances.purgeFiltered', (options?: unknown) =>
    purgeFiltered(ctx, tree, optionsArg<PurgeFilteredArgs>(options)),
  );
}

async function purgeFiltered(
  ctx: Ctx,
  tree: InstancesTree,
  options: Partial<PurgeFilteredArgs> | undefined,
): Promise<number> {
  const connection = ctx.connections.require();
  const filter = tree.filter;
  const resolved = resolveFilter(filter, tree.now());
  // Only finished instances can be purged: a status filter is narrowed to those.
  const statuses = PURGEABLE_STATUSES.filter((s) => !resolved.statuses || resolved.statuses.has(s));
  if (statuses.length === 0) {
    void vscode.window.showInformationMessage(
      'Durable Studio: the filter selects no finished instance (only Completed, Failed, Terminated and Canceled ones can be purged).',
    );
    return 0;
  }
  if (options?.confirm !== false) {
    const what = isEmptyFilter(filter)
      ? 'every finished instance'
      : `the finished instances matching: ${describeFilter(filter)}`;
    const ok = await confirm(
      'Purge instances?',
      `This deletes the history of ${what} (statuses: ${statuses.join(', ')}) on ${connection.label}, for good.`,
      'Purge',
    );
    if (!ok) return 0;
  }
  const deleted = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Durable Studio: purging instances', cancellable: true },
    (progress, token) => purge(connection, resolved, statuses, progress, token),
  );
  void vscode.window.showInformationMessage(`Durable Studio: purged ${deleted} instance${deleted === 1 ? '' : 's'}.`);
  return deleted;
}

/**
 * The purge API filters by creation time and status only: with a name or id prefix in the filter, the matching
 * instances are listed and purged one by one instead.
 */
async function purge(
  connection: HostConnection,
  filter: ResolvedFilter,
  statuses: RuntimeStatus[],
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<number> {
  const client = connection.client;
  if (filter.name === undefined && filter.idPrefix === undefined) {
    return client.purgeBy({
      createdTimeFrom: new Date(filter.createdFrom ?? 0),
      ...(filter.createdTo !== undefined ? { createdTimeTo: new Date(filter.createdTo) } : {}),
      runtimeStatus: statuses,
    });
  }
  const victims: string[] = [];
  const query = {
    runtimeStatus: statuses,
    top: 500,
    showInput: false,
    ...(filter.idPrefix !== undefined ? { instanceIdPrefix: filter.idPrefix } : {}),
    ...(filter.createdFrom !== undefined ? { createdTimeFrom: new Date(filter.createdFrom) } : {}),
    ...(filter.createdTo !== undefined ? { createdTimeTo: new Date(filter.createdTo) } : {}),
  };
  for await (const status of client.allInstances(query)) {
    if (token.isCancellationRequested) return 0;
    if (matchesFilter(filter, { ...status, createdTime: Date.parse(status.createdTime) })) {
      victims.push(status.instanceId);
    }
  }
  let deleted = 0;
  for (const id of victims) {
    if (token.isCancellationRequested) break;
    deleted += await client.purge(id);
    progress.report({ message: `${deleted} of ${victims.length}` });
  }
  return deleted;
}
