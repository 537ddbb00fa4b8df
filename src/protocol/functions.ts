/**
 * The app's functions as the emulator-only API reports them (`GET /emulator/v1/functions`) and how their runs are
 * announced on the change stream (`function` events): the explorer's Functions view is built on these.
 */

/** Why a function ran: a timer schedule, a queue message, a new blob, or by hand (admin API, Run Now, tests). */
export type TriggerReason = 'timer' | 'queue' | 'blob' | 'manual';

/** How a run of a timer, queue, blob or hand-invoked function ended (or that it is still going). */
export type FunctionRunStatus = 'Running' | 'Succeeded' | 'Failed';

/** The last finished run of a function. */
export interface FunctionRunWire {
  /** When it started (emulated time, ISO). */
  at: string;
  status: 'Succeeded' | 'Failed';
  reason: TriggerReason;
  durationMs: number;
  /** The handler's error message (or why the run could not start). */
  error?: string;
}

export interface FunctionSummary {
  name: string;
  /** `orchestration`, `activity`, `entity`, `http`, `timer`, `queue`, `blob` or `other`. */
  kind: string;
  /** The trigger binding's type as registered (`timerTrigger`, `serviceBusTrigger`, ...). */
  triggerType: string;
  /** HTTP triggers: the route template (without the route prefix) and the methods (empty: all). */
  route?: string;
  methods?: string[];
  /** Timer triggers: the schedule expression, and when it next comes due (ISO). */
  schedule?: string;
  nextRun?: string;
  lastRun?: FunctionRunWire;
  /** Queue triggers. */
  queueName?: string;
  /** Blob triggers: the path pattern (`container/{name}`). */
  path?: string;
  /** Storage triggers: the app setting naming the account. */
  connection?: string;
  /** False for triggers the emulator cannot serve (kind `other`): they run only when invoked by hand. */
  runsLocally: boolean;
}
