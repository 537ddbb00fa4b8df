/**
 * The history webview's details in headless Chromium (like history-webview.test.ts): a pending timer's due date and
 * time left in its row and on the timeline, the running duration that ticks (and stops ticking when the instance
 * ends), a failed instance's whole failure reason in the header, the timeline's note on its lane count, event
 * numbers kept when filtering, and `#N` finding event N. Skipped when Chromium is not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeStatus, type HistoryStatus } from '../../src/webview/history/protocol.js';
import {
  bundleWebviewScript,
  chromiumMissing,
  launchChromium,
  openHistoryPage,
  type HistoryPage,
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

function recorded(name: string): HistoryStatus {
  return JSON.parse(readFileSync(join(__dirname, 'history-fixtures', `${name}.json`), 'utf8')) as HistoryStatus;
}

/** Posts a status as the extension host does, with its `now` and pending timers; resolves once rendered. */
async function update(
  view: HistoryPage,
  status: HistoryStatus,
  version: number,
  options: { now: number; live: boolean; pendingTimers?: string[] },
): Promise<void> {
  const { now, live, pendingTimers } = options;
  await view.post({
    type: 'update',
    version,
    status: encodeStatus(status),
    now,
    live,
    ...(pendingTimers ? { pendingTimers } : {}),
  });
  await view.posted('rendered', (m) => m.report.version === version);
}

async function durationText(page: Page): Promise<string> {
  return (await page.locator('.facts dt:text-is("Duration") + dd').textContent()) ?? '';
}

test('a pending 72-hour timer: its row and its lane give the due date and the time left', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  const status = recorded('approvallive-1');
  const fireAt = '2026-11-25T22:42:58.098Z';
  await update(view, status, 1, { now: Date.parse('2026-11-22T22:43:00Z'), live: true, pendingTimers: [fireAt] });
  const summary = page.locator('.events .row', { hasText: 'TimerCreated' }).locator('.c-summary');
  assert.equal(await summary.textContent(), 'fires 2026-11-25 22:42:58 · in 2 d 23 h');
  assert.match((await summary.getAttribute('title')) ?? '', /FireAt 2026-11-25 22:42:58\.098 UTC/);

  await page.locator('#tab-timeline').click();
  const lane = page.locator('.lane.kind-timer');
  assert.equal(await lane.locator('.bar-text').textContent(), 'due in 2 d 23 h, 2026-11-25 22:42:58');
  assert.equal(await lane.locator('.due-arrow').count(), 1, 'an arrow points to the due time off the axis');
  assert.match((await lane.getAttribute('aria-label')) ?? '', /due in 2 d 23 h \(2026-11-25 22:42:58\.098 UTC\)/);
  // The label fits in the page: the canvas leaves room after the axis for it.
  const fits = await lane
    .locator('.bar-text')
    .evaluate((text) => text.getBoundingClientRect().right <= text.ownerDocument.documentElement.clientWidth);
  assert.ok(fits, 'the due label is cut off');
  await page.close();
});

test('a pending timer due within the axis is drawn up to its due time', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  const status = recorded('approvallive-1');
  const created = Date.parse('2026-11-22T22:42:58.098Z');
  // A 30-second timer 20 s in: the axis stretches to its due time.
  const fireAt = new Date(created + 30_000).toISOString();
  const events = status.historyEvents!.map((e) => (e['EventType'] === 'TimerCreated' ? { ...e, FireAt: fireAt } : e));
  await update(view, { ...status, historyEvents: events }, 1, { now: created + 20_000, live: true });
  await page.locator('#tab-timeline').click();
  const lane = page.locator('.lane.kind-timer');
  assert.equal(await lane.locator('.future').count(), 1);
  assert.equal(await lane.locator('.due-arrow').count(), 0);
  assert.equal(await lane.locator('.bar-text').textContent(), 'due in 10 s, 22:43:28.098');
  await page.close();
});

test('a cancelled timer says so in its row and its lane', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  await view.update(recorded('approval-1'), 1);
  const summary = page.locator('.events .row', { hasText: 'TimerCreated' }).locator('.c-summary');
  assert.equal(await summary.textContent(), 'cancelled · was due 2026-11-25 22:42:34');
  await page.locator('#tab-timeline').click();
  assert.equal(
    await page.locator('.lane.kind-timer .bar-text').textContent(),
    'cancelled (was due 2026-11-25 22:42:34)',
  );
  await page.close();
});

