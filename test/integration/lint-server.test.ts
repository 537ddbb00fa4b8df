/**
 * The linter's language server (dist/lint-server.js) driven by a real LSP client over stdio, as an editor drives
 * it: pulled diagnostics for an orchestrator calling `Date.now()` (range, rule code, doc link, message), the quick
 * fix applied (also when asked right after a keystroke, before the client pulled the new text's diagnostics), rule
 * settings turning the rule off and changing its severity, unchanged reports, "Lint Workspace" with work-done
 * progress and pushed diagnostics for files that are not open, a helper's change re-linting the orchestrator that
 * calls it, the orchestrations and their activities ("Create Test for Orchestration"), push mode for clients that
 * cannot pull, and malformed input that the server survives.
 * Run `npm run build` first (npm run test:integration does).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  DocumentDiagnosticReportKind,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  LintWorkspaceRequest,
  OrchestrationsRequest,
  type LintWorkspaceResult,
  type OrchestrationsResult,
} from '../../src/lint/server/protocol.js';
import { LspClient, PULL_CAPABILITIES, PUSH_CAPABILITIES, SERVER } from './lint-server-lsp.js';

const ORCHESTRATOR = `import * as df from 'durable-functions';
import { OrchestrationContext } from 'durable-functions';

df.app.orchestration('timed', function* (context: OrchestrationContext) {
  const started = Date.now();
  yield context.df.callActivity('work', started);
  return started;
});
`;

const HELPER_CLEAN = `export function stamp(): number {
  return 1;
}
`;
const HELPER_HAZARD = `export function stamp(): number {
  return Date.now();
}
`;
const USES_HELPER = `import * as df from 'durable-functions';
import { stamp } from './helper';

df.app.orchestration('usesHelper', function* (context) {
  const when = stamp();
  yield context.df.callActivity('work', when);
});
`;
const OTHER = `const df = require('durable-functions');

df.app.orchestration('lucky', function* (context) {
  const pick = Math.random();
  yield context.df.callActivity('work', pick);
});
`;
const ACTIVITY = `import * as df from 'durable-functions';

df.app.activity('work', { handler: (input: number) => Date.now() + input });
`;

let root: string;
const file = (relative: string) => path.join(root, relative);

before(() => {
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build`);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-server-'));
  const files: Record<string, string> = {
    'src/timed.ts': ORCHESTRATOR,
    'src/helper.ts': HELPER_CLEAN,
    'src/usesHelper.ts': USES_HELPER,
    'src/other.js': OTHER,
    'src/activity.ts': ACTIVITY,
    'node_modules/dep/index.js': OTHER,
    'dist/timed.js': OTHER,
  };
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
    fs.writeFileSync(file(relative), text);
  }
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

/** The 0-based range of the first `needle` in `text`. */
function rangeOf(text: string, needle: string) {
  const doc = TextDocument.create('file:///x', 'typescript', 1, text);
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, needle);
  return { start: doc.positionAt(offset), end: doc.positionAt(offset + needle.length) };
}

function applyAction(text: string, uri: string, action: CodeAction): string {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits && edits.length > 0, `the action edits ${uri}: ${JSON.stringify(action.edit)}`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, text), edits);
}

