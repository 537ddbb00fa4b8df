/**
 * Runs the UI scenarios (`test/e2e/ui/*.ts`), each on its own fresh code-server, workspace copy and browser context:
 * the extension installed the way a person installs it (the packaged .vsix, `--install-extension`), the workbench opened
 * on the example app, then the scenario clicks and types. A failure saves `failure-<name>.png` and the logs. Scenarios
 * share nothing but the browser, so a few can run at once (`runInLanes`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { startCodeServer } from './codeServer.js';
import { REPO_ROOT, RESULTS_DIR } from './paths.js';
import type { LaneTask } from './lanes.js';
import type { PhaseOutcome, Scenario } from './phase.js';
import { createSandbox, keepLogs } from './sandbox.js';
import { installVsix, packageVsix } from './vsix.js';
import { Workbench } from './workbench.js';

const UI_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'ui');
const DEFAULT_TIMEOUT_MS = 90_000;

export interface UiPhaseOptions {
  grep?: string;
  keep: boolean;
}

/** The scenario files, in name order, whose base name matches `grep` (all without). */
export function scenarioNames(grep?: string): string[] {
  const pattern = grep ? new RegExp(grep) : undefined;
  return fs
    .readdirSync(UI_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .filter((name) => !pattern || pattern.test(name))
    .sort();
}

/** One task per scenario, for `runInLanes`; packages the .vsix they install first (once). */
export function uiScenarioTasks(browser: Browser, options: UiPhaseOptions): LaneTask<PhaseOutcome>[] {
  const names = scenarioNames(options.grep);
  if (names.length) packageVsix();
  return names.map((name) => ({ label: `ui/${name}`, run: () => runScenario(browser, name, options) }));
}

async function runScenario(browser: Browser, name: string, options: UiPhaseOptions): Promise<PhaseOutcome> {
  const started = Date.now();
  const label = `ui/${name}`;
  const loaded = (await import(pathToFileURL(path.join(UI_DIR, `${name}.ts`)).href)) as {
    scenario?: Scenario;
    default?: { scenario?: Scenario };
  };
  const scenario = loaded.scenario ?? loaded.default?.scenario;
  if (!scenario) return { name: label, ok: false, detail: `${name}.ts exports no \`scenario\``, durationMs: 0 };
  console.log(`  ${label}: ${scenario.title}`);

  const sandbox = createSandbox(`ui-${name}`);
  await installVsix(sandbox, packageVsix());
  const installed = Date.now();
  const server = await startCodeServer(sandbox);
  console.log(
    `    installed (${((installed - started) / 1000).toFixed(1)} s), code-server up (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const pageErrors: string[] = [];
  let failure: { error: unknown; screenshot: string } | undefined;
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const workbench = new Workbench(page);
    const timeoutMs = scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the scenario did not finish within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([
        (async () => {
          await page.goto(server.workbenchUrl(sandbox.workspace));
          await workbench.waitForReady();
          console.log(`    workbench ready, extension active (${((Date.now() - started) / 1000).toFixed(1)} s)`);
          await scenario.run(workbench);
        })(),
        timedOut,
      ]);
    } catch (error) {
      failure = { error, screenshot: await workbench.screenshot(`failure-${name}`).catch(() => '(none)') };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
  const logs = keepLogs(sandbox, RESULTS_DIR, `ui-${name}`);
  const tail = server.logTail();
  if (!options.keep) sandbox.remove();
  const durationMs = Date.now() - started;
  if (!failure) return { name: label, ok: true, detail: scenario.title, durationMs };
  const message =
    failure.error instanceof Error ? (failure.error.stack ?? failure.error.message) : String(failure.error);
  return {
    name: label,
    ok: false,
    detail: message.split('\n')[0]!,
    durationMs,
    logs: [
      message,
      `screenshot: ${failure.screenshot}`,
      `page errors: ${pageErrors.slice(-5).join(' | ') || 'none'}`,
      `code-server log (tail):\n${tail}`,
      // CI keeps only what is printed: the tails of the extension's and the extension host's logs go with it.
      ...logs
        .filter((file) => /-(extension|exthost|workbench)\.log$/.test(file))
        .map((file) => `${path.basename(file)} (tail):\n${logTail(file, 40)}`),
      `logs: ${logs.join(', ')}`,
    ],
  };
}

/** The last `lines` lines of a log file. */
function logTail(file: string, lines: number): string {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
