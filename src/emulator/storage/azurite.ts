/**
 * Azurite, the storage emulator, for apps whose storage bindings use development storage. On the standard ports
 * (10000-10002, `durable-studio start`) an Azurite already listening is used; otherwise one is started as a child
 * process with its data under the store folder. On port 0 (tests, the testing library) a private one is started
 * and its ports read from its output. Its output goes to the emulator log prefixed `[azurite] `; it stops with the
 * emulator, and exits by itself when the emulator process dies (its stdin closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { AppConfigError } from '../appConfigError.js';
import { locateAzurite } from './azuriteLocate.js';
import { DEFAULT_AZURITE_PORTS, type AzuritePorts } from './connection.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface AzuriteOptions {
  /** `default`: 10000-10002 (reuse a running Azurite); `ephemeral`: ports chosen by the OS. */
  ports: 'default' | 'ephemeral';
  /** Keep no data on disk (the testing library). */
  inMemory?: boolean;
  /** Azurite's workspace folder (`<store>/azurite`). */
  location: string;
  appDir: string;
  log: Log;
}

export interface AzuriteHandle {
  ports: AzuritePorts;
  /** False when an Azurite that was already running is used. */
  started: boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
/** Loaded into Azurite's process before its own code: it exits when our end of its stdin closes (we died). */
const WATCH_PARENT = 'data:text/javascript,process.stdin.on("end",()=>process.exit(0)).resume()';

export async function startAzurite(options: AzuriteOptions): Promise<AzuriteHandle> {
  if (options.ports === 'default') {
    const { blob, queue, table } = DEFAULT_AZURITE_PORTS;
    const all = [blob, queue, table];
    const open = await Promise.all(all.map((port) => isListening(port)));
    if (open.every(Boolean)) {
      options.log('info', '[azurite] Using the Azurite already listening on 127.0.0.1:10000-10002.');
      return { ports: { ...DEFAULT_AZURITE_PORTS }, started: false, stop: () => Promise.resolve() };
    }
    const busy = all.filter((_port, i) => open[i]);
    if (busy.length > 0) {
      throw new AppConfigError(
        `port ${busy.join(', ')} on 127.0.0.1 is in use, but not all of Azurite's ports 10000-10002 are: ` +
          'another program holds it; stop it, or start Azurite yourself (`npx azurite`)',
      );
    }
  }
  const azurite = await locateAzurite(options.appDir, options.log);
  return spawnAzurite(azurite, options);
}

function spawnAzurite(script: string, options: AzuriteOptions): Promise<AzuriteHandle> {
  const ports = options.ports === 'default' ? DEFAULT_AZURITE_PORTS : { blob: 0, queue: 0, table: 0 };
  const args = ['--import', WATCH_PARENT, script, '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose'];
  for (const service of ['blob', 'queue', 'table'] as const) {
    args.push(`--${service}Host`, '127.0.0.1', `--${service}Port`, String(ports[service]));
  }
  if (options.inMemory) args.push('--inMemoryPersistence');
  else {
    fs.mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  }
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stopping = false;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    stopping = true;
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  const listening: Partial<AzuritePorts> = {};
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      void stop();
      reject(new AppConfigError(message));
    };
    const timeout = setTimeout(
      () => fail(`Azurite did not start within ${READY_TIMEOUT_MS / 1000} s: ${recent.join(' | ')}`),
      READY_TIMEOUT_MS,
    );
    const onLine = (line: string): void => {
      if (!line.trim()) return;
      recent.push(line.trim());
      if (recent.length > 5) recent.shift();
      options.log(/error|exception/i.test(line) ? 'warn' : 'info', `[azurite] ${line}`);
      const ready = /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/i.exec(line);
      if (ready) listening[ready[1]!.toLowerCase() as keyof AzuritePorts] = Number(ready[2]);
      if (!settled && listening.blob && listening.queue && listening.table) {
        settled = true;
        clearTimeout(timeout);
        resolve({ ports: listening as AzuritePorts, started: true, stop });
      }
    };
    relayLines(child, onLine);
    child.on('error', (error) => fail(`Azurite could not be started: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (!settled) fail(`Azurite exited while starting (${signal ?? `exit code ${code}`}): ${recent.join(' | ')}`);
      else if (!stopping) options.log('error', `[azurite] Azurite exited (${signal ?? `exit code ${code}`}).`);
    });
  });
}

function relayLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split(/\r?\n/);
      rest = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    stream?.on('end', () => rest && onLine(rest));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port (within a short timeout). */
export function isListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (value: boolean): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
