/**
 * Open tasks: what keeps an execution going after its orchestrator function has finished.
 *
 * DTFx ends an execution only once the orchestrator's result is complete *and* no task it started is open
 * (`TaskOrchestrationExecutor.ExecuteCore`: `if (!this.context.HasOpenTasks) { if (this.result.IsCompleted) ... }`).
 * The same check guards a result that returned, threw, or continued as new. For a JavaScript app the extension's
 * `OutOfProcOrchestrationShim` replays the library's actions through the .NET context, and only some of them open a
 * DTFx task (`TaskOrchestrationContext.openTasks`): activities (with retries, each attempt and each retry timer),
 * sub-orchestrations, durable timers (until `TimerFired`; a timer whose action says `isCanceled` is removed at
 * once), and HTTP calls (an activity, then a timer between polls). External-event waits, entity calls and lock
 * requests are waits of the extension's own (`DurableOrchestrationContext.WaitForExternalEvent`): they keep nothing
 * open.
 *
 * So an orchestrator that returns while such a task is open (the loser of a `Task.any`) stays Running, with no
 * output, until the task is done; its function is replayed then and the execution ends with what it answers.
 */
import type { WireAction } from '../host/protocol.js';
import { ActionType } from './actions.js';
import type { OpenTaskInfo } from './api.js';
import type { InstanceRecord, PendingTask } from './model.js';

/** Whether the engine's pending entry is a DTFx open task (an HTTP request still waiting for its poll is not yet). */
export function isOpenTask(task: PendingTask): boolean {
  switch (task.kind) {
    case 'activity':
    case 'subOrchestration':
    case 'timer':
      return true;
    case 'http':
      return task.awaitingPoll !== true;
    case 'entityCall':
    case 'lock':
      return false;
  }
}

/** Whether a new action leaf opens a task when the host schedules it. */
export function opensTask(leaf: WireAction): boolean {
  switch (leaf.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
    case ActionType.CallHttp:
      return true;
    case ActionType.CreateTimer:
      return leaf['isCanceled'] !== true;
    default:
      return false;
  }
}

export function hasOpenTasks(record: InstanceRecord): boolean {
  return Object.values(record.pending).some(isOpenTask);
}

/** The open tasks of the current execution, by sequence id. */
export function openTasksOf(record: InstanceRecord): OpenTaskInfo[] {
  const tasks: OpenTaskInfo[] = [];
  for (const [id, task] of Object.entries(record.pending)) {
    if (!isOpenTask(task)) continue;
    const taskId = Number(id);
    switch (task.kind) {
      case 'activity':
        tasks.push({ kind: 'activity', taskId, name: task.name });
        break;
      case 'subOrchestration':
        tasks.push({ kind: 'subOrchestration', taskId, name: task.name, instanceId: task.childId });
        break;
      case 'timer':
        tasks.push({ kind: 'timer', taskId, fireAt: task.fireAt, purpose: task.purpose });
        break;
      case 'http':
        tasks.push({ kind: 'http', taskId, method: task.request.method, uri: task.request.uri });
        break;
      default:
        break;
    }
  }
  return tasks.sort((a, b) => a.taskId - b.taskId);
}

const TIMER_NAMES = { user: 'timer', retry: 'retry timer', httpPoll: 'HTTP poll timer' } as const;

export function describeOpenTask(task: OpenTaskInfo): string {
  switch (task.kind) {
    case 'timer':
      return `${TIMER_NAMES[task.purpose]} ${task.taskId} (fires at ${new Date(task.fireAt).toISOString()})`;
    case 'activity':
      return `activity '${task.name}' (task ${task.taskId})`;
    case 'subOrchestration':
      return `sub-orchestration '${task.name}' ('${task.instanceId}', task ${task.taskId})`;
    case 'http':
      return `HTTP ${task.method} ${task.uri} (task ${task.taskId})`;
  }
}

/** The warning logged when an orchestrator function first finishes with open tasks (`record.returned` set). */
export function openTasksWarning(record: InstanceRecord): string {
  const tasks = openTasksOf(record);
  const returned = record.returned;
  const how =
    returned?.status === 'Failed'
      ? `threw (${(returned.error ?? '').split('\n', 1)[0]})`
      : returned?.status === 'ContinuedAsNew'
        ? 'continued as new'
        : 'returned with output';
  const userTimers = tasks.filter((t) => t.kind === 'timer' && t.purpose === 'user').length;
  const list = tasks.map(describeOpenTask);
  const listed = list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : (list[0] ?? '');
  const state =
    userTimers === tasks.length
      ? `${tasks.length === 1 ? 'is' : 'are'} neither fired nor cancelled`
      : tasks.length === 1
        ? 'has not completed'
        : 'are still open';
  const advice = userTimers > 0 ? '; call timer.cancel() when the race is decided' : '';
  return (
    `Orchestration '${record.name}' (${record.instanceId}) ${how} but its ${listed} ${state}: like Azure, it stays ` +
    `Running until ${tasks.length === 1 ? 'then' : 'they are done'}${advice}`
  );
}
