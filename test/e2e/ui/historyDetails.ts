/**
 * The history view's details as a newcomer reads them: start the example app's approval workflow (it waits 72 hours
 * for an "Approval" event), open its history and read the TimerCreated row (the due date 3 days on and the time
 * left), watch the running duration tick, see the pending timer's lane point past the axis to its due time, raise
 * the event and see the timer cancelled; then a failed instance's header with its whole failure reason. Timers and
 * external events have distinct colours in the default dark theme and in Dark High Contrast.
 * Screenshots: 40-history-timer-due, 41-timeline-pending-timer, 42-history-failed-header.
 */
import type { FrameLocator } from 'playwright-core';
import type { Scenario } from '../lib/phase.js';
import { INSTANCES, openWithEmulator, startOrchestration } from '../lib/uiSteps.js';
import { STEP_TIMEOUT_MS } from '../lib/workbench.js';

const HOUR = 3_600_000;
/** `2026-12-05 14:16:06`: a due time on another day than the row's (see formatDueTime). */
const DUE = String.raw`(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})`;

function instanceRow(name: string, instanceId: string, status: string): RegExp {
  return new RegExp(`^${name} ${instanceId}, ${status},`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The legend's swatch colours by label ("timer", "external event"), as computed in the webview. */
async function legendColours(frame: FrameLocator): Promise<Record<string, string>> {
  return frame.locator('.timeline-toolbar .legend').evaluate((legend) => {
    const view = legend.ownerDocument.defaultView!;
    return Object.fromEntries(
      [...legend.querySelectorAll('.legend-item')].map((item) => [
        (item.textContent ?? '').trim(),
        view.getComputedStyle(item.querySelector('.swatch')!).backgroundColor,
      ]),
    );
  });
}

/** Timers and external events must not look alike: their colours at least this far apart (RGB distance). */
const MIN_COLOUR_DISTANCE = 80;

function rgb(colour: string | undefined): number[] {
  return (/rgba?\(([^)]+)\)/.exec(colour ?? '')?.[1] ?? '').split(',').slice(0, 3).map(Number);
}

async function checkTimerAndEventColours(frame: FrameLocator, theme: string): Promise<void> {
  const colours = await legendColours(frame);
  const [timer, event] = [rgb(colours['timer']), rgb(colours['external event'])];
  if (timer.length !== 3 || event.length !== 3 || timer.some(Number.isNaN) || event.some(Number.isNaN)) {
    throw new Error(`${theme}: the legend has no timer and external event colours: ${JSON.stringify(colours)}`);
  }
  const distance = Math.hypot(...timer.map((value, i) => value - event[i]!));
  if (distance < MIN_COLOUR_DISTANCE) {
    throw new Error(`${theme}: timers and external events look alike (${JSON.stringify(colours)})`);
  }
}

/** `2026-12-05 14:16:06` (UTC) → ms. */
function parseDue(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

export const scenario: Scenario = {
  title: "history details: a 72-hour timer's due date and time left, the ticking duration, a failure's reason",
  timeoutMs: 150_000,
  async run(wb) {
    await openWithEmulator(wb);

    // -- A 72-hour approval timer: the row gives its due date, 3 days on, and the time left -------------------------
    await startOrchestration(wb, 'approvalWorkflow', 'approval-72h', '{"requester": "Ada"}');
    await wb.waitForTreeRow(INSTANCES, instanceRow('approvalWorkflow', 'approval-72h', 'Running'));
    // From the palette: a click on the row of an instance that is still changing can land while the tree redraws it.
    await wb.runCommand('Durable Studio: Open History');
    await wb.answerInput('approval-72h', { title: /open the history of an instance/ });
    await wb.waitForEditorTab('History: approvalWorkflow approval-72h');
    const history = wb.webview();
    const timerRow = history.getByRole('row').filter({ hasText: 'TimerCreated' }).first();
    await timerRow.waitFor({ timeout: STEP_TIMEOUT_MS });
    const summary = (await timerRow.locator('.c-summary').innerText()).trim();
    const due = new RegExp(`^fires ${DUE} · in 2 d 23 h$`).exec(summary)?.[1];
    if (!due) throw new Error(`The TimerCreated row does not give a due date and the time left: "${summary}"`);
    // The row's own time (its Time cell's tooltip has the date) plus the 72 hours approvalWorkflow waits.
    const created = Date.parse(
      ((await timerRow.locator('.c-time').getAttribute('title')) ?? '').replace(' UTC', 'Z').replace(' ', 'T'),
    );
    const off = parseDue(due) - (created + 72 * HOUR);
    if (!(Math.abs(off) < 2000)) {
      throw new Error(`The row says the timer fires ${due}, not 72 hours after ${new Date(created).toISOString()}`);
    }
    await wb.clearNotifications();
    await wb.screenshot('40-history-timer-due');

    // -- The running duration ticks (no update from the host is needed) --------------------------------------------
    const duration = history.locator('.facts dt:text-is("Duration") + dd');
    const before = (await duration.innerText()).trim();
    if (!/ so far$/.test(before)) throw new Error(`The running instance's duration reads "${before}"`);
    await history
      .locator('.facts dt:text-is("Duration") + dd', { hasNotText: new RegExp(`^${escapeRegExp(before)}$`) })
      .waitFor({ timeout: 5000 });
    const after = (await duration.innerText()).trim();
    if (!/^\d+ s so far$|min/.test(after)) throw new Error(`The duration ticked to "${after}"`);

    // -- The timeline: the pending timer's lane points past the axis's end to its due time ---------------------------
    await history.getByRole('tab', { name: /Timeline/ }).click();
    const lane = history.locator('.lane.kind-timer').first();
    await lane.waitFor({ timeout: STEP_TIMEOUT_MS });
    await lane.locator('.due-arrow').waitFor({ timeout: STEP_TIMEOUT_MS });
    const label = (await lane.locator('.bar-text').innerText()).trim();
    if (label !== `due in 2 d 23 h, ${due}`) throw new Error(`The pending timer's lane reads "${label}"`);
    const cut = await lane
      .locator('.bar-text')
      .evaluate((text) => text.getBoundingClientRect().right > text.ownerDocument.documentElement.clientWidth);
    if (cut) throw new Error("The pending timer's due time runs off the timeline");
    await checkTimerAndEventColours(history, 'Dark Modern');
    await wb.screenshot('41-timeline-pending-timer');

    // -- The approval arrives: the orchestrator cancels the timer, the row says so ----------------------------------
    await wb.runCommand('Durable Studio: Raise Event…');
    await wb.pickItem('approval-72h', { title: 'Raise event on which instance?' });
    await wb.pickItem('Approval', { title: 'Raise event on approval-72h' });
    await wb.answerInput('true', { title: 'Raise Approval on approval-72h' });
    await wb.waitForTreeRow(INSTANCES, instanceRow('approvalWorkflow', 'approval-72h', 'Completed'));
    await history.getByRole('tab', { name: /Events/ }).click();
    await history
      .getByRole('row')
      .filter({ hasText: `cancelled · was due ${due}` })
      .first()
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    const ended = (await duration.innerText()).trim();
    if (/so far/.test(ended)) throw new Error(`The completed instance's duration still reads "${ended}"`);

    // -- A failed instance: the header gives the whole reason ------------------------------------------------------
    await startOrchestration(wb, 'httpCaller', 'http-failed'); // No URL: the orchestrator throws.
    const failed = await wb.waitForTreeRow(INSTANCES, instanceRow('httpCaller', 'http-failed', 'Failed'));
    await failed.click();
    await wb.waitForEditorTab('History: httpCaller http-failed');
    const failedHistory = wb.webview();
    const reason = failedHistory.getByRole('region', { name: 'Failure reason' }).locator('.reason');
    await reason.waitFor({ timeout: STEP_TIMEOUT_MS });
    const text = (await reason.innerText()).trim();
    if (!text.includes('httpCaller needs an input URL, e.g. {"url":"http://localhost:7071/api/ping"}')) {
      throw new Error(`The failed instance's header gives the reason as "${text}"`);
    }
    const whole = await reason.evaluate((p) => p.scrollWidth <= p.clientWidth && p.scrollHeight <= p.clientHeight);
    if (!whole) throw new Error('The failure reason is cut off in the header');
    await wb.clearNotifications();
    await wb.screenshot('42-history-failed-header');

    // -- Timers and external events keep distinct colours in a high-contrast theme ----------------------------------
    await wb.setColorTheme('Dark High Contrast', 'hc-black');
    const contrast = wb.webview();
    await contrast.locator('body.vscode-high-contrast').waitFor({ timeout: STEP_TIMEOUT_MS });
    await contrast.getByRole('tab', { name: /Timeline/ }).click();
    await checkTimerAndEventColours(contrast, 'Dark High Contrast');
  },
};
