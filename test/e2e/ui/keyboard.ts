/**
 * Keyboard only, once the emulator runs and an instance has finished: focus the Instances view from the palette,
 * walk it with the arrow keys and open an instance's history with Enter; in the history view go from the toolbar's
 * filter to the tabs (Shift+Tab, arrows switch Events/Timeline) and to the events table (Tab), move through the
 * rows with the arrow keys, Home and End, and expand and collapse them with Enter and the Left arrow; an expanded
 * row shows its fields as JSON. Screenshots: 15-explorer-keyboard, 16-history-keyboard.
 *
 * The table keeps the focus on the grid and points at the active row with `aria-activedescendant` (row ids are
 * `row-<position>`), see src/webview/history/table.ts.
 */
import type { FrameLocator } from 'playwright-core';
import type { Scenario } from '../lib/phase.js';
import { INSTANCES, startOrchestration } from '../lib/uiSteps.js';
import type { Workbench } from '../lib/workbench.js';

/** What has the keyboard focus in the webview: its role, label and active descendant. */
async function activeElement(
  frame: FrameLocator,
): Promise<{ role: string; label: string; text: string; activeDescendant: string }> {
  return frame.locator('body').evaluate((body) => {
    const element = body.ownerDocument.activeElement;
    return {
      role: String(element?.getAttribute('role') ?? element?.tagName ?? ''),
      label: String(element?.getAttribute('aria-label') ?? ''),
      text: String(element?.textContent ?? '').slice(0, 40),
      activeDescendant: String(element?.getAttribute('aria-activedescendant') ?? ''),
    };
  });
}

/** Presses `key` until the element with the focus matches `wanted`, at most `maxPresses` times. */
async function pressUntilFocused(
  wb: Workbench,
  frame: FrameLocator,
  key: string,
  wanted: (active: Awaited<ReturnType<typeof activeElement>>) => boolean,
  what: string,
  maxPresses = 8,
): Promise<void> {
  const seen: string[] = [];
  for (let presses = 0; presses <= maxPresses; presses++) {
    const active = await activeElement(frame);
    if (wanted(active)) return;
    seen.push(`${active.role} "${active.label || active.text}"`);
    await wb.page.keyboard.press(key);
  }
  throw new Error(`${key} did not bring the focus to ${what}; it went: ${seen.join(' → ')}`);
}

/** Presses `key` in the events table and waits until the row at `position` is the active one. */
async function moveTo(frame: FrameLocator, wb: Workbench, key: string, position: number): Promise<void> {
  await wb.page.keyboard.press(key);
  await frame.locator(`[role="grid"][aria-activedescendant="row-${position}"]:focus`).waitFor();
}

/** The JSON an expanded row shows for one of its fields (a `<pre>` labelled with the field's name). */
async function fieldJson(frame: FrameLocator, position: number, field: string): Promise<unknown> {
  const text = await frame.locator(`#row-${position} .detail pre[aria-label="${field}"]`).innerText();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`Row ${position}'s ${field} is not JSON:\n${text}`, { cause: error });
  }
}

