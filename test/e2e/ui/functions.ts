/**
 * The Functions view as a person sees it at the side bar's default width: expanded from its (collapsed) header
 * (Instances and Entities folded to make room), one row per HTTP trigger with its route, the durable functions under a collapsed "Durable" node, and Copy URL from a
 * row's context menu. Screenshot: 07-functions-view.
 */
import type { Scenario } from '../lib/phase.js';
import { ENTITIES, INSTANCES, openWithEmulator } from '../lib/uiSteps.js';

const FUNCTIONS = 'Functions';

export const scenario: Scenario = {
  title: 'the Functions view: trigger summaries, the timer schedule, Copy URL',
  async run(wb) {
    await openWithEmulator(wb);
    // Room for the Functions view: Instances and Entities folded, as a person does to look at one view.
    for (const [view, expanded] of [
      [INSTANCES, false],
      [ENTITIES, false],
      [FUNCTIONS, true],
    ] as const) {
      const header = wb.view(view).locator('.pane-header');
      // On its title: the header's action buttons (Start Orchestration…) sit on the rest of it.
      if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded)
        await header.locator('.title').click();
    }

    const counterGet = await wb.waitForTreeRow(FUNCTIONS, /^counterGet, http · GET \/api\/counter\/\{id\}$/);
    await wb.waitForTreeRow(FUNCTIONS, /^nightlyReport, timer · 0 0 2 \* \* \*$/);
    await wb.waitForTreeRow(FUNCTIONS, /^httpStart, http · POST \/api\/orchestrators\/\{orchestratorName\}$/);
    // The Durable node (collapsed, below these rows at this size) is checked by the host test (functions.test.ts).

    await wb.contextMenu(counterGet, 'Copy URL');
    await wb.page
      .locator('.statusbar')
      .filter({ hasText: /copied http:\/\/127\.0\.0\.1:\d+\/api\/counter\/\{id\}/ })
      .waitFor({ timeout: 5000 });
    await wb.movePointerAway();
    await wb.screenshot('07-functions-view');
  },
};
