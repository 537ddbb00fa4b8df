/**
 * The "Get started with Durable Studio" walkthrough as a new user finds it: *Welcome: Open Walkthrough...* from the
 * palette, the walkthrough picked by its title, its five steps listed (start the emulator, start an orchestration,
 * open a history, debug a replay, lint), then the first step's **Start Emulator** button clicked: the emulator
 * starts (its port in the status bar) and the step, only it, ticks off. Screenshot: 60-walkthrough (the steps, the
 * first ticked, its page beside them).
 */
import type { Scenario } from '../lib/phase.js';
import { STEP_TIMEOUT_MS } from '../lib/workbench.js';

const TITLE = 'Get started with Durable Studio';
const STEPS = [
  'Start the emulator',
  'Start an orchestration',
  'Open a history',
  'Debug a replay',
  'Lint your orchestrators',
];

export const scenario: Scenario = {
  title: 'the Get Started walkthrough: its five steps, Start Emulator from the first one, the step ticked',
  async run(wb) {
    const page = wb.page;
    await page.setViewportSize({ width: 1600, height: 1000 });
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pickItem(TITLE);

    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.locator('.category-title', { hasText: TITLE }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    const steps = walkthrough.locator('.getting-started-step');
    for (const title of STEPS) {
      await steps.filter({ hasText: title }).first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
    }
    const shown = (await steps.locator('.step-title').allInnerTexts()).map((t) => t.trim());
    if (JSON.stringify(shown) !== JSON.stringify(STEPS)) throw new Error(`The steps are ${JSON.stringify(shown)}`);

    // The first step is open; its button runs the command, and the step ticks off.
    const first = steps.filter({ hasText: STEPS[0] }).first();
    await first.locator('.step-description-container').getByRole('button', { name: 'Start Emulator' }).click();
    await wb.waitForStatusBar(/Durable: :\d+/, 60_000);
    await first.locator('.codicon-getting-started-step-checked').waitFor({ timeout: STEP_TIMEOUT_MS });
    const checked = await steps.locator('.codicon-getting-started-step-checked').count();
    if (checked !== 1) throw new Error(`${checked} steps are ticked off; only the first should be`);
    await wb.clearNotifications();
    await wb.movePointerAway();
    await wb.screenshot('60-walkthrough');
  },
};