export const scenario: Scenario = {
  title: 'the Instances view and the history table and tabs work with the keyboard alone',
  timeoutMs: 120_000,
  async run(wb) {
    await wb.openDurableStudio();
    await wb.runCommand('Durable Studio: Start Emulator');
    await wb.waitForStatusBar(/Durable: :\d+/);
    // flakyActivity fails once and is retried; alwaysFails fails twice and the orchestrator catches it.
    await startOrchestration(wb, 'retryOrchestration', 'kb-retry', '{"failures": 1}');
    await startOrchestration(wb, 'helloSequence', 'kb-hello');
    await wb.waitForTreeRow(INSTANCES, /^retryOrchestration kb-retry, Completed,/, 30_000);
    await wb.waitForTreeRow(INSTANCES, /^helloSequence kb-hello, Completed,/);
    await wb.clearNotifications();

    // -- Instances view: focus it, walk to the instance, Enter opens its history ------------------------------------
    await wb.runCommand('Durable Studio: Focus on Instances View');
    await wb.view(INSTANCES).locator('.monaco-list:focus').waitFor();
    await wb.page.keyboard.press('Home');
    await wb
      .focusedTreeRow(INSTANCES)
      .and(wb.view(INSTANCES).getByRole('treeitem', { name: /^helloSequence 1$/ }))
      .waitFor();
    await wb.moveTreeFocusTo(INSTANCES, /^retryOrchestration kb-retry, Completed,/, 'ArrowDown');
    // Back up past it and down again: both directions move the focus.
    await wb.moveTreeFocusTo(INSTANCES, /^retryOrchestration 1$/, 'ArrowUp');
    const instance = await wb.moveTreeFocusTo(INSTANCES, /^retryOrchestration kb-retry, Completed,/, 'ArrowDown');
    await wb.screenshot('15-explorer-keyboard');
    await wb.page.keyboard.press('Enter');
    await wb.waitForEditorTab('History: retryOrchestration kb-retry');
    if ((await instance.getAttribute('aria-selected')) !== 'true') {
      throw new Error('Enter opened the history but did not select the row');
    }

    // -- History view: from the filter box to the tabs and back, by keyboard -----------------------------------------
    const history = wb.webview();
    const grid = history.getByRole('grid', { name: 'History events' });
    await grid.waitFor();
    await history.getByRole('row').filter({ hasText: 'ExecutionCompleted' }).first().waitFor();
    // A person clicks into the view's toolbar (the filter box), then uses the keyboard only.
    await history.getByRole('searchbox', { name: /Filter events/ }).click();
    await pressUntilFocused(wb, history, 'Shift+Tab', (a) => a.role === 'tab', 'the Events tab');
    const eventsTab = history.getByRole('tab', { name: /^Events/ });
    const timelineTab = history.getByRole('tab', { name: /^Timeline/ });
    await wb.page.keyboard.press('ArrowRight');
    await timelineTab.and(history.locator('[aria-selected="true"]:focus')).waitFor();
    await history.locator('#panel-timeline').waitFor({ state: 'visible' });
    await wb.page.keyboard.press('ArrowLeft');
    await eventsTab.and(history.locator('[aria-selected="true"]:focus')).waitFor();
    await grid.waitFor({ state: 'visible' });

    // -- Events table: Tab reaches the grid; arrows, Home and End move; Enter and Left expand and collapse -----------
    await pressUntilFocused(wb, history, 'Tab', (a) => a.role === 'grid' && a.label === 'History events', 'the table');
    await history.locator('[role="grid"][aria-activedescendant="row-0"]:focus').waitFor();
    await moveTo(history, wb, 'ArrowDown', 1);
    await moveTo(history, wb, 'ArrowDown', 2);
    await moveTo(history, wb, 'ArrowUp', 1);
    const failed = history.locator('#row-1');
    if (!/TaskFailed/.test(await failed.innerText())) {
      throw new Error(`Row 2 is not flakyActivity's failure: ${await failed.innerText()}`);
    }
    await wb.page.keyboard.press('Enter');
    await history.locator('#row-1[aria-expanded="true"]').waitFor();
    const input = await fieldJson(history, 1, 'Input');
    if (JSON.stringify(input) !== JSON.stringify({ key: 'kb-retry', failures: 1 })) {
      throw new Error(`The failed task's Input shows ${JSON.stringify(input)}`);
    }
    const reason = history.locator('#row-1 .field.failure', { hasText: 'Reason' });
    await reason.filter({ hasText: 'Transient failure on attempt 1' }).waitFor();
    // The grid keeps the focus while rows expand (the details are not in the way of the arrows).
    await history.locator('[role="grid"][aria-activedescendant="row-1"]:focus').waitFor();
    await wb.screenshot('16-history-keyboard');

    await moveTo(history, wb, 'Home', 0);
    await wb.page.keyboard.press('ArrowRight');
    await history.locator('#row-0[aria-expanded="true"]').waitFor();
    const started = await fieldJson(history, 0, 'Input');
    if (JSON.stringify(started) !== JSON.stringify({ failures: 1 })) {
      throw new Error(`ExecutionStarted's Input shows ${JSON.stringify(started)}`);
    }
    await wb.page.keyboard.press('ArrowLeft');
    await history.locator('#row-0[aria-expanded="false"]').waitFor();

    // The last row (ExecutionCompleted): End scrolls to it; Space expands it; its Result is the output.
    const rows = Number(await grid.getAttribute('aria-rowcount')) - 1;
    await moveTo(history, wb, 'End', rows - 1);
    await wb.page.keyboard.press(' ');
    await history.locator(`#row-${rows - 1}[aria-expanded="true"]`).waitFor();
    const result = (await fieldJson(history, rows - 1, 'Result')) as { flaky?: string; alwaysFails?: string };
    if (!/succeeded on attempt 2/.test(result.flaky ?? '') || !/^caught: /.test(result.alwaysFails ?? '')) {
      throw new Error(`ExecutionCompleted's Result shows ${JSON.stringify(result)}`);
    }
  },
};
