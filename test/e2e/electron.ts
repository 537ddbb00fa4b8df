/**
 * The same extension-host tests in a downloaded desktop VS Code, through `@vscode/test-electron` (for people whose
 * machines can download VS Code; this project's CI cannot, so it runs them in code-server: `test/e2e/run.ts`).
 *
 *   node --import tsx test/e2e/electron.ts [--grep <regexp>] [--version <vscode version, default 1.100.3>]
 *
 * It prepares the same workspace and user settings as the code-server run, bundles the tests the same way, and
 * exits with the tests' result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { buildExtension, bundleHostTests } from './lib/build.js';
import { HOST_TESTS_DIR, REPO_ROOT } from './lib/paths.js';
import { createSandbox } from './lib/sandbox.js';
import { ENV_GREP, ENV_RESULTS_FILE, type HostTestResults } from './host/protocol.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { grep: { type: 'string' }, version: { type: 'string', default: '1.100.3' } },
  });
  buildExtension();
  const { entry } = await bundleHostTests(HOST_TESTS_DIR);
  const sandbox = createSandbox('electron');
  const resultsFile = path.join(sandbox.root, 'results.json');
  try {
    const code = await runTests({
      version: values.version,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: entry,
      extensionTestsEnv: { [ENV_RESULTS_FILE]: resultsFile, ...(values.grep ? { [ENV_GREP]: values.grep } : {}) },
      launchArgs: [
        sandbox.workspace,
        '--user-data-dir',
        sandbox.userDataDir,
        '--extensions-dir',
        sandbox.extensionsDir,
        '--disable-workspace-trust',
      ],
    });
    // A run in which nothing passed is a failure, as in the code-server runner.
    const results = fs.existsSync(resultsFile)
      ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as HostTestResults)
      : undefined;
    console.log(`[e2e-electron] ${results ? `${results.passed} passed, ${results.failed} failed` : 'no results'}`);
    return code === 0 && results !== undefined && results.passed > 0 && results.failed === 0 ? 0 : 1;
  } finally {
    sandbox.remove();
    fs.rmSync(HOST_TESTS_DIR, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[e2e-electron] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
