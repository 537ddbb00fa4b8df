import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportFileName, instanceIdOf } from '../../src/extension/history/commandArgs.js';
import { contentSecurityPolicy, historyHtml } from '../../src/extension/history/html.js';
import { formatDuration, formatElapsed, prettyText, previewText } from '../../src/webview/history/format.js';
import {
  asHostMessage,
  asWebviewMessage,
  decodeStatus,
  encodeStatus,
  instanceIdOfState,
} from '../../src/webview/history/protocol.js';

test('messages from the webview are checked before use', () => {
  assert.deepEqual(asWebviewMessage({ type: 'ready', loadedMs: 5 }), { type: 'ready', loadedMs: 5 });
  assert.equal(asWebviewMessage({ type: 'ready' }), undefined);
  assert.ok(asWebviewMessage({ type: 'openDefinition', target: { kind: 'activity', name: 'sayHello' } }));
  assert.equal(asWebviewMessage({ type: 'openDefinition', target: { kind: 'class', name: 'x' } }), undefined);
  assert.equal(asWebviewMessage({ type: 'openInstance', instanceId: '' }), undefined);
  assert.equal(asWebviewMessage({ type: 'rendered', report: {} }), undefined);
  assert.equal(asWebviewMessage({ type: 'nonsense' }), undefined);
  assert.equal(asWebviewMessage('ready'), undefined);
  assert.equal(asWebviewMessage(null), undefined);
});

test('messages from the host are checked before use', () => {
  assert.ok(asHostMessage({ type: 'describe', requestId: 1 }));
  const status = encodeStatus({
    name: 'o',
    instanceId: 'i',
    runtimeStatus: 'Running',
    input: null,
    output: null,
    customStatus: { step: 'ü' },
    createdTime: '',
    lastUpdatedTime: '',
  });
  assert.ok(asHostMessage({ type: 'update', version: 2, status, now: 0, live: true }));
  assert.deepEqual(decodeStatus(status).customStatus, { step: 'ü' });
  assert.equal(asHostMessage({ type: 'update', version: 2, status: {} }), undefined);
  assert.equal(asHostMessage({ type: 'drive', requestId: 1 }), undefined);
  assert.equal(asHostMessage([]), undefined);
});

test('the saved webview state names the instance a restored panel shows', () => {
  assert.equal(instanceIdOfState({ instanceId: 'abc:1', tab: 'table' }), 'abc:1');
  assert.equal(instanceIdOfState({ instanceId: '' }), undefined);
  assert.equal(instanceIdOfState({ tab: 'table' }), undefined);
  assert.equal(instanceIdOfState('abc'), undefined);
  assert.equal(instanceIdOfState(undefined), undefined);
});

test('the page: strict CSP with a nonce, no inline code, escaped text', () => {
  const html = historyHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview/history.js',
    styleUri: 'https://x.vscode-cdn.net/media/history/history.css',
    title: 'History: <b>"x"</b>',
    instanceId: 'a"b<c>',
  });
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.ok(html.includes('<script nonce="abc123" src="https://x.vscode-cdn.net/dist/webview/history.js"></script>'));
  assert.ok(html.includes('History: &#60;b&#62;&#34;x&#34;&#60;/b&#62;'));
  assert.ok(html.includes('<main id="root" data-instance-id="a&#34;b&#60;c&#62;"'));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(html, /<style|\sstyle=|\son\w+=/);
});

test('command arguments: an id, a tree node, or nothing', () => {
  assert.equal(instanceIdOf('abc'), 'abc');
  assert.equal(instanceIdOf({ kind: 'instance', instanceId: 'p:child' }), 'p:child');
  assert.equal(instanceIdOf({ kind: 'group' }), undefined);
  assert.equal(instanceIdOf('  '), undefined);
  assert.equal(instanceIdOf(undefined), undefined);
  assert.equal(exportFileName('parent-1:child/2'), 'parent-1_child_2.history.json');
});

test('formatting durations and payloads', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1500), '1.5 s');
  assert.equal(formatDuration(2000), '2 s');
  assert.equal(formatDuration(123_000), '2 min 3 s');
  assert.equal(formatDuration(3_600_000 * 3 + 60_000), '3 h 1 min');
  assert.equal(formatDuration(86_400_000 * 3), '3 d');
  assert.equal(formatElapsed(18), '+18 ms');
  assert.equal(prettyText('{"a":[1,2]}', true), '{\n  "a": [\n    1,\n    2\n  ]\n}');
  assert.equal(prettyText('not json', true), 'not json');
  assert.equal(prettyText('line 1\nline 2', false), 'line 1\nline 2');
  assert.equal(previewText('"Tokyo"', true), '"Tokyo"');
  assert.equal(previewText({ long: 'x'.repeat(300) }, false, 20), '{"long":"xxxxxxxxxx…');
});
