/**
 * The replay debugger's scopes and variables in DAP terms: the current event, the orchestration (input, custom
 * status, completed and pending tasks) and the history so far, with every object or array expandable. References
 * live until the next stop (`reset`), as DAP allows.
 */
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { preview } from '../inlineResults.js';
import type { Divergence } from '../positions.js';
import type { PositionVariables } from '../replayRuntime.js';

type VariableRef = { kind: 'event' | 'orchestration' | 'history' } | { kind: 'value'; value: unknown };

export class ReplayVariables {
  private readonly handles = new Handles<VariableRef>();

  /** Forgets every reference (at each stop). */
  reset(): void {
    this.handles.reset();
  }

  scopes(): DebugProtocol.Scope[] {
    return [
      new Scope('Current event', this.handles.create({ kind: 'event' }), false),
      new Scope('Orchestration', this.handles.create({ kind: 'orchestration' }), false),
      new Scope('History so far', this.handles.create({ kind: 'history' }), true),
    ];
  }

  /** The children of a reference at the current position; none for an unknown (stale) reference. */
  children(reference: number, current: PositionVariables): DebugProtocol.Variable[] {
    const ref = this.handles.get(reference);
    if (!ref) return [];
    switch (ref.kind) {
      case 'event':
        return this.named(eventSummary(current));
      case 'orchestration': {
        const { instanceId, name, input, customStatus, output, error, completed, pending } = current.orchestration;
        return this.named({
          instanceId,
          name,
          input,
          customStatus,
          ...(output !== undefined ? { output } : {}),
          ...(error !== undefined ? { error } : {}),
          completedTasks: completed,
          pendingTasks: pending,
          ...(current.divergence ? { nonDeterminism: divergenceSummary(current.divergence) } : {}),
        });
      }
      case 'history':
        // The history view's rows, numbered as its `#` column, in the host's form (as *Export JSON…* writes them).
        return current.history.map(({ number, event }) => {
          const name = event['FunctionName'] ?? event['Name'];
          const type = event['EventType'];
          return {
            name: `#${number}`,
            value: `${typeof type === 'string' ? type : JSON.stringify(type)}${typeof name === 'string' ? ` ${name}` : ''}`,
            variablesReference: this.handles.create({ kind: 'value', value: event }),
          };
        });
      case 'value': {
        const value = ref.value;
        if (Array.isArray(value)) return value.map((item, i) => this.variable(`[${i}]`, item));
        return this.named(value as Record<string, unknown>);
      }
    }
  }

  private named(object: Record<string, unknown>): DebugProtocol.Variable[] {
    return Object.entries(object).map(([name, value]) => this.variable(name, value));
  }

  private variable(name: string, value: unknown): DebugProtocol.Variable {
    if (value !== null && typeof value === 'object') {
      const ref = this.handles.create({ kind: 'value', value });
      if (Array.isArray(value)) return { name, value: `Array(${value.length})`, variablesReference: ref };
      return { name, value: preview(value), variablesReference: ref };
    }
    return { name, value: value === undefined ? 'undefined' : JSON.stringify(value), variablesReference: 0 };
  }
}

/**
 * The current event in plain fields: its number (the history view's `#`), type, name, input, result, failure and
 * timestamps, then the stored event.
 */
function eventSummary(current: PositionVariables): Record<string, unknown> {
  const { number, type, name, timestamp, details } = current.event;
  const raw = details as unknown as Record<string, unknown>;
  const summary: Record<string, unknown> = { number, type };
  if (name !== undefined) summary['name'] = name;
  if (raw['Input'] !== undefined) summary['input'] = parseJsonText(raw['Input']);
  if (raw['Result'] !== undefined) summary['result'] = parseJsonText(raw['Result']);
  if (raw['Reason'] !== undefined) summary['reason'] = raw['Reason'];
  if (raw['Details'] !== undefined) summary['details'] = parseJsonText(raw['Details']);
  if (raw['FailureDetails']) summary['failure'] = raw['FailureDetails'];
  summary['timestamp'] = timestamp;
  if (raw['FireAt'] !== undefined) summary['fireAt'] = raw['FireAt'];
  summary['event'] = details;
  return summary;
}

/** A divergence as a user reads it: the event by its number (the history view's `#`), not the stored index. */
function divergenceSummary(d: Divergence): Record<string, unknown> {
  return {
    message: d.message,
    event: d.eventNumber,
    recorded: d.recorded,
    now: d.now,
    ...(d.sequenceId !== null ? { sequenceId: d.sequenceId } : {}),
    ...(d.site ? { site: `${d.site.file}:${d.site.line}:${d.site.column}` } : {}),
  };
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
