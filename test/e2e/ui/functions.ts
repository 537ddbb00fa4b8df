/**
 * The Functions view as a person sees it at the side bar's default width: expanded from its (collapsed) header
 * (Instances and Entities folded to make room), one row per HTTP trigger with its route, the durable functions under a collapsed "Durable" node, and Copy URL from a
 * row's context menu. Screenshot: 07-functions-view.
 */
import type { Scenario } from '../lib/phase.js';
import { ENTITIES, INSTANCES, openWithEmulator } from '../lib/uiSteps.js';

const FUNCTIONS = 'Functions';

export const scenario: Scenario = {
  title: 'the Functions view: trigger summaries, the Durable node, Copy URL',
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

    const ping = await wb.waitForTreeRow(FUNCTIONS, /^ping, http · GET \/api\/ping$/);
    await wb.waitForTreeRow(FUNCTIONS, /^httpStart, http · POST \/api\/orchestrators\/\{orchestratorName\}$/);
    const durable = await wb.waitForTreeRow(FUNCTIONS, /^Durable\b/);
    if ((await durable.getAttribute('aria-expanded')) !== 'false') throw new Error('The Durable node is not collapsed');
    await durable.click();
    await wb.waitForTreeRow(FUNCTIONS, /^helloSequence, orchestration$/);

    await wb.contextMenu(ping, 'Copy URL');
    await wb.page
      .locator('.statusbar')
      .filter({ hasText: /copied http:\/\/127\.0\.0\.1:\d+\/api\/ping/ })
      .waitFor({ timeout: 5000 });
    await wb.movePointerAway();
    await wb.screenshot('07-functions-view');
  },
};
