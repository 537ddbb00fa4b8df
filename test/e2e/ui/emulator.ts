/**
 * First look: open the Durable Studio view container, start the emulator from the command palette, and see the
 * status bar show the port it runs on and the Instances view switch from "not running" to the live list.
 */
import type { Scenario } from '../lib/phase.js';

export const scenario: Scenario = {
  title: 'open Durable Studio, start the emulator from the palette, see its port in the status bar',
  async run(wb) {
    await wb.openDurableStudio();
    await wb.waitForStatusBar('Durable: stopped');
    // The welcome content offers to start it while it is stopped.
    await wb.view('Instances').getByText('The local emulator is not running.').waitFor();

    await wb.runCommand('Durable Studio: Start Emulator');
    const text = await wb.waitForStatusBar(/Durable: :\d+/);
    const port = /:(\d+)/.exec(text)?.[1];
    if (!port || Number(port) === 0) throw new Error(`The status bar shows no port: "${text}"`);
    await wb.view('Instances').getByText('No instances yet').waitFor();
    await wb.screenshot('01-emulator-running');
  },
};
