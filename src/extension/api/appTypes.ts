/**
 * The wire shapes of the app's functions and storage as the emulator-only API describes them
 * (`/emulator/v1/functions`, `/emulator/v1/storage/...`) and of the `function` change event. Every field a newer
 * emulator added is optional: an older one sends only `{name, kind, route?, methods?}` for a function.
 */

/** What starts a function (`other`: a trigger the emulator does not serve, e.g. Service Bus; Run Now invokes it). */
export type FunctionKind = 'orchestration' | 'activity' | 'entity' | 'http' | 'timer' | 'queue' | 'blob' | 'other';

/** Why a function ran: its trigger fired, or someone asked (`POST /admin/functions/{name}`). */
export type RunReason = 'timer' | 'queue' | 'blob' | 'manual';

/** A function's last finished run. */
export interface FunctionRun {
  /** ISO date-time the run started. */
  at: string;
  status: 'Succeeded' | 'Failed';
  reason: RunReason;
  durationMs: number;
  error?: string;
}

/** One element of `GET /emulator/v1/functions`. */
export interface FunctionInfo {
  name: string;
  kind: FunctionKind;
  /** The trigger binding's type as registered (`timerTrigger`, `serviceBusTrigger`, ...). */
  triggerType?: string;
  /** HTTP: the route template (without the `api/` prefix); the function's name when absent. */
  route?: string;
  methods?: string[];
  /** Timer: the NCRONTAB expression (or a `hh:mm:ss` interval). */
  schedule?: string;
  /** Timer: ISO date-time of the next occurrence. */
  nextRun?: string;
  lastRun?: FunctionRun;
  /** Queue trigger: the queue. */
  queueName?: string;
  /** Blob trigger: the path pattern (`uploads/{name}`). */
  path?: string;
  /** The app setting naming the storage connection. */
  connection?: string;
  /** False when the emulator does not start it by itself (only Run Now does). */
  runsLocally?: boolean;
}

/** `event: function` on the change stream: a function started or finished a run. */
export interface FunctionChange {
  type: 'function';
  name: string;
  status: 'Running' | 'Succeeded' | 'Failed';
  reason: RunReason;
  /** When the run started (emulated time): epoch ms as this emulator sends it, or ISO. */
  at: number | string;
  durationMs?: number;
  error?: string;
}

/** `GET /emulator/v1/storage`: where the app's storage lives and what it uses. */
export interface StorageInfo {
  connection: 'azurite' | 'account';
  account: string;
  /** Queue names the app's bindings use. */
  queues: string[];
  /** Container names the app's bindings use. */
  containers: string[];
}

/** One element of `GET /emulator/v1/storage/queues`. */
export interface QueueSummary {
  name: string;
  approximateMessageCount: number;
}

/** One element of `GET /emulator/v1/storage/queues/{queue}/messages` (peeked, not dequeued). */
export interface QueueMessage {
  id: string;
  /** ISO date-times. */
  insertedOn: string;
  expiresOn: string;
  dequeueCount: number;
  text: string;
}

/** One element of `GET /emulator/v1/storage/containers`. */
export interface ContainerSummary {
  name: string;
}

/** One element of `GET /emulator/v1/storage/containers/{c}/blobs`. */
export interface BlobSummary {
  name: string;
  /** Bytes. */
  size: number;
  /** ISO date-time. */
  lastModified: string;
  contentType?: string;
}

/** A blob's content as read. */
export interface BlobContent {
  bytes: Uint8Array;
  contentType: string | undefined;
}
