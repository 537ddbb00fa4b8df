/**
 * The commander program of `durable-studio <command>`: the emulator (`start`), the determinism linter (`lint`) and
 * the replay check (`replay-check`). Bundled as dist/cli-program.js, which dist/cli.js (src/cli.ts) requires for every
 * command but `lint`; `lint` is here too for `--help` and runs the same way.
 * Argument parsing is commander's; every failure is one plain line on stderr and a non-zero exit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultStoreDir, startEmulator, EMULATOR_VERSION, type RunningEmulator } from './emulator/emulator.js';
import { describeDamage, isDamaged, StoreDamagedError } from './emulator/store/damage.js';
import { inspectStore } from './emulator/store/fileStore.js';
import { EXIT_FAILURE, EXIT_STORE_DAMAGED, STORE_DAMAGED_PREFIX } from './protocol/cliExit.js';
import { runLint } from './lintCommand.js';
import type { main as replayCheckMain } from './debugger/replayCheckMain.js';

type Level = 'info' | 'warn' | 'error';

function log(level: Level, message: string): void {
  const time = new Date().toISOString().slice(11, 23);
  const line = `[${time}] ${level === 'info' ? '' : level.toUpperCase() + ': '}${message}\n`;
  (level === 'info' ? process.stdout : process.stderr).write(line);
}

/**
 * Errors are one line: a multi-line message (a stack, a require chain) keeps only its first line. Exit codes are
 * in src/protocol/cliExit.ts (a damaged store has its own, for the editor).
 */
function fail(message: string, code = EXIT_FAILURE): never {
  const line = message.split(/\r?\n/).find((text) => text.trim() !== '') ?? 'failed';
  process.stderr.write(`durable-studio: ${line.trim()}\n`);
  process.exit(code);
}

/** A damaged store: what is wrong, that nothing changed, and exactly which option to pass. */
function failDamaged(error: StoreDamagedError): never {
  fail(
    `${STORE_DAMAGED_PREFIX}${error.message}; nothing was changed: start with --repair to keep what is valid ` +
      `(the damaged files are kept as <file>.corrupt-<time>), or with --repair --dry-run to list what it would drop`,
    EXIT_STORE_DAMAGED,
  );
}

/** Decimal digits only: `Number()` alone would take '', ' ', '0x50' and '1e3' as ports. */
function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('not a port number (0-65535)');
  return port;
}

/**
 * One line per function, and under a function the emulator runs one line per binding it does not honour: nothing
 * the emulator will not run or will discard goes unsaid (each discarded value is also logged when it is set).
 */
function describeFunctions(running: RunningEmulator): string[] {
  const prefix = running.config.routePrefix ? `/${running.config.routePrefix}` : '';
  const schedules = new Map(running.triggers.timers.schedules().map((s) => [s.name, s]));
  return running.engine.core.functions.flatMap((fn) => {
    if (fn.kind === 'other') {
      return [
        `  ${fn.name}: ${fn.triggerType}, not run by the emulator; invoke by hand: POST ${running.url}/admin/functions/${fn.name}`,
      ];
    }
    const methods = fn.methods && fn.methods.length > 0 ? fn.methods.join(',') : 'ALL';
    const timer = schedules.get(fn.name);
    const line =
      fn.kind === 'http'
        ? `  ${fn.name}: [${methods}] ${running.url}${prefix}/${fn.route ?? fn.name}`
        : timer
          ? `  ${fn.name}: timer '${timer.schedule}', next run ${timer.nextRun === undefined ? 'running now' : new Date(timer.nextRun).toISOString()}`
          : `  ${fn.name}: ${fn.kind}`;
    const bindings = (fn.unsupportedBindings ?? []).map((binding) =>
      binding.direction === 'out'
        ? `    output binding '${binding.name}' (${binding.type}): not supported by the emulator yet, values set by the function are discarded`
        : `    input binding '${binding.name}' (${binding.type}): not supported by the emulator yet, the function receives no value`,
    );
    return [line, ...bindings];
  });
}

