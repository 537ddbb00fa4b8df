/**
 * The linter's language server (bundled as dist/lint-server-main.js; the process starts at boot.ts, which loads it).
 * It only wires the connection: the transport comes from the command line (`--node-ipc` when VS Code's client starts
 * it, `--stdio` for any other LSP client), the work is in server.ts. Output goes through `connection.console` (the
 * client's output channel), never stdout, which may be the transport.
 */
import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createLinter } from '../linter.js';
import { startLintServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);

// An unexpected throw outside a handler must not take the editor's linting down with it; log and carry on.
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));

startLintServer(connection, {
  createLinter,
  // dist/lint-server-main.js → docs/lint-rules.md (the extension passes its own path in initializationOptions too).
  rulesCatalogue: path.join(__dirname, '..', 'docs', 'lint-rules.md'),
});
connection.listen();
