/**
 * The host the explorer looks at: the local emulator (live, through its change stream) or any other Durable
 * Functions host (a `func start` host or a deployed app, with its system key), reached through the same
 * management API. Views read `current` and listen to `onDidChangeConnection` and `onDidReceiveChange`.
 */
import * as vscode from 'vscode';
import {
  ManagementClient,
  subscribeToChanges,
  type ChangeEvent,
  type ChangeStreamState,
  type ChangeSubscription,
} from '../api/index.js';
import type { Log } from '../log.js';

export interface HostConnection {
  readonly kind: 'emulator' | 'remote';
  /** Origin of the host, e.g. `http://127.0.0.1:7071`. */
  readonly baseUrl: string;
  /** "emulator :7071" or the host's name, for descriptions and messages. */
  readonly label: string;
  readonly client: ManagementClient;
  /** The emulator-only API (change stream, clock, timers, functions) is available. */
  readonly isEmulator: boolean;
}

export interface ConnectOptions {
  kind: HostConnection['kind'];
  baseUrl: string;
  label: string;
  key?: string;
}

export class ConnectionManager implements vscode.Disposable {
  private connection: HostConnection | undefined;
  private subscription: ChangeSubscription | undefined;
  private readonly connectionEmitter = new vscode.EventEmitter<HostConnection | undefined>();
  private readonly changeEmitter = new vscode.EventEmitter<ChangeEvent>();
  private readonly streamStateEmitter = new vscode.EventEmitter<ChangeStreamState>();

  /** The explorer's host changed (or went away: undefined). Views reload everything. */
  readonly onDidChangeConnection = this.connectionEmitter.event;
  /** One change from the emulator's stream: views update just what it names. */
  readonly onDidReceiveChange = this.changeEmitter.event;
  /** The stream reconnected after a gap (views reload, since changes may have been missed) or dropped. */
  readonly onDidChangeStreamState = this.streamStateEmitter.event;

  constructor(private readonly log: Log) {}

  get current(): HostConnection | undefined {
    return this.connection;
  }

  connect(options: ConnectOptions): HostConnection {
    this.closeStream();
    const client = new ManagementClient({ baseUrl: options.baseUrl, ...(options.key ? { key: options.key } : {}) });
    const connection: HostConnection = {
      kind: options.kind,
      baseUrl: options.baseUrl,
      label: options.label,
      client,
      isEmulator: options.kind === 'emulator',
    };
    this.connection = connection;
    if (connection.isEmulator) {
      this.subscription = subscribeToChanges(options.baseUrl, (change) => this.changeEmitter.fire(change), {
        onStateChange: (state) => {
          this.log.trace(`change stream: ${state.kind}`);
          this.streamStateEmitter.fire(state);
        },
        onError: (error) => this.log.warn(`change stream: ${error.message}`),
      });
    }
    this.log.info(`Explorer connected to ${options.label} (${options.baseUrl})`);
    this.connectionEmitter.fire(connection);
    return connection;
  }

  disconnect(): void {
    if (!this.connection) return;
    this.closeStream();
    this.connection = undefined;
    this.connectionEmitter.fire(undefined);
  }

  /** The current connection, or an error the user can act on. */
  require(): HostConnection {
    if (!this.connection) throw new Error('Durable Studio is not connected: start the emulator or connect to a host.');
    return this.connection;
  }

  /** The current connection when it is the emulator; the error names what only the emulator can do. */
  requireEmulator(what: string): HostConnection {
    const connection = this.require();
    if (!connection.isEmulator) throw new Error(`${what} needs the local emulator; ${connection.label} cannot do it.`);
    return connection;
  }

  dispose(): void {
    this.closeStream();
    this.connectionEmitter.dispose();
    this.changeEmitter.dispose();
    this.streamStateEmitter.dispose();
  }

  private closeStream(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
  }
}
