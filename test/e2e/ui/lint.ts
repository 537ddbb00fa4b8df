/**
 * The determinism linter as a person meets it: open an orchestrator of the example app, type `Date.now()` into it,
 * see the red squiggle under it, read why in the hover and in the Problems panel, then fix it with the light bulb's
 * quick fix (Ctrl+.) and see the squiggle go. Screenshots: 20-lint-diagnostic, 21-lint-quickfix.
 *
 * Editor steps go through the command palette ("Go to File...", "Go to Line/Column...") rather than browser key
 * chords the page may not get (Ctrl+P is the browser's print). Text is inserted in one go (`insertText`), so no
 * suggestion widget or auto-closed bracket gets in between the keystrokes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { EXAMPLE_APP } from '../lib/paths.js';
import type { Scenario } from '../lib/phase.js';
import { STEP_TIMEOUT_MS, type Workbench } from '../lib/workbench.js';

const FILE = 'helloSequence.ts';
const ANCHOR = 'const outputs: string[] = [];';
const TYPED = 'const startedAt = Date.now();';
const FIXED = 'const startedAt = context.df.currentUtcDateTime.getTime();';

/** The active editor (the one with the keyboard focus's group). */
function editor(wb: Workbench): Locator {
  return wb.page.locator('.editor-group-container.active .monaco-editor').first();
}

async function openFileAtLine(wb: Workbench, name: string, line: number): Promise<void> {
  await wb.runCommand('Go to File...');
  await wb.quickInputBox().fill(name);
  await wb.quickInputRows().filter({ hasText: name }).first().click({ timeout: STEP_TIMEOUT_MS });
  await wb.waitForEditorTab(name);
  await editor(wb).locator('.view-lines').waitFor({ timeout: STEP_TIMEOUT_MS });
  await wb.runCommand('Go to Line/Column...');
  await wb.quickInputBox().fill(`:${line}`);
  await wb.quickInputBox().press('Enter');
  await wb.quickInputBox().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
}

export const scenario: Scenario = {
  title: 'Date.now() typed into an orchestrator: squiggle, hover and Problems, then the quick fix',
  timeoutMs: 120_000,
  async run(wb) {
    const page = wb.page;
    const source = fs.readFileSync(path.join(EXAMPLE_APP, 'src', 'functions', FILE), 'utf8');
    const anchorLine = source.split('\n').findIndex((line) => line.includes(ANCHOR)) + 1;
    if (anchorLine === 0) throw new Error(`${FILE} has no line "${ANCHOR}"`);

    // -- Type Date.now() into the orchestrator, on a new line after `const outputs ...` ---------------------------
    await openFileAtLine(wb, FILE, anchorLine);
    // Go to Line reveals the line; a click on it puts the cursor there even if the editor restored an older
    // position after the command ran.
    await editor(wb).locator('.view-line').filter({ hasText: ANCHOR }).first().click({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('End');
    await page.keyboard.press('Enter'); // The editor indents the new line.
    await page.keyboard.insertText(TYPED);
    // The view's line elements are not in line order in the DOM: compare where they are drawn.
    const typedLine = editor(wb).locator('.view-line').filter({ hasText: TYPED }).first();
    await typedLine.waitFor({ timeout: STEP_TIMEOUT_MS });
    const anchorBox = await editor(wb).locator('.view-line').filter({ hasText: ANCHOR }).first().boundingBox();
    const typedBox = await typedLine.boundingBox();
    if (!anchorBox || !typedBox || Math.abs(typedBox.y - anchorBox.y - anchorBox.height) > 1) {
      throw new Error(`"${TYPED}" is not on the line after "${ANCHOR}" (${anchorBox?.y} → ${typedBox?.y})`);
    }
    const squiggle = editor(wb).locator('.squiggly-error');
    await squiggle.first().waitFor({ timeout: 30_000 });

    // -- Why: the Problems panel lists it with the rule; the hover explains it ------------------------------------
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'no-current-time' }).first();
    await problem.waitFor({ timeout: STEP_TIMEOUT_MS });
    const problemText = await problem.innerText();
    if (!/durable-lint/.test(problemText)) throw new Error(`The Problems row names no source: ${problemText}`);
    await wb.runCommand('View: Focus Active Editor Group');
    // Into `Date.now()` (the cursor is after the `;`), then the hover, as Ctrl+K Ctrl+I shows it.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await wb.runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover').filter({ hasText: 'no-current-time' }).first();
    await hover.waitFor({ timeout: STEP_TIMEOUT_MS });
    // The hover offers the quick fix once the code actions are in ("Checking for quick fixes..." before).
    await hover.filter({ hasText: /Quick Fix/ }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.screenshot('20-lint-diagnostic');

    // -- The light bulb's quick fix (Ctrl+.) ---------------------------------------------------------------------
    await page.keyboard.press('Escape'); // Close the hover; the cursor stays in Date.now().
    await hover.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Control+.');
    // The preferred fix is focused first; walk to it with the arrow keys should anything come before it.
    const rows = page.locator('.action-widget .monaco-list-row');
    const fix = rows.filter({ hasText: /currentUtcDateTime/ }).first();
    await fix.waitFor({ timeout: STEP_TIMEOUT_MS });
    for (let presses = 0; !(await fix.evaluate((row) => row.classList.contains('focused'))); presses++) {
      if (presses >= 5) throw new Error(`The quick fix is not reachable: ${(await rows.allInnerTexts()).join(' | ')}`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });

    const text = await wb.activeEditorText();
    if (!text.includes(FIXED)) throw new Error(`The quick fix did not write "${FIXED}":\n${text}`);
    await squiggle.first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await page
      .locator('.markers-panel .monaco-list-row')
      .filter({ hasText: 'no-current-time' })
      .first()
      .waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await wb.screenshot('21-lint-quickfix');
  },
};
