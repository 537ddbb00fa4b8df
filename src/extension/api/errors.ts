/**
 * The two ways a management call fails: the server answered with an error status (`ManagementApiError`), or no
 * usable answer came back at all (`ManagementConnectionError`: refused, reset, timed out). Both carry the
 * operation and a one-line message a person can read in a notification, e.g.
 * "Cannot terminate instance 'x': it has already finished (410)".
 */

/** Every client method, by name; errors say which one failed. */
export type ManagementOperation =
  | 'getHostStatus'
  | 'startOrchestration'
  | 'getStatus'
  | 'listInstances'
  | 'raiseEvent'
  | 'terminate'
  | 'suspend'
  | 'resume'
  | 'rewind'
  | 'restart'
  | 'purge'
  | 'purgeBy'
  | 'getEntity'
  | 'listEntities'
  | 'signalEntity'
  | 'getFunctions'
  | 'getSummary'
  | 'getInstanceDetails'
  | 'getClock'
  | 'advanceClock'
  | 'getTimers'
  | 'getReturned'
  | 'getEntityDetails'
  | 'fireTimer'
  | 'runFunction'
  | 'getFunction'
  | 'getStorage'
  | 'listQueues'
  | 'peekMessages'
  | 'addMessage'
  | 'listContainers'
  | 'listBlobs'
  | 'readBlob'
  | 'uploadBlob';

/** What a call was doing: the operation and its phrase for messages ("terminate instance 'x'"). */
export interface OperationContext {
  operation: ManagementOperation;
  action: string;
}

/** Whether an operation addresses one orchestration instance (404 then means "no such instance"). */
const ON_INSTANCE: Record<ManagementOperation, boolean> = {
  getHostStatus: false,
  startOrchestration: false,
  getStatus: true,
  listInstances: false,
  raiseEvent: true,
  terminate: true,
  suspend: true,
  resume: true,
  rewind: true,
  restart: true,
  purge: true,
  purgeBy: false,
  getEntity: false,
  listEntities: false,
  signalEntity: false,
  getFunctions: false,
  getSummary: false,
  getInstanceDetails: true,
  getClock: false,
  advanceClock: false,
  getTimers: false,
  getReturned: false,
  getEntityDetails: false,
  fireTimer: true,
  runFunction: false,
  getFunction: false,
  getStorage: false,
  listQueues: false,
  peekMessages: false,
  addMessage: false,
  listContainers: false,
  listBlobs: false,
  readBlob: false,
  uploadBlob: false,
};

const EMULATOR_ONLY: ReadonlySet<ManagementOperation> = new Set([
  'getFunctions',
  'getSummary',
  'getInstanceDetails',
  'getClock',
  'advanceClock',
  'getTimers',
  'getReturned',
  'getEntityDetails',
  'fireTimer',
  'getStorage',
  'listQueues',
  'peekMessages',
  'addMessage',
  'listContainers',
  'listBlobs',
  'readBlob',
  'uploadBlob',
]);

/** The server answered with a status the operation does not accept. */
export class ManagementApiError extends Error {
  override readonly name = 'ManagementApiError';
  readonly operation: ManagementOperation;
  /** HTTP status. 400 without a request when an argument cannot be put in a URL (empty, `.` or `..`). */
  readonly status: number;
  /**
   * The server's `Message` (or its bare JSON string / text body), when it sent one. For a request refused before
   * it was sent, or an answer that is not what the route returns, what was wrong.
   */
  readonly serverMessage: string | undefined;
  /** The server's `ExceptionMessage`, when it sent one. */
  readonly exceptionMessage: string | undefined;

  constructor(context: OperationContext, status: number, serverMessage?: string, exceptionMessage?: string) {
    super(`Cannot ${context.action}: ${serverMessage ?? defaultReason(context.operation, status)} (${status})`);
    this.operation = context.operation;
    this.status = status;
    this.serverMessage = serverMessage;
    this.exceptionMessage = exceptionMessage;
  }
}

/** No usable answer: the connection failed, the request timed out, or the body could not be read. */
export class ManagementConnectionError extends Error {
  override readonly name = 'ManagementConnectionError';
  readonly operation: ManagementOperation;
  readonly timedOut: boolean;

  constructor(context: OperationContext, origin: string, detail: string, timedOut: boolean, cause?: unknown) {
    super(`Cannot ${context.action}: no answer from ${origin} (${detail})`, { cause });
    this.operation = context.operation;
    this.timedOut = timedOut;
  }
}

function defaultReason(operation: ManagementOperation, status: number): string {
  switch (status) {
    case 400:
      return 'the request is not valid';
    case 401:
      return 'the key is missing or not valid';
    case 403:
      return 'access is forbidden (check the key)';
    case 404:
      if (EMULATOR_ONLY.has(operation)) return 'this server has no emulator API (is it the Durable Studio emulator?)';
      return ON_INSTANCE[operation] ? 'no such instance' : 'not found';
    case 409:
      return 'an instance with this id is already running';
    case 410:
      return 'it has already finished';
    case 412:
      return 'the instance is not in a state that allows it';
    case 413:
      return 'the request body is too large';
    case 503:
      return 'the host is not ready yet';
    default:
      return status >= 500 ? 'the server failed' : 'unexpected answer';
  }
}

/** A server message as one line: whitespace collapsed, a trailing period dropped, at most 300 characters. */
export function oneLine(text: string): string | undefined {
  let line = text.replace(/\s+/g, ' ').trim();
  if (line.endsWith('.')) line = line.slice(0, -1);
  if (line.length > 300) line = `${line.slice(0, 299)}…`;
  return line.length > 0 ? line : undefined;
}

/**
 * The message of an error body: ASP.NET's `{"Message", "ExceptionMessage"?}`, a bare JSON string (some routes
 * of the real host), or plain text. HTML error pages (proxies, App Service) give no message.
 */
export function parseErrorBody(text: string): { message?: string; exceptionMessage?: string } {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.startsWith('<')) return {};
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return withDefined(oneLine(trimmed), undefined);
  }
  if (typeof value === 'string') return withDefined(oneLine(value), undefined);
  if (typeof value === 'object' && value !== null) {
    const { Message, ExceptionMessage } = value as { Message?: unknown; ExceptionMessage?: unknown };
    return withDefined(
      typeof Message === 'string' ? oneLine(Message) : undefined,
      typeof ExceptionMessage === 'string' ? oneLine(ExceptionMessage) : undefined,
    );
  }
  return {};
}

function withDefined(
  message: string | undefined,
  exceptionMessage: string | undefined,
): { message?: string; exceptionMessage?: string } {
  return {
    ...(message !== undefined ? { message } : {}),
    ...(exceptionMessage !== undefined ? { exceptionMessage } : {}),
  };
}
