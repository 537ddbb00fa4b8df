/** What the extension-host tests and the runner agree on (no `vscode`, no mocha: the runner imports it too). */

/** The tests' output lines carry this prefix in the extension host's console; the runner prints and strips it. */
export const OUTPUT_PREFIX = '[durable-e2e] ';

/** Written by the reporter at the end of the run to the file named by `DURABLE_STUDIO_E2E_RESULTS`. */
export interface HostTestResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  failures: { title: string; error: string }[];
}

/** Environment variables the runner sets for code-server (the extension host inherits them). */
export const ENV_RESULTS_FILE = 'DURABLE_STUDIO_E2E_RESULTS';
export const ENV_GREP = 'DURABLE_STUDIO_E2E_GREP';
