/**
 * A live subscription to the emulator's change stream (`GET /emulator/v1/events`, server-sent events). It
 * reconnects by itself, with capped exponential back-off, whenever the stream fails or ends (the emulator was
 * restarted, the machine slept), and reports each state so a view can show it and re-read everything after a
 * reconnection (changes made while disconnected are not replayed). `dispose()` aborts the request and stops
 * every timer: no callback runs after it returns.
 */
import { SseParser, type SseMessage } from './sseParser.js';
import { describeFetchError, Transport, type ServerConnection } from './transport.js';
import type { ChangeEvent } from './types.js';

export const EVENTS_PATH = '/emulator/v1/events';
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

export type ChangeStreamState =
  | { kind: 'connecting'; attempt: number }
  /** `reconnected`: an earlier connection was lost, so changes may have been missed; re-read the state. */
  | { kind: 'open'; reconnected: boolean }
  | { kind: 'retrying'; attempt: number; delayMs: number; error: Error }
  /** Final: the server has no event stream (not the emulator: `func start`, Azure) or refuses the key. */
  | { kind: 'failed'; error: Error }
  /** Final: disposed. */
  | { kind: 'closed' };

/** The timer functions the stream uses (injected by tests to check the back-off without waiting). */
export interface StreamTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ChangeStreamOptions extends Omit<ServerConnection, 'baseUrl' | 'timeoutMs'> {
  onStateChange?: (state: ChangeStreamState) => void;
  /** A malformed message, or an exception thrown by `onChange`; the stream carries on. */
  onError?: (error: Error) => void;
  /** First retry delay (default 500 ms; a `retry:` field from the server replaces it); doubles per failure. */
  initialRetryMs?: number;
  /** Longest retry delay (default 30 s). */
  maxRetryMs?: number;
  /** With no byte (not even a heartbeat, sent every 15 s) for this long, the connection is dropped and
   * retried: it catches half-open connections. Default 45 s; 0 turns it off. */
  idleTimeoutMs?: number;
  timers?: StreamTimers;
}

export interface ChangeSubscription {
  readonly state: ChangeStreamState;
  dispose(): void;
}

const CHANGE_TYPES: Record<ChangeEvent['type'], true> = {
  instance: true,
  instanceDeleted: true,
  entity: true,
  entityDeleted: true,
  clock: true,
  function: true,
};

/** Status codes that retrying cannot fix. */
const FINAL_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 405]);

const defaultTimers: StreamTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Subscribes to the emulator's changes at `baseUrl` (e.g. `http://localhost:7071`); connecting starts now. */
export function subscribeToChanges(
  baseUrl: string,
  onChange: (change: ChangeEvent) => void,
  options: ChangeStreamOptions = {},
): ChangeSubscription {
  const stream = new ChangeStream(new Transport({ ...options, baseUrl }), onChange, options);
  stream.start();
  return stream;
}

class ChangeStream implements ChangeSubscription {
  state: ChangeStreamState = { kind: 'connecting', attempt: 1 };
  private readonly fetchFn: typeof fetch;
  private readonly timers: StreamTimers;
  private disposed = false;
  private everOpened = false;
  /** Failed attempts since the last successful open. */
  private failures = 0;
  private serverRetryMs: number | undefined;
  private controller: AbortController | undefined;
  private retryTimer: unknown;
  private idleTimer: unknown;
  private idleExpired = false;

  constructor(
    private readonly transport: Transport,
    private readonly onChange: (change: ChangeEvent) => void,
    private readonly options: ChangeStreamOptions,
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.timers = options.timers ?? defaultTimers;
  }

  start(): void {
    void this.connect();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimer('retryTimer');
    this.clearTimer('idleTimer');
    this.controller?.abort();
    this.controller = undefined;
    this.setState({ kind: 'closed' });
  }

