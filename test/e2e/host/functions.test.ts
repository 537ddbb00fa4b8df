/**
 * The Functions and Storage views in the real extension host, on the emulator running
 * test/fixtures/explorer-functions (chosen through the `appFolder` setting, its store in a temporary folder): the
 * functions as the view shows them (trigger summaries, the Durable node, icons, the menus' context values), the
 * Storage view hidden for an app without storage bindings, Copy URL of an HTTP function, Run Now of an
 * orchestration (through the Start command), and Run Now of a timer (202, then its outcome in the view).
 *
 * Run Now of a timer needs `POST /admin/functions/{name}` and the `function` change event from the timers part of
 * the emulator: until they are there that test is skipped, and says so.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ManagementApiError } from '../../../src/extension/api/index.js';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import type { FunctionsNode } from '../../../src/extension/views/functionsModel.js';
import type { FunctionsTree } from '../../../src/extension/views/functionsTree.js';
import { activateExtension, EXTENSION_ID, startEmulator, waitFor } from './helpers.js';

interface Row {
  label: string;
  description: string;
  icon: string | undefined;
  contextValue: string | undefined;
  collapsed: boolean;
}

/** The rows the Functions view shows at its root, as VS Code reads them. */
async function rows(tree: FunctionsTree, parent?: FunctionsNode): Promise<Row[]> {
  return (await tree.getChildren(parent)).map((node) => {
    const item = tree.getTreeItem(node);
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: String(item.description ?? ''),
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      contextValue: item.contextValue,
      collapsed: item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed,
    };
  });
}

suite('Functions and Storage views', () => {
  let api: DurableStudioApi;
  let tree: FunctionsTree;
  const settings = () => vscode.workspace.getConfiguration('durableStudio.emulator');
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-e2e-functions-'));

  suiteSetup(async () => {
    api = await activateExtension();
    tree = api.explorer.functionsTree;
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const app = path.join(extension.extensionPath, 'test', 'fixtures', 'explorer-functions');
    await settings().update('appFolder', app, vscode.ConfigurationTarget.Workspace);
    await settings().update('storeFolder', store, vscode.ConfigurationTarget.Workspace);
    await startEmulator(api);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
    await settings().update('appFolder', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('storeFolder', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(store, { recursive: true, force: true });
  });

  test("the view lists the app's triggers with a summary each, durable functions under a collapsed node", async () => {
    const shown = await waitFor('the fixture functions', async () => {
      const root = await rows(tree);
      return root.some((r) => r.label === 'nightlyReport') ? root : undefined;
    });
    assert.deepEqual(
      shown.map((r) => r.label),
      ['nightlyReport', 'orderReceived', 'ping', 'Durable'],
    );
    const [timer, bus, http, durable] = shown as [Row, Row, Row, Row];
    assert.match(timer.description, /^timer( · 0 0 3 \* \* \*)?$/);
    assert.equal(timer.icon, 'watch');
    assert.equal(timer.contextValue, 'function kind:timer runnable');
    assert.match(bus.description, /· not run locally · Run Now to invoke$/);
    assert.equal(bus.contextValue, 'function kind:other runnable');
    assert.equal(http.description, 'http · GET /api/ping');
    assert.equal(http.contextValue, 'function kind:http');
    assert.equal(durable.description, '2');
    assert.equal(durable.collapsed, true);
    const durableNode = (await tree.getChildren()).find((n) => n.kind === 'durableGroup')!;
    assert.deepEqual(
      (await rows(tree, durableNode)).map((r) => `${r.label}: ${r.description}`),
      ['greet: activity', 'greeting: orchestration'],
    );
  });

  test('the Storage view stays hidden for an app without storage bindings', async () => {
    await api.explorer.storageTree.whenLoaded();
    assert.equal(api.explorer.storageTree.available, false);
    assert.deepEqual(await api.explorer.storageTree.getChildren(), []);
  });

  test('Copy URL copies the HTTP function’s address', async () => {
    const url = await vscode.commands.executeCommand<string>('durableStudio.function.copyUrl', 'ping');
    assert.equal(url, `${api.ctx.connections.current!.baseUrl}/api/ping`);
    assert.equal(await vscode.env.clipboard.readText(), url);
    const res = await fetch(url);
    assert.equal(await res.text(), 'pong');
  });

  test('Run Now on an orchestration starts it with the given input', async () => {
    const id = await vscode.commands.executeCommand<string>('durableStudio.function.runNow', {
      name: 'greeting',
      input: '"e2e"',
    });
    assert.equal(typeof id, 'string');
    const client = api.ctx.connections.current!.client;
    const status = await waitFor('greeting to complete', async () => {
      const s = await client.getStatus(id);
      return s?.runtimeStatus === 'Completed' ? s : undefined;
    });
    assert.equal(status.output, 'Hello e2e!');
  });

  test('Run Now on a timer: accepted, then its run shows in the view', async function () {
    const client = api.ctx.connections.current!.client;
    try {
      await client.runFunction('nightlyReport');
    } catch (error) {
      // The client is the extension's (another bundle): its error classes are not this file's.
      if ((error as Partial<ManagementApiError>).status === 404) {
        this.skip(); // No POST /admin/functions/{name} on this emulator yet (the timers part adds it).
      }
      throw error;
    }
    const before = tree.model.get('nightlyReport')?.info.lastRun?.at ?? '';
    assert.equal(await vscode.commands.executeCommand('durableStudio.function.runNow', 'nightlyReport'), true);
    // The probe's run and this one queue behind each other (a timer never overlaps itself): wait for the view to
    // show a finished run that started after the probe was read, and nothing running any more.
    const iconId = (): string =>
      (tree.getTreeItem(tree.model.functionNode('nightlyReport')).iconPath as vscode.ThemeIcon).id;
    const run = await waitFor('the run of nightlyReport in the view', () => {
      const last = tree.model.get('nightlyReport')?.info.lastRun;
      return last && last.at > before && last.reason === 'manual' && iconId() !== 'sync~spin' ? last : undefined;
    });
    assert.equal(run.status, 'Succeeded');
    assert.equal(iconId(), 'watch');
  });
});
