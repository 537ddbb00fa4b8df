/**
 * The replay debugger as a person uses it: Debug Replay from a completed instance's context menu, the session
 * pauses on entry in the orchestrator's TypeScript source, Step Over twice moves down the orchestrator, Step Back
 * returns, and the Variables view shows the current event and the orchestration. Screenshot: the paused editor with
 * the variables (30-replay-debugger.png).
 */
import type { Scenario } from '../lib/phase.js';
import { INSTANCES, openWithEmulator, startOrchestration } from '../lib/uiSteps.js';
import type { Workbench } from '../lib/workbench.js';

type LineTest = { kind: 'any' } | { kind: 'after'; line: number } | { kind: 'at'; line: number };

/**
 * Waits (the page polls, with a deadline) until the top frame of the Call Stack view ("helloSequence.ts 15:35")
 * is at a line that passes `test`, and returns that line.
 */
async function waitForTopFrameLine(wb: Workbench, test: LineTest, what: string): Promise<number> {
  // Evaluated in the page (a string: this file is type-checked without the DOM library).
  const predicate = `(() => {
    const t = ${JSON.stringify(test)};
    const frame = document.querySelector('.debug-call-stack .monaco-list-row .stack-frame');
    const match = /helloSequence\\.ts\\s*(\\d+):\\d+/.exec(frame ? frame.textContent : '');
    if (!match) return false;
    const line = Number(match[1]);
    const ok = t.kind === 'any' || (t.kind === 'after' ? line > t.line : line === t.line);
    return ok ? line : false;
  })()`;
  const handle = await wb.page.waitForFunction(predicate, undefined, { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
  return (await handle.jsonValue()) as number;
}

export const scenario: Scenario = {
  title: 'Debug Replay from the explorer: pause on entry, step forwards and back, variables',
  timeoutMs: 150_000,
  async run(wb) {
    await openWithEmulator(wb);
    await startOrchestration(wb, 'helloSequence', 'debug-hello');
    const row = await wb.waitForTreeRow(INSTANCES, /^helloSequence debug-hello, Completed,/);

    await wb.contextMenu(row, 'Debug Replay');
    await wb.waitForEditorTab('helloSequence.ts');
    const entry = await waitForTopFrameLine(wb, { kind: 'any' }, 'the stop on entry');

    await wb.runCommand('Debug: Step Over');
    const first = await waitForTopFrameLine(wb, { kind: 'after', line: entry }, 'the first step');
    await wb.runCommand('Debug: Step Over');
    const second = await waitForTopFrameLine(wb, { kind: 'after', line: first }, 'the second step');
    // Step Back has no palette entry: the debug toolbar's button (shown because the adapter supports it).
    await wb.page.locator('.debug-toolbar .action-label[aria-label^="Step Back"]').click();
    await waitForTopFrameLine(wb, { kind: 'at', line: first }, 'the step back');

    const variables = wb.page.locator('.debug-variables .monaco-list-row');
    await variables.filter({ hasText: 'Current event' }).first().waitFor();
    await variables.filter({ hasText: 'Orchestration' }).first().waitFor();
    console.log(`    replay: entry line ${entry}, steps to ${first} and ${second}, back to ${first}`);
    await wb.movePointerAway();
    await wb.screenshot('30-replay-debugger');
    await wb.runCommand('Debug: Stop');
  },
};
