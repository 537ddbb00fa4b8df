/**
 * `durable-studio <command>`: the emulator (`start`) today; `lint` and `replay-check` join it later.
 * Argument parsing is commander's; every failure is one plain line on stderr and a non-zero exit.
 */
import { Command, InvalidArgumentError } from 'commander';
import { AppConfigError } from './emulator/appConfig.js';
import { startEmulator, EMULATOR_VERSION, type RunningEmulator } from './emulator/emulator.js';
import { CorruptStoreError } from './emulator/store/types.js';

type Level = 'info' | 'warn' | 'error';

function log(level: Level, message: string): void {
  const time = new Date().toISOString().slice(11, 23);
  const line = `[${time}] ${level === 'info' ? '' : level.toUpperCase() + ': '}${message}\n`;
  (level === 'info' ? process.stdout : process.stderr).write(line);
}

function fail(message: string): never {
  process.stderr.write(`durable-studio: ${message}\n`);
  process.exit(1);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('not a port number (0-65535)');
  return port;
}

function describeFunctions(running: RunningEmulator): string[] {
  const prefix = running.config.routePrefix ? `/${running.config.routePrefix}` : '';
  return running.engine.functions().map((fn) => {
    if (fn.kind === 'http') {
      const methods = fn.methods && fn.methods.length > 0 ? fn.methods.join(',') : 'ALL';
      return `  ${fn.name}: [${methods}] ${running.url}${prefix}/${fn.route ?? fn.name}`;
    }
    return `  ${fn.name}: ${fn.kind}`;
  });
}

async function start(options: { app: string; port: number; store?: string; inspect?: string | boolean; watch?: boolean; fsync?: boolean }) {
  let running: RunningEmulator;
  try {
    running = await startEmulator({
      appDir: options.app,
      port: options.port,
      ...(options.store ? { storeDir: options.store } : {}),
      inspect: options.inspect === undefined || options.inspect === false ? undefined : options.inspect === true ? '' : options.inspect,
      watch: options.watch ?? false,
      fsync: options.fsync ?? false,
      log,
    });
  } catch (error) {
    if (error instanceof AppConfigError || error instanceof CorruptStoreError) fail(error.message);
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
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log('info', `${signal}: stopping (finishing durable writes)...`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

const program = new Command();
program.name('durable-studio').description('Local tools for Azure Durable Functions apps').version(EMULATOR_VERSION);
program
  .command('start')
  .description('run a durable-functions app with the local emulator')
  .requiredOption('--app <dir>', 'the function app folder (package.json, host.json)')
  .option('--port <port>', 'HTTP port on 127.0.0.1', parsePort, 7071)
  .option('--store <dir>', 'store folder (default: <app>/.durable-studio)')
  .option('--inspect [port]', "start the app worker with the Node inspector (for VS Code's debugger)")
  .option('--watch', 'reload the app when its function files change')
  .option('--fsync', 'fsync every group commit (survives power loss, not just crashes)')
  .action(start);

program.parseAsync(process.argv).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
