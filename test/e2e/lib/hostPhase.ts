/**
 * Runs the extension-host tests: the workbench opens the workspace with the extension under development and the
 * bundled tests (the `payload` URL), VS Code runs `run()` in the Node extension host and calls
 * `codeAutomationExit(code)` when it settles. The tests' lines come through `codeAutomationLog` (the extension
 * host's console); their counts through a JSON file, so a run in which nothing passed fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ENV_GREP, ENV_RESULTS_FILE, OUTPUT_PREFIX, type HostTestResults } from '../host/protocol.js';
import { startCodeServer } from './codeServer.js';
import { REPO_ROOT, RESULTS_DIR } from './paths.js';
import type { PhaseOutcome } from './phase.js';
import { createSandbox, keepLogs, WORKBENCH_LOG } from './sandbox.js';

export interface HostPhaseOptions {
  /** The bundled tests' entry (see `bundleHostTests`). */
  testsEntry: string;
  grep?: string;
  keep: boolean;
  timeoutMs: number;
}

export async function runHostTests(browser: Browser, options: HostPhaseOptions): Promise<PhaseOutcome> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const sandbox = createSandbox('host');
  const resultsFile = path.join(sandbox.root, 'host-results.json');
  const workbenchLog = fs.createWriteStream(path.join(sandbox.root, WORKBENCH_LOG));
  const server = await startCodeServer(sandbox, {
    env: { [ENV_RESULTS_FILE]: resultsFile, ...(options.grep ? { [ENV_GREP]: options.grep } : {}) },
  });
  console.log(`  code-server listening on :${server.port} (${elapsed()})`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let outcome: Omit<PhaseOutcome, 'name' | 'durationMs'>;
  try {
    const page = await context.newPage();
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
      workbenchLog.write(`[${type}] ${text}\n`);
      if (text.startsWith(OUTPUT_PREFIX)) console.log(`  ${text.slice(OUTPUT_PREFIX.length)}`);
    });
    page.on('pageerror', (error) => workbenchLog.write(`[pageerror] ${error.stack ?? error.message}\n`));

    const url = server.workbenchUrl(sandbox.workspace, [
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(options.testsEntry)],
    ]);
    await page.goto(url);
    console.log(`  workbench loaded, waiting for the tests (${elapsed()})`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout') {
      await page.screenshot({ path: path.join(RESULTS_DIR, 'failure-host-timeout.png') }).catch(() => undefined);
    }
    outcome = judge(code, readResults(resultsFile), options.timeoutMs);
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
    await new Promise<void>((resolve) => workbenchLog.end(resolve));
  }
  const logs = keepLogs(sandbox, RESULTS_DIR, 'host');
  const tail = server.logTail();
  if (!options.keep) sandbox.remove();
  return {
    name: 'host',
    durationMs: Date.now() - started,
    ...outcome,
    ...(outcome.ok ? {} : { logs: [`code-server log (tail):\n${tail}`, `logs: ${logs.join(', ')}`] }),
  };
}

/** Passes only when the workbench exited with 0, the results were written, nothing failed and something passed. */
function judge(
  code: number | 'timeout',
  results: HostTestResults | undefined,
  timeoutMs: number,
): Omit<PhaseOutcome, 'name' | 'durationMs'> {
  if (code === 'timeout') return { ok: false, detail: `the tests did not finish within ${timeoutMs / 1000} s` };
  if (!results)
    return { ok: false, detail: `the workbench exited with ${code} but no test reported (did run() load?)` };
  const counts = `${results.passed} passed, ${results.failed} failed, ${results.pending} pending`;
  if (code !== 0 || results.failed > 0) {
    const failures = results.failures.map((f) => `\n  ✘ ${f.title}: ${f.error.split('\n')[0]}`).join('');
    return { ok: false, detail: `${counts} (exit ${code})${failures}` };
  }
  if (results.passed === 0) return { ok: false, detail: `${counts}: a run that checks nothing fails` };
  return { ok: true, detail: counts };
}

function readResults(file: string): HostTestResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HostTestResults;
  } catch {
    return undefined;
  }
}
