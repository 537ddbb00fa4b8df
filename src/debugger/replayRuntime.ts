/**
 * The steppable replay runtime, shaped like vscode-mock-debug's `MockRuntime`: a state machine over the
 * precomputed positions of one instance (see `replayRun.ts`), with forward and reverse stepping, line and
 * event-kind breakpoints, and `stopOn*` events. It never touches a process or VS Code: a debug adapter only
 * translates its events and answers into DAP.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { EventType, eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
import { transformHistory, type JsonValue } from '../emulator/http/statusPayload.js';
import { EventNumbers } from './eventNumbers.js';
import type { ObservedTask, SourceSite } from './instrument.js';
import type { Divergence } from './positions.js';
import type { ReplayInstance } from './replayHost.js';
import type { Position } from './replayRun.js';

export interface EventBreakpoint {
  /** An EventType name, e.g. `TaskFailed`, `EventRaised`. */
  kind: string;
  /** When set, the event's name or its JSON must contain this text. */
  condition?: string;
}

export interface StackFrame {
  name: string;
  file?: string;
  line?: number;
  column?: number;
  /** Set on the last position's frame: the orchestrator returned or threw there. */
  ended?: 'returned' | 'threw';
}

/** A row of the host's `historyEvents` (what the history view shows and *Export JSON…* writes). */
export interface HistoryRowValue {
  /** 1-based: the history view's `#`. */
  number: number;
  event: Record<string, JsonValue>;
}

export interface RuntimeEvents {
  stopOnEntry: [];
  stopOnStep: [];
  stopOnBreakpoint: [];
  stopOnException: [Divergence];
  end: [];
}

export interface PositionVariables {
  event: {
    /** Index in the stored (wire) history; internal. */
    index: number;
    /** The history view's `#` of the event (`EventNumbers`). */
    number: number;
    type: string;
    name?: string;
    timestamp: string;
    details: HistoryEvent;
  };
  orchestration: {
    instanceId: string;
    name: string;
    input: unknown;
    customStatus: unknown;
    output?: unknown;
    error?: string;
    completed: ObservedTask[];
    pending: ObservedTask[];
  };
  /** The history view's rows up to the position's own. */
  history: HistoryRowValue[];
  divergence?: Divergence;
}

export class ReplayRuntime extends EventEmitter<RuntimeEvents> {
  private current = -1;
  /** Line breakpoints by resolved file: line → optional condition (text the event's name or JSON must contain). */
  private readonly lineBreakpoints = new Map<string, Map<number, string | undefined>>();
  private eventBreakpoints: EventBreakpoint[] = [];
  /** The one numbering a user sees (the history view's `#`). */
  readonly numbers: EventNumbers;
  private hostRows: Record<string, JsonValue>[] | undefined;

  constructor(
    readonly instance: ReplayInstance,
    readonly positions: readonly Position[],
  ) {
    super();
    this.numbers = new EventNumbers(instance.history);
  }

  /** The current position number (0-based), or -1 before `start`. */
  get position(): number {
    return this.current;
  }

  start(stopOnEntry: boolean): void {
    this.current = 0;
    if (this.positions.length === 0) {
      this.emit('end');
      return;
    }
    // A divergence at the first position is the stop, with or without stopOnEntry: stepping on would end the replay.
    if (stopOnEntry) this.stopAtFirst();
    else if (!this.stopsAt(0, 'entry')) this.continue(false);
  }

  /** Stops at position 0: as an exception when it diverges, else on entry. */
  private stopAtFirst(): void {
    this.current = 0;
    const divergence = this.positions[0]!.divergence;
    if (divergence) this.emit('stopOnException', divergence);
    else this.emit('stopOnEntry');
  }

  restart(stopOnEntry = true): void {
    this.start(stopOnEntry);
  }

  /** One position forward (or back). A divergence at the new position stops as an exception. */
  step(reverse = false): void {
    if (reverse) {
      if (this.current <= 0) {
        this.stopAtFirst();
        return;
      }
      this.current--;
      this.emit('stopOnStep');
      return;
    }
    if (this.current >= this.positions.length - 1) {
      this.emit('end');
      return;
    }
    this.current++;
    const divergence = this.positions[this.current]!.divergence;
    if (divergence) this.emit('stopOnException', divergence);
    else this.emit('stopOnStep');
  }

  /** Runs to the next (previous) position that has a divergence or hits a breakpoint. */
  continue(reverse = false): void {
    for (;;) {
      const next = this.current + (reverse ? -1 : 1);
      if (next < 0) {
        this.stopAtFirst();
        return;
      }
      if (next >= this.positions.length) {
        this.emit('end');
        return;
      }
      this.current = next;
      if (this.stopsAt(next, 'run')) return;
    }
  }

  private stopsAt(index: number, _why: 'entry' | 'run'): boolean {
    const divergence = this.positions[index]!.divergence;
    if (divergence) {
      this.emit('stopOnException', divergence);
      return true;
    }
    if (this.hitsLine(index) || this.hitsEvent(index)) {
      this.emit('stopOnBreakpoint');
      return true;
    }
    return false;
  }