test('the duration of a running instance ticks, and stops when it ends', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  const status = recorded('approvallive-1');
  const started = Date.parse('2026-11-22T22:42:58.088Z');
  await update(view, status, 1, { now: started + 5_000, live: true });
  assert.equal(await durationText(page), '5 s so far');
  assert.equal((await view.describe()).ticking, true);
  // It changes without an update from the host: every second, from the host's clock (here 5 s after the start).
  await page.locator('.facts dt:text-is("Duration") + dd', { hasText: /^(6|7) s so far$/ }).waitFor({ timeout: 5000 });
  // Ended: the precise duration, no ticking (no timer left behind).
  await update(view, recorded('approval-1'), 2, { now: started + 10_000, live: false });
  assert.equal(await durationText(page), '1.177 s');
  assert.equal((await view.describe()).ticking, false);
  // The host lost the instance (a notice, not live): no ticking either.
  await update(view, status, 3, { now: started + 5_000, live: true });
  assert.equal((await view.describe()).ticking, true);
  await view.post({ type: 'notice', message: 'The host is unreachable', live: false });
  await page.locator('.notice', { hasText: 'The host is unreachable' }).waitFor();
  assert.equal((await view.describe()).ticking, false);
  await page.close();
});

test('the header: start and end from the history to the millisecond, createdTime to the second', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  await view.update(recorded('approval-1'), 1);
  const facts = await page
    .locator('.facts')
    .evaluate((dl) =>
      [...dl.querySelectorAll('dt')].map((dt) => `${dt.textContent} ${dt.nextElementSibling?.textContent}`),
    );
  assert.deepEqual(facts, [
    'Instance approval-1',
    'Started 2026-11-22 22:42:34.196 UTC',
    'Ended 2026-11-22 22:42:35.373 UTC',
    'Duration 1.177 s',
  ]);
  // No event yet: the status's second-precision createdTime, printed as such.
  await view.update({ ...recorded('approval-1'), runtimeStatus: 'Pending', historyEvents: [] }, 2);
  assert.equal(await page.locator('.facts dt:text-is("Created") + dd').textContent(), '2026-11-22 22:42:34 UTC');
  await page.close();
});

test("a failed instance's header shows the whole failure reason, wrapped and selectable", { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  await view.update(recorded('retryfail-1'), 1);
  const reason = page.getByRole('region', { name: 'Failure reason' }).locator('.reason');
  const text = (await reason.textContent()) ?? '';
  assert.match(text, /^Orchestrator function 'retryOrchestration' failed: Activity function 'flakyActivity' failed/);
  assert.match(text, /Transient failure on attempt 3$/);
  const style = await reason.evaluate((p) => {
    const s = p.ownerDocument.defaultView!.getComputedStyle(p);
    return { userSelect: s.userSelect, whiteSpace: s.whiteSpace, fits: p.scrollWidth <= p.clientWidth };
  });
  assert.deepEqual(style, { userSelect: 'text', whiteSpace: 'pre-wrap', fits: true });
  // The stack trace is there, folded.
  const stack = page.locator('.failure-reason details.stack');
  assert.equal(await stack.getAttribute('open'), null);
  assert.match((await stack.locator('pre').textContent()) ?? '', /at flakyActivity/);
  await page.close();
});

test('Events (6) and Timeline (5): the timeline says what its lanes join', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  await view.update(recorded('approval-1'), 1);
  assert.equal(await page.locator('#tab-table').textContent(), 'Events (6)');
  assert.equal(await page.locator('#tab-timeline').textContent(), 'Timeline (5)');
  const note = '6 events in 5 lanes; one lane from start to end for ExecutionStarted → ExecutionCompleted.';
  assert.equal(await page.locator('#tab-timeline').getAttribute('title'), note);
  await page.locator('#tab-timeline').click();
  assert.equal(await page.getByRole('note').filter({ hasText: 'lanes' }).textContent(), note);
  await page.close();
});

test('filtering keeps each row its own number, and #N finds event N', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const { page } = view;
  await view.update(recorded('approval-1'), 1);
  const numbers = () => page.locator('.events .canvas .row .c-index').allTextContents();
  await view.post({ type: 'drive', requestId: 1, action: { kind: 'filter', text: 'TaskCompleted' } });
  await view.posted('driven', (m) => m.requestId === 1);
  assert.deepEqual(await numbers(), ['2', '5']);
  await view.post({ type: 'drive', requestId: 2, action: { kind: 'filter', text: '#3' } });
  await view.posted('driven', (m) => m.requestId === 2);
  assert.deepEqual(await numbers(), ['3']);
  assert.equal(await page.locator('#tab-table').textContent(), 'Events (1 of 6)');
  await page.close();
});

test('seen days later, the time left counts from the host clock (the emulated one)', { skip }, async () => {
  const view = await openHistoryPage(browser!, script);
  const status = recorded('approvallive-1');
  // Seen two days later (the emulated clock moved forward): still pending, due tomorrow.
  await update(view, status, 1, { now: Date.parse('2026-11-24T22:43:00Z'), live: true });
  const summary = view.page.locator('.events .row', { hasText: 'TimerCreated' }).locator('.c-summary');
  assert.equal(await summary.textContent(), `fires 2026-11-25 22:42:58 · in 23 h 59 min`);
  await update(view, status, 2, { now: Date.parse('2026-11-25T22:42:00Z'), live: true });
  assert.equal(await summary.textContent(), `fires 2026-11-25 22:42:58 · in 59 s`);
  await view.page.close();
});
