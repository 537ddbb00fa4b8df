/**
 * The `durable-replay` debug type in the real extension host: the session runs inline (registered by
 * `src/debugger/dap/vscodeFactory.ts`), replays a completed instance of the running emulator in a worker
 * process, stops on entry at the orchestrator's TypeScript source line (source maps), steps forward and back.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import { activateExtension, appFolder, startEmulator, waitFor, waitForEvent } from './helpers.js';

interface StackFrame {
  line: number;
  source?: { path?: string };
}

/**
 * Runs Inspect Local Variables on a paused replay session, waits for VS Code's JavaScript debugger to stop with the
 * orchestrator's frame selected (below the replay's wrapper, where the stop happens), reads the orchestrator's
 * `outputs`, lets the debugger continue and waits for the inspection to end.
 */
async function inspectOutputs(
  api: DurableStudioApi,
  session: vscode.DebugSession,
): Promise<{ line: number; outputs: string }> {
  const inspected = api.replayLocals.inspect(session);
  const stop = await waitFor(
    'the JavaScript debugger to stop with the orchestrator selected',
    async () => {
      const item = vscode.debug.activeStackItem;
      if (!(item instanceof vscode.DebugStackFrame) || item.session.type === 'durable-replay') return undefined;
      const trace = (await item.session.customRequest('stackTrace', { threadId: item.threadId, levels: 10 })) as {
        stackFrames: { id: number; line: number; source?: { path?: string } }[];
      };
      const frame = trace.stackFrames.find((f) => f.id === item.frameId);
      return frame?.source?.path?.endsWith('helloSequence.ts') ? { item, frame } : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const js = stop.item.session;
  const { scopes } = (await js.customRequest('scopes', { frameId: stop.frame.id })) as {
    scopes: { name: string; variablesReference: number }[];
  };
  const local = scopes.find((scope) => /local/i.test(scope.name));
  assert.ok(local, `a Local scope among ${scopes.map((scope) => scope.name).join(', ')}`);
  const { variables } = (await js.customRequest('variables', { variablesReference: local.variablesReference })) as {
    variables: { name: string; value: string }[];
  };
  const outputs = variables.find((variable) => variable.name === 'outputs')?.value ?? '(no outputs)';
  await js.customRequest('continue', { threadId: stop.item.threadId });
  await inspected;
  return { line: stop.frame.line, outputs };
}

suite('Durable Replay debugger', () => {
  let api: DurableStudioApi;
  let url: string;
  const run = Date.now().toString(36);

  suiteSetup(async () => {
    api = await activateExtension();
    ({ url } = await startEmulator(api));
  });

  test('replays an emulator instance: entry at the source line, steps both ways, inline results, the history mark, Inspect Local Variables, restart', async function () {
    this.timeout(120_000);
    const id = `debug-${run}`;
    await vscode.commands.executeCommand('durableStudio.instance.start', { name: 'helloSequence', instanceId: id });
    const client = api.ctx.connections.require().client;
    await waitFor(`${id} to complete`, async () => (await client.getStatus(id))?.runtimeStatus === 'Completed');

    const stops: string[] = [];
    const output: string[] = [];
    /** What the JavaScript debugger's stops say, as VS Code receives them (after the extension's own tracker). */
    const jsStops: string[] = [];
    let pathFormat: string | undefined;
    const jsTracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (s) =>
        s.type === 'durable-replay'
          ? undefined
          : {
              onDidSendMessage: (message: { type?: string; event?: string; body?: { description?: string } }) => {
                if (message.type === 'event' && message.event === 'stopped')
                  jsStops.push(message.body?.description ?? '?');
              },
            },
    });
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('durable-replay', {
      createDebugAdapterTracker: () => ({
        onWillReceiveMessage: (message: { command?: string; arguments?: { pathFormat?: string } }) => {
          if (message.command === 'initialize') pathFormat = message.arguments?.pathFormat;
        },
        onDidSendMessage: (message: { type?: string; event?: string; body?: { reason?: string; output?: string } }) => {
          if (message.type === 'event' && message.event === 'stopped') stops.push(message.body?.reason ?? '?');
          if (message.type === 'event' && message.event === 'output') output.push(message.body?.output ?? '');
        },
      }),
    });
    try {
      // As from the Instances view's context menu: "Debug Replay" on the instance (the app is the emulator's).
      const started = await vscode.commands.executeCommand<boolean>('durableStudio.replay.debugInstance', id);
      assert.ok(started, 'the debug session starts');
      assert.equal(vscode.debug.activeDebugSession?.configuration['emulatorUrl'], url);
      assert.equal(vscode.debug.activeDebugSession?.configuration['app'], appFolder().fsPath);
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'durable-replay');
      await waitFor('the stop on entry', () => stops.length >= 1, { timeoutMs: 60_000 });
      assert.equal(stops[0], 'entry');
      const top = async (): Promise<StackFrame> =>
        ((await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: StackFrame[] }).stackFrames[0]!;
      assert.equal(pathFormat, 'path', 'the inline session gets file paths');
      const entry = await top();
      // Paths come back through the workbench, which may hand them on as (remote) URIs.
      const framePath = entry.source?.path ?? '';
      const file = framePath.includes('://') ? vscode.Uri.parse(framePath).fsPath : framePath;
      assert.equal(path.basename(file), 'helloSequence.ts');
      const text = fs.readFileSync(file, 'utf8').split('\n')[entry.line - 1] ?? '';
      assert.match(text, /callActivity/, `line ${entry.line}: ${text}`);

      await session.customRequest('next', { threadId: 1 });
      await waitFor('the step', () => stops.length >= 2);
      assert.equal(stops[1], 'step');
      const next = await top();
      assert.notEqual(next.line, entry.line);

      // Inline: the first yield line has its result, the one now awaited is pending.
      await waitFor('the inline results of position 1', () => api.replay.current?.position === 1);
      const inline = api.replay.shownInlineResults.map((r) => `${path.basename(r.file)}:${r.line} ${r.text}`);
      assert.deepEqual(inline, [
        `helloSequence.ts:${entry.line} = "Hello Tokyo!"`,
        `helloSequence.ts:${next.line} … pending`,
      ]);
      // The history view, opened beside the source, marks the first TaskCompleted row.
      const panel = api.history.panelFor(id);
      assert.ok(panel, 'Debug Replay opens the history view');
      await panel.whenRendered((report) => report.version > 0);
      const events = panel.currentStatus?.historyEvents ?? [];
      const firstCompleted = events.findIndex((event) => event['EventType'] === 'TaskCompleted');
      await waitFor(
        'the replay row in the history view',
        async () => (await panel.describe()).replayRow === firstCompleted,
      );

      // Inspect Local Variables: VS Code's JavaScript debugger stops in the orchestrator, at the line of the task it
      // waits for at this position, with the orchestrator's own variables.
      const first = await inspectOutputs(api, session);
      assert.equal(first.line, next.line, 'stopped on the line of the awaited call');
      assert.match(first.outputs, /Hello Tokyo!/, `outputs at position 1: ${first.outputs}`);
      // The Call Stack names the replay position, not a "debugger statement" the user never wrote.
      assert.deepEqual(jsStops, ['Paused at replay event #2']);
      const js = api.replayLocals.attachedTo(session);
      assert.ok(js, 'the JavaScript session stays attached for the next inspection');
      // The replay ran while the JavaScript debugger had it, and pauses again at the same position.
      await waitFor('the replay to pause again', () => stops.length >= 3);
      assert.equal(stops[2], 'pause');
      assert.equal((await top()).line, next.line);

      // The worker's inspector notices stay out of the Debug Console; the replay says what the stop is instead.
      assert.deepEqual(
        output.filter((line) => /Debugger listening|For help, see|Debugger attached/.test(line)),
        [],
      );
      assert.ok(
        output.some((line) => /^Inspect Local Variables at event #2: .*not a breakpoint of yours/.test(line)),
        output.join(''),
      );

      await session.customRequest('stepBack', { threadId: 1 });
      await waitFor('the step back', () => stops.length >= 4);
      assert.equal((await top()).line, entry.line);

      // Restart replays with a new worker: the next inspection attaches to it, at the first position.
      await session.customRequest('restart');
      await waitFor('the restart', () => stops.length >= 5);
      const again = await inspectOutputs(api, session);
      assert.equal(again.line, entry.line);
      assert.match(again.outputs, /^(\(0\) )?\[\]$/, `outputs at position 0: ${again.outputs}`);
      assert.notEqual(api.replayLocals.attachedTo(session), js, 'a new JavaScript session for the new worker');

      const ended = waitForEvent('the session to end', vscode.debug.onDidTerminateDebugSession, (s) => s === session);
      await vscode.debug.stopDebugging(session);
      await ended;
      assert.deepEqual(api.replay.shownInlineResults, [], 'the inline results go with the session');
      await waitFor('the replay row to be cleared', async () => (await panel.describe()).replayRow === -1);
    } finally {
      tracker.dispose();
      jsTracker.dispose();
    }
  });

  test('shows the paused source in front beside an open history, and the Run and Debug view on every replay', async function () {
    this.timeout(180_000);
    const id = `visible-${run}`;
    await vscode.commands.executeCommand('durableStudio.instance.start', { name: 'helloSequence', instanceId: id });
    const client = api.ctx.connections.require().client;
    await waitFor(`${id} to complete`, async () => (await client.getStatus(id))?.runtimeStatus === 'Completed');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The user has the instance's history open (the active editor) and the Durable Studio explorer in the side bar.
    await vscode.commands.executeCommand('durableStudio.instance.openHistory', id);
    const panel = api.history.panelFor(id);
    assert.ok(panel);
    await panel.whenRendered((report) => report.version > 0);

    for (const round of ['first', 'second']) {
      await vscode.commands.executeCommand('durableStudio.instances.focus');
      await waitFor('the Instances view to show', () => api.explorer.instancesTree.view.visible);
      const started = await vscode.commands.executeCommand<boolean>('durableStudio.replay.debugInstance', id);
      assert.ok(started, `${round} session starts`);
      const session = vscode.debug.activeDebugSession;
      assert.ok(session && session.type === 'durable-replay');
      // The source: the active editor, a pinned tab in front of its group, not a preview behind the history.
      await waitFor(
        `${round} session: helloSequence.ts in front, pinned and focused`,
        () => {
          const editor = vscode.window.activeTextEditor;
          if (!editor || path.basename(editor.document.uri.fsPath) !== 'helloSequence.ts') return false;
          const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
          return (
            tab?.input instanceof vscode.TabInputText &&
            tab.input.uri.fsPath === editor.document.uri.fsPath &&
            !tab.isPreview
          );
        },
        { timeoutMs: 60_000 },
      );
      // The history stays visible, in front of another group.
      await waitFor(`${round} session: the history in front beside it`, () =>
        vscode.window.tabGroups.all.some(
          (group) =>
            group !== vscode.window.tabGroups.activeTabGroup &&
            group.activeTab?.input instanceof vscode.TabInputWebview &&
            group.activeTab.input.viewType.endsWith('durableStudio.history'),
        ),
      );
      // The Run and Debug view replaced the explorer (debug.openDebug is left at its default).
      await waitFor(`${round} session: the Run and Debug view`, () => !api.explorer.instancesTree.view.visible);
      const ended = waitForEvent('the session to end', vscode.debug.onDidTerminateDebugSession, (s) => s === session);
      await vscode.debug.stopDebugging(session);
      await ended;
    }
  });
});