  /**
   * Line breakpoints in `file`, each with an optional condition (text the position's event name or JSON must
   * contain); returns the lines kept (all: any line may be reached by some task).
   */
  setBreakpoints(file: string, lines: number[], conditions: (string | undefined)[] = []): number[] {
    this.lineBreakpoints.set(path.resolve(file), new Map(lines.map((line, i) => [line, conditions[i] || undefined])));
    return lines;
  }

  setEventBreakpoints(breakpoints: EventBreakpoint[]): void {
    this.eventBreakpoints = breakpoints.filter((b) => b.kind in EventType);
  }

  /** Source lines this position reaches: where the tasks created since the previous position were created. */
  reachedSites(index: number): SourceSite[] {
    const position = this.positions[index]!;
    const before = index > 0 ? this.positions[index - 1]!.observation.tasks.length : 0;
    const sites = position.observation.tasks.slice(before).flatMap((t) => (t.site ? [t.site] : []));
    if (position.observation.suspendedAt) sites.push(position.observation.suspendedAt);
    return sites;
  }

  private hitsLine(index: number): boolean {
    return this.reachedSites(index).some((site) => {
      const lines = this.lineBreakpoints.get(path.resolve(site.file));
      return lines !== undefined && lines.has(site.line) && this.matches(index, lines.get(site.line));
    });
  }

  private hitsEvent(index: number): boolean {
    const kind = eventTypeName(this.positions[index]!.event.EventType);
    return this.eventBreakpoints.some((b) => b.kind === kind && this.matches(index, b.condition));
  }

  /** A breakpoint condition: the position's event name, or its JSON, contains the text. */
  private matches(index: number, condition: string | undefined): boolean {
    if (!condition) return true;
    const event = this.positions[index]!.event;
    const name = eventName(this.instance.history, event);
    return (name !== undefined && name.includes(condition)) || JSON.stringify(event).includes(condition);
  }

  /**
   * The top frame is where the orchestrator is suspended (see `instrument.ts` for the approximation), or, once it
   * ended, the line that returned or threw (`endSite.ts`).
   */
  stack(): StackFrame[] {
    const position = this.positions[Math.max(0, this.current)];
    const name = this.instance.name;
    const site = position?.observation.suspendedAt;
    if (site) return [{ name, file: site.file, line: site.line, column: site.column }];
    const end = position?.observation.endedAt;
    if (end) return [{ name, file: end.file, line: end.line, column: end.column, ended: end.how }];
    return [{ name }];
  }

  /** The host-format rows (`transformHistory`, with inputs and results), computed once. */
  private rows(): Record<string, JsonValue>[] {
    this.hostRows ??= transformHistory(this.instance.history, { showHistoryOutput: true, showInput: true });
    return this.hostRows;
  }

  variables(): PositionVariables | undefined {
    const position = this.positions[Math.max(0, this.current)];
    if (!position) return undefined;
    const event = position.event;
    const name = eventName(this.instance.history, event);
    const tasks = position.observation.tasks.filter((t) => !t.compound && !t.fireAndForget);
    const episode = position.episode;
    const variables: PositionVariables = {
      event: {
        index: position.eventIndex,
        number: this.numbers.numberOf(position.eventIndex),
        type: eventTypeName(event.EventType),
        ...(name !== undefined ? { name } : {}),
        timestamp: String(event.Timestamp),
        details: event,
      },
      orchestration: {
        instanceId: this.instance.instanceId,
        name: this.instance.name,
        input: this.instance.input === null ? undefined : (JSON.parse(this.instance.input) as unknown),
        customStatus: episode ? (episode.customStatus ?? null) : (position.customStatus ?? null),
        ...(episode?.isDone && episode.output !== undefined ? { output: episode.output } : {}),
        ...(episode?.error !== undefined ? { error: episode.error } : {}),
        completed: tasks.filter((t) => t.state !== 'running'),
        pending: tasks.filter((t) => t.state === 'running' && t.id !== null),
      },
      history: this.rows()
        .slice(0, this.numbers.numberOf(position.eventIndex))
        .map((event, i) => ({ number: i + 1, event })),
    };
    if (position.divergence) variables.divergence = position.divergence;
    return variables;
  }
}

/** The name an event carries, or the name of the task it completes. */
export function eventName(history: readonly HistoryEvent[], event: HistoryEvent): string | undefined {
  switch (event.EventType) {
    case EventType.ExecutionStarted:
    case EventType.EventRaised:
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated:
      return event.Name;
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed: {
      const id = event.TaskScheduledId;
      const scheduled = history.find(
        (e) =>
          (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) &&
          e.EventId === id,
      );
      return scheduled && 'Name' in scheduled ? scheduled.Name : undefined;
    }
    default:
      return undefined;
  }
}
