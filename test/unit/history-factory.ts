/**
 * Builds orchestration histories for the history view's tests: raw events with the emulator's own factory, turned
 * into what the management API returns with the host's transform (the view only ever sees that form).
 */
import { EventType, makeEvent, type HistoryEvent } from '../../src/emulator/engine/history.js';
import { transformHistory } from '../../src/emulator/http/statusPayload.js';
import type { HistoryStatus } from '../../src/webview/history/protocol.js';

export const T0 = Date.parse('2024-05-01T10:00:00Z');

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private seq = 0;
  private now = T0;

  /** Moves the clock forward. */
  wait(ms: number): this {
    this.now += ms;
    return this;
  }

  private push(body: Parameters<typeof makeEvent>[0]): void {
    this.events.push(makeEvent(body, this.now));
  }

  start(name: string, input: unknown = null): this {
    this.push({
      EventType: EventType.ExecutionStarted,
      Name: name,
      Version: '',
      Input: JSON.stringify(input),
      OrchestrationInstance: { InstanceId: 'inst-1', ExecutionId: 'e1' },
      ParentInstance: null,
    });
    return this;
  }

  /** An orchestrator episode boundary (removed by the transform, like in the real host). */
  episode(): this {
    this.push({ EventType: EventType.OrchestratorStarted });
    return this;
  }

  schedule(name: string, input: unknown = null): number {
    const id = this.seq++;
    this.push({ EventType: EventType.TaskScheduled, EventId: id, Name: name, Input: JSON.stringify(input) });
    return id;
  }

  completeTask(id: number, result: unknown): this {
    this.push({ EventType: EventType.TaskCompleted, TaskScheduledId: id, Result: JSON.stringify(result) });
    return this;
  }

  failTask(id: number, reason: string, details = `Error: ${reason}\n    at activity (app.js:1:1)`): this {
    this.push({ EventType: EventType.TaskFailed, TaskScheduledId: id, Reason: reason, Details: details });
    return this;
  }

  createTimer(delayMs: number): { id: number; fireAt: number } {
    const id = this.seq++;
    const fireAt = this.now + delayMs;
    this.push({ EventType: EventType.TimerCreated, EventId: id, FireAt: new Date(fireAt).toISOString() });
    return { id, fireAt };
  }

  fireTimer(timer: { id: number; fireAt: number }): this {
    this.push({ EventType: EventType.TimerFired, TimerId: timer.id, FireAt: new Date(timer.fireAt).toISOString() });
    return this;
  }

  createSub(name: string, instanceId: string, input: unknown = null): number {
    const id = this.seq++;
    this.push({
      EventType: EventType.SubOrchestrationInstanceCreated,
      EventId: id,
      Name: name,
      InstanceId: instanceId,
      Input: JSON.stringify(input),
    });
    return id;
  }

  completeSub(id: number, result: unknown): this {
    this.push({
      EventType: EventType.SubOrchestrationInstanceCompleted,
      TaskScheduledId: id,
      Result: JSON.stringify(result),
    });
    return this;
  }

  failSub(id: number, reason: string): this {
    this.push({
      EventType: EventType.SubOrchestrationInstanceFailed,
      TaskScheduledId: id,
      Reason: reason,
      Details: '',
    });
    return this;
  }

  raise(name: string, input: unknown): this {
    this.push({ EventType: EventType.EventRaised, Name: name, Input: JSON.stringify(input) });
    return this;
  }

  /** An entity request; returns its id (the name of the response event). */
  sendToEntity(entity: string, key: string, op: string, signal = false): string {
    const id = `req-${this.seq}`;
    const message = { op, ...(signal ? { signal: true } : {}), id, parent: 'inst-1' };
    this.push({
      EventType: EventType.EventSent,
      EventId: this.seq++,
      InstanceId: `@${entity}@${key}`,
      Name: 'op',
      Input: JSON.stringify(message),
    });
    return id;
  }

  suspend(reason: string): this {
    this.push({ EventType: EventType.ExecutionSuspended, Reason: reason });
    return this;
  }

  resume(reason: string): this {
    this.push({ EventType: EventType.ExecutionResumed, Reason: reason });
    return this;
  }

  continueAsNew(input: unknown): this {
    this.push({ EventType: EventType.ContinueAsNew, Input: JSON.stringify(input) });
    return this;
  }

  terminate(reason: string): this {
    this.push({ EventType: EventType.ExecutionTerminated, Input: JSON.stringify(reason) });
    return this;
  }

  finish(status: 'Completed' | 'Failed' | 'ContinuedAsNew' | 'Terminated', result: unknown): this {
    this.push({
      EventType: EventType.ExecutionCompleted,
      OrchestrationStatus: status,
      Result: JSON.stringify(result),
      FailureDetails: status === 'Failed' ? { ErrorType: 'Error', ErrorMessage: String(result) } : null,
    });
    return this;
  }

  /** The status the management API returns for this history (showHistory, showHistoryOutput, showInput). */
  status(runtimeStatus: string, name = 'orch', instanceId = 'inst-1'): HistoryStatus {
    return statusOf(this.events, runtimeStatus, name, instanceId);
  }
}

export function statusOf(raw: HistoryEvent[], runtimeStatus: string, name: string, instanceId: string): HistoryStatus {
  const first = raw[0]?.Timestamp ?? new Date(T0).toISOString();
  const last = raw[raw.length - 1]?.Timestamp ?? first;
  return {
    name,
    instanceId,
    runtimeStatus,
    input: null,
    customStatus: null,
    output: null,
    createdTime: `${first.slice(0, 19)}Z`,
    lastUpdatedTime: `${last.slice(0, 19)}Z`,
    historyEvents: transformHistory(raw, { showHistoryOutput: true, showInput: true }),
  };
}

/**
 * A fan-out of `activities` activities (every tenth one fails once and is retried after a timer), then the end:
 * about `activities * 1.2` events after the transform.
 */
export function bigHistory(activities: number): HistoryStatus {
  const b = new HistoryBuilder().start('bigFanOut', { activities });
  const ids = Array.from({ length: activities }, (_, i) => b.schedule('work', i));
  ids.forEach((id, i) => {
    b.wait(1);
    if (i % 10 === 0) {
      b.failTask(id, `Activity function 'work' failed: attempt 1 of item ${i}`);
      const timer = b.createTimer(1000);
      b.wait(5).fireTimer(timer);
      const retry = b.schedule('work', i);
      b.completeTask(retry, i * 2);
    } else {
      b.completeTask(id, i * 2);
    }
  });
  b.wait(1).finish('Completed', { total: activities });
  return b.status('Completed', 'bigFanOut', 'big-1');
}
