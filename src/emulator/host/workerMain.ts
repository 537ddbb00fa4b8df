/**
 * Entry point of the app worker process (dist/worker.js). The engine forks it with advanced IPC serialisation;
 * it loads the user's app and runs invocations, replying once per tick with every result that is ready.
 */
import { AppConfigError } from '../appConfigError.js';
import { AppWorker } from './appWorker.js';
import { unmarked, UserCodeMarker } from './userCodeMarker.js';
import {
  serializeError,
  WORKER_OPTIONS_ENV,
  type EngineToWorker,
  type Outcome,
  type WorkerBootOptions,
  type WorkerToEngine,
} from './protocol.js';

function send(message: WorkerToEngine): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const raw = process.env[WORKER_OPTIONS_ENV];
  if (!raw || !process.send) {
    process.stderr.write(
      'dist/worker.js is started by the Durable Studio emulator; run `durable-studio start` instead.\n',
    );
    process.exit(2);
  }
  const options = JSON.parse(raw) as WorkerBootOptions;
  let marker: UserCodeMarker | undefined;
  try {
    marker = options.markerFile ? new UserCodeMarker(options.markerFile) : undefined;
  } catch (error) {
    // Without it the engine cannot name a call that blocks or ends the worker; it then isolates suspects instead.
    const detail = error instanceof Error ? error.message : String(error);
    send({ type: 'log', level: 'warning', message: `The app worker cannot record which call runs: ${detail}` });
  }
  const worker = new AppWorker(options.config, options.origin, (level, message, functionName) =>
    send({ type: 'log', level, message, ...(functionName ? { functionName } : {}) }),
  );

  // User code must not take the worker down: log what it leaves unhandled, as the real worker does.
  process.on('unhandledRejection', (reason) => {
    send({
      type: 'log',
      level: 'error',
      message: `Unhandled promise rejection in the app: ${serializeError(reason).stack ?? String(reason)}`,
    });
  });
  process.on('uncaughtException', (error) => {
    send({ type: 'log', level: 'error', message: `Uncaught exception in the app: ${error.stack ?? error.message}` });
  });

  let pending: { id: number; outcome: Outcome }[] = [];
  let flushScheduled = false;
  const reply = (id: number, outcome: Outcome): void => {
    pending.push({ id, outcome });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(() => {
        flushScheduled = false;
        const results = pending;
        pending = [];
        send({ type: 'results', results });
      });
    }
  };

  process.on('message', (message: EngineToWorker) => {
    switch (message.type) {
      case 'invoke':
        for (const { id, call } of message.calls) {
          worker.invoke(call, marker ? marker.forCall(id) : unmarked).then(
            (value) => reply(id, { ok: true, value }),
            (error: unknown) => reply(id, { ok: false, error: serializeError(error) }),
          );
        }
        break;
      case 'ping':
        send({ type: 'pong', id: message.id });
        break;
      case 'shutdown':
        process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));

  try {
    const functions = await worker.load();
    send({ type: 'ready', functions });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    send({ type: 'loadError', message: detail, ...(error instanceof AppConfigError ? { config: true } : {}) });
    // Give the IPC channel a chance to deliver the message before exiting.
    process.disconnect?.();
  }
}

void main();