test('pull: Date.now() in an orchestrator is reported, its quick fix applied, the diagnostic gone', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    await client.until('the file watcher registration', () =>
      client.registrations.includes('workspace/didChangeWatchedFiles'),
    );
    const uri = await client.open(file('src/timed.ts'), ORCHESTRATOR);
    const [diagnostic, ...rest] = await client.diagnostics(uri);
    assert.ok(diagnostic, 'one diagnostic');
    assert.deepEqual(rest, []);
    assert.deepEqual(diagnostic.range, rangeOf(ORCHESTRATOR, 'Date.now()'));
    assert.equal(diagnostic.code, 'no-current-time');
    assert.equal(diagnostic.source, 'durable-lint');
    assert.equal(diagnostic.severity, 1);
    assert.equal(typeof diagnostic.message, 'string');
    assert.match(diagnostic.message as string, /\S/);
    assert.match(diagnostic.codeDescription?.href ?? '', /^file:\/\/.*\/docs\/lint-rules\.md(#L\d+)?$/);
    assert.equal(typeof (diagnostic.data as { key?: unknown }).key, 'string');

    // The activity may read the clock: no diagnostics (zero false positives).
    const activity = await client.open(file('src/activity.ts'), ACTIVITY);
    assert.deepEqual(await client.diagnostics(activity), []);

    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(preferred.kind, 'quickfix');
    assert.deepEqual(preferred.diagnostics, [diagnostic]);
    // The other way out: a suppression comment above the line, which the linter honours.
    const suppress = actions.find((a) => a.title === 'Suppress no-current-time on this line');
    assert.ok(suppress && !suppress.isPreferred, 'a suppression quick fix, not preferred');
    const suppressed = applyAction(ORCHESTRATOR, uri, suppress);
    assert.match(
      suppressed,
      /\n {2}\/\/ durable-lint-disable-next-line no-current-time -- .+\n {2}const started = Date\.now\(\);/,
    );
    await client.change(uri, suppressed);
    assert.deepEqual(await client.diagnostics(uri), [], 'suppressed');
    await client.change(uri, ORCHESTRATOR);

    const fixed = applyAction(ORCHESTRATOR, uri, preferred);
    assert.match(fixed, /const started = context\.df\.currentUtcDateTime\.getTime\(\);/);

    // Other kinds asked for, or somebody else's diagnostic where the linter found nothing: nothing.
    const elsewhere = rangeOf(ORCHESTRATOR, 'callActivity');
    const none = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: elsewhere,
      context: { diagnostics: [{ ...diagnostic, range: elsewhere, source: 'eslint' }] },
    });
    assert.deepEqual(none, []);
    const refactors = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['refactor'] },
    });
    assert.deepEqual(refactors, []);

    await client.change(uri, fixed);
    assert.deepEqual(await client.diagnostics(uri), []);

    // An unchanged report when the client already has the result.
    const first = await client.pull(uri);
    assert.equal(first.kind, DocumentDiagnosticReportKind.Full);
    const second = await client.pull(uri, first.resultId);
    assert.deepEqual(second, { kind: DocumentDiagnosticReportKind.Unchanged, resultId: first.resultId });
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('a quick fix is offered for the text just typed, before the client pulled its diagnostics (50 tries)', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    const clean = ORCHESTRATOR.replace('Date.now()', '0');
    const uri = await client.open(file('src/timed.ts'), clean);
    let stale = await client.diagnostics(uri);
    assert.deepEqual(stale, []);
    for (let i = 0; i < 50; i++) {
      // Each try types the hazard somewhere else (indent, blank lines above), so the client's diagnostics, pulled
      // for the previous text, name a range that moved, or nothing at all.
      const typed = ORCHESTRATOR.replace(
        '  const started = Date.now();',
        `${'\n'.repeat(i % 3)}  ${' '.repeat(i % 7)}const started = Date.now();`,
      );
      const hazard = rangeOf(typed, 'Date.now()');
      await client.change(uri, typed);
      // Ctrl+. with the cursor right after what was typed; on every other try the client's pull races the request.
      const asked = client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: { start: hazard.end, end: hazard.end },
        context: { diagnostics: stale },
      }) as Promise<CodeAction[]>;
      const [actions] = await Promise.all([asked, i % 2 === 0 ? client.pull(uri) : undefined]);
      const preferred = actions.find((a) => a.isPreferred);
      assert.ok(preferred, `try ${i}: a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.deepEqual(preferred.diagnostics?.[0]?.range, hazard, `try ${i}: the fix names the hazard as typed`);
      assert.equal(
        applyAction(typed, uri, preferred),
        typed.replace('Date.now()', 'context.df.currentUtcDateTime.getTime()'),
        `try ${i}: the fix edits the text as typed`,
      );
      stale = await client.diagnostics(uri);
      assert.deepEqual(
        stale.map((d) => d.range),
        [hazard],
      );
    }
    // A stale diagnostic whose finding is gone (the hazard was deleted) gets no fix that would edit the new text.
    await client.change(uri, clean);
    const gone = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: stale[0]!.range,
      context: { diagnostics: stale },
    });
    assert.deepEqual(gone, []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('settings: a rule turned off disappears, a severity change shows; the server refreshes on its own', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES, { rules: { 'no-current-time': 'warning' } });
  try {
    const uri = await client.open(file('src/timed.ts'), ORCHESTRATOR);
    const [warning] = await client.diagnostics(uri);
    assert.equal(warning?.severity, 2, 'the setting read at start makes it a warning');

    client.settings = { rules: { 'no-current-time': 'off' } };
    const refreshes = client.refreshes;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.until('a diagnostic refresh', () => client.refreshes > refreshes);
    assert.deepEqual(await client.diagnostics(uri), []);

    client.settings = { rules: { 'no-current-time': 'info' }, enable: true };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.until('another refresh', () => client.refreshes > refreshes + 1);
    assert.equal((await client.diagnostics(uri))[0]?.severity, 3);

    client.settings = { enable: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.until('a third refresh', () => client.refreshes > refreshes + 2);
    assert.deepEqual(await client.diagnostics(uri), [], 'disabled: nothing reported');
  } finally {
    await client.stop();
  }
});

test('a helper changing re-lints the orchestrator that calls it (reported at the call site)', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    const orchestrator = await client.open(file('src/usesHelper.ts'), USES_HELPER);
    assert.deepEqual(await client.diagnostics(orchestrator), []);
    const helper = await client.open(file('src/helper.ts'), HELPER_CLEAN);
    assert.deepEqual(await client.diagnostics(helper), [], 'the helper itself is no orchestrator');

    const refreshes = client.refreshes;
    await client.change(helper, HELPER_HAZARD);
    await client.until('a diagnostic refresh after the helper changed', () => client.refreshes > refreshes);
    const [diagnostic] = await client.diagnostics(orchestrator);
    assert.ok(diagnostic, 'the orchestrator now has a diagnostic');
    assert.equal(diagnostic.code, 'no-current-time');
    assert.deepEqual(diagnostic.range.start.line, rangeOf(USES_HELPER, 'stamp()').start.line, 'at the call site');
    const related = diagnostic.relatedInformation ?? [];
    assert.ok(
      related.some((r) => r.location.uri === helper && r.location.range.start.line === 1),
      `related information points into the helper: ${JSON.stringify(related)}`,
    );

    // Undo the unsaved change: closing the buffer makes the disk's clean helper count again.
    await client.close(helper);
    await client.until('a refresh after closing the helper', () => client.refreshes > refreshes + 1);
    assert.deepEqual(await client.diagnostics(orchestrator), []);

    // A change on disk (a checkout, another editor) arrives as a watched-file event.
    fs.writeFileSync(file('src/helper.ts'), HELPER_HAZARD);
    try {
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: helper, type: 2 }],
      });
      await client.until('a refresh after the file changed on disk', () => client.refreshes > refreshes + 2);
      assert.equal((await client.diagnostics(orchestrator))[0]?.code, 'no-current-time');
    } finally {
      fs.writeFileSync(file('src/helper.ts'), HELPER_CLEAN);
    }
  } finally {
    await client.stop();
  }
});

test('Lint Workspace: progress through the client token, counts, pushed diagnostics for closed files only', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    const open = await client.open(file('src/timed.ts'), ORCHESTRATOR);
    const result = (await client.connection.sendRequest(LintWorkspaceRequest.method, {
      workDoneToken: 'lint-1',
    })) as LintWorkspaceResult;
    assert.deepEqual(result, {
      files: 5,
      filesWithFindings: 2,
      errors: 2,
      warnings: 0,
      infos: 0,
      cancelled: false,
    });
    const progress = client.progress.get('lint-1') ?? [];
    assert.equal(progress[0]?.kind, 'begin');
    assert.equal(progress.at(-1)?.kind, 'end');
    assert.ok(
      progress.some((p) => p.kind === 'report' && p.percentage === 100),
      JSON.stringify(progress),
    );

    const other = client.uri(file('src/other.js'));
    await client.until('diagnostics pushed for src/other.js', () => (client.pushed.get(other) ?? []).length > 0);
    const [random] = client.pushed.get(other)!;
    assert.equal(random?.code, 'no-random');
    assert.deepEqual(random?.range, rangeOf(OTHER, 'Math.random()'));
    assert.equal(client.pushed.has(open), false, 'the open file has its diagnostics pulled, not pushed');
    for (const uri of client.pushed.keys()) assert.doesNotMatch(uri, /node_modules|\/dist\//);

    // Opening a file with pushed diagnostics clears them (its pulled ones take over), closing pushes them again.
    const reopened = await client.open(file('src/other.js'), OTHER, 'javascript');
    await client.until('pushed diagnostics cleared on open', () => client.pushed.get(other)?.length === 0);
    assert.equal((await client.diagnostics(reopened))[0]?.code, 'no-random');
    await client.close(reopened);
    await client.until('pushed again on close', () => (client.pushed.get(other) ?? []).length === 1);
  } finally {
    await client.stop();
  }
});

test('orchestrations: every registration with its activities (unsaved buffers count), or those of given files', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    const edited = ORCHESTRATOR.replace(
      '  return started;',
      "  yield context.df.callActivity('audit', started);\n  return started;",
    );
    await client.open(file('src/timed.ts'), edited);
    const all = (await client.connection.sendRequest(OrchestrationsRequest.method, {})) as OrchestrationsResult;
    assert.deepEqual(
      all.orchestrations.map(({ name, file, activities }) => ({ name, file, activities })),
      [
        { name: 'lucky', file: file('src/other.js'), activities: ['work'] },
        { name: 'timed', file: file('src/timed.ts'), activities: ['work', 'audit'] },
        { name: 'usesHelper', file: file('src/usesHelper.ts'), activities: ['work'] },
      ],
      'node_modules and dist are not the workspace',
    );
    assert.equal(all.orchestrations[1]?.line, 4);
    const one = (await client.connection.sendRequest(OrchestrationsRequest.method, {
      files: [file('src/usesHelper.ts')],
    })) as OrchestrationsResult;
    assert.deepEqual(
      one.orchestrations.map((o) => o.name),
      ['usesHelper'],
    );
  } finally {
    await client.stop();
  }
});

test('push mode: a client that cannot pull gets diagnostics pushed as it types (debounced)', async () => {
  const client = await LspClient.start(root, PUSH_CAPABILITIES);
  try {
    const uri = await client.open(file('src/timed.ts'), ORCHESTRATOR);
    await client.until('pushed diagnostics', () => (client.pushed.get(uri) ?? []).length === 1);
    assert.equal(client.pushed.get(uri)![0]!.code, 'no-current-time');
    await client.change(uri, ORCHESTRATOR.replace('Date.now()', 'context.df.currentUtcDateTime.getTime()'));
    await client.until('cleared after the fix', () => client.pushed.get(uri)?.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { durableStudio: { lint: { rules: { 'no-current-time': 'off' } } } },
    });
    const pushes = client.pushes.get(uri) ?? 0;
    await client.change(uri, ORCHESTRATOR);
    await client.until('a push after the change', () => (client.pushes.get(uri) ?? 0) > pushes);
    assert.deepEqual(client.pushed.get(uri), [], 'off by the settings sent with the change notification');
  } finally {
    await client.stop();
  }
});

test('malformed input: bad JSON, bad parameters and unknown methods do not take the server down', async () => {
  const client = await LspClient.start(root, PULL_CAPABILITIES);
  try {
    client.writeRaw('Content-Length: 9\r\n\r\n{not json');
    client.writeRaw('Content-Length: 9\r\n\r\n{"foo":1}');
    await assert.rejects(client.connection.sendRequest('durableStudio/noSuchMethod', {}), /Unhandled method/);
    assert.deepEqual(await client.diagnostics('not a uri'), []);
    assert.deepEqual(await client.diagnostics('file:///no/such/file.ts'), []);
    await assert.rejects(client.connection.sendRequest(CodeActionRequest.method, null));
    const bogus: Diagnostic = {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      message: 'x',
      source: 'durable-lint',
      data: { key: 'no-current-time@1:1-1:2' },
    };
    const uri = client.uri(file('src/timed.ts'));
    assert.deepEqual(
      await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: bogus.range,
        context: { diagnostics: [bogus] },
      }),
      [],
    );
    const result = (await client.connection.sendRequest(LintWorkspaceRequest.method, null)) as LintWorkspaceResult;
    assert.equal(result.files, 5);
    // Still answering, with the real thing.
    const opened = await client.open(file('src/timed.ts'), ORCHESTRATOR);
    assert.equal((await client.diagnostics(opened)).length, 1);
    assert.ok(client.alive);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});
