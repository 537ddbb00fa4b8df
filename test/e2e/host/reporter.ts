/**
 * Mocha reporter for the extension-host tests. The extension host has no terminal: every line goes through
 * `console.log` with a prefix (the workbench forwards the extension host's console to `codeAutomationLog`, and the
 * runner prints the lines carrying the prefix), and the counts are written to a JSON file the runner reads, so a
 * run that executed nothing cannot pass.
 */
import * as fs from 'node:fs';
import Mocha from 'mocha';
import { OUTPUT_PREFIX, type HostTestResults } from './protocol.js';

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } =
  Mocha.Runner.constants;

export function say(line: string): void {
  console.log(`${OUTPUT_PREFIX}${line}`);
}

/** Builds the reporter class; `resultsFile` (when set) receives the `HostTestResults` at the end of the run. */
export function createReporter(resultsFile: string | undefined): Mocha.ReporterConstructor {
  return class E2eReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
      super(runner, options);
      const started = Date.now();
      const results: HostTestResults = { passed: 0, failed: 0, pending: 0, durationMs: 0, failures: [] };
      let depth = 0;
      const indent = () => '  '.repeat(depth);
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        if (suite.root) return;
        say(`${indent()}${suite.title}`);
        depth++;
      });
      runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
        if (!suite.root) depth--;
      });
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
        results.passed++;
        say(`${indent()}✔ ${test.title} (${test.duration ?? 0} ms)`);
      });
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
        results.pending++;
        say(`${indent()}- ${test.title} (pending)`);
      });
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: unknown) => {
        results.failed++;
        const message = describe(error);
        results.failures.push({ title: test.fullTitle(), error: message });
        say(`${indent()}✘ ${test.title}`);
        for (const line of message.split('\n')) say(`${indent()}    ${line}`);
      });
      runner.once(EVENT_RUN_END, () => {
        results.durationMs = Date.now() - started;
        say(
          `${results.passed} passing, ${results.failed} failing, ${results.pending} pending (${results.durationMs} ms)`,
        );
        if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
      });
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
