/**
 * What a person does in the VS Code workbench, as playwright steps with deadlines: run a command from the palette,
 * answer its questions, open the Durable Studio view container, read and click tree rows, wait for notifications
 * and the status bar, look into webviews, save screenshots. Locators go by ARIA labels and VS Code's stable class
 * names (`.monaco-list-row`, `.quick-input-widget`, `.pane-header`), never by position.
 */
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { RESULTS_DIR } from './paths.js';

/** How long a step may take before the scenario fails. Generous: the machine may be slow, nothing sleeps. */
export const STEP_TIMEOUT_MS = 20_000;

export const STATUS_BAR_ITEM_ID = 'durable-studio.durable-studio.durableStudio.emulator';

export interface TreeRow {
  /** The row's ARIA label (the item's accessibility label, or its label and description). */
  ariaLabel: string;
  /** The visible text (label, description), one line. */
  text: string;
  /** 1 for top-level rows. */
  level: number;
  expanded: boolean | undefined;
}

export class Workbench {
  constructor(readonly page: Page) {}

  // ---- Startup ---------------------------------------------------------------------------------------------

  /** Waits for the workbench and for the extension's status bar item (the extension has activated). */
  async waitForReady(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    await this.statusBarItem().waitFor({ timeout: timeoutMs });
  }

  // ---- Status bar and notifications ------------------------------------------------------------------------

  statusBarItem(): Locator {
    return this.page.locator(`[id="${STATUS_BAR_ITEM_ID}"]`);
  }

