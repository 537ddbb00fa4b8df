/**
 * `durable-studio <command>` (the npm package's `bin`, dist/cli.js): `lint` runs the linter's bundle straight away;
 * every other command, and `--help`, goes to the commander program in dist/cli-program.js (src/cliProgram.ts: the
 * emulator, the replay check). Kept this small because every `lint` in CI or a pre-commit hook waits for what this
 * file loads, and linting needs neither commander nor the emulator's code.
 */
import path from 'node:path';
import { runLint } from './lintCommand.js';

const [command, ...args] = process.argv.slice(2);
if (command === 'lint') {
  process.exitCode = runLint(args);
} else {
  // A computed path, so esbuild leaves the require alone.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(__dirname, 'cli-program.js'));
}