async function start(given: {
  app?: string;
  port: number;
  store?: string;
  inspect?: string | boolean;
  watch?: boolean;
  fsync?: boolean;
  repair?: boolean;
  dryRun?: boolean;
  stopWithStdin?: boolean;
}) {
  // Without --app, the app is the current folder: run from the app, as `func start` is.
  if (given.app === undefined && !fs.existsSync(path.resolve('host.json')))
    fail(`no host.json in ${process.cwd()}: run from the function app folder or give --app <dir>`);
  const options = { ...given, app: given.app ?? '.' };
  if (options.dryRun) {
    if (!options.repair)
      fail('--dry-run goes with --repair: `start --repair --dry-run` lists what a repair would drop');
    // Reads the store only: the app is not loaded and nothing is written (the lock is taken and released).
    const storeDir = path.resolve(options.store ?? defaultStoreDir(options.app));
    let report;
    try {
      report = await inspectStore(storeDir);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    process.stdout.write(`${describeDamage(report).join('\n')}\n`);
    process.exit(isDamaged(report) ? EXIT_STORE_DAMAGED : 0);
  }
  // Signals are handled from the start: one that arrives while the app loads stops the emulator cleanly as soon
  // as it is up (the store lock released), instead of killing the process half-started.
  let running: RunningEmulator | undefined;
  let signalled: string | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    signalled ??= signal;
    if (!running || stopping) return;
    stopping = true;
    log('info', `${signalled}: stopping (finishing durable writes)...`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (options.stopWithStdin) {
    // Started by the editor: when its end of the pipe closes (the editor quit or crashed), stop cleanly.
    process.stdin.on('end', () => shutdown('the editor closed'));
    process.stdin.on('error', () => shutdown('the editor closed'));
    process.stdin.resume();
  }
  try {
    running = await startEmulator({
      appDir: options.app,
      port: options.port,
      ...(options.store ? { storeDir: options.store } : {}),
      inspect:
        options.inspect === undefined || options.inspect === false
          ? undefined
          : options.inspect === true
            ? ''
            : options.inspect,
      watch: options.watch ?? false,
      fsync: options.fsync ?? false,
      repair: options.repair ?? false,
      log,
    });
  } catch (error) {
    if (error instanceof StoreDamagedError) failDamaged(error);
    // AppConfigError and StoreAccessError messages are written for users; anything else is reported the same way.
    fail(error instanceof Error ? error.message : String(error));
  }
  const lines = [
    `Durable Studio emulator ${EMULATOR_VERSION} running at ${running.url}`,
    `  app: ${running.config.appDir} (task hub ${running.config.hubName}, durable-functions ${running.config.durableFunctionsVersion})`,
    'Functions:',
    ...describeFunctions(running),
    `Management API: ${running.url}/runtime/webhooks/durabletask/instances`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (signalled) shutdown(signalled);
}

const program = new Command();
program.name('durable-studio').description('Local tools for Azure Durable Functions apps').version(EMULATOR_VERSION);
program
  .command('start')
  .description('run a durable-functions app with the local emulator')
  .option('--app <dir>', 'the function app folder (package.json, host.json); default: the current folder')
  .option('--port <port>', 'HTTP port on 127.0.0.1', parsePort, 7071)
  .option('--store <dir>', 'store folder (default: <app>/.durable-studio)')
  .option('--inspect [port]', "start the app worker with the Node inspector (for VS Code's debugger)")
  .option('--watch', 'reload the app when its function files change')
  .option('--fsync', 'fsync every group commit (survives power loss, not just crashes)')
  .option(
    '--repair',
    'repair a damaged store: keep every valid record and journal line, move the damaged files aside (exit code 3 without it)',
  )
  .option('--dry-run', 'with --repair: list what the repair would keep and drop, change nothing, and exit')
  .addOption(new Option('--stop-with-stdin', 'stop when stdin closes (used by the editor)').hideHelp())
  .action(start);

program
  .command('lint')
  .description('check orchestrators for replay hazards (`lint --help` for options)')
  .argument('[args...]', 'paths and options, passed to the linter')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action((args: string[]) => {
    process.exitCode = runLint(args);
  });

program
  .command('replay-check')
  .description('replay stored or exported histories against the current code (`replay-check --help`)')
  .argument('[args...]', 'options, passed to the replay check')
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .action(async (args: string[]) => {
    // Its own bundle (dist/replay.js), loaded only for this command, like `lint`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const replay = require(path.join(__dirname, 'replay.js')) as { main: typeof replayCheckMain };
    process.exitCode = await replay.main(args, {
      cwd: process.cwd(),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
  });

program
  .parseAsync(process.argv)
  .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
