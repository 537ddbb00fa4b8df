/**
 * The end-to-end run: the extension in a real VS Code (code-server 4.100.3) driven by headless Chromium.
 *
 *   node --import tsx test/e2e/run.ts [--host] [--ui] [--grep <regexp>] [--no-build] [--keep] [--timeout <s>]
 *                                     [--jobs <n>] [--update-images]
 *
 * --host  the extension-host tests (test/e2e/host/*.test.ts, mocha TDD, real `vscode` API)
 * --ui    the UI scenarios (test/e2e/ui/*.ts, what a person sees, screenshots in test-results/e2e/)
 * Neither: both. --grep filters host tests by title and UI scenarios by file name. --keep leaves the temporary
 * workspaces and the test bundle in place. --timeout bounds the host tests as a whole (mocha bounds each test to
 * 60 s; each UI scenario has its own bound). --update-images copies the screenshots the docs show into docs/images
 * when every UI scenario passed (test/e2e/docImages.ts). --jobs runs that many parts (the host tests, each UI
 * scenario) at once, each on its own code-server and browser context (default 2). Run `node scripts/e2e-setup.mjs` first (npm run test:e2e does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildExtension, bundleHostTests } from './lib/build.js';
import { runHostTests } from './lib/hostPhase.js';
import { DOC_IMAGES } from './docImages.js';
import { CHROMIUM, checkTools, HOST_TESTS_DIR, REPO_ROOT, RESULTS_DIR } from './lib/paths.js';
import type { PhaseOutcome } from './lib/phase.js';
import { runInLanes, type LaneTask } from './lib/lanes.js';
import { uiScenarioTasks } from './lib/uiPhase.js';

// The emulators the extension starts get a private Azurite on ports the OS chooses (see test/integration/harness.ts).
process.env['DURABLE_STUDIO_AZURITE_PORTS'] ??= '0';
// The installed .vsix has no node_modules and each scenario a fresh home: use the repository's Azurite rather than
// installing it into every scenario's cache.
process.env['DURABLE_STUDIO_AZURITE_DIR'] ??= path.resolve(__dirname, '../../node_modules/azurite');

const USAGE = `node --import tsx test/e2e/run.ts [--host] [--ui] [--grep <regexp>] [--no-build] [--keep] [--timeout <s>] [--jobs <n>]
  --host        only the extension-host tests (test/e2e/host/*.test.ts)
  --ui          only the UI scenarios (test/e2e/ui/*.ts; screenshots in test-results/e2e/)
  --grep <re>   host tests whose title matches, UI scenarios whose file name matches
  --no-build    use the current dist/ (default: build first)
  --keep        keep the temporary workspaces and the test bundle
  --timeout <s> bound for the host tests as a whole (default 420)
  --jobs <n>    how many parts (the host tests, each UI scenario) run at once, each on its own code-server (default 2)
  --update-images  after passing UI scenarios, copy the screenshots the docs show into docs/images`;

/** Flags from the reference (vscode-testing.md): no sandbox as root, no GPU, nothing that phones home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      host: { type: 'boolean', default: false },
      ui: { type: 'boolean', default: false },
      grep: { type: 'string' },
      build: { type: 'boolean', default: true },
      keep: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '420' },
      jobs: { type: 'string', default: '2' },
      'update-images': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowNegative: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const both = !values.host && !values.ui;
  const timeoutMs = Number(values.timeout) * 1000;
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error(`--jobs takes a whole number of at least 1, not ${values.jobs}`);
  const started = Date.now();
  checkTools();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });

  const step = (what: string) => console.log(`[e2e] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (values.build) {
    step('building the extension');
    buildExtension();
  }
  let testsEntry: string | undefined;
  // Also on Ctrl+C (codeServer.ts turns the signals into an exit).
  if (!values.keep) process.once('exit', () => fs.rmSync(HOST_TESTS_DIR, { recursive: true, force: true }));
  if (both || values.host) {
    const bundle = await bundleHostTests(HOST_TESTS_DIR);
    testsEntry = bundle.entry;
    step(`bundled the extension-host tests: ${bundle.names.join(', ')}`);
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const outcomes: PhaseOutcome[] = [];
  try {
    const common = { keep: values.keep, ...(values.grep ? { grep: values.grep } : {}) };
    const tasks: LaneTask<PhaseOutcome>[] = [];
    // The host tests first: they are the longest part, and the scenarios fill the other lanes meanwhile.
    const entry = testsEntry;
    if (entry)
      tasks.push({
        label: 'extension-host tests',
        run: () => runHostTests(browser, { ...common, testsEntry: entry, timeoutMs }),
      });
    if (both || values.ui) tasks.push(...uiScenarioTasks(browser, common));
    step(`${tasks.length} parts, ${jobs} at a time`);
    outcomes.push(...(await runInLanes(tasks, jobs)));
  } finally {
    await browser.close();
  }

  console.log('');
  for (const outcome of outcomes) {
    const mark = outcome.ok ? 'PASS' : 'FAIL';
    console.log(`[e2e] ${mark} ${outcome.name}: ${outcome.detail} (${(outcome.durationMs / 1000).toFixed(1)} s)`);
  }
  const failed = outcomes.filter((outcome) => !outcome.ok);
  for (const outcome of failed) {
    for (const log of outcome.logs ?? []) console.log(`\n[e2e] ${outcome.name}: ${log}`);
  }
  if (outcomes.length === 0) {
    console.log('[e2e] FAIL: nothing ran (check --grep)');
    return 1;
  }
  if (values['update-images'] && failed.length === 0 && (both || values.ui)) {
    const copied = updateDocImages(started);
    step(`copied ${copied.join(', ') || 'no screenshot'} into docs/images`);
  }
  step(`${failed.length === 0 ? 'all passed' : `${failed.length} failed`}; artefacts in ${RESULTS_DIR}`);
  return failed.length === 0 ? 0 : 1;
}

/**
 * Copies each screenshot the docs show (test/e2e/docImages.ts) that this run took (not one left by an earlier run of
 * a scenario `--grep` skipped); returns the pictures copied.
 */
function updateDocImages(since: number): string[] {
  const copied: string[] = [];
  for (const [picture, screenshot] of Object.entries(DOC_IMAGES)) {
    const source = path.join(RESULTS_DIR, screenshot);
    if (!fs.existsSync(source) || fs.statSync(source).mtimeMs < since) continue;
    fs.copyFileSync(source, path.join(REPO_ROOT, 'docs', 'images', picture));
    copied.push(picture);
  }
  return copied;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[e2e] ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
