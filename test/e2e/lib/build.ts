/**
 * What the e2e run needs built: the extension (`npm run build` → dist/extension.js, dist/cli.js), the example app,
 * and the extension-host tests bundled into one CommonJS module the extension host can load (mocha included; only
 * `vscode` is left to the host).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { EXAMPLE_APP, REPO_ROOT } from './paths.js';

const HOST_TESTS_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'host');

function runNode(script: string, what: string): void {
  const result = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${what} failed (${script} exited with ${result.status ?? result.signal})`);
}

/** Builds the extension and, when it is missing, installs and builds the example app. */
export function buildExtension(): void {
  runNode('esbuild.mjs', 'Building the extension');
  for (const file of ['dist/extension.js', 'dist/cli.js', 'dist/worker.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) throw new Error(`The build did not produce ${file}`);
  }
  if (!fs.existsSync(path.join(EXAMPLE_APP, 'node_modules')) || !fs.existsSync(path.join(EXAMPLE_APP, 'dist'))) {
    runNode('scripts/setup-example.mjs', 'Preparing examples/app');
  }
}

/** The `*.test.ts` files of test/e2e/host, by base name ("emulator" for emulator.test.ts). */
export function hostTestNames(): string[] {
  return fs
    .readdirSync(HOST_TESTS_DIR)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length))
    .sort();
}

/**
 * Bundles test/e2e/host/index.ts and every test file next to it into `<dir>/tests.js`, behind a loader
 * (`<dir>/index.js`, the module VS Code loads) that turns on source maps first: Node reads a module's source map
 * only when it loads it, so failures then point at the test sources. Returns the loader's path and the test names.
 */
export async function bundleHostTests(dir: string): Promise<{ entry: string; names: string[] }> {
  const names = hostTestNames();
  if (names.length === 0) throw new Error(`No *.test.ts files in ${HOST_TESTS_DIR}`);
  await esbuild.build({
    entryPoints: [path.join(HOST_TESTS_DIR, 'index.ts')],
    outfile: path.join(dir, 'tests.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode'],
    define: { __E2E_HOST_TEST_FILES__: JSON.stringify(names) },
    logLevel: 'warning',
    // Mocha's parallel mode (never used here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  const entry = path.join(dir, 'index.js');
  fs.writeFileSync(
    entry,
    "'use strict';\nprocess.setSourceMapsEnabled(true);\nmodule.exports = require('./tests.js');\n",
  );
  return { entry, names };
}
