/**
 * The explorer: the Instances and Entities views, the read-only JSON documents, and every command on their
 * items. `main.ts` calls `registerExplorer` once; the returned parts are exposed to the extension-host tests.
 */
import { registerEntityActions } from '../actions/entityActions.js';
import { registerInstanceActions } from '../actions/instanceActions.js';
import { registerInstancesViewActions } from '../actions/instancesViewActions.js';
import type { Ctx } from '../ctx.js';
import { EntitiesTree } from './entitiesTree.js';
import { InstancesTree } from './instancesTree.js';
import { JsonDocuments } from './jsonDocuments.js';

export interface Explorer {
  readonly instancesTree: InstancesTree;
  readonly entitiesTree: EntitiesTree;
  readonly documents: JsonDocuments;
}

export function registerExplorer(ctx: Ctx): Explorer {
  const documents = ctx.push(new JsonDocuments(ctx));
  const instancesTree = ctx.push(new InstancesTree(ctx));
  const entitiesTree = ctx.push(new EntitiesTree(ctx));
  registerInstancesViewActions(ctx, instancesTree);
  registerInstanceActions(ctx, instancesTree, documents);
  registerEntityActions(ctx, entitiesTree, documents);
  return { instancesTree, entitiesTree, documents };
}
