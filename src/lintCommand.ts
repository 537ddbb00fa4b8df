/**
 * `durable-studio lint ...`: dist/lint.js (the linter and the TypeScript compiler, a bundle of its own so that the
 * emulator's start never loads them) run through V8's code cache (src/lint/codeCache.ts). Used by dist/cli.js
 * directly and by the commander program's `lint` command.
 */
import path from 'node:path';
import type { main as lintMain } from './lint/cliMain.js';
import { loadBundle } from './lint/codeCache.js';
import { EXIT_FAILURE } from './protocol/cliExit.js';
import { DURABLE_STUDIO_VERSION } from './protocol/version.js';

/** Runs the linter's command line; returns its exit code. An unexpected failure is one line on stderr. */
export function runLint(args: readonly string[]): number {
  try {
    const bundle = loadBundle(path.join(__dirname, 'lint.js'));
    const lint = bundle.exports as { main: typeof lintMain };
    const code = lint.main(args, {
      cwd: process.cwd(),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      version: DURABLE_STUDIO_VERSION,
    });
    // After the run, so the functions linting compiled are cached too; only when there was no cache to use.
    bundle.saveCache();
    return code;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = message.split(/\r?\n/).find((text) => text.trim() !== '') ?? 'failed';
    process.stderr.write(`durable-studio: ${line.trim()}\n`);
    return EXIT_FAILURE;
  }
}
