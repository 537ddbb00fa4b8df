/**
 * "Create Test for Orchestration" in the real extension host, on a temporary copy of examples/app: with arguments it
 * asks nothing and writes a node:test test (the example's package.json has neither Vitest nor Jest) of
 * `helloSequence` next to its source, with a mock of `sayHello` (a constant name in the source), and opens it; run
 * from the command palette, the quick pick offers the active file's orchestration first, and an existing test is
 * kept (the new one gets the next free name). Nothing sleeps: waits poll with a deadline.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateTestResult } from '../../../src/extension/createTest/createTestCommand.js';
import { activateExtension, appFolder, waitFor } from './helpers.js';

const COMMAND = 'durableStudio.createOrchestrationTest';

async function readText(file: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
}

suite('Create Test for Orchestration', () => {
  const written: string[] = [];
  let source: vscode.Uri;

  suiteSetup(async () => {
    const api = await activateExtension();
    assert.ok((await api.lint.whenReady())?.isRunning(), 'the lint server runs (it finds the orchestrations)');
    source = vscode.Uri.joinPath(appFolder(), 'src', 'functions', 'helloSequence.ts');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    // Other suites lint and run this workspace: leave it as it was.
    for (const file of written) await vscode.workspace.fs.delete(vscode.Uri.file(file)).then(undefined, () => {});
  });

  test("with arguments: a node:test test of helloSequence mocking sayHello, in the app's test folder, opened", async () => {
    const result = await vscode.commands.executeCommand<CreateTestResult | undefined>(COMMAND, {
      orchestration: 'helloSequence',
      file: source.fsPath,
      ifExists: 'overwrite',
    });
    assert.ok(result, 'the command returns what it wrote');
    written.push(result.file);
    const tests = path.join(appFolder().fsPath, 'test');
    assert.equal(result.file, path.join(tests, 'helloSequence.test.ts'));
    assert.equal(result.runner, 'node', 'examples/app/package.json lists neither vitest nor jest');
    assert.equal(result.esm, false, 'examples/app/package.json has no "type": "module"');
    assert.deepEqual(result.activities, ['sayHello']);
    // examples/app lists durable-studio, and its main glob (dist/src/functions/*.js) leaves test/ alone.
    assert.deepEqual(result.warnings, []);

    const text = await readText(result.file);
    assert.match(text, /^import \{ after, afterEach, before, describe, it \} from 'node:test';$/m);
    assert.match(text, /^import \* as assert from 'node:assert\/strict';$/m);
    assert.match(text, /^import \{ TestHost } from 'durable-studio\/testing';$/m);
    assert.match(text, /^ {2}let host: TestHost;$/m);
    assert.ok(text.includes('host = await TestHost.start({ app: __dirname });'), text);
    assert.ok(text.includes('await host?.reset();') && text.includes('await host?.stop();'), text);
    assert.match(
      text,
      /\/\/ TODO: replace the placeholder with what sayHello returns[^\n]*\n\s*host\.mockActivity\('sayHello', /,
    );
    assert.ok(text.includes("const result = await host.run('helloSequence', { input });"), text);
    assert.ok(text.includes("assert.equal(result.runtimeStatus, 'Completed', result.summary);"), text);
    assert.ok(text.includes("assert.ok(host.calls('sayHello').length > 0"), text);
    assert.equal(text.match(/host\.mockActivity\(/g)?.length, 1, 'one mock: helloSequence calls only sayHello');

    await waitFor('the test to open', () => vscode.window.activeTextEditor?.document.uri.fsPath === result.file);
  });

  test('from the quick pick: the active file’s orchestration comes first; an existing test is kept', async () => {
    await vscode.window.showTextDocument(source);
    const existing = path.join(appFolder().fsPath, 'test', 'helloSequence.test.ts');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(existing), new TextEncoder().encode('// mine\n'));
    if (!written.includes(existing)) written.push(existing);

    let settled = false;
    const running = Promise.resolve(
      vscode.commands.executeCommand<CreateTestResult | undefined>(COMMAND, { ifExists: 'rename' }),
    ).finally(() => (settled = true));
    // Accept the selected (first) item as soon as the quick pick shows; before that, accepting does nothing.
    await waitFor(
      'the quick pick to be answered',
      async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      },
      { intervalMs: 200 },
    );
    const result = await running;
    assert.ok(result, 'an orchestration was picked');
    written.push(result.file);
    assert.equal(result.orchestration, 'helloSequence');
    assert.equal(result.file, path.join(appFolder().fsPath, 'test', 'helloSequence.2.test.ts'));
    assert.equal(await readText(existing), '// mine\n', 'the existing test is untouched');
    assert.match(await readText(result.file), /host\.mockActivity\('sayHello', /);
  });
});
