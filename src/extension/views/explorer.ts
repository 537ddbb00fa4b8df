/**
 * The explorer: the Instances, Entities, Functions and Storage views, the read-only JSON and blob documents, and
 * every command on their items. `main.ts` calls `registerExplorer` once; the returned parts are exposed to the extension-host tests.
 */
import { registerEntityActions } from '../actions/entityActions.js';
import { registerFunctionActions } from '../actions/functionActions.js';
import { registerInstanceActions } from '../actions/instanceActions.js';
import { registerInstancesViewActions } from '../actions/instancesViewActions.js';
import { registerStorageActions } from '../actions/storageActions.js';
import type { Ctx } from '../ctx.js';
import { BlobDocuments } from './blobDocuments.js';
import { EntitiesTree } from './entitiesTree.js';
import { FunctionsTree } from './functionsTree.js';
import { InstancesTree } from './instancesTree.js';
import { JsonDocuments } from './jsonDocuments.js';
import { StorageTree } from './storageTree.js';
import { registerInstancesTable, type InstancesTable } from '../instancesTable/instancesTableCommand.js';

export interface Explorer {
  readonly instancesTree: InstancesTree;
  readonly entitiesTree: EntitiesTree;
  readonly documents: JsonDocuments;
  readonly functionsTree: FunctionsTree;
  readonly storageTree: StorageTree;
  readonly blobDocuments: BlobDocuments;
  /** The Instances table webview (`durableStudio.instances.openTable`). */
  readonly instancesTable: InstancesTable;
}

export function registerExplorer(ctx: Ctx): Explorer {
  const documents = ctx.push(new JsonDocuments(ctx));
  const instancesTree = ctx.push(new InstancesTree(ctx));
  const entitiesTree = ctx.push(new EntitiesTree(ctx, () => instancesTree.now()));
  documents.knownEntity = (name, key) => entitiesTree.model.get(name, key);
  registerInstancesViewActions(ctx, instancesTree);
  registerInstanceActions(ctx, instancesTree, documents);
  registerEntityActions(ctx, entitiesTree, documents);
  const functionsTree = ctx.push(new FunctionsTree(ctx));
  const storageTree = ctx.push(new StorageTree(ctx));
  const blobDocuments = ctx.push(new BlobDocuments(ctx));
  registerFunctionActions(ctx, functionsTree);
  registerStorageActions(ctx, storageTree, blobDocuments);
  const instancesTable = registerInstancesTable(ctx, instancesTree);
  return { instancesTree, entitiesTree, documents, functionsTree, storageTree, blobDocuments, instancesTable };
}
