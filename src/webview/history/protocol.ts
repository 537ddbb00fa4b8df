/**
 * The messages between the history panel (extension host, `src/extension/history`) and its webview
 * (`src/webview/history`), both directions, as discriminated unions. Both sides import this module; it holds
 * types, the view type and two guards that check what arrives before it is used. No DOM, no VS Code, no Node.
 */

/** `WebviewPanel.viewType` of the history panels (package.json `when` clauses name it). */
export const HISTORY_VIEW_TYPE = 'durableStudio.history';

/**
 * What the extension host reads of the state the webview saves with `vscode.setState`. VS Code keeps that state
 * across a window reload and hands it to the panel serializer, which reopens the panel on this instance. The host
 * writes the instance id on the page (`data-instance-id` on `#root`), and the webview saves it as soon as it runs,
 * so a panel restored before it could read its history is restored again after the next reload.
 */
export interface PersistedHistoryState {
  instanceId: string;
}

/** The instance id in a saved webview state; undefined for anything else (a state from an older version). */
export function instanceIdOfState(state: unknown): string | undefined {
  if (!isRecord(state)) return undefined;
  const instanceId = state['instanceId'];
  return typeof instanceId === 'string' && instanceId !== '' ? instanceId : undefined;
}

/** A JSON value as the management API sends it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * `GET /runtime/webhooks/durabletask/instances/{id}?showHistory=true&showHistoryOutput=true&showInput=true` as the
 * Functions host (and the emulator) answers it: `historyEvents` are in the host's transformed form (`EventType`
 * names, scheduling events folded into their completions). This is also the format of an exported history.
 */
export interface HistoryStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: JsonValue;
  customStatus: JsonValue;
  output: JsonValue;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, JsonValue>[];
}

/** What a name in the history refers to, for "go to definition". */
export type DefinitionKind = 'orchestration' | 'activity' | 'entity' | 'function';

export interface DefinitionTarget {
  kind: DefinitionKind;
  name: string;
}

export type HistoryTab = 'table' | 'timeline';

/** What the webview shows at the moment: its answer to `describe`, for tests and diagnostics. */
export interface HistoryDescription {
  /** The `version` of the last update applied, 0 before the first. */
  version: number;
  activeTab: HistoryTab;
  instanceId: string | undefined;
  runtimeStatus: string | undefined;
  /** Rows in the model (one per history event). */
  totalRows: number;
  /** The filter typed above the table ('' for none) and the rows it lets through. */
  filter: string;
  shownRows: number;
  /** Row elements in the DOM (the table is virtualised). */
  renderedRows: number;
  /** History index of the event of the first row element in the DOM, -1 when none. */
  firstRenderedRow: number;
  /** The event types of the rows in the DOM, in order. */
  renderedEventTypes: string[];
  expandedKeys: string[];
  /** History index of the event whose row has (or last had) the keyboard focus. */
  focusedRow: number;
  totalSpans: number;
  renderedSpans: number;
  /** History index of the event a replay debugger is paused on (highlighted), -1 when none. */
  replayRow: number;
  /** The error or notice line, if one is shown. */
  notice: string | undefined;
  /** The header's note (see the `update` message), if one is shown. */
  note: string | undefined;
  /** A running instance's duration and timers' time left are being brought up to date every second. */
  ticking?: boolean;
}

/** Sent by the webview after it applied an update. */
export interface RenderReport {
  version: number;
  totalRows: number;
  renderedRows: number;
  totalSpans: number;
  runtimeStatus: string;
  /** Time to build the view model from the status, in the webview. */
  modelMs: number;
  /** Time to build the model and update the DOM, in the webview. */
  renderMs: number;
}

/**
 * Actions tests (and automation) can ask the webview to perform, through the same code paths as a click or a key
 * press: the panel's e2e test uses them instead of synthesising DOM events from the extension host. `index` is the
 * event's index in `historyEvents` (a filtered-out row is shown again).
 */
export type DriveAction =
  | { kind: 'showTab'; tab: HistoryTab }
  | { kind: 'filter'; text: string }
  | { kind: 'toggleRow'; index: number }
  | { kind: 'scrollToRow'; index: number }
  | { kind: 'openDefinition'; index: number }
  | { kind: 'export' };