  /** One connection, from request to end of stream; never rejects. */
  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.disposed) return;
    this.setState({ kind: 'connecting', attempt: this.failures + 1 });
    const controller = new AbortController();
    this.controller = controller;
    this.idleExpired = false;
    let error: Error;
    try {
      this.armIdleTimer(controller); // also bounds the wait for the response headers
      const res = await this.fetchFn(this.transport.url(EVENTS_PATH), {
        headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache', ...this.transport.authHeaders() },
        signal: controller.signal,
      });
      const contentType = res.headers.get('content-type') ?? '';
      if (FINAL_STATUSES.has(res.status) || (res.ok && !contentType.startsWith('text/event-stream'))) {
        await res.body?.cancel().catch(() => undefined);
        this.fail(new Error(`${EVENTS_PATH} answered ${res.status} ${contentType}: the server has no event stream`));
        return;
      }
      if (!res.ok || res.body === null) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`${EVENTS_PATH} answered ${res.status}`);
      }
      this.failures = 0;
      this.setState({ kind: 'open', reconnected: this.everOpened });
      this.everOpened = true;
      if (this.disposed) return; // disposed by the state callback
      await this.read(res.body, controller);
      error = new Error('the event stream ended');
    } catch (caught) {
      if (this.disposed) return;
      error = this.idleExpired
        ? new Error(`no data for ${this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS} ms`)
        : new Error(describeFetchError(caught), { cause: caught });
    } finally {
      this.clearTimer('idleTimer');
    }
    if (this.disposed) return;
    controller.abort(); // releases the connection if the body was not fully read
    this.scheduleRetry(error);
  }

  private async read(body: ReadableStream<Uint8Array>, controller: AbortController): Promise<void> {
    const parser = new SseParser({
      onMessage: (message) => this.deliver(message),
      onRetry: (ms) => (this.serverRetryMs = ms),
    });
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || this.disposed) return;
      this.armIdleTimer(controller);
      parser.push(value);
    }
  }

  private deliver(message: SseMessage): void {
    if (this.disposed) return; // a chunk may hold several messages; none is delivered after dispose
    if (!Object.hasOwn(CHANGE_TYPES, message.event)) return; // a newer server's event kinds are skipped
    let change: ChangeEvent;
    try {
      const value = JSON.parse(message.data) as unknown;
      if (typeof value !== 'object' || value === null || (value as { type?: unknown }).type !== message.event) {
        throw new Error(`its data is not a '${message.event}' change`);
      }
      change = value as ChangeEvent;
    } catch (error) {
      this.report(new Error(`Malformed '${message.event}' event: ${(error as Error).message}`, { cause: error }));
      return;
    }
    try {
      this.onChange(change);
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private scheduleRetry(error: Error): void {
    this.failures++;
    const base = this.serverRetryMs ?? this.options.initialRetryMs ?? 500;
    const max = this.options.maxRetryMs ?? 30_000;
    const delayMs = Math.min(max, base * 2 ** Math.min(this.failures - 1, 30));
    this.setState({ kind: 'retrying', attempt: this.failures, delayMs, error });
    if (this.disposed) return; // disposed by the state callback
    this.retryTimer = this.timers.setTimeout(() => void this.connect(), delayMs);
  }

  private fail(error: Error): void {
    this.controller = undefined;
    this.setState({ kind: 'failed', error });
  }

  private armIdleTimer(controller: AbortController): void {
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    if (idleMs <= 0 || this.disposed) return;
    this.clearTimer('idleTimer');
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      this.idleExpired = true;
      controller.abort();
    }, idleMs);
  }

  private clearTimer(which: 'retryTimer' | 'idleTimer'): void {
    if (this[which] !== undefined) this.timers.clearTimeout(this[which]);
    this[which] = undefined;
  }

  private setState(state: ChangeStreamState): void {
    if (this.disposed && state.kind !== 'closed') return;
    this.state = state;
    try {
      this.options.onStateChange?.(state);
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private report(error: Error): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error handler that throws has nowhere left to report to.
    }
  }
}
