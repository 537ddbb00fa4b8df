/**
 * The explorer in the real extension host, on the emulator running a temporary copy of examples/app: instances
 * started through the command appear in the Instances tree and complete there (live, from the change stream),
 * grouping and filters, paging, sub-orchestrations under their parent, every instance action (raise event,
 * terminate, suspend/resume, fire a timer, restart, purge one and by filter, status JSON), the counter entity
 * signalled and its state document following it, and a host without a change stream (refreshed by hand).
 * Every wait has a deadline and polls the tree provider's own children; nothing sleeps.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import type { EntitiesNode } from '../../../src/extension/views/entitiesModel.js';
import { entityDocumentState } from '../../../src/extension/views/entityPresentation.js';
import type { InstancesNode } from '../../../src/extension/views/instancesModel.js';
import type { InstancesTree } from '../../../src/extension/views/instancesTree.js';
import { activateExtension, startEmulator, waitFor } from './helpers.js';

interface Shown {
  node: InstancesNode;
  item: vscode.TreeItem;
  /** The label of the group or the id of the instance it is listed under. */
  parent: string;
}

/** Every instance the Instances tree shows, by id, as VS Code would read them (getChildren, getTreeItem). */
async function shownInstances(tree: InstancesTree): Promise<Map<string, Shown>> {
  const shown = new Map<string, Shown>();
  const visit = async (node: InstancesNode, parent: string): Promise<void> => {
    const item = tree.getTreeItem(node);
    if (node.kind === 'instance') shown.set(node.instanceId, { node, item, parent });
    const label = node.kind === 'group' ? node.key : node.kind === 'instance' ? node.instanceId : 'loadMore';
    for (const child of await tree.getChildren(node)) await visit(child, label);
  };
  for (const root of await tree.getChildren()) await visit(root, '');
  return shown;
}

async function shownWithStatus(tree: InstancesTree, id: string, status: string): Promise<Shown> {
  let last = 'not shown';
  try {
    return await waitFor(`${id} to be shown as ${status}`, async () => {
      const shown = (await shownInstances(tree)).get(id);
      last = shown ? String(shown.item.contextValue) : 'not shown';
      return shown && last.includes(`status:${status}`) ? shown : undefined;
    });
  } catch (error) {
    const client = (await activateExtension()).ctx.connections.current?.client;
    const server = await client?.getStatus(id).catch(() => undefined);
    throw new Error(`${(error as Error).message}; the tree shows: ${last}; the server says: ${server?.runtimeStatus}`);
  }
}

async function start(name: string, instanceId: string, input?: unknown): Promise<string> {
  return vscode.commands.executeCommand<string>('durableStudio.instance.start', { name, instanceId, input });
}

