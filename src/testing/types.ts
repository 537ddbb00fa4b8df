/** The public types of `durable-studio/testing`. */

export interface TestHostOptions {
  /**
   * The function app's folder (host.json, and package.json whose `main` names the compiled JS), or any folder in it:
   * the nearest folder with a host.json at or above it is used, so a test can pass its own folder. Default: cwd.
   */
  app?: string;
  /**
   * While `run` or `waitForCompletion` waits and nothing else is in flight, jump the clock to the next durable
   * timer instead of waiting for it. Default true.
   */
  timeSkipping?: boolean;
  /** App settings added to (and overriding) local.settings.json `Values`. */
  env?: Record<string, string>;
  /**
   * Timer triggers run on their schedule as the clock moves (`'schedule'`), or only when the test fires them with
   * `fireTimer` (`'manual'`, the default: a 72-hour jump in one test then starts no nightly job by surprise).
   */
  timerTriggers?: 'manual' | 'schedule';
  /**
   * Where the app's output and the host's messages go. Default: the app's own output (console and
   * `context.log`) to stderr, each line prefixed with `[app]`; host messages are dropped.
   */
  log?: (level: 'info' | 'warn' | 'error', message: string, source: 'app' | 'host') => void;
}

export interface RunOptions {
  input?: unknown;
  instanceId?: string;
  /** How long to wait for the end, in wall-clock milliseconds (default 4,500). */
  timeoutMs?: number;
}

export interface WaitOptions {
  /** How long to wait for the end, in wall-clock milliseconds (default 4,500). */
  timeoutMs?: number;
}

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Suspended';

/** One history event as the management API returns it with `showHistory=true&showHistoryOutput=true`. */
export type HistoryEventJson = Record<string, unknown> & { EventType: string; Timestamp: string };

/** Why an instance failed, from its last failure event. */
export interface FailureInfo {
  message: string;
  /** The activity or sub-orchestration whose failure the orchestrator did not handle, when there is one. */
  task?: string;
  stack?: string;
}

/**
 * An instance's status as the management API returns it, with its history and a one-line summary. `TOutput` is
 * the output's type as the test expects it (not checked).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface InstanceResult<TOutput = any> {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: TOutput;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history: HistoryEventJson[];
  /** Set for a Failed instance. */
  failure?: FailureInfo;
  /** One line for an assertion message: status, failure with its task and stack frame, last events. */
  summary: string;
}

export interface ActivityCallInfo {
  instanceId: string;
  /** 1 for a first call; counts up while calls of the same activity, instance and input fail (retries). */
  attempt: number;
}

export type ActivityMock = (input: any, info: ActivityCallInfo) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FailActivityOptions {
  /** How many of the next calls fail (default 1); then the real (or mocked) activity runs. */
  times?: number;
  /** The error the calls fail with (default: "Injected failure of activity '<name>'"). */
  error?: string | Error;
}

export interface ActivityCall {
  instanceId: string;
  input: unknown;
  attempt: number;
  /** What the call returned (absent while it runs, or when it failed). */
  result?: unknown;
  /** Why the call failed. */
  error?: Error;
}

/** A request the orchestrator made with `context.df.callHttp`. */
export interface CallHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  content: string | null;
}

/** The mock's answer; `content` (or `body`, serialised as JSON unless it is a string) is the response body. */
export interface CallHttpResponse {
  statusCode?: number;
  headers?: Record<string, string | number>;
  content?: unknown;
  body?: unknown;
}

export type CallHttpMock = (request: CallHttpRequest) => CallHttpResponse | Promise<CallHttpResponse>;

/** A divergence `replayCheck` found: the same report as `durable-studio replay-check --json`. */
export interface ReplayProblem {
  instanceId: string;
  name: string;
  /** Index of the recorded event that no longer matches, in the stored history. */
  eventIndex: number;
  recorded: string;
  now: string;
  /** Where the current code does `now`, when known. */
  site?: { file: string; line: number; column: number };
  message: string;
}

export interface TestClockApi {
  /** The emulated time. */
  now(): Date;
  /** Moves the emulated time forward (ms, or '72h', '30m', '10s', '2 days'); waits for what due timers start. */
  advance(by: number | string): Promise<void>;
}

/** How a run of a timer, queue or blob function (or one invoked by hand) ended. */
export interface TriggerRunResult {
  ok: boolean;
  /** The handler's error message when it failed (for a queue message or a blob: its last attempt). */
  error?: string;
  /** Times the function ran for this message or blob (retries included). */
  attempts: number;
}

/** The app's storage account as a test reads it (`host.storage`): a private in-memory Azurite. */
export interface TestStorage {
  /** The connection string the app worker sees in `AzureWebJobsStorage`. */
  readonly connectionString: string;
  listQueues(): Promise<{ name: string; approximateMessageCount: number }[]>;
  /** Up to `top` (≤ 32) visible messages; `text` is decoded from base64 when it decodes to UTF-8 text. */
  peekMessages(
    queue: string,
    top: number,
  ): Promise<{ id: string; insertedOn: string; expiresOn: string; dequeueCount: number; text: string }[]>;
  listContainers(): Promise<{ name: string }[]>;
  listBlobs(
    container: string,
    prefix?: string,
  ): Promise<{ name: string; size: number; lastModified: string; contentType: string }[]>;
  /** The blob's bytes and content type, or undefined when the container or blob does not exist. */
  getBlob(container: string, name: string): Promise<{ content: Buffer; contentType: string } | undefined>;
}
