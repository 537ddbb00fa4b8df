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
 * The Durable Studio views open in a window of VS Code's default layout as a new user has it (1600×1000, the side
 * bar at its default 300 px: the README's pictures are taken so), and the emulator started from the palette and
 * running (its port in the status bar).
 */
export async function openWithEmulator(wb: Workbench): Promise<void> {
  await wb.page.setViewportSize({ width: 1600, height: 1000 });
  await wb.openDurableStudio();
  await wb.runCommand('Durable Studio: Start Emulator');
  await wb.waitForStatusBar(/Durable: :\d+/);
}
