/**
 * The determinism linter in the real extension host, on a temporary copy of examples/app: its language server runs
 * (in its own process), a `Date.now()` typed into an orchestrator is flagged at the right range, the quick fix from
 * the code action provider replaces it and the diagnostic goes (also when asked at once after typing, before the
 * diagnostics of the new text are in); "Lint Workspace" finds nothing in the example app (zero false positives),
 * reports a problem in a file that is not open, and follows the rule settings; turning the linter off stops the
 * server and clears its diagnostics. Nothing sleeps: waits poll with a deadline.
 */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LintWorkspaceResult } from '../../../src/lint/server/protocol.js';
import type { DurableStudioApi } from '../../../src/extension/main.js';
import { activateExtension, appFolder, waitFor } from './helpers.js';

const SOURCE = 'durable-lint';

function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}

function lintDiagnostics(uri: vscode.Uri, rule?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === SOURCE && (rule === undefined || ruleOf(d) === rule));
}

/** Every diagnostic of ours, by file (for failure messages). */
function allLintDiagnostics(): [string, string[]][] {
  return vscode.languages
    .getDiagnostics()
    .map(([uri, list]): [string, string[]] => [
      uri.fsPath,
      list.filter((d) => d.source === SOURCE).map((d) => `${d.range.start.line + 1}: ${d.message}`),
    ])
    .filter(([, list]) => list.length > 0);
}

/**
 * Applies an edit to a file's document as a workspace edit: unlike `TextEditor.edit`, it does not depend on the
 * editor still being the visible one (VS Code refuses an edit to a hidden editor with a bare `false`).
 */
async function editFile(uri: vscode.Uri, what: string, change: (edit: vscode.WorkspaceEdit) => void): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  change(edit);
  if (await vscode.workspace.applyEdit(edit)) return;
  const visible = vscode.window.visibleTextEditors.map((editor) => editor.document.uri.path);
  throw new Error(`VS Code did not ${what} in ${uri.path} (visible editors: ${JSON.stringify(visible)})`);
}

/** Puts a file back as it was, on disk too (the workbench may have auto-saved the edits). */
async function restoreFile(uri: vscode.Uri, text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  await editFile(uri, 'restore the text', (edit) => edit.replace(uri, whole, text));
  assert.ok(await document.save(), `${uri.path} is saved`);
}

/**
 * Runs `body` on a file's document, shown in an editor, then restores the file. A failure of `body` is the one
 * reported, not one of putting the file back after it.
 */
async function withFileRestored(
  uri: vscode.Uri,
  body: (document: vscode.TextDocument) => Promise<void>,
): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const original = document.getText();
  let passed = false;
  try {
    await body(document);
    passed = true;
  } finally {
    await restoreFile(uri, original).catch((error: unknown) => {
      if (passed) throw error;
    });
  }
}

async function lintSettings(): Promise<vscode.WorkspaceConfiguration> {
  return vscode.workspace.getConfiguration('durableStudio.lint');
}

