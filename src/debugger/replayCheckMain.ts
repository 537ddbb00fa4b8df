/**
 * `durable-studio replay-check --app <dir> (--store <dir> | --history <file>...)`: replays every stored (or
 * given) instance against the app's current code and lists each divergence. Exit 0: none; 1: divergences (or an
 * instance that could not be replayed); 2: usage or input errors.
 *
 * Its own bundle (dist/replay.js), required by the CLI for this command only. The app runs in this process
 * (`InProcessReplayHost`): the process exists only for the check, so there is nothing to isolate it from.
 */
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { HistoryInputError, loadHistoryFile, loadStoreInstances, type LoadedInstance } from './historyInput.js';
import { InProcessReplayHost } from './replayHost.js';
import { checkInstance } from './replayRun.js';
import type { Divergence } from './positions.js';

export interface ReplayCheckIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = 'usage: durable-studio replay-check --app <dir> (--store <dir> | --history <file>...) [--json]\n';

export interface InstanceReport {
  instanceId: string;
  name: string;
  source: string;
  positions: number;
  divergence?: Divergence;
}

export async function main(args: string[], io: ReplayCheckIo): Promise<number> {
  let values: { app?: string; store?: string; history?: string[]; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        app: { type: 'string' },
        store: { type: 'string' },
        history: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`replay-check: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const hasHistory = (values.history?.length ?? 0) > 0;
  if (!values.app || (values.store === undefined) === !hasHistory) {
    io.stderr(`replay-check: give --app and exactly one of --store or --history\n${USAGE}`);
    return 2;
  }
  let instances: LoadedInstance[];
  try {
    instances = values.store
      ? loadStoreInstances(path.resolve(io.cwd, values.store), (m) => io.stderr(`replay-check: ${m}\n`))
      : values.history!.map((file) => loadHistoryFile(path.resolve(io.cwd, file)));
  } catch (error) {
    if (error instanceof HistoryInputError) {
      io.stderr(`replay-check: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  // The app runs in this process: what its code prints goes to stderr, so stdout stays the report (JSON stays JSON).
  const restoreConsole = consoleToStderr(io);
  try {
    return await replayAll(values.app, instances, Boolean(values.json), io);
  } finally {
    restoreConsole();
  }
}

/** Sends console.log/info/debug/warn/error to `io.stderr` until the returned function is called. */
function consoleToStderr(io: ReplayCheckIo): () => void {
  const methods = ['log', 'info', 'debug', 'warn', 'error'] as const;
  const saved = methods.map((method) => console[method].bind(console));
  for (const method of methods) console[method] = (...parts: unknown[]) => io.stderr(`${format(...parts)}\n`);
  return () => methods.forEach((method, i) => (console[method] = saved[i]!));
}

async function replayAll(app: string, instances: LoadedInstance[], json: boolean, io: ReplayCheckIo): Promise<number> {
  let host: InProcessReplayHost;
  try {
    host = new InProcessReplayHost(path.resolve(io.cwd, app), (m) => io.stderr(`app: ${m}\n`));
    await host.start();
  } catch (error) {
    io.stderr(
      `replay-check: cannot load the app: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`,
    );
    return 2;
  }
  const reports: InstanceReport[] = [];
  for (const instance of instances) {
    const { positions, divergence } = await checkInstance(host, instance);
    reports.push({
      instanceId: instance.instanceId,
      name: instance.name,
      source: instance.source,
      positions,
      ...(divergence ? { divergence } : {}),
    });
  }
  await host.stop();
  const diverged = reports.filter((r) => r.divergence);
  if (json) {
    io.stdout(JSON.stringify({ instances: reports }, null, 2) + '\n');
  } else {
    for (const report of diverged) {
      const d = report.divergence!;
      const site = d.site
        ? `${path.relative(io.cwd, d.site.file) || d.site.file}:${d.site.line}:${d.site.column}`
        : '-';
      io.stdout(
        `${report.instanceId} (${report.name}): event #${d.eventNumber}: recorded ${d.recorded}; now ${d.now}; at ${site}\n  ${d.message}\n`,
      );
    }
    io.stdout(
      `replay-check: ${reports.length} instance(s) replayed, ${diverged.length} with a divergence from the current code\n`,
    );
  }
  return diverged.length > 0 ? 1 : 0;
}
