/**
 * The replay debugger as a person uses it: Debug Replay from a completed instance's context menu, the session
 * pauses on entry in the orchestrator's TypeScript source, Step Over twice moves down the orchestrator, Step Back
 * returns, the yield lines show what they received inline, the history view beside marks the current event, and the
 * Variables view shows the current event and the orchestration; Inspect Local Variables from the debug toolbar shows
 * the orchestrator's own variables in VS Code's JavaScript debugger. All at VS Code's default size (1600×1000, the
 * editor split between the source and the history): the inline results fit beside the code, and the debugger and the
 * history view name the current event by the same number (the history's `#`). Screenshots: the paused editor with
 * the inline results, the variables and the history (30-replay-debugger.png), and the orchestrator's locals
 * (31-replay-locals).
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

/**
 * Waits until an editor line shows `text` after its code: a decoration's text is a `::after` pseudo-element's
 * content or an injected span, depending on the VS Code version, so both are read (in the page, with a deadline).
 */
async function waitForInlineText(wb: Workbench, text: string): Promise<void> {
  const predicate = `(() => {
    const wanted = ${JSON.stringify(text)};
    for (const span of document.querySelectorAll('.monaco-editor .view-line span')) {
      // A CSS string: quoted, with its quotes escaped.
      const after = getComputedStyle(span, '::after').content.replace(/\\\\(.)/g, '$1');
      if ((span.textContent || '').includes(wanted) || (after && after.includes(wanted))) return true;
    }
    return false;
  })()`;
  await wb.page.waitForFunction(predicate, undefined, { timeout: 30_000 }).catch((error: unknown) => {
    throw new Error(`inline text ${text}: ${error instanceof Error ? error.message : String(error)}`);
  });
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
    // The history view opens beside the source: wait for it, as a person would, before stepping.
    await wb.webview().getByRole('grid', { name: 'History events' }).waitFor({ timeout: 30_000 });

    await wb.runCommand('Debug: Step Over');
    const first = await waitForTopFrameLine(wb, { kind: 'after', line: entry }, 'the first step');
    await wb.runCommand('Debug: Step Over');
    const second = await waitForTopFrameLine(wb, { kind: 'after', line: first }, 'the second step');
    // Step Back has no palette entry: the debug toolbar's button (shown because the adapter supports it).
    await wb.page.locator('.debug-toolbar .action-label[aria-label^="Step Back"]').click();
    await waitForTopFrameLine(wb, { kind: 'at', line: first }, 'the step back');

    // Paused after the first completion: its yield line shows the result, inline after the code.
    await waitForInlineText(wb, '= "Hello Tokyo!"');
    // The history view beside the source marks the event the replay is at.
    await wb.webview().locator('.row.replay-current').filter({ hasText: 'TaskCompleted' }).first().waitFor();

    const variables = wb.page.locator('.debug-variables .monaco-list-row');
    await variables.filter({ hasText: 'Current event' }).first().waitFor();
    await variables.filter({ hasText: 'Orchestration' }).first().waitFor();
    console.log(`    replay: entry line ${entry}, steps to ${first} and ${second}, back to ${first}`);
    // One numbering: the Call Stack's frame ("helloSequence · event #2 TaskCompleted") and the history row the view
    // marks (its `#` column) name the same event.
    const frameText = (await wb.page.locator('.debug-call-stack .monaco-list-row .stack-frame').first().innerText())
      .replace(/\s+/g, ' ')
      .trim();
    const debuggerNumber = /event #(\d+)/.exec(frameText)?.[1];
    // The marked row's `#` cell reads "▶2": the marker, then the number.
    const historyNumber = (await wb.webview().locator('.row.replay-current .c-index').first().innerText()).replace(
      /\D/g,
      '',
    );
    if (debuggerNumber === undefined || debuggerNumber !== historyNumber)
      throw new Error(`the debugger says "${frameText}", the history marks row #${historyNumber}`);
    console.log(`    replay: the debugger and the history agree on event #${historyNumber}`);
    // The source's group gets the larger share, as a person does for a split with long code lines: the (short)
    // inline results then fit after the code.
    await wb.runCommand('View: Focus First Editor Group');
    for (let i = 0; i < 5; i++) await wb.runCommand('Increase Editor Width');
    await variables
      .filter({ hasText: /number.*\b2\b/ })
      .first()
      .waitFor();
    await wb.movePointerAway();
    await wb.screenshot('30-replay-debugger');

    // Inspect Local Variables (the debug toolbar's button): VS Code's JavaScript debugger stops in the orchestrator
    // with its own variables at this position (the installed, minified bundle's stop, and its frame selection).
    await wb.page.locator('.debug-toolbar .action-label[aria-label^="Inspect Local Variables"]').click();
    await variables
      .filter({ hasText: /outputs/ })
      .filter({ hasText: 'Hello Tokyo!' })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        // What the debugger shows instead: which sessions and frames, which variables.
        const rows = async (selector: string) =>
          (
            await wb.page
              .locator(selector)
              .allInnerTexts()
              .catch(() => [])
          ).map((text) => text.replace(/\s+/g, ' '));
        throw new Error(
          `${error instanceof Error ? error.message.split('\n')[0] : String(error)}; call stack: ${JSON.stringify(await rows('.debug-call-stack .monaco-list-row'))}; variables: ${JSON.stringify(await rows('.debug-variables .monaco-list-row'))}`,
          { cause: error },
        );
      });
    // The Call Stack names the replay position (CSS shows it in capitals), not a "debugger statement".
    const callStack = wb.page.locator('.debug-call-stack');
    await callStack
      .getByText(/paused at replay event #\d+/i)
      .first()
      .waitFor();
    if (/debugger statement/i.test(await callStack.innerText()))
      throw new Error(`the Call Stack still says "debugger statement": ${await callStack.innerText()}`);
    // Nor is the replay's minified bundle left open in a tab.
    await wb.page.locator('.tabs-container .tab', { hasText: 'replay.js' }).first().waitFor({ state: 'detached' });
    await wb.movePointerAway();
    await wb.screenshot('31-replay-locals');
    await wb.runCommand('Debug: Continue');
    // The replay pauses again at its position: its Variables are back.
    await variables.filter({ hasText: 'Current event' }).first().waitFor();
    await wb.runCommand('Debug: Stop');
  },
};
