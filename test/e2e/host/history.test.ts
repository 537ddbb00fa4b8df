/**
 * The history view in the real extension host, on the emulator running a temporary copy of examples/app: the panel
 * opens on an instance with one row per history event (asked of the webview itself), opening it again reveals the
 * same panel, it follows a running instance live, exports the host's JSON, goes to the definition of a name in the
 * app's TypeScript sources, is restored after a window reload (the panel serializer), and opens a 10,000-event
 * history (virtualised; its timings are printed, not asserted: speed is a benchmark figure). Nothing sleeps: every
 * wait is on an event (the webview's render reports) or polls with a deadline.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HistoryPanel } from '../../../src/extension/history/historyPanel.js';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import type { HistoryStatus } from '../../../src/webview/history/protocol.js';
import { activateExtension, startEmulator, waitFor } from './helpers.js';

const QUERY = { showHistory: true, showHistoryOutput: true, showInput: true };

suite('History view', () => {
  let api: DurableStudioApi;
  /** A prefix no earlier run used. */
  const run = `e2e-history-${Date.now().toString(36)}`;
  const client = () => api.ctx.connections.require().client;

  async function startAndWait(name: string, instanceId: string, input?: unknown, timeoutMs = 30_000): Promise<void> {
    await client().startOrchestration(name, { instanceId, input });
    await waitFor(
      `${instanceId} to complete`,
      async () => (await client().getStatus(instanceId))?.runtimeStatus === 'Completed',
      { timeoutMs, intervalMs: 100 },
    );
  }

  async function openHistory(arg: unknown): Promise<HistoryPanel> {
    const panel = await vscode.commands.executeCommand<HistoryPanel | undefined>(
      'durableStudio.instance.openHistory',
      arg,
    );
    assert.ok(panel, 'the command returns the panel');
    return panel;
  }

  suiteSetup(async () => {
    api = await activateExtension();
    await startEmulator(api);
  });

  suiteTeardown(async () => {
    for (const panel of api.history.openPanels) panel.dispose();
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
  });

  test('opens a completed orchestration with one row per event; opening it again reveals the same panel', async () => {
    const id = `${run}-hello`;
    await startAndWait('helloSequence', id);
    const panel = await openHistory(id);
    const report = await panel.whenRendered((r) => r.runtimeStatus === 'Completed');
    assert.equal(report.totalRows, 5);
    const shown = await panel.describe();
    assert.equal(shown.instanceId, id);
    assert.equal(shown.activeTab, 'table');
    assert.deepEqual(shown.renderedEventTypes, [
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    assert.equal(shown.totalSpans, 4, 'the orchestration and its three activities');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputWebview, 'the history is the active tab');
    assert.equal(tab.label, `History: helloSequence ${id.slice(0, 8)}…`);

    // From the Instances tree (a node with an instanceId): the same panel, revealed.
    const again = await openHistory({ kind: 'instance', instanceId: id });
    assert.equal(again, panel);
    assert.equal(api.history.openPanels.filter((p) => p.instanceId === id).length, 1);

    await panel.drive({ kind: 'showTab', tab: 'timeline' });
    const timeline = await panel.describe();
    assert.equal(timeline.activeTab, 'timeline');
    assert.equal(timeline.renderedSpans, 4);
  });

  test('follows a running instance live: waiting for an event, then completed', async () => {
    const id = `${run}-approval`;
    await client().startOrchestration('approvalWorkflow', { instanceId: id, input: { requester: 'e2e' } });
    const panel = await openHistory(id);
    // Running and waiting: the approval request done, the deadline timer created.
    const waiting = await panel.whenRendered((r) => r.runtimeStatus === 'Running' && r.totalRows >= 3);
    const before = await panel.describe();
    assert.deepEqual(before.renderedEventTypes.slice(0, 3), ['ExecutionStarted', 'TaskCompleted', 'TimerCreated']);
    await panel.drive({ kind: 'toggleRow', index: 1 });

    await client().raiseEvent(id, 'Approval', true);
    const done = await panel.whenRendered((r) => r.runtimeStatus === 'Completed');
    assert.ok(done.version > waiting.version);
    const after = await panel.describe();
    assert.deepEqual(after.renderedEventTypes, [
      'ExecutionStarted',
      'TaskCompleted',
      'TimerCreated',
      'EventRaised',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    assert.deepEqual(after.expandedKeys, ['TaskCompleted#0'], 'the expanded row stayed expanded');
  });

  test('exports the history in the host format, from a panel and for an instance without one', async () => {
    const id = `${run}-fan`;
    await startAndWait('fanOutFanIn', id, { count: 3 });
    const panel = await openHistory(id);
    await panel.whenRendered((r) => r.runtimeStatus === 'Completed');
    const file = path.join(os.tmpdir(), `${id}.history.json`);
    const written = await vscode.commands.executeCommand<string>('durableStudio.history.export', id, file);
    assert.equal(written, file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryStatus;
    assert.deepEqual(exported, await client().getStatus(id, QUERY));
    assert.equal(exported.historyEvents?.length, 6);
    assert.equal(exported.historyEvents?.[1]?.['FunctionName'], 'getWorkItems');

    // The active panel when no instance is named.
    panel.reveal();
    await waitFor('the fan-out history to be the active panel', () => api.history.activePanel === panel);
    const active = path.join(os.tmpdir(), `${id}.active.json`);
    assert.equal(await vscode.commands.executeCommand('durableStudio.history.export', undefined, active), active);
    assert.deepEqual(JSON.parse(fs.readFileSync(active, 'utf8')), exported);

    const other = `${run}-hello-2`;
    await startAndWait('helloSequence', other);
    const direct = path.join(os.tmpdir(), `${other}.history.json`);
    await vscode.commands.executeCommand('durableStudio.history.export', other, direct);
    assert.equal((JSON.parse(fs.readFileSync(direct, 'utf8')) as HistoryStatus).instanceId, other);
    for (const written of [file, active, direct]) fs.rmSync(written);
  });

  test('go to definition opens the registration in the app’s TypeScript source', async () => {
    const id = `${run}-hello`;
    const panel = await openHistory(id);
    await panel.whenRendered((r) => r.runtimeStatus === 'Completed');
    await panel.drive({ kind: 'openDefinition', index: 1 }); // TaskCompleted sayHello
    const editor = await waitFor('the definition of sayHello to open', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.fsPath.endsWith(path.join('src', 'functions', 'helloSequence.ts'))
        ? active
        : undefined;
    });
    const line = editor.document.lineAt(editor.selection.start.line).text;
    assert.match(line, /df\.app\.activity\(activityName/);
    assert.equal(editor.document.getText(editor.selection), 'activityName');

    const entity = await api.history.openDefinition({ kind: 'entity', name: 'counter' });
    assert.ok(entity?.file.endsWith(path.join('src', 'functions', 'counter.ts')), entity?.file);
    const orchestration = await api.history.openDefinition({ kind: 'orchestration', name: 'fanOutFanIn' });
    assert.ok(orchestration?.file.endsWith(path.join('src', 'functions', 'fanOutFanIn.ts')), orchestration?.file);
    assert.equal(await api.history.openDefinition({ kind: 'activity', name: 'noSuchActivity' }), undefined);
  });

  /** A panel as VS Code restores one after a window reload: the view type, no options, no page yet. */
  function restoredWebviewPanel(): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel('durableStudio.history', 'History (restored)', vscode.ViewColumn.One, {});
  }

  test('restores a history panel after a window reload: read again, or once the explorer connects', async () => {
    const id = `${run}-restored`;
    await startAndWait('helloSequence', id);
    // What VS Code does after a reload: the serializer gets the panel and the state its webview saved.
    // (Here the webview itself starts without a saved state: VS Code gives it back only to a really restored one.)
    await api.history.deserializeWebviewPanel(restoredWebviewPanel(), { instanceId: id, tab: 'timeline' });
    const panel = api.history.panelFor(id);
    assert.ok(panel, 'the restored panel is the instance’s panel');
    const report = await panel.whenRendered((r) => r.runtimeStatus === 'Completed');
    assert.equal(report.totalRows, 5);
    const shown = await panel.describe();
    assert.equal(shown.instanceId, id);
    assert.equal(await openHistory(id), panel, 'opening the instance reveals the restored panel');
    panel.dispose();

    // Restored before the explorer connects: it says so, then loads when the explorer connects.
    api.ctx.connections.disconnect();
    let waiting: HistoryPanel | undefined;
    try {
      await api.history.deserializeWebviewPanel(restoredWebviewPanel(), { instanceId: id });
      waiting = api.history.panelFor(id);
      assert.ok(waiting);
      const notice = await waitFor('the not-connected notice', async () => (await waiting!.describe()).notice);
      assert.match(notice, /^Not connected: /);
      assert.ok(notice.includes(id), notice);
      assert.equal((await waiting.describe()).totalRows, 0);
    } finally {
      await vscode.commands.executeCommand('durableStudio.connection.useEmulator');
    }
    const loaded = await waiting.whenRendered((r) => r.runtimeStatus === 'Completed');
    assert.equal(loaded.totalRows, 5);
    assert.equal((await waiting.describe()).notice, undefined);
    waiting.dispose();

    // A state that names no instance (an older version's): the panel is closed.
    const stale = restoredWebviewPanel();
    let closed = false;
    stale.onDidDispose(() => (closed = true));
    await api.history.deserializeWebviewPanel(stale, { tab: 'table' });
    assert.equal(closed, true);
  });

  test('a 10,000-event history opens with fewer than 200 rows in the DOM and scrolls (its timings are logged)', async function () {
    this.timeout(240_000);
    const id = `${run}-big`;
    for (const panel of api.history.openPanels) panel.dispose();
    // getWorkItems, 10,000 parallel processWorkItem activities, start and end: 10,003 events.
    await startAndWait('fanOutFanIn', id, { count: 10_000 }, 200_000);
    const panel = await openHistory(id);
    const report = await panel.whenRendered((r) => r.totalRows > 0);
    assert.equal(report.totalRows, 10_003);
    const { firstRenderMs, fetchedMs, readyMs, webviewLoadMs } = panel.timings;
    assert.ok(firstRenderMs !== undefined && readyMs !== undefined && fetchedMs !== undefined);
    console.log(
      `[history] 10,003 events: on screen ${firstRenderMs.toFixed(0)} ms after the command: read from the emulator ${fetchedMs.toFixed(0)} ms (meanwhile the webview loads: ready after ${readyMs.toFixed(0)} ms, ${webviewLoadMs?.toFixed(0)} ms of it VS Code's page loading), then ${(firstRenderMs - readyMs).toFixed(0)} ms to transfer and render (in the webview: model ${report.modelMs.toFixed(0)} ms, model and DOM ${report.renderMs.toFixed(0)} ms), ${report.renderedRows} rows in the DOM`,
    );
    assert.ok(report.renderedRows > 0 && report.renderedRows < 200, `${report.renderedRows} rows in the DOM`);
    await panel.drive({ kind: 'scrollToRow', index: 9_000 });
    const scrolled = await panel.describe();
    assert.ok(scrolled.renderedRows < 200);
    assert.ok(scrolled.firstRenderedRow > 8_900, String(scrolled.firstRenderedRow));
    panel.dispose();
  });
});
