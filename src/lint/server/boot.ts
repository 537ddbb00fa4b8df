/**
 * Entry of the linter's language server process (dist/lint-server.js, what the extension starts): loads the server
 * itself (dist/lint-server-main.js, built from main.ts, with the TypeScript compiler) through V8's code cache
 * (../codeCache.ts), which shortens the wait for the first diagnostics in every VS Code window. A new cache is
 * written once the server has been linting for a while, or at exit if sooner, so the functions it used are in it.
 */
import * as path from 'node:path';
import { loadBundle } from '../codeCache.js';

const SAVE_AFTER_MS = 20_000;

const server = loadBundle(path.join(__dirname, 'lint-server-main.js'));
if (server.cache !== 'hit' && server.cache !== 'off') {
  setTimeout(() => server.saveCache(), SAVE_AFTER_MS).unref();
  process.once('exit', () => server.saveCache());
}