suite('Explorer', () => {
  let api: DurableStudioApi;
  let tree: InstancesTree;
  /** A prefix no earlier run or suite used, so each test finds its own instances. */
  const run = `e2e-${Date.now().toString(36)}`;

  suiteSetup(async () => {
    api = await activateExtension();
    tree = api.explorer.instancesTree;
    await startEmulator(api);
    await vscode.commands.executeCommand('durableStudio.instances.clearFilter');
    await vscode.commands.executeCommand('durableStudio.instances.groupByName');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('durableStudio.instances.clearFilter');
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
  });

  test('orchestrations started by the command appear, are selected, and complete live', async () => {
    const ids = [`${run}-hello-1`, `${run}-hello-2`, `${run}-hello-3`];
    for (const id of ids) assert.equal(await start('helloSequence', id, 'x'), id);
    assert.deepEqual(
      tree.view.selection.map((node) => (node.kind === 'instance' ? node.instanceId : node.kind)),
      [ids[2]],
      'the last started instance is revealed and selected',
    );
    for (const id of ids) {
      const { item, parent } = await shownWithStatus(tree, id, 'Completed');
      assert.equal(item.label, id);
      assert.equal(parent, 'helloSequence');
      assert.equal(item.contextValue, 'instance status:Completed');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
      // When it started and how long it took, to the ms: the change stream told both times precisely.
      assert.match(String(item.description), /^\d\d:\d\d:\d\d · (\d+ ms|\d+(\.\d)? s)$/);
      assert.deepEqual(item.command?.command, 'durableStudio.instance.openHistory');
      assert.deepEqual(item.command?.arguments, [id]);
    }
    const status = await api.ctx.connections.current!.client.getStatus(ids[0]!);
    assert.deepEqual(status?.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  test('grouping switches between orchestration name and status, and is remembered', async () => {
    const id = `${run}-group`;
    await start('helloSequence', id);
    await shownWithStatus(tree, id, 'Completed');
    await vscode.commands.executeCommand('durableStudio.instances.groupByStatus');
    assert.equal(api.ctx.extension.workspaceState.get('durableStudio.instances.groupBy'), 'status');
    const roots = await tree.getChildren();
    assert.ok(roots.every((node) => node.kind !== 'group' || node.groupBy === 'status'));
    assert.equal((await shownInstances(tree)).get(id)?.parent, 'Completed');
    await vscode.commands.executeCommand('durableStudio.instances.groupByName');
    assert.equal(api.ctx.extension.workspaceState.get('durableStudio.instances.groupBy'), 'name');
    assert.equal((await shownInstances(tree)).get(id)?.parent, 'helloSequence');
  });

  test('a status filter goes to the server, shows in the description, and is kept until cleared', async () => {
    const waiting = `${run}-filter-waiting`;
    await start('approvalWorkflow', waiting, { requester: 'e2e' });
    await shownWithStatus(tree, waiting, 'Running');
    await vscode.commands.executeCommand('durableStudio.instances.filter', { statuses: ['Completed'] });
    assert.match(String(tree.view.description), /Completed/);
    assert.deepEqual(api.ctx.extension.workspaceState.get('durableStudio.instances.filter'), {
      statuses: ['Completed'],
    });
    const shown = await shownInstances(tree);
    assert.ok(shown.size > 0);
    assert.ok(
      [...shown.values()].every((s) => String(s.item.contextValue).includes('status:Completed')),
      'only completed instances',
    );
    assert.equal(shown.has(waiting), false);
    await vscode.commands.executeCommand('durableStudio.instances.clearFilter');
    assert.equal(tree.view.description, undefined);
    assert.ok((await shownInstances(tree)).has(waiting));
    await vscode.commands.executeCommand('durableStudio.instance.terminate', waiting, 'cleanup');
  });

  test('raise event: an approval waiting for "Approval" completes approved', async () => {
    const id = `${run}-approve`;
    await start('approvalWorkflow', id, { requester: 'e2e' });
    const client = api.ctx.connections.current!.client;
    await waitFor('the instance to wait for Approval', async () =>
      (await client.getInstanceDetails(id))?.waitingFor.includes('Approval'),
    );
    // Its deadline timer shows in the item's context value (the "Fire Pending Timer Now" menu).
    await waitFor(
      'the timer flag',
      async () => (await shownInstances(tree)).get(id)?.item.contextValue === 'instance status:Running timer',
    );
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.raiseEvent', id, 'Approval', true), true);
    await shownWithStatus(tree, id, 'Completed');
    const status = await client.getStatus(id);
    assert.equal((status?.output as { outcome: string }).outcome, 'approved');
  });

  test('fire timer: the approval deadline fires now and the request is escalated', async () => {
    const id = `${run}-escalate`;
    await start('approvalWorkflow', id, { requester: 'e2e', timeoutHours: 72 });
    const { node } = await waitFor('the timer flag', async () => {
      const shown = (await shownInstances(tree)).get(id);
      return shown?.item.contextValue === 'instance status:Running timer' ? shown : undefined;
    });
    // From the tree item, as the context menu passes it.
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.fireTimer', node), true);
    await shownWithStatus(tree, id, 'Completed');
    const status = await api.ctx.connections.current!.client.getStatus(id);
    assert.equal((status?.output as { outcome: string }).outcome, 'escalated');
    // No timer left: says so and resolves false.
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.fireTimer', id), false);
  });

  test('suspend, resume and terminate', async () => {
    const id = `${run}-lifecycle`;
    await start('approvalWorkflow', id, { requester: 'e2e' });
    await shownWithStatus(tree, id, 'Running');
    await vscode.commands.executeCommand('durableStudio.instance.suspend', id);
    const suspended = await shownWithStatus(tree, id, 'Suspended');
    assert.equal((suspended.item.iconPath as vscode.ThemeIcon).id, 'debug-pause');
    await vscode.commands.executeCommand('durableStudio.instance.resume', suspended.node);
    await shownWithStatus(tree, id, 'Running');
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.terminate', id, 'e2e test'), true);
    await shownWithStatus(tree, id, 'Terminated');
    const status = await api.ctx.connections.current!.client.getStatus(id);
    assert.equal(status?.output, 'e2e test');
  });

  test('rewind: a failed orchestration is replayed and completes', async () => {
    const id = `${run}-rewind`;
    // flakyActivity fails 3 times: the 3 attempts are used up and the orchestration fails; a rewind retries it.
    await start('retryOrchestration', id, { failures: 3 });
    const failed = await shownWithStatus(tree, id, 'Failed');
    assert.equal((failed.item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(
      await vscode.commands.executeCommand('durableStudio.instance.rewind', failed.node, 'e2e rewind'),
      true,
    );
    await shownWithStatus(tree, id, 'Completed');
  });

  test('sub-orchestrations are listed under their parent', async () => {
    const id = `${run}-parent`;
    await start('parentOrchestration', id);
    await shownWithStatus(tree, id, 'Completed');
    const shown = await waitFor('both children under the parent', async () => {
      const all = await shownInstances(tree);
      return all.get(`${id}:child`)?.parent === id && all.get(`${id}:retry`)?.parent === id ? all : undefined;
    });
    assert.equal(shown.get(id)?.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(String(shown.get(`${id}:child`)?.item.description), /^helloSequence · /);
    // After a full reload (the list API does not say who the parent is) they are still nested.
    await vscode.commands.executeCommand('durableStudio.instances.refresh');
    await waitFor(
      'the children nested again after a refresh',
      async () => (await shownInstances(tree)).get(`${id}:child`)?.parent === id,
    );
  });

  test('restart under a new id, status JSON document, copy id', async () => {
    const id = `${run}-restart`;
    await start('helloSequence', id, 'again');
    await shownWithStatus(tree, id, 'Completed');
    const newId = await vscode.commands.executeCommand<string>('durableStudio.instance.restart', id, {
      newInstanceId: true,
    });
    assert.ok(newId && newId !== id);
    await shownWithStatus(tree, newId, 'Completed');
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('durableStudio.instance.openStatus', newId);
    assert.equal(doc.uri.scheme, 'durable-status');
    assert.equal(doc.languageId, 'json');
    const json = JSON.parse(doc.getText());
    assert.equal(json.instanceId, newId);
    assert.equal(json.input, 'again');
    assert.equal(json.historyEvents, undefined);
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.copyId', newId), newId);
    assert.equal(await vscode.env.clipboard.readText(), newId);
  });

  test('purge one instance, then every instance matching the filter', async () => {
    const ids = [`${run}-purge-1`, `${run}-purge-2`, `${run}-purge-3`];
    for (const id of ids) await start('helloSequence', id);
    for (const id of ids) await shownWithStatus(tree, id, 'Completed');
    assert.equal(await vscode.commands.executeCommand('durableStudio.instance.purge', ids[0], { confirm: false }), 1);
    await waitFor(`${ids[0]} to leave the tree`, async () => !(await shownInstances(tree)).has(ids[0]!));

    await vscode.commands.executeCommand('durableStudio.instances.filter', { idPrefix: `${run}-purge-` });
    assert.equal((await shownInstances(tree)).size, 2);
    const purged = await vscode.commands.executeCommand('durableStudio.instances.purgeFiltered', { confirm: false });
    assert.equal(purged, 2);
    await waitFor('the filtered tree to be empty', async () => (await shownInstances(tree)).size === 0);
    await waitFor('the view to say so', () => tree.view.message?.includes('No instance matches the filter'));
    await vscode.commands.executeCommand('durableStudio.instances.clearFilter');
  });

  test('pages: "Load more…" reads the next page', async () => {
    const config = vscode.workspace.getConfiguration('durableStudio.instances');
    const prefix = `${run}-page-`;
    for (let i = 0; i < 12; i++) await start('helloSequence', `${prefix}${String(i).padStart(2, '0')}`);
    try {
      await config.update('pageSize', 10, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('durableStudio.instances.filter', { idPrefix: prefix });
      const roots = await tree.getChildren();
      assert.equal(roots.at(-1)?.kind, 'loadMore');
      assert.equal((await shownInstances(tree)).size, 10);
      await vscode.commands.executeCommand('durableStudio.instances.loadMore');
      assert.equal((await shownInstances(tree)).size, 12);
      assert.equal(
        (await tree.getChildren()).some((node) => node.kind === 'loadMore'),
        false,
      );
    } finally {
      await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('durableStudio.instances.clearFilter');
    }
  });

  test('signal the counter entity; its tree item and state document follow the changes', async () => {
    const entities = api.explorer.entitiesTree;
    const key = `${run}-counter`;
    const keyItem = async (): Promise<vscode.TreeItem | undefined> => {
      const names = await entities.getChildren();
      const counter = names.find((n) => n.kind === 'entityName' && n.name === 'counter');
      if (!counter) return undefined;
      const node = (await entities.getChildren(counter)).find(
        (n: EntitiesNode) => n.kind === 'entity' && n.key === key,
      );
      return node ? entities.getTreeItem(node) : undefined;
    };
    await vscode.commands.executeCommand('durableStudio.entity.signal', {
      name: 'counter',
      key,
      operation: 'add',
      input: 5,
    });
    const item = await waitFor('the counter in the Entities tree with 5', async () => {
      const found = await keyItem();
      return String(found?.description).startsWith('5 · ') ? found : undefined;
    });
    assert.equal(item.contextValue, 'entity');
    // Pending operations, state, last modified; the tooltip has the lock owner and the operations seen.
    assert.match(String(item.description), /^5 · \d\d:\d\d:\d\d$/);
    const tooltip = (item.tooltip as vscode.MarkdownString).value;
    for (const part of ['Locked by: not locked', 'Pending operations: 0', 'Operations seen: add']) {
      assert.ok(tooltip.includes(part), `${part} in\n${tooltip}`);
    }
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>(
      'durableStudio.entity.openState',
      `@counter@${key}`,
    );
    assert.equal(doc.uri.toString(), `durable-entity:/counter/${key}.json`);
    assert.equal(doc.languageId, 'jsonc');
    assert.match(
      doc.getText(),
      /^\/\/ Entity: counter\n\/\/ Key: .*\n\/\/ Last modified: .*\n\/\/ Locked by: not locked\n\/\/ Pending operations: 0\n/,
    );
    assert.equal(JSON.parse(entityDocumentState(doc.getText())), 5);
    // Signalled again (operation and input as separate arguments): the open document is re-read.
    await vscode.commands.executeCommand('durableStudio.entity.signal', `@counter@${key}`, 'add', 2);
    await waitFor('the state document to show 7', () => entityDocumentState(doc.getText()).trim() === '7');
    await waitFor('the tree item to show 7', async () => String((await keyItem())?.description).startsWith('7 · '));
    assert.equal(
      await vscode.commands.executeCommand('durableStudio.entity.copyId', { name: 'counter', key }),
      `@counter@${key}`,
    );
    // Deleted: it leaves the tree.
    await vscode.commands.executeCommand('durableStudio.entity.signal', { name: 'counter', key, operation: 'delete' });
    await waitFor('the counter to leave the tree', async () => (await keyItem()) === undefined);
  });

  test('a host without a change stream is refreshed by hand and says so', async () => {
    const url = api.ctx.connections.current!.baseUrl;
    assert.equal(await vscode.commands.executeCommand('durableStudio.connection.connectToHost', url), true);
    try {
      assert.equal(api.ctx.connections.current?.kind, 'remote');
      await tree.whenLoaded();
      assert.match(String(tree.view.message), /no live updates/);
      assert.match(String(tree.view.description), /refresh by hand/);
      const id = `${run}-remote`;
      await start('helloSequence', id);
      // Revealed by the start command itself; a refresh reads it completed.
      await waitFor(`${id} completed after a refresh`, async () => {
        await vscode.commands.executeCommand('durableStudio.instances.refresh');
        return String((await shownInstances(tree)).get(id)?.item.contextValue).includes('status:Completed');
      });
    } finally {
      await vscode.commands.executeCommand('durableStudio.connection.useEmulator');
    }
    assert.equal(api.ctx.connections.current?.kind, 'emulator');
    await tree.whenLoaded();
    assert.equal(tree.view.message, undefined);
  });
});
