/**
 * The history webview's script in headless Chromium, outside VS Code: `acquireVsCodeApi` is a stub that records
 * what the webview posts, and the test posts what the extension host would. Checks what a person sees and does:
 * rows and failures, the virtualised table with a 10,000-event history, keyboard, go to definition, live updates
 * keeping the expanded rows and the scroll position, the timeline. Skipped when Chromium is not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  encodeStatus,
  type HistoryDescription,
  type HistoryStatus,
  type HostToWebview,
  type WebviewToHost,
} from '../../src/webview/history/protocol.js';
import { bigHistory, HistoryBuilder } from './history-factory.js';

const ROOT = join(__dirname, '../..');
const CHROMIUM = process.env.DURABLE_STUDIO_CHROMIUM || '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

/** A few theme variables, as VS Code sets them on the webview's <html>. */
const THEME = `:root { --vscode-font-size: 13px; --vscode-editor-font-size: 14px; --vscode-font-family: sans-serif;
  --vscode-editor-font-family: monospace; --vscode-foreground: #ccc; --vscode-editor-background: #1e1e1e;
  --vscode-focusBorder: #007fd4; --vscode-errorForeground: #f48771; --vscode-charts-blue: #3794ff; }`;

let browser: Browser | undefined;
let script = '';

before(async () => {
  if (skip) return;
  const bundle = await esbuild.build({
    entryPoints: [join(ROOT, 'src/webview/history/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
  });
  script = bundle.outputFiles[0]!.text;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});

after(async () => {
  await browser?.close();
});

interface View {
  page: Page;
  post(message: HostToWebview): Promise<void>;
  /** Resolves with the first message the webview posted (since the start) that satisfies `accept`. */
  posted<T extends WebviewToHost['type']>(
    type: T,
    accept?: (message: Extract<WebviewToHost, { type: T }>) => boolean,
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  describe(): Promise<HistoryDescription>;
  update(status: HistoryStatus, version: number, live?: boolean): Promise<void>;
}

/** What the test page defines (the stub of `acquireVsCodeApi` records what the webview posts). */
interface PageGlobals {
  __posted: unknown[];
  postMessage(message: unknown, origin: string): void;
}

async function openView(): Promise<View> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  const css = readFileSync(join(ROOT, 'media/history/history.css'), 'utf8');
  await page.setContent(`<!DOCTYPE html><html><head><style>${THEME}\n${css}</style></head>
<body><main id="root"></main><script>
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script></body></html>`);
  await page.addScriptTag({ content: script });
  let requestId = 0;
  const view: View = {
    page,
    post: async (message) => {
      await page.evaluate(
        (m: unknown) => (globalThis as unknown as PageGlobals).postMessage(m, '*'),
        message as unknown,
      );
    },
    posted: async (type, accept = () => true) => {
      for (;;) {
        const all = (await page.evaluate(() => (globalThis as unknown as PageGlobals).__posted)) as WebviewToHost[];
        const found = all.find((message) => message.type === type && accept(message as never));
        if (found) return found as never;
        await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).__posted.length > n, all.length);
      }
    },
    describe: async () => {
      const id = ++requestId;
      await view.post({ type: 'describe', requestId: id });
      return (await view.posted('description', (m) => m.requestId === id)).description;
    },
    update: async (status, version, live = false) => {
      const bytes = encodeStatus(status);
      await view.post({ type: 'update', version, status: bytes, now: Date.parse(status.lastUpdatedTime), live });
      await view.posted('rendered', (m) => m.report.version === version);
    },
  };
  await view.posted('ready');
  return view;
}

function recorded(name: string): HistoryStatus {
  return JSON.parse(readFileSync(join(__dirname, 'history-fixtures', `${name}.json`), 'utf8')) as HistoryStatus;
}

test('a recorded history: header, rows, failures highlighted', { skip }, async () => {
  const view = await openView();
  await view.update(recorded('retry-1'), 1);
  const { page } = view;
  assert.equal(await page.locator('h1').textContent(), 'retryOrchestration');
  assert.equal(await page.locator('.status').textContent(), 'Completed');
  assert.equal(await page.locator('.events .canvas .row').count(), 15);
  assert.equal(await page.locator('.events .row.tone-failed').count(), 4);
  assert.match((await page.locator('#row-1 .c-summary').textContent()) ?? '', /Transient failure on attempt 1/);
  assert.equal(await page.locator('#tab-table').textContent(), 'Events (15)');
  assert.equal(await page.locator('[role=grid].events').getAttribute('aria-rowcount'), '16');
  await page.close();
});

test('the filter keeps the rows whose type, name or summary have every word', { skip }, async () => {
  const view = await openView();
  await view.update(recorded('retry-1'), 1);
  const { page } = view;
  await page.locator('input.filter').fill('taskfailed ALWAYS');
  await page.waitForFunction("document.querySelectorAll('.events .canvas .row').length === 2");
  let shown = await view.describe();
  assert.equal(shown.filter, 'taskfailed ALWAYS');
  assert.equal(shown.shownRows, 2);
  assert.equal(shown.firstRenderedRow, 8, 'rows keep their event numbers');
  assert.equal(await page.locator('#tab-table').textContent(), 'Events (2 of 15)');
  // A row the filter hides: driving to it shows everything again.
  await view.post({ type: 'drive', requestId: 7, action: { kind: 'toggleRow', index: 0 } });
  await view.posted('driven', (m) => m.requestId === 7);
  shown = await view.describe();
  assert.equal(shown.filter, '');
  assert.equal(shown.shownRows, 15);
  assert.deepEqual(shown.expandedKeys, ['ExecutionStarted#0']);
  await page.close();
});

