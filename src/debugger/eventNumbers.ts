/**
 * The one event numbering the replay debugger and `replay-check` show: "event #N", N the 1-based position of the
 * event in the host's `historyEvents` — the `#` column of the history view, and `historyEvents[N-1]` of a history
 * exported with *Export JSON…* (or fetched with `showHistory=true`).
 *
 * The replay works on the stored (wire) history, which also holds `OrchestratorStarted`/`OrchestratorCompleted`
 * and the `TaskScheduled`/`SubOrchestrationInstanceCreated` of completed tasks; the host leaves those out. Which
 * event goes where comes from the emulator's own transform (`hostHistoryPlan` in
 * src/emulator/http/statusPayload.ts), so the numbers are the ones the view and the file show. An event without a
 * row of its own is named by the row that stands for it: a completed task's scheduling by its completion (which
 * carries its `ScheduledTime`, `FunctionName` and `Input`), an `OrchestratorStarted`/`Completed` by the row it
 * precedes. Pure.
 */
import { eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
import { hostHistoryPlan, type HostHistoryPlan } from '../emulator/http/statusPayload.js';

export class EventNumbers {
  private readonly plan: HostHistoryPlan;

  constructor(private readonly history: readonly HistoryEvent[]) {
    this.plan = hostHistoryPlan(history);
  }

  /** How many rows the host's `historyEvents` has. */
  get rowCount(): number {
    let count = 0;
    for (const index of this.plan.hostIndex) if (index >= 0) count++;
    return count;
  }

  /** The 1-based row of the event itself, or undefined when the host leaves it out. */
  ownRow(index: number): number | undefined {
    const host = this.plan.hostIndex[index];
    return host === undefined || host < 0 ? undefined : host + 1;
  }

  /**
   * The row a user finds the event in: its own, or for a completed task's scheduling, its completion's; for an
   * event without either, the next row (or the last, at the end).
   */
  numberOf(index: number): number {
    const own = this.ownRow(index);
    if (own !== undefined) return own;
    const completion = this.plan.completionOf.get(index);
    if (completion !== undefined) return this.ownRow(completion)!;
    return this.nextRow(index) ?? Math.max(1, this.rowCount);
  }

  /**
   * The event in words a user can find: `event #3`; `event #4 (TaskCompleted, with its ScheduledTime)` for a
   * completed task's scheduling; `before event #5` / `after event #7` for the orchestrator's own markers.
   */
  label(index: number): string {
    const own = this.ownRow(index);
    if (own !== undefined) return `event #${own}`;
    const completion = this.plan.completionOf.get(index);
    if (completion !== undefined) {
      const type = eventTypeName(this.history[completion]!.EventType);
      return `event #${this.ownRow(completion)!} (${type}, with its ScheduledTime)`;
    }
    const next = this.nextRow(index);
    if (next !== undefined) return `before event #${next}`;
    return this.rowCount > 0 ? `after event #${this.rowCount}` : 'at the start';
  }

  private nextRow(index: number): number | undefined {
    for (let i = index + 1; i < this.plan.hostIndex.length; i++) {
      const host = this.plan.hostIndex[i]!;
      if (host >= 0) return host + 1;
    }
    return undefined;
  }
}
