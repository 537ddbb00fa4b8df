/**
 * The explorer at VS Code's default 300-px side bar, and the Instances table, as a person sees them: instance rows
 * (a GUID id, a running one, finished ones) are not cut off; the table opened from the Instances view's title pages
 * through 15 instances 10 at a time, sorts by a column, filters by name, and opens a history from the keyboard; an
 * entity's row, tooltip facts and state document show its last modification, lock and pending operations, and
 * Signal Entity suggests the operations it ran; after a clock fast-forward the status bar shows the offset in the
 * explorer's time format, still there after a restart (the offset is kept in the store).
 * Screenshots: 50-explorer-default-width, 51-instances-table, 52-entity-details, 53-clock-kept-after-restart.
 *
 * Instances are started through the emulator's HTTP API (as `curl` would), not the palette, to have enough of them.
 */
import type { Scenario } from '../lib/phase.js';
import { STEP_TIMEOUT_MS, type Workbench } from '../lib/workbench.js';
import { ENTITIES, INSTANCES, openWithEmulator } from '../lib/uiSteps.js';

const DAY_MS = 86_400_000;

/** A request to the emulator from outside the editor (no `Origin`: not a web page). */
async function request(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function start(base: string, name: string, id?: string, input?: unknown): Promise<string> {
  const path = `/runtime/webhooks/durabletask/orchestrators/${name}${id ? `/${id}` : ''}`;
  const body = (await request(base, 'POST', path, input)) as { id: string };
  return body.id;
}

async function expectNoCutRows(wb: Workbench, when: string): Promise<void> {
  for (const view of [INSTANCES, ENTITIES]) {
    const cut = await wb.truncatedTreeRows(view);
    if (cut.length > 0) throw new Error(`${when}: ${view} rows are cut off at the default width: ${cut.join('; ')}`);
  }
}

export const scenario: Scenario = {
  title: 'rows readable at 300 px, the Instances table (pages, sort, filter, keyboard), entity details, the clock',
  timeoutMs: 240_000,
  async run(wb) {
    await openWithEmulator(wb);
    const port = /Durable: :(\d+)/.exec(await wb.waitForStatusBar(/Durable: :\d+/))![1];
    const base = `http://127.0.0.1:${port}`;
    const sideBar = wb.page.locator('.part.sidebar');
    const width = (await sideBar.boundingBox())?.width ?? 0;
    if (Math.abs(width - 300) > 2) throw new Error(`The side bar is ${width} px wide, not VS Code's default 300`);

    // -- 15 instances: 12 named, one with the host's GUID id, one waiting 72 h for an approval, a counter ------------
    for (let i = 1; i <= 12; i++) await start(base, 'helloSequence', `tbl-${String(i).padStart(2, '0')}`);
    const guid = await start(base, 'helloSequence');
    await start(base, 'approvalWorkflow', 'approval-2', { requester: 'Ada' });
    await start(base, 'counterOrchestration', 'tbl-counter', { id: 'tour', amount: 5 });
    await wb.waitForTreeRow(INSTANCES, /^helloSequence tbl-12, Completed, /);
    await wb.waitForTreeRow(INSTANCES, /^counterOrchestration tbl-counter, Completed, /);
    const guidRow = await wb.waitForTreeRow(INSTANCES, new RegExp(`^helloSequence ${guid}, Completed, `));
    const guidText = (await guidRow.innerText()).replace(/\s+/g, ' ');
    if (!guidText.startsWith(`${guid.slice(0, 8)}…`)) throw new Error(`The GUID row reads "${guidText}"`);
    const running = await wb.waitForTreeRow(INSTANCES, /^approvalWorkflow approval-2, Running, since \d\d:\d\d:\d\d$/);
    const runningText = (await running.innerText()).replace(/\s+/g, ' ');
    if (!/^approval-2\s*since \d\d:\d\d:\d\d$/.test(runningText))
      throw new Error(`The running row reads "${runningText}"`);
    await wb.waitForTreeRow(ENTITIES, /^tour\b/);
    await wb.clearNotifications();
    await expectNoCutRows(wb, 'Today');
    await wb.screenshot('50-explorer-default-width');

    // -- The Instances table, from the view's title bar ----------------------------------------------------------------
    const header = wb.view(INSTANCES).locator('.pane-header');
    await header.hover();
    await header.locator('.action-label[aria-label="Open Instances Table"]').click({ timeout: STEP_TIMEOUT_MS });
    await wb.waitForEditorTab('Instances');
    const table = wb.webview();
    const counts = table.getByRole('status');
    await table.getByRole('table', { name: 'Instances' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await counts.filter({ hasText: /^Instances 1–15 of 15 · page 1 of 1$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await table.locator('#page-size').selectOption('10');
    await counts.filter({ hasText: /^Instances 1–10 of 15 · page 1 of 2$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const rows = table.locator('tbody tr');
    if ((await rows.count()) !== 10) throw new Error(`Page 1 shows ${await rows.count()} rows, not 10`);
    await table.getByRole('button', { name: 'Next page' }).click();
    await counts.filter({ hasText: /^Instances 11–15 of 15 · page 2 of 2$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await rows.nth(4).waitFor({ timeout: STEP_TIMEOUT_MS });
    await table.getByRole('button', { name: 'Previous page' }).click();
    await counts.filter({ hasText: /page 1 of 2$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });

    // Sort the page by instance id, descending (two clicks on the header).
    const idHeader = table.getByRole('columnheader', { name: /Instance id/ });
    await idHeader.getByRole('button').click();
    await table.locator('th[aria-sort="ascending"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await idHeader.getByRole('button').click();
    await table.locator('th[aria-sort="descending"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
    const sorted = [...ids].sort((a, b) => b.localeCompare(a, undefined, { numeric: true, sensitivity: 'base' }));
    if (ids.join() !== sorted.join()) throw new Error(`Not sorted by id, descending: ${ids.join(', ')}`);
    await wb.screenshot('51-instances-table');

    // Filter by name prefix (any case): only approval-2, running, its duration ticking.
    await table.getByRole('textbox', { name: 'Name starts with' }).fill('APPROVAL');
    await table.getByRole('textbox', { name: 'Name starts with' }).press('Enter');
    await counts.filter({ hasText: /^Instances 1–1 · page 1$/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await table.locator('tbody tr[data-id="approval-2"] td.col-duration', { hasText: /so far$/ }).waitFor();
    await table.getByRole('button', { name: 'Clear' }).click();
    await counts.filter({ hasText: /of 15/ }).waitFor({ timeout: STEP_TIMEOUT_MS });

    // The keyboard: focus a row, move down, Enter opens that instance's history.
    await rows.first().focus();
    const second = (await rows.nth(1).getAttribute('data-id')) ?? '';
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('Enter');
    await wb.waitForEditorTab(new RegExp(`History: \\w+ ${second.length > 12 ? second.slice(0, 8) : second}`));

    // -- An entity: its row, its state document's header, Signal Entity's suggestions -------------------------------
    const entity = await wb.waitForTreeRow(ENTITIES, /^tour\b/);
    const entityText = (await entity.innerText()).replace(/\s+/g, ' ');
    if (!/^tour\s*10 · \d\d:\d\d:\d\d$/.test(entityText)) throw new Error(`The entity row reads "${entityText}"`);
    await entity.click();
    await wb.waitForEditorTab(/tour/);
    const state = await wb.activeEditorText();
    for (const line of [
      '// Entity: counter',
      '// Key: tour',
      '// Last modified: ',
      '// Locked by: not locked',
      '// Pending operations: 0',
      '// Operations seen: ',
    ]) {
      if (!state.includes(line)) throw new Error(`The entity document has no "${line}":\n${state}`);
    }
    await wb.runCommand('Durable Studio: Signal Entity…');
    await wb.pickItem('counter', { title: 'Signal which entity?' });
    await wb.pickItem('tour', { title: /Signal which entity\? \(counter\)/ });
    await wb.waitForQuickInput({ title: 'Signal @counter@tour' });
    await wb.quickInputRows().filter({ hasText: 'seen on this entity' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    const suggested = await wb.quickInputRows().allInnerTexts();
    if (!suggested.some((text) => /^add\s*seen on this entity/.test(text))) {
      throw new Error(`Signal Entity does not suggest add: ${JSON.stringify(suggested)}`);
    }
    await wb.screenshot('52-entity-details');
    await wb.page.keyboard.press('Escape');

    // -- The clock: three days forward; the status bar shows it, the 72-hour timer fires, rows still fit -----------
    await request(base, 'POST', '/emulator/v1/clock/advance', { ms: 3 * DAY_MS });
    const moved = await wb.waitForStatusBar(/clock \+3 d 0 h \(\d{4}-\d\d-\d\d \d\d:\d\d\)/);
    if (/\d{4}-\d\d-\d\dT|Z\b/.test(moved)) throw new Error(`The status bar shows an ISO time: ${moved}`);
    await wb.waitForTreeRow(INSTANCES, /^approvalWorkflow approval-2, Completed, 3 d 0 h$/);
    await wb.clearNotifications();
    await expectNoCutRows(wb, 'Three days later');
    // A restart keeps the emulated clock where it was.
    await wb.runCommand('Durable Studio: Restart Emulator');
    await wb.waitForStatusBar(/starting|stopping/);
    await wb.waitForStatusBar(/Durable: :\d+ .*clock \+3 d 0 h \(\d{4}-\d\d-\d\d \d\d:\d\d\)/, 60_000);
    // Read again after the restart: created three days before the emulated today, so dated rows (still not cut).
    await wb.waitForTreeRow(INSTANCES, /^approvalWorkflow approval-2, Completed, 3 d 0 h$/);
    await wb.waitForTreeRow(ENTITIES, /^tour\b/);
    await expectNoCutRows(wb, 'After the restart');
    await wb.screenshot('53-clock-kept-after-restart');
  },
};
