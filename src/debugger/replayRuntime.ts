/**
 * The steppable replay runtime, shaped like vscode-mock-debug's `MockRuntime`: a state machine over the
 * precomputed positions of one instance (see `replayRun.ts`), with forward and reverse stepping, line and
 * event-kind breakpoints, and `stopOn*` events. It never touches a process or VS Code: a debug adapter only
 * translates its events and answers into DAP.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { EventType, eventTypeName, type HistoryEvent } from '../emulator/engine/history.js';
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
}

export interface RuntimeEvents {
  stopOnEntry: [];
  stopOnStep: [];
  stopOnBreakpoint: [];
  stopOnException: [Divergence];
  end: [];
}

export interface PositionVariables {
  event: { index: number; type: string; name?: string; timestamp: string; details: HistoryEvent };
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
  history: HistoryEvent[];
  divergence?: Divergence;
}

export class ReplayRuntime extends EventEmitter<RuntimeEvents> {
  private current = -1;
  /** Line breakpoints by resolved file: line → optional condition (text the event's name or JSON must contain). */
  private readonly lineBreakpoints = new Map<string, Map<number, string | undefined>>();
  private eventBreakpoints: EventBreakpoint[] = [];

  constructor(
    readonly instance: ReplayInstance,
    readonly positions: readonly Position[],
  ) {
    super();
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
    if (stopOnEntry) this.emit('stopOnEntry');
    else if (!this.stopsAt(0, 'entry')) this.continue(false);
  }

  restart(stopOnEntry = true): void {
    this.start(stopOnEntry);
  }

  /** One position forward (or back). A divergence at the new position stops as an exception. */
  step(reverse = false): void {
    if (reverse) {
      if (this.current <= 0) {
        this.current = 0;
        this.emit('stopOnEntry');
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
        this.current = 0;
        this.emit('stopOnEntry');
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

  /** The top frame is where the orchestrator is suspended (see `instrument.ts` for the approximation). */
  stack(): StackFrame[] {
    const position = this.positions[Math.max(0, this.current)];
    const site = position?.observation.suspendedAt;
    const name = this.instance.name;
    return [site ? { name, file: site.file, line: site.line, column: site.column } : { name }];
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
      history: this.instance.history.slice(0, position.eventIndex + 1),
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
