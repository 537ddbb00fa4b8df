/** Steps the UI scenarios share, done as a person does them (palette, pickers, input boxes). */
import type { Workbench } from './workbench.js';

export const INSTANCES = 'Instances';
export const ENTITIES = 'Entities';

/**
 * Start Orchestration… from the palette: pick the orchestrator, type an id, type the input JSON; then, as a person
 * does, wait to see it appear in the Instances view (the command reveals it) before doing the next thing.
 */
export async function startOrchestration(wb: Workbench, name: string, instanceId: string, input = ''): Promise<void> {
  await wb.runCommand('Durable Studio: Start Orchestration…');
  await wb.pickItem(name, { title: 'Start orchestration' });
  await wb.answerInput(instanceId, { title: `Start ${name}`, message: /Instance id/ });
  await wb.answerInput(input, { title: `Start ${name}`, message: /Input/ });
  await wb.waitForTreeRow(INSTANCES, new RegExp(`^${name} ${instanceId},`));
}

/**
 * A 1600×1000 window (room for the history table beside the side bar), the Durable Studio views open (the side
 * bar widened to `sideBarWidth` when given, so tree rows show their times in full), and the emulator started
 * from the palette and running (its port in the status bar).
 */
export async function openWithEmulator(wb: Workbench, sideBarWidth?: number): Promise<void> {
  await wb.page.setViewportSize({ width: 1600, height: 1000 });
  await wb.openDurableStudio();
  if (sideBarWidth !== undefined) await wb.resizeSideBar(sideBarWidth);
  await wb.runCommand('Durable Studio: Start Emulator');
  await wb.waitForStatusBar(/Durable: :\d+/);
}
