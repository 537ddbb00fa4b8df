/**
 * The emulator commands in the real extension host, on a temporary copy of examples/app: start, status bar and
 * explorer connection, stop, a start that fails (its port taken) and the restart after it, start with the
 * JavaScript debugger attached to the app worker, a start refused for a damaged store and its repair. Also: every
 * command package.json contributes is registered.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StoreRepairOutcome } from '../../../src/extension/local/emulatorController.js';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import { activateExtension, appFolder, packageJson, startEmulator, waitFor, waitForEvent } from './helpers.js';

suite('Emulator commands', () => {
  let api: DurableStudioApi;
  /** Read through a function: an assertion on the property would narrow it for the rest of the test. */
  const connectionKind = () => api.ctx.connections.current?.kind;

  suiteSetup(async () => {
    api = await activateExtension();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
  });

  test('the harness user settings are in effect (any free port, no watch)', () => {
    const settings = vscode.workspace.getConfiguration('durableStudio.emulator');
    assert.equal(settings.get('port'), 0);
    assert.equal(settings.get('watch'), false);
  });

  test('every command in package.json is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = packageJson()
      .contributes.commands.map((c) => c.command)
      .filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('Start Emulator runs the app, shows its port in the status bar and connects the explorer', async () => {
    const { port, url } = await startEmulator(api);
    assert.ok(port > 0, `port ${port}`);
    assert.equal(url, `http://127.0.0.1:${port}`);
    await waitFor(`the status bar to show :${port}`, () => api.statusBar.text.includes(`Durable: :${port}`));
    const connection = api.ctx.connections.current;
    assert.ok(connection, 'the explorer is connected');
    assert.equal(connection.kind, 'emulator');
    assert.equal(connection.baseUrl, url);
    // The explorer's client reaches it (the summary is emulator-only: this is our emulator).
    const summary = await connection.client.getSummary();
    assert.equal(typeof summary.instances, 'object');
  });

  test('Stop Emulator stops the process and disconnects the explorer', async () => {
    await startEmulator(api);
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
    assert.equal(api.ctx.emulator.state.kind, 'stopped');
    assert.equal(connectionKind(), undefined);
    await waitFor('the status bar to say stopped', () => api.statusBar.text.includes('Durable: stopped'));
  });

  test('a taken port fails with a plain reason naming it, and Restart works once it is free', async () => {
    const config = vscode.workspace.getConfiguration('durableStudio.emulator');
    const original = config.inspect<number>('port')?.globalValue;
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await config.update('port', port, vscode.ConfigurationTarget.Global);
      const result = await vscode.commands.executeCommand('durableStudio.emulator.start');
      assert.equal(result, undefined);
      const state = api.ctx.emulator.state;
      assert.equal(state.kind, 'failed');
      assert.match(state.reason, new RegExp(`\\b${port}\\b`));
      assert.match(state.reason, /in use/);
      await waitFor('the status bar to say failed', () => api.statusBar.text.includes('Durable: failed'));
      assert.equal(connectionKind(), undefined);

      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      await vscode.commands.executeCommand('durableStudio.emulator.restart');
      const after = api.ctx.emulator.state;
      assert.equal(after.kind, 'running', after.kind === 'failed' ? after.reason : after.kind);
      assert.equal(after.port, port);
      assert.equal(connectionKind(), 'emulator');
    } finally {
      blocker.close();
      // Stopped first, so that changing the port does not offer a restart.
      await vscode.commands.executeCommand('durableStudio.emulator.stop');
      await config.update('port', original, vscode.ConfigurationTarget.Global);
    }
  });

  test('Start Emulator with Debugger attaches the JavaScript debugger to the app worker', async () => {
    const sessionStarted = waitForEvent('a debug session to start', vscode.debug.onDidStartDebugSession);
    sessionStarted.catch(() => undefined); // Awaited below; this only keeps an early failure from going unhandled.
    await vscode.commands.executeCommand('durableStudio.emulator.startWithDebugger');
    const state = api.ctx.emulator.state;
    assert.equal(state.kind, 'running', state.kind === 'failed' ? state.reason : state.kind);
    assert.ok(state.inspectPort, 'the app worker runs with --inspect');
    const session = await sessionStarted;
    assert.match(session.type, /^(pwa-)?node$/);
    const active = await waitFor('an active debug session', () => vscode.debug.activeDebugSession);
    assert.match(active.type, /^(pwa-)?node$/);
    await waitFor(`the status bar to show the debugger`, () => api.statusBar.text.includes('$(debug-alt)'));

    const sessionEnded = waitForEvent('the debug session to end', vscode.debug.onDidTerminateDebugSession);
    await vscode.commands.executeCommand('durableStudio.emulator.stop');
    await sessionEnded;
    assert.equal(api.ctx.emulator.state.kind, 'stopped');
  });
  test('a damaged store: the start is refused, Repair Store… previews what it drops, then repairs and runs', async () => {
    const { url } = await startEmulator(api);
    const client = api.ctx.connections.current!.client;
    const run = `repair-${Date.now()}`;
    const [kept, damaged] = [`${run}-kept`, `${run}-damaged`];
    for (const id of [kept, damaged]) await client.startOrchestration('helloSequence', { instanceId: id });
    await waitFor('both instances to complete', async () => {
      const statuses = await Promise.all([kept, damaged].map((id) => client.getStatus(id)));
      return statuses.every((s) => s?.runtimeStatus === 'Completed');
    });
    assert.ok(url);
    await vscode.commands.executeCommand('durableStudio.emulator.stop'); // a clean stop: one document each
    const instances = path.join(appFolder().fsPath, '.durable-studio', 'instances');
    const [doc] = fs.readdirSync(instances).filter((name) => name.startsWith(`${damaged}.`));
    assert.ok(doc, `the document of ${damaged} in ${instances}`);
    fs.writeFileSync(path.join(instances, doc), 'null');

    assert.equal(await vscode.commands.executeCommand('durableStudio.emulator.start'), undefined);
    const failed = api.ctx.emulator.state;
    assert.equal(failed.kind, 'failed');
    assert.equal(failed.kind === 'failed' && failed.storeDamaged, true);
    assert.match(failed.kind === 'failed' ? failed.reason : '', /^store damaged: .*holds JSON null/);
    await waitFor('the status bar to say failed', () => api.statusBar.text.includes('Durable: failed'));

    const outcome = await vscode.commands.executeCommand<StoreRepairOutcome>('durableStudio.emulator.repairStore', {
      confirmed: true,
    });
    assert.equal(outcome.preview?.damaged, true);
    assert.ok(outcome.preview.report.includes(doc), outcome.preview.report);
    assert.match(outcome.preview.report, /drop 0 lines and 1 document/);
    const state = api.ctx.emulator.state;
    assert.equal(state.kind, 'running', state.kind === 'failed' ? state.reason : state.kind);
    assert.equal(outcome.running?.url, state.kind === 'running' ? state.url : '');
    const after = api.ctx.connections.current!.client;
    assert.equal((await after.getStatus(kept))?.runtimeStatus, 'Completed', 'the valid instance is kept');
    assert.equal(await after.getStatus(damaged), undefined, 'the damaged document is dropped');
    assert.equal(fs.readdirSync(instances).filter((name) => name.startsWith(`${doc}.corrupt-`)).length, 1);
  });
});