suite('Determinism linter', () => {
  let api: DurableStudioApi;

  suiteSetup(async () => {
    api = await activateExtension();
    const client = await api.lint.whenReady();
    assert.ok(client?.isRunning(), 'the language client is running');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    const settings = await lintSettings();
    await settings.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await settings.update('enable', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('Date.now() typed into an orchestrator is flagged; its quick fix replaces it and the diagnostic goes', async () => {
    const uri = vscode.Uri.joinPath(appFolder(), 'src', 'functions', 'helloSequence.ts');
    await withFileRestored(uri, async (document) => {
      const anchor = document
        .getText()
        .split('\n')
        .findIndex((line) => line.includes('const outputs: string[] = [];'));
      assert.ok(anchor >= 0, 'helloSequence.ts has its outputs line');
      const line = anchor + 1;
      const typed = '    const startedAt = Date.now();\n';
      await editFile(uri, 'type Date.now()', (edit) => edit.insert(uri, new vscode.Position(line, 0), typed));

      const diagnostic = await waitFor(
        'the no-current-time diagnostic',
        () => lintDiagnostics(uri, 'no-current-time')[0],
      );
      const column = typed.indexOf('Date.now()');
      assert.ok(
        diagnostic.range.isEqual(new vscode.Range(line, column, line, column + 'Date.now()'.length)),
        `the diagnostic covers Date.now(): ${JSON.stringify(diagnostic.range)}`,
      );
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.match(diagnostic.message, /\S/);
      assert.equal(lintDiagnostics(uri).length, 1, 'nothing else in helloSequence.ts is flagged');
      const code = diagnostic.code;
      if (typeof code === 'object' && code !== null) {
        assert.equal(code.target.scheme, 'file');
        assert.match(code.target.path, /\/docs\/lint-rules\.md$/);
      }

      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
      );
      // The command's results carry title, kind, edit and isPreferred (not the diagnostics).
      const fixes = actions.filter((a): a is vscode.CodeAction => 'kind' in a && a.kind?.value === 'quickfix');
      const preferred = fixes.find((a) => a.isPreferred && /currentUtcDateTime/.test(a.title));
      assert.ok(
        preferred?.edit,
        `a preferred quick fix with an edit among ${JSON.stringify(fixes.map((a) => a.title))}`,
      );
      assert.ok(await vscode.workspace.applyEdit(preferred.edit));
      assert.equal(document.lineAt(line).text, '    const startedAt = context.df.currentUtcDateTime.getTime();');
      await waitFor('the diagnostic to go', () => lintDiagnostics(uri).length === 0);
    });
    await waitFor('no diagnostics in the restored file', () => lintDiagnostics(uri).length === 0);
  });

  test('asked at once after typing, the quick fix is offered for the text as typed (10 tries)', async () => {
    const uri = vscode.Uri.joinPath(appFolder(), 'src', 'functions', 'helloSequence.ts');
    await withFileRestored(uri, async (document) => {
      const line =
        document
          .getText()
          .split('\n')
          .findIndex((text) => text.includes('const outputs: string[] = [];')) + 1;
      assert.ok(line > 0, 'helloSequence.ts has its outputs line');
      let beforeDiagnostics = 0;
      for (let i = 0; i < 10; i++) {
        // Each try types the hazard one column further right, so no diagnostic the editor has fits it.
        const typed = `    ${' '.repeat(i)}const tick = Date.now();\n`;
        await editFile(uri, `type try ${i}`, (edit) => edit.insert(uri, new vscode.Position(line, 0), typed));
        const end = typed.indexOf('Date.now()') + 'Date.now()'.length;
        const cursor = new vscode.Range(line, end, line, end);
        const shown = lintDiagnostics(uri).some((d) => d.range.end.isEqual(cursor.end));
        if (!shown) beforeDiagnostics++;
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider',
          uri,
          cursor,
          vscode.CodeActionKind.QuickFix.value,
        );
        const preferred = actions.find(
          (a): a is vscode.CodeAction => 'kind' in a && a.isPreferred === true && /currentUtcDateTime/.test(a.title),
        );
        assert.ok(preferred?.edit, `try ${i}: a preferred fix among ${JSON.stringify(actions.map((a) => a.title))}`);
        assert.ok(await vscode.workspace.applyEdit(preferred.edit));
        assert.equal(
          document.lineAt(line).text,
          `    ${' '.repeat(i)}const tick = context.df.currentUtcDateTime.getTime();`,
          `try ${i}: the fix edits the text as typed`,
        );
        await editFile(uri, `delete try ${i}`, (edit) => edit.delete(uri, new vscode.Range(line, 0, line + 1, 0)));
      }
      // Not asserted (it depends on timing), but the point of the test: most tries ask before the pull is back.
      console.log(`    ${beforeDiagnostics} of 10 tries asked before the editor had the new diagnostics`);
    });
  });

  test('Lint Workspace: the example app is clean; a closed file with a problem is reported and follows the settings', async () => {
    const clean = await vscode.commands.executeCommand<LintWorkspaceResult>('durableStudio.lint.workspace');
    assert.ok(clean, 'the command returns the counts');
    assert.ok(clean.files >= 11, `it linted the example's sources (${clean.files})`);
    assert.equal(clean.cancelled, false);
    assert.deepEqual(
      { errors: clean.errors, warnings: clean.warnings, filesWithFindings: clean.filesWithFindings },
      { errors: 0, warnings: 0, filesWithFindings: 0 },
      `no findings in examples/app; found: ${JSON.stringify(allLintDiagnostics())}`,
    );

    // A file nobody opens, with a random value in its orchestrator.
    const probe = vscode.Uri.joinPath(appFolder(), 'src', 'functions', 'lintProbe.ts');
    const text = [
      "import * as df from 'durable-functions';",
      '',
      "df.app.orchestration('lintProbe', function* (context) {",
      '  const pick = Math.random();',
      "  yield context.df.callActivity('sayHello', String(pick));",
      '});',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(probe, Buffer.from(text));
    try {
      const found = await vscode.commands.executeCommand<LintWorkspaceResult>('durableStudio.lint.workspace');
      assert.equal(found.files, clean.files + 1);
      assert.equal(found.errors, 1);
      const random = await waitFor('the pushed no-random diagnostic', () => lintDiagnostics(probe, 'no-random')[0]);
      assert.ok(random.range.isEqual(new vscode.Range(3, 15, 3, 28)), JSON.stringify(random.range));
      assert.equal(
        vscode.workspace.textDocuments.some((d) => d.uri.toString() === probe.toString()),
        false,
        'the file was never opened',
      );

      // The rule off: its diagnostics go without another Lint Workspace; back on: they return.
      const settings = await lintSettings();
      await settings.update('rules', { 'no-random': 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('no-random to be off', () => lintDiagnostics(probe).length === 0);
      await settings.update('rules', { 'no-random': 'warning' }, vscode.ConfigurationTarget.Workspace);
      const warning = await waitFor('no-random as a warning', () => lintDiagnostics(probe, 'no-random')[0]);
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);

      // The linter off: the server stops and its diagnostics go; on again: it runs.
      await settings.update('enable', false, vscode.ConfigurationTarget.Workspace);
      await waitFor('the client to stop', async () => (await api.lint.whenReady()) === undefined);
      await waitFor('the diagnostics to go with the server', () => lintDiagnostics(probe).length === 0);
      await settings.update('enable', undefined, vscode.ConfigurationTarget.Workspace);
      await waitFor('the client to run again', async () => (await api.lint.whenReady())?.isRunning());
    } finally {
      await vscode.workspace.fs.delete(probe);
    }
  });
});
