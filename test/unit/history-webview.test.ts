/**
 * The history webview's script in headless Chromium, outside VS Code: `acquireVsCodeApi` is a stub that records
 * what the webview posts, and the test posts what the extension host would. Checks what a person sees and does:
 * rows and failures, the virtualised table with a 10,000-event history, keyboard, go to definition, live updates
 * keeping the expanded rows and the scroll position, the timeline, the state saved for a window reload. Skipped when
 * Chromium is not installed. The page itself is history-webview-page.ts (the benchmark uses it too).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  encodeStatus,
  instanceIdOfState,
  type HistoryStatus,
  type HostToWebview,
} from '../../src/webview/history/protocol.js';
import { bigHistory, HistoryBuilder } from './history-factory.js';
import {
  bundleWebviewScript,
  chromiumMissing,
  launchChromium,
  openHistoryPage,
  type HistoryPage,
  type PageOptions,
} from './history-webview-page.js';

const skip = chromiumMissing;

let browser: Browser | undefined;
let script = '';

before(async () => {
  if (skip) return;
  script = await bundleWebviewScript();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

function openView(options?: PageOptions): Promise<HistoryPage> {
  return openHistoryPage(browser!, script, options);
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

test("the header's note: shown while the host sends one, hidden when it no longer does", { skip }, async () => {
  const view = await openView();
  const b = new HistoryBuilder().start('raceTimer');
  b.schedule('sayHello', 'race');
  b.createTimer(3_600_000);
  const running = b.status('Running', 'raceTimer');
  const note = 'The orchestrator returned at 10:00:01, but like on Azure the instance stays Running, ...';
  const message: HostToWebview = {
    type: 'update',
    version: 1,
    status: encodeStatus(running),
    now: Date.parse(running.lastUpdatedTime),
    live: true,
    note,
  };
  await view.post(message);
  await view.posted('rendered', (m) => m.report.version === 1);
  const { page } = view;
  assert.equal(await page.locator('header .note').textContent(), note);
  assert.equal(await page.locator('header .note').isVisible(), true);
  assert.equal((await view.describe()).note, note);
  await view.update(running, 2, true);
  assert.equal(await page.locator('header .note').isVisible(), false);
  assert.equal((await view.describe()).note, undefined);
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
  "a replay debugger's position: its row marked and scrolled into view, its span marked, cleared at the end",
  { skip },
  async () => {
    const view = await openView();
    await view.update(bigHistory(2000), 1);
    const { page } = view;
    const last = (await view.describe()).totalRows - 1;
    const key = `TaskCompleted#${Math.floor(last / 2) - 1}`;
    await view.post({ type: 'replayPosition', key });
    await page.waitForFunction("document.querySelector('.events .row.replay-current') !== null");
    const shown = await view.describe();
    assert.ok(shown.replayRow > 100, `a row far down (${shown.replayRow}) is marked`);
    assert.ok(shown.firstRenderedRow > 50, 'and scrolled into view');
    const marked = page.locator('.events .row.replay-current');
    assert.equal(await marked.getAttribute('aria-current'), 'step');
    assert.match((await marked.locator('.c-type').textContent()) ?? '', /TaskCompleted/);
    // A live update keeps the mark.
    await view.update(bigHistory(2000), 2);
    assert.equal((await view.describe()).replayRow, shown.replayRow);
    await view.post({ type: 'replayPosition', key: undefined });
    await page.waitForFunction("document.querySelector('.row.replay-current') === null");
    assert.equal((await view.describe()).replayRow, -1);
    await page.close();

    // The timeline marks the lane of the position's activity.
    const small = await openView();
    await small.update(recorded('retry-1'), 1);
    await small.post({ type: 'replayPosition', key: 'TaskCompleted#0' });
    await small.post({ type: 'drive', requestId: 3, action: { kind: 'showTab', tab: 'timeline' } });
    await small.posted('driven', (m) => m.requestId === 3);
    const lane = small.page.locator('.lane.replay-current');
    assert.equal(await lane.count(), 1);
    assert.match((await lane.getAttribute('aria-label')) ?? '', /Activity/);
    await small.page.close();
  },
);

test('10,000 events: fewer than 200 rows in the DOM, scrolling renders the rows in view', { skip }, async (t) => {
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
});

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

test(
  'the state it saves names the instance from the start, so a window reload restores the panel',
  { skip },
  async () => {
    const view = await openView({ instanceId: 'fan-1' });
    const before = await view.savedStates();
    assert.ok(before.length > 0, 'saved before the first status arrives');
    assert.equal(instanceIdOfState(before.at(-1)), 'fan-1');
    await view.update(recorded('fan-1'), 1);
    await view.post({ type: 'drive', requestId: 1, action: { kind: 'showTab', tab: 'timeline' } });
    await view.posted('driven', (m) => m.requestId === 1);
    const states = await view.savedStates();
    assert.ok(states.every((state) => instanceIdOfState(state) === 'fan-1'));
    await view.page.close();

    // VS Code gives the saved state back to the reloaded webview; the id is kept even on a page without it.
    const restored = await openView({ state: states.at(-1) });
    assert.equal((await restored.describe()).activeTab, 'timeline');
    assert.equal(instanceIdOfState((await restored.savedStates()).at(-1)), 'fan-1');
    await restored.page.close();
  },
);
