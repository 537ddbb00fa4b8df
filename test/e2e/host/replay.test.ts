/**
 * "Check Replay Compatibility" in the real extension host, on the emulator's store of a temporary copy of
 * examples/app: a completed instance replays cleanly against unchanged code; after the compiled orchestrator
 * changes one activity input, the same instance is reported with the recorded and the new call, at the TypeScript
 * source line (source maps), and the Problems view carries the warning there.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import type { ReplayCheckResult } from '../../../src/extension/replay/replayCheck.js';
import { activateExtension, appFolder, startEmulator, waitFor } from './helpers.js';

suite('Replay compatibility', () => {
  let api: DurableStudioApi;
  const run = Date.now().toString(36);

  suiteSetup(async () => {
    api = await activateExtension();
    await startEmulator(api);
  });

  test('a changed activity input is reported at the orchestrator’s source line', async function () {
    this.timeout(120_000);
    const id = `replay-${run}`;
    await vscode.commands.executeCommand('durableStudio.instance.start', { name: 'helloSequence', instanceId: id });
    const client = api.ctx.connections.require().client;
    await waitFor(`${id} to complete`, async () => (await client.getStatus(id))?.runtimeStatus === 'Completed');

    const check = () =>
      vscode.commands.executeCommand<ReplayCheckResult>('durableStudio.replay.check', { showList: false });
    const clean = await check();
    const before = clean.instances.find((report) => report.instanceId === id);
    assert.ok(before, `${id} was replayed`);
    assert.equal(before.divergence, undefined, JSON.stringify(before.divergence));
    assert.ok(before.positions >= 4, `${before.positions} positions`);

    const compiled = path.join(appFolder().fsPath, 'dist', 'src', 'functions', 'helloSequence.js');
    const original = fs.readFileSync(compiled, 'utf8');
    assert.ok(original.includes("'Seattle'"));
    fs.writeFileSync(compiled, original.replace("'Seattle'", "'Paris'"));
    try {
      const changed = await check();
      const divergence = changed.instances.find((report) => report.instanceId === id)?.divergence;
      assert.ok(divergence, `${id} diverges`);
      assert.match(divergence.recorded, /Seattle/);
      assert.match(divergence.now, /Paris/);
      assert.ok(divergence.site, 'a source line');
      assert.equal(path.basename(divergence.site.file), 'helloSequence.ts');
      const source = fs.readFileSync(divergence.site.file, 'utf8').split('\n')[divergence.site.line - 1] ?? '';
      assert.match(source, /'Seattle'/, `line ${divergence.site.line}: ${source}`);
      const problems = vscode.languages.getDiagnostics(vscode.Uri.file(divergence.site.file));
      const warning = problems.find((d) => d.source === 'durable-replay' && d.message.includes(id));
      assert.ok(warning, JSON.stringify(problems.map((d) => d.message)));
      assert.equal(warning.range.start.line, divergence.site.line - 1);
    } finally {
      fs.writeFileSync(compiled, original);
    }
  });
});