  /** Waits until the emulator's status bar item shows `text` and returns what it shows. */
  async waitForStatusBar(text: string | RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<string> {
    const item = this.statusBarItem().filter({ hasText: text });
    await item.waitFor({ timeout: timeoutMs });
    return (await item.innerText()).trim();
  }

  /** Waits for a notification toast whose message contains `text`; returns the toast. */
  async waitForNotification(text: string | RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
    await toast.waitFor({ timeout: timeoutMs });
    return toast;
  }

  /** The messages of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Closes every notification toast (so that screenshots show the views). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  // ---- Command palette and quick input ---------------------------------------------------------------------

  /** Runs a command by its palette title (`Durable Studio: Start Emulator`), as a person does: F1, type, pick. */
  async runCommand(title: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
    const input = this.quickInputBox();
    // A quick input still open (or closing after the previous answer) would swallow F1: close it first.
    if (await input.isVisible()) await this.page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: timeoutMs });
    await this.page.keyboard.press('F1');
    await input.waitFor({ timeout: timeoutMs });
    await input.fill(`>${title}`);
    // A row labelled exactly with the title (the palette appends ", similar commands" or a keybinding).
    const row = this.quickInputRows().and(
      this.page.locator(`[aria-label="${css(title)}"], [aria-label^="${css(title)}, "]`),
    );
    await row.first().click({ timeout: timeoutMs });
  }

  quickInputBox(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  quickInputRows(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  /**
   * Waits for a quick input (pick or box) showing `expect.title` and/or `expect.message` (an input box's prompt or
   * validation message): a question asked after another one reuses the same widget, so this is how to tell them
   * apart.
   */
  async waitForQuickInput(expect: { title?: string | RegExp; message?: string | RegExp }, timeoutMs = STEP_TIMEOUT_MS) {
    let widget = this.page.locator('.quick-input-widget');
    if (expect.title)
      widget = widget.filter({ has: this.page.locator('.quick-input-title', { hasText: expect.title }) });
    if (expect.message) {
      widget = widget.filter({ has: this.page.locator('.quick-input-message', { hasText: expect.message }) });
    }
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Types `text` into the visible input box and accepts it (Enter). */
  async answerInput(text: string, expect: { title?: string | RegExp; message?: string | RegExp } = {}): Promise<void> {
    await this.waitForQuickInput(expect);
    await this.quickInputBox().fill(text);
    await this.quickInputBox().press('Enter');
  }

  /** Picks the quick-pick item whose label is `label` (filtering by typing it first). */
  async pickItem(label: string, expect: { title?: string | RegExp } = {}, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
    await this.waitForQuickInput(expect, timeoutMs);
    await this.quickInputBox().fill(label);
    const row = this.quickInputRows().and(
      this.page.locator(`[aria-label="${css(label)}"], [aria-label^="${css(label)}, "]`),
    );
    await row.first().click({ timeout: timeoutMs });
  }

  // ---- Views -----------------------------------------------------------------------------------------------

  /** Opens the Durable Studio view container from the activity bar (a no-op when it is open). */
  async openDurableStudio(): Promise<void> {
    const item = this.page.locator('.activitybar .action-item').filter({
      has: this.page.locator('.action-label[aria-label^="Durable Studio"]'),
    });
    await item.waitFor({ timeout: STEP_TIMEOUT_MS });
    if (
      (await item.getAttribute('aria-checked')) !== 'true' &&
      !(await item.evaluate((e) => e.classList.contains('checked')))
    ) {
      await item.click();
    }
    await this.view('Instances').waitFor({ timeout: STEP_TIMEOUT_MS });
  }

  /** The pane of a view by its name as shown in its header ("Instances", "Entities"). */
  view(name: string): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${css(name)} "]`) });
  }

  /** The rows of a view's tree as a person reads them, top to bottom. */
  async treeRows(viewName: string): Promise<TreeRow[]> {
    return this.view(viewName)
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows
          .map((row) => ({
            top: Number.parseFloat((row as unknown as Rendered).style.top || '0'),
            ariaLabel: row.getAttribute('aria-label') ?? '',
            text: (row as unknown as Rendered).innerText.replace(/\s+/g, ' ').trim(),
            level: Number(row.getAttribute('aria-level') ?? '1'),
            expanded: row.hasAttribute('aria-expanded') ? row.getAttribute('aria-expanded') === 'true' : undefined,
          }))
          .sort((a, b) => a.top - b.top)
          .map(({ top: _top, ...rest }) => rest),
      );
  }

  /** A view's tree row whose accessible name (ARIA label) contains `text` or matches the regexp. */
  treeRow(viewName: string, text: string | RegExp): Locator {
    return this.view(viewName).getByRole('treeitem', { name: text }).first();
  }

  /** Waits until a row whose ARIA label contains `text` shows in the view; returns it. */
  async waitForTreeRow(viewName: string, text: string | RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<Locator> {
    const row = this.treeRow(viewName, text);
    try {
      await row.waitFor({ timeout: timeoutMs });
    } catch (error) {
      const rows = await this.treeRows(viewName).catch(() => []);
      throw new Error(
        `No row matching ${String(text)} in ${viewName} within ${timeoutMs} ms; rows: ${JSON.stringify(rows.map((r) => r.ariaLabel))}`,
        { cause: error },
      );
    }
    return row;
  }

  /**
   * Right-clicks a row and chooses `action` from its context menu. The item is hovered (the menu focuses it) and
   * then chosen with Enter: VS Code's menus ignore a mouse-up that comes too soon after they open, which makes a
   * plain click flaky.
   */
  async contextMenu(row: Locator, action: string): Promise<void> {
    await row.click({ button: 'right' });
    const item = this.page
      .locator('.monaco-menu .action-item')
      .filter({ has: this.page.locator('.action-label', { hasText: new RegExp(`^${escapeRegExp(action)}$`) }) })
      .first();
    await item.hover({ timeout: STEP_TIMEOUT_MS });
    await this.page.waitForFunction((element) => element?.classList.contains('focused'), await item.elementHandle(), {
      timeout: STEP_TIMEOUT_MS,
    });
    await this.page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  }

  /** The row of a view's tree that has the keyboard focus (VS Code marks it `.focused`). */
  focusedTreeRow(viewName: string): Locator {
    return this.view(viewName).locator('.monaco-list-row.focused');
  }

  /**
   * Presses `key` (ArrowDown, ArrowUp) in the focused tree until the focused row's ARIA label matches `text`, as a
   * person walks a tree with the arrow keys; at most `maxPresses` times. Returns the row.
   */
  async moveTreeFocusTo(viewName: string, text: RegExp, key = 'ArrowDown', maxPresses = 20): Promise<Locator> {
    const focused = this.focusedTreeRow(viewName);
    const wanted = focused.and(this.view(viewName).getByRole('treeitem', { name: text }));
    const seen: string[] = [];
    for (let presses = 0; ; presses++) {
      await focused.waitFor({ timeout: STEP_TIMEOUT_MS });
      const label = (await focused.getAttribute('aria-label')) ?? '';
      seen.push(label);
      if (await wanted.isVisible()) return wanted;
      if (presses >= maxPresses) {
        throw new Error(
          `${key} did not reach a row matching ${String(text)} in ${viewName}; focus went: ${seen.join(' → ')}`,
        );
      }
      await this.page.keyboard.press(key);
      // The list moves its focus on keydown: wait for the mark to leave the row it was on (on the first or last row
      // it stays: an error naming the rows seen).
      const before = this.view(viewName).locator(`.monaco-list-row.focused[aria-label="${css(label)}"]`);
      try {
        await before.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
      } catch (error) {
        throw new Error(
          `${key} did not move the focus in ${viewName} off "${label}"; focus went: ${seen.join(' → ')}`,
          { cause: error },
        );
      }
    }
  }

  /** Rows of a view whose label or description is cut off (an ellipsis), by their ARIA labels. */
  async truncatedTreeRows(viewName: string): Promise<string[]> {
    return this.view(viewName)
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows
          .filter((row) => {
            const label = row.querySelector('.monaco-icon-label-container');
            return label !== null && label.scrollWidth > label.clientWidth + 1;
          })
          .map((row) => row.getAttribute('aria-label') ?? ''),
      );
  }

  /**
   * Drags the sash on the side bar's edge until the side bar is `width` pixels wide, as a person widens it (VS Code
   * remembers the width per workspace). Returns the width it got.
   */
  async resizeSideBar(width: number): Promise<number> {
    const sideBar = this.page.locator('.part.sidebar');
    const box = await sideBar.boundingBox({ timeout: STEP_TIMEOUT_MS });
    if (!box) throw new Error('The side bar is not shown');
    const edge = box.x + box.width;
    const sashes = await this.page
      .locator('.monaco-sash.vertical:not(.disabled)')
      .evaluateAll((elements) => elements.map((e) => (e as unknown as Boxed).getBoundingClientRect().toJSON()));
    const sash = sashes.find((s) => Math.abs(s.x + s.width / 2 - edge) <= 4 && s.height > 0);
    if (!sash) throw new Error(`No sash on the side bar's edge (x ${edge}) among ${JSON.stringify(sashes)}`);
    const x = sash.x + sash.width / 2;
    const y = sash.y + sash.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + (width - box.width), y, { steps: 10 });
    await this.page.mouse.up();
    const got = (await sideBar.boundingBox())?.width ?? 0;
    if (Math.abs(got - width) > 2) throw new Error(`The side bar is ${got} px wide after the drag, not ${width}`);
    return got;
  }

  // ---- Themes ----------------------------------------------------------------------------------------------

  /**
   * Picks a colour theme from "Preferences: Color Theme" by its label ("Light Modern", "Dark High Contrast") and
   * waits until the workbench shows it: `kind` is the workbench's theme class (`vs`, `vs-dark`, `hc-black`,
   * `hc-light`). VS Code saves the choice in the user settings.
   */
  async setColorTheme(label: string, kind: ThemeKind): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    // The palette turns into the theme picker (same widget): wait for its prompt before typing.
    await this.page
      .locator('.quick-input-widget .quick-input-box input[placeholder*="Color Theme"]')
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    await this.quickInputBox().fill(label);
    const row = this.quickInputRows().and(
      this.page.locator(`[aria-label="${css(label)}"], [aria-label^="${css(label)}, "]`),
    );
    await row.first().click({ timeout: STEP_TIMEOUT_MS });
    await this.page.locator(THEME_CLASSES[kind]).waitFor({ timeout: STEP_TIMEOUT_MS });
    await this.quickInputBox().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }

  // ---- Editors and webviews --------------------------------------------------------------------------------

  /** The labels of the open editor tabs. */
  async editorTabs(): Promise<string[]> {
    return this.page
      .locator('.tabs-container .tab')
      .evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? ''));
  }

  /** Waits for an editor tab whose label contains `text`. */
  async waitForEditorTab(text: string | RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<Locator> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: text }).first();
    await tab.waitFor({ timeout: timeoutMs });
    return tab;
  }

  /** The text of the active text editor (what the person reads, line by line as rendered). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await lines.waitFor({ timeout: STEP_TIMEOUT_MS });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * The content of the visible webview (VS Code nests the extension's document in two iframes). With several
   * webviews open, the one whose host iframe is visible.
   */
  webview(): FrameLocator {
    return this.page
      .locator('iframe.webview.ready:visible')
      .first()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }

  /** Moves the mouse to an empty spot of the title bar: nothing shows a hover colour or tooltip. */
  async movePointerAway(): Promise<void> {
    const width = this.page.viewportSize()?.width ?? 1280;
    await this.page.mouse.move(width - 200, 12);
  }

  // ---- Artefacts -------------------------------------------------------------------------------------------

  /**
   * Saves a screenshot of the whole window (or of `part`, e.g. the side bar) as test-results/e2e/<name>.png; returns
   * its path. The mouse moves to an empty spot of the title bar first, so no hover tooltip covers what the picture is
   * for.
   */
  async screenshot(name: string, part?: Locator): Promise<string> {
    const file = path.join(RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
    await this.movePointerAway();
    if (part) await part.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    return file;
  }
}

/** The workbench's class for each kind of colour theme (on `.monaco-workbench`). */
export type ThemeKind = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

const THEME_CLASSES: Record<ThemeKind, string> = {
  vs: '.monaco-workbench.vs:not(.vs-dark)',
  'vs-dark': '.monaco-workbench.vs-dark',
  'hc-black': '.monaco-workbench.hc-black',
  'hc-light': '.monaco-workbench.hc-light',
};

interface Boxed {
  getBoundingClientRect(): { toJSON(): { x: number; y: number; width: number; height: number } };
}

/** The parts of a DOM element read in the page (this project compiles without the DOM library). */
interface Rendered {
  innerText: string;
  style: { top: string };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escapes a value for a double-quoted CSS attribute selector. */
function css(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
