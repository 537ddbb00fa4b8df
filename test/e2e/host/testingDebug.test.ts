/**
 * `durable-studio/testing` under VS Code's JavaScript debugger: a script that runs an orchestration with TestHost is
 * debugged like any test, and a breakpoint in an activity's TypeScript source hits in the app worker (a child
 * process the debugger attaches to), at the line it was set on.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appFolder, waitFor, waitForEvent } from './helpers.js';

/** What a user's test does, as a plain script (the runner does not matter to the debugger). */
const SCRIPT = `const { TestHost } = require('durable-studio/testing');
(async () => {
  const host = await TestHost.start({ app: __dirname, log: () => {} });
  try {
    const result = await host.run('helloSequence', { timeoutMs: 120000 });
    console.log('helloSequence:', result.runtimeStatus);
  } finally {
    await host.stop();
  }
})();
`;

suite('durable-studio/testing under the debugger', () => {
  test('a breakpoint in an activity hits in the app worker while a test runs', async function () {
    this.timeout(180_000);
    const app = appFolder().fsPath;
    const script = path.join(app, 'debug-testhost.cjs');
    fs.writeFileSync(script, SCRIPT);
    const source = path.join(app, 'src', 'functions', 'helloSequence.ts');
    const line = fs
      .readFileSync(source, 'utf8')
      .split('\n')
      .findIndex((text) => text.includes('Saying "'));
    assert.ok(line >= 0, 'the activity line of helloSequence.ts');
    const breakpoint = new vscode.SourceBreakpoint(
      new vscode.Location(vscode.Uri.file(source), new vscode.Position(line, 0)),
    );
    vscode.debug.addBreakpoints([breakpoint]);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const ended = waitForEvent(
      'the script to end',
      vscode.debug.onDidTerminateDebugSession,
      (session) => session.name === 'TestHost script',
      150_000,
    );
    ended.catch(() => undefined); // Observed below; a failure before that must not be unhandled.
    try {
      const started = await vscode.debug.startDebugging(folder, {
        type: 'node',
        request: 'launch',
        name: 'TestHost script',
        program: script,
        cwd: app,
        console: 'internalConsole',
        skipFiles: ['<node_internals>/**'],
      });
      assert.ok(started, 'the JavaScript debugger launched the script');
      const stop = await waitFor(
        'the debugger to stop at the breakpoint in the sayHello activity',
        async () => {
          const item = vscode.debug.activeStackItem;
          if (!(item instanceof vscode.DebugStackFrame)) return undefined;
          const trace = (await item.session.customRequest('stackTrace', { threadId: item.threadId, levels: 1 })) as {
            stackFrames: { line: number; source?: { path?: string } }[];
          };
          const top = trace.stackFrames[0];
          return top?.source?.path?.endsWith('helloSequence.ts') ? { item, top } : undefined;
        },
        { timeoutMs: 90_000 },
      );
      // DAP lines are 1-based; the breakpoint was set on the 0-based `line`.
      assert.equal(stop.top.line, line + 1);
      // The stop is in the worker, not in the test's process: a child session of the launched one.
      assert.ok(stop.item.session.parentSession, 'the stop is in a child process session');
      vscode.debug.removeBreakpoints([breakpoint]);
      await stop.item.session.customRequest('continue', { threadId: stop.item.threadId });
      await ended;
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      await vscode.debug.stopDebugging();
      fs.rmSync(script, { force: true });
    }
  });
});