test(
  '10,000 events: fewer than 200 rows in the DOM, scrolling renders the rows in view',
  { skip },
  async (t) => {
    const view = await openView();
    const status = bigHistory(7700);
    await view.update(status, 1);
    const report = (await view.posted('rendered')).report;
    t.diagnostic(
      `${report.totalRows} events: model ${report.modelMs.toFixed(1)} ms, model + DOM ${report.renderMs.toFixed(1)} ms`,
    );
    assert.equal(report.totalRows, status.historyEvents!.length);
    assert.ok(report.totalRows >= 10_000);
    assert.ok(report.renderedRows > 0 && report.renderedRows < 200, `${report.renderedRows} rows in the DOM`);
    await view.page.locator('.events .scroller').evaluate((scroller) => (scroller.scrollTop = 24 * 5000));
    await view.page.waitForSelector('#row-5000');
    const described = await view.describe();
    assert.ok(described.renderedRows < 200);
    assert.ok(
      described.firstRenderedRow > 4900 && described.firstRenderedRow <= 5000,
      String(described.firstRenderedRow),
    );
    await view.post({ type: 'drive', requestId: 99, action: { kind: 'showTab', tab: 'timeline' } });
    await view.posted('driven', (m) => m.requestId === 99);
    const timeline = await view.describe();
    assert.equal(timeline.activeTab, 'timeline');
    assert.ok(timeline.renderedSpans > 0 && timeline.renderedSpans < 200, `${timeline.renderedSpans} lanes`);
    await view.page.close();
  },
);

test(
  'keyboard: arrows move, Enter expands with the JSON pretty-printed, F12 goes to the definition',
  { skip },
  async () => {
    const view = await openView();
    await view.update(recorded('fan-1'), 1);
    const { page } = view;
    await page.locator('[role=grid].events').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('[role=grid].events').getAttribute('aria-activedescendant'), 'row-1');
    await page.keyboard.press('Enter');
    const described = await view.describe();
    assert.deepEqual(described.expandedKeys, ['TaskCompleted#0']);
    assert.equal(await page.locator('#row-1').getAttribute('aria-expanded'), 'true');
    const result = await page.locator('#row-1 .field pre').nth(1).textContent();
    assert.equal(result, '[\n  1,\n  2,\n  3,\n  4,\n  5\n]');
    await page.keyboard.press('F12');
    const definition = await view.posted('openDefinition');
    assert.deepEqual(definition.target, { kind: 'activity', name: 'getWorkItems' });
    await page.keyboard.press('End');
    assert.equal((await view.describe()).focusedRow, 7);
    await page.keyboard.press('ArrowLeft'); // collapses nothing (row 7 is not expanded), no error
    await page.close();
  },
);

test('clicking a name or a sub-orchestration instance posts to the extension', { skip }, async () => {
  const view = await openView();
  await view.update(recorded('parentlive-1'), 1, true);
  const { page } = view;
  assert.equal(await page.locator('.live').isVisible(), true);
  await page.locator('#row-1 .link.instance').click();
  assert.equal((await view.posted('openInstance')).instanceId, 'parentlive-1:child');
  await page.locator('#row-1 .link').first().click();
  assert.deepEqual((await view.posted('openDefinition')).target, { kind: 'orchestration', name: 'helloSequence' });
  await page.locator('button', { hasText: 'Export JSON' }).click();
  await view.posted('export');
  await page.close();
});

test('live updates keep the expanded rows and the rows in view', { skip }, async () => {
  const view = await openView();
  const b = new HistoryBuilder().start('fan', { n: 300 });
  const ids = Array.from({ length: 300 }, (_, i) => b.schedule('work', i));
  for (const id of ids.slice(0, 150)) b.wait(1).completeTask(id, id);
  // Rows: ExecutionStarted, 150 TaskScheduled still running, then TaskCompleted #0..#149 (rows 151..300).
  await view.update(b.status('Running', 'fan'), 1, true);
  const { page } = view;
  const drive = async (requestId: number, action: Extract<HostToWebview, { type: 'drive' }>['action']) => {
    await view.post({ type: 'drive', requestId, action });
    assert.equal((await view.posted('driven', (m) => m.requestId === requestId)).error, undefined);
  };
  await drive(1, { kind: 'toggleRow', index: 160 }); // TaskCompleted#9
  await drive(2, { kind: 'scrollToRow', index: 200 }); // TaskCompleted#49 at the top of the view
  const topBefore = await page.locator('#row-200').evaluate((row) => row.getBoundingClientRect().top);
  assert.deepEqual((await view.describe()).expandedKeys, ['TaskCompleted#9']);

  // 50 more completions: 50 TaskScheduled rows above leave, 50 TaskCompleted rows are appended.
  for (const id of ids.slice(150, 200)) b.wait(1).completeTask(id, id);
  await view.update(b.status('Running', 'fan'), 2, true);
  const after = await view.describe();
  assert.deepEqual(after.expandedKeys, ['TaskCompleted#9'], 'the expanded row stays expanded');
  // TaskCompleted#49 moved from row 200 to row 150 and is still where it was on screen.
  const topAfter = await page.locator('#row-150').evaluate((row) => row.getBoundingClientRect().top);
  assert.equal(topAfter, topBefore);
  assert.match((await page.locator('#row-150 .c-summary').textContent()) ?? '', /→ 49/);
  await page.close();
});