/** Extension host → webview. */
export type HostToWebview =
  /**
   * A fresh status; `version` grows with each one. `now` bounds spans still running (ms since the epoch). The status
   * travels as UTF-8 JSON bytes: VS Code passes binary data to the webview as it is, where a nested object would be
   * serialised and copied on every hop (a 10,000-event history is about 2 MB).
   */
  | {
      type: 'update';
      version: number;
      status: Uint8Array;
      now: number;
      live: boolean;
      /** A line under the title for what the status does not tell (the emulator: the orchestrator returned while
       * tasks it started are still open, so the instance stays Running). */
      note?: string;
      /**
       * The due times (ISO) of the instance's pending timers, when the host tells (the emulator): a timer of the
       * history that neither fired nor is listed here was cancelled. Absent: not known.
       */
      pendingTimers?: string[];
    }
  /** A notice above the view (the instance is gone, the host is unreachable); the last status stays shown. */
  | { type: 'notice'; message: string | undefined; live: boolean }
  | { type: 'describe'; requestId: number }
  | { type: 'drive'; requestId: number; action: DriveAction }
  /**
   * A replay debugger paused on this instance: highlight the row with this key (`<EventType>#<n>`, see
   * `HistoryRow.key`) and scroll it into view; undefined when the session ended.
   */
  | { type: 'replayPosition'; key: string | undefined };

/** Webview → extension host. */
export type WebviewToHost =
  /**
   * The webview (re)loaded and listens: the host sends the current status. `loadedMs`: from the start of the
   * webview document's navigation to its script running (for the time-to-first-render figures).
   */
  | { type: 'ready'; loadedMs: number }
  | { type: 'rendered'; report: RenderReport }
  | { type: 'description'; requestId: number; description: HistoryDescription }
  | { type: 'driven'; requestId: number; error: string | undefined }
  | { type: 'openDefinition'; target: DefinitionTarget }
  | { type: 'openInstance'; instanceId: string }
  | { type: 'refresh' }
  | { type: 'export' };

const DEFINITION_KINDS: readonly string[] = [
  'orchestration',
  'activity',
  'entity',
  'function',
] satisfies DefinitionKind[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTarget(value: unknown): value is DefinitionTarget {
  return (
    isRecord(value) &&
    typeof value['name'] === 'string' &&
    typeof value['kind'] === 'string' &&
    DEFINITION_KINDS.includes(value['kind'])
  );
}

/** The message, if it is one the extension host understands; undefined for anything else. */
export function asWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isRecord(value) || typeof value['type'] !== 'string') return undefined;
  const message = value as WebviewToHost;
  switch (message.type) {
    case 'ready':
      return typeof message.loadedMs === 'number' ? message : undefined;
    case 'refresh':
    case 'export':
      return message;
    case 'rendered':
      return isRecord(message.report) && typeof message.report.version === 'number' ? message : undefined;
    case 'description':
      return typeof message.requestId === 'number' && isRecord(message.description) ? message : undefined;
    case 'driven':
      return typeof message.requestId === 'number' ? message : undefined;
    case 'openDefinition':
      return isTarget(message.target) ? message : undefined;
    case 'openInstance':
      return typeof message.instanceId === 'string' && message.instanceId !== '' ? message : undefined;
    default:
      return undefined;
  }
}

export function encodeStatus(status: HistoryStatus): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(status));
}

export function decodeStatus(bytes: Uint8Array): HistoryStatus {
  return JSON.parse(new TextDecoder().decode(bytes)) as HistoryStatus;
}

/** The message, if it is one the webview understands; undefined for anything else. */
export function asHostMessage(value: unknown): HostToWebview | undefined {
  if (!isRecord(value) || typeof value['type'] !== 'string') return undefined;
  const message = value as HostToWebview;
  switch (message.type) {
    case 'update':
      return typeof message.version === 'number' && message.status instanceof Uint8Array ? message : undefined;
    case 'notice':
      return message;
    case 'describe':
      return typeof message.requestId === 'number' ? message : undefined;
    case 'drive':
      return typeof message.requestId === 'number' && isRecord(message.action) ? message : undefined;
    case 'replayPosition':
      return message.key === undefined || typeof message.key === 'string' ? message : undefined;
    default:
      return undefined;
  }
}
