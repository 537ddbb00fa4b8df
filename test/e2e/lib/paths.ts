/** Where the e2e harness finds its tools and puts its output. `scripts/e2e-setup.mjs` installs the tools. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const EXAMPLE_APP = path.join(REPO_ROOT, 'examples', 'app');
/** Screenshots, logs and results a person can open after a run (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');
/** The bundled extension-host tests of this run (git-ignored; one folder per run, so runs can overlap). */
export const HOST_TESTS_DIR = path.join(REPO_ROOT, 'dist-test', `host-${process.pid}`);

export const CODE_SERVER_VERSION = '4.100.3';
const CACHE_ROOT = process.env.DURABLE_STUDIO_CACHE || path.join(os.homedir(), '.cache', 'durable-studio');
export const CODE_SERVER_ENTRY = path.join(
  CACHE_ROOT,
  `code-server-${CODE_SERVER_VERSION}`,
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
export const CHROMIUM = process.env.DURABLE_STUDIO_CHROMIUM || '/usr/bin/chromium';

/** Fails with what to run when the tools are missing. */
export function checkTools(): void {
  const missing = [CODE_SERVER_ENTRY, CHROMIUM].filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Missing ${missing.join(' and ')}: run \`node scripts/e2e-setup.mjs\` (or \`npm run test:e2e\`).`);
  }
}
