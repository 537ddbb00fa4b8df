/**
 * `durableStudio.instances.openTable(options?: OpenTableArgs)`: opens the Instances table (or reveals it, with the
 * given filter when there is one), starting with the Instances view's filter; resolves with the panel (tests drive
 * it). The view title's table button runs it.
 */
import type { Ctx } from '../ctx.js';
import { optionsArg } from '../actions/args.js';
import type { InstancesTree } from '../views/instancesTree.js';
import { cleanFilter } from '../../webview/instances/protocol.js';
import { InstancesTablePanel, tableFilterOf, tablePageSize, type OpenTableArgs } from './instancesTablePanel.js';

export interface InstancesTable {
  /** The open panel, if any. */
  readonly panel: InstancesTablePanel | undefined;
}

export function registerInstancesTable(ctx: Ctx, tree: InstancesTree): InstancesTable {
  let panel: InstancesTablePanel | undefined;
  ctx.registerCommand('durableStudio.instances.openTable', async (given?: unknown) => {
    const options = optionsArg<OpenTableArgs>(given);
    const filter = options?.filter ? cleanFilter(options.filter as Record<string, unknown>) : undefined;
    if (panel) {
      panel.reveal();
      if (filter || options?.pageSize !== undefined) {
        await panel.applyFilter(filter ?? panel.currentFilter, tablePageSize(options?.pageSize));
      }
      return panel;
    }
    const created = new InstancesTablePanel(
      ctx,
      filter ?? tableFilterOf(tree.filter),
      tablePageSize(options?.pageSize),
      () => tree.now(),
      () => {
        if (panel === created) panel = undefined;
      },
    );
    panel = ctx.push(created);
    return panel;
  });
  return {
    get panel() {
      return panel;
    },
  };
}
