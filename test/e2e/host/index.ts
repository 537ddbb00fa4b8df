/**
 * Entry of the extension-host tests (the module `extensionTestsPath` names): VS Code calls `run()` inside the real
 * extension host once the extension under development is loaded; resolving makes the workbench exit with 0,
 * throwing with 1. The runner (`test/e2e/run.ts`) bundles this file with every `*.test.ts` next to it.
 */
import Mocha from 'mocha';
import { ENV_GREP, ENV_RESULTS_FILE } from './protocol.js';
import { createReporter, say } from './reporter.js';

/** Base names of the `*.test.ts` files in this folder, set by the bundler (esbuild `define`). */
declare const __E2E_HOST_TEST_FILES__: readonly string[];

/** Set by the runner in code-server's environment, which the extension host inherits. */
const RESULTS_FILE = process.env[ENV_RESULTS_FILE];
const GREP = process.env[ENV_GREP];

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: 60_000,
    slow: 10_000,
    retries: 0,
    color: false,
    reporter: createReporter(RESULTS_FILE),
    ...(GREP ? { grep: GREP } : {}),
  });
  for (const name of __E2E_HOST_TEST_FILES__) {
    const file = `${name}.test.ts`;
    // The TDD globals (suite, test, setup, ...) must exist while the file's top level runs.
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    // esbuild bundles every file this pattern matches and evaluates each one only here.
    const loaded: unknown = await import(`./${name}.test.ts`);
    mocha.suite.emit('require', loaded, file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }
  say(`running ${__E2E_HOST_TEST_FILES__.length} test files: ${__E2E_HOST_TEST_FILES__.join(', ')}`);
  const failures = await new Promise<number>((resolve) => {
    mocha.run(resolve);
  });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
