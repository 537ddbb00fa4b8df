/**
 * Where replay histories come from: a history file (the real host's `showHistory` status JSON, or a raw event
 * array as the emulator stores it), or an emulator store folder, read without taking its lock.
 *
 * The store is read directly (documents, then journal segments replayed over them with the journal's own pure
 * functions) rather than through `openStoreDir`/`loadContents`: those take the store's lock, create missing
 * folders and remove temp files, which must never happen to the store of a running emulator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EventType, type HistoryEvent } from '../emulator/engine/history.js';
import type { InstanceRecord } from '../emulator/engine/model.js';
import { applyLine, emptyReplayState, isInstanceRecord, parseSegment } from '../emulator/store/journal.js';
import { isDocumentFileName, parseSegmentFileName, storeLayout } from '../emulator/store/layout.js';
import type { ReplayInstance } from './replayHost.js';

export class HistoryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryInputError';
  }
}

export interface LoadedInstance extends ReplayInstance {
  /** Where it came from, for messages. */
  source: string;
  /** Set when the history was rebuilt from the host's transformed form (sequence ids reconstructed). */
  reconstructed?: boolean;
}

/** Reads every orchestration instance of a store folder, read-only. */
export function loadStoreInstances(dir: string, warn: (message: string) => void = () => undefined): LoadedInstance[] {
  const layout = storeLayout(path.resolve(dir));
  if (!fs.existsSync(layout.instancesDir)) throw new HistoryInputError(`not a Durable Studio store: ${dir}`);
  const state = emptyReplayState();
  for (const name of fs.readdirSync(layout.instancesDir)) {
    if (!isDocumentFileName(name)) continue;
    try {
      const value: unknown = JSON.parse(fs.readFileSync(path.join(layout.instancesDir, name), 'utf8'));
      if (isInstanceRecord(value)) state.instances.set(value.instanceId, value);
    } catch {
      warn(`skipping unreadable store document ${name}`);
    }
  }
  const segments = fs
    .readdirSync(layout.dir)
    .map((name) => ({ name, no: parseSegmentFileName(name) }))
    .filter((s): s is { name: string; no: number } => s.no !== null)
    .sort((a, b) => a.no - b.no);
  for (const segment of segments) {
    try {
      for (const line of parseSegment(fs.readFileSync(path.join(layout.dir, segment.name))).lines)
        applyLine(state, line);
    } catch (error) {
      warn(`stopped reading ${segment.name}: ${error instanceof Error ? error.message : String(error)}`);
      break;
    }
  }
  const instances: LoadedInstance[] = [];
  for (const record of state.instances.values()) {
    if (record === null || record.history.length === 0 || record.instanceId.startsWith('@')) continue;
    instances.push(fromRecord(record, `store ${dir}`));
  }
  return instances.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
}

function fromRecord(record: InstanceRecord, source: string): LoadedInstance {
  return {
    instanceId: record.instanceId,
    name: record.name,
    input: record.input,
    parentInstanceId: record.parent?.instanceId ?? null,
    history: record.history,
    source,
  };
}

/** Reads a history file: a status payload with `historyEvents`, or a raw event array (or `{ history: [...] }`). */
export function loadHistoryFile(file: string): LoadedInstance {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HistoryInputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return historyFromJson(value, file);
}

export function historyFromJson(value: unknown, source: string): LoadedInstance {
  const object = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  const events = Array.isArray(value) ? value : (object['historyEvents'] ?? object['history']);
  if (!Array.isArray(events) || events.length === 0)
    throw new HistoryInputError(`${source}: no history events (expected "historyEvents" or an event array)`);
  const first = events[0] as Record<string, unknown>;
  const history =
    typeof first['EventType'] === 'number' ? (events as HistoryEvent[]) : rebuildHistory(events as Transformed[]);
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  if (!started) throw new HistoryInputError(`${source}: the history has no ExecutionStarted event`);
  const name = typeof object['name'] === 'string' ? object['name'] : started.Name;
  const instanceId =
    typeof object['instanceId'] === 'string'
      ? object['instanceId']
      : (started.OrchestrationInstance?.InstanceId ?? path.basename(source, '.json'));
  return {
    instanceId,
    name,
    input: started.Input ?? null,
    parentInstanceId: started.ParentInstance?.InstanceId ?? null,
    history,
    source,
    ...(typeof first['EventType'] === 'number' ? {} : { reconstructed: true }),
  };
}

type Transformed = Record<string, unknown>;

const COMPLETIONS: Partial<Record<EventType, EventType>> = {
  [EventType.TaskCompleted]: EventType.TaskScheduled,
  [EventType.TaskFailed]: EventType.TaskScheduled,
  [EventType.SubOrchestrationInstanceCompleted]: EventType.SubOrchestrationInstanceCreated,
  [EventType.SubOrchestrationInstanceFailed]: EventType.SubOrchestrationInstanceCreated,
};
const SCHEDULING = new Set([
  EventType.TaskScheduled,
  EventType.SubOrchestrationInstanceCreated,
  EventType.TimerCreated,
  EventType.EventSent,
]);

function jsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/**
 * Rebuilds the wire history from the host's transformed form (see `statusPayload.ts`, `transformHistory`): the
 * scheduling event of each completed task is put back at its `ScheduledTime`, sequence ids are given to the
 * scheduling events in order, completions and fired timers are linked back to them, and an OrchestratorStarted
 * opens each event the orchestrator observes.
 *
 * Limitation: tasks scheduled in the same instant (a fan-out) keep the order of their completions, which may not
 * be the order their ids were allocated in; the replay of such a history can then report false divergences.
 */
export function rebuildHistory(items: Transformed[]): HistoryEvent[] {
  type Entry = { event: Record<string, unknown>; time: number; order: number };
  const entries: Entry[] = [];
  let order = 0;
  for (const item of items) {
    const type = EventType[item['EventType'] as keyof typeof EventType];
    if (type === undefined) continue;
    const time = Date.parse(String(item['Timestamp']));
    const event: Record<string, unknown> = { ...item, EventType: type, EventId: -1, IsPlayed: true };
    const scheduledType = COMPLETIONS[type];
    if (scheduledType !== undefined && typeof item['FunctionName'] === 'string') {
      const scheduledAt = Date.parse(String(item['ScheduledTime'] ?? item['Timestamp']));
      const scheduled: Record<string, unknown> = {
        EventType: scheduledType,
        EventId: -1,
        IsPlayed: true,
        Timestamp: item['ScheduledTime'] ?? item['Timestamp'],
        Name: item['FunctionName'],
        Input: typeof item['Input'] === 'string' || item['Input'] === null ? item['Input'] : jsonText(item['Input']),
      };
      // Placed after every event up to its time, before its completion.
      entries.push({ event: scheduled, time: scheduledAt, order: order++ });
      event['__scheduled'] = scheduled;
      delete event['FunctionName'];
      delete event['ScheduledTime'];
      delete event['Input'];
    }
    if ('Result' in item && type !== EventType.ExecutionStarted) event['Result'] = jsonText(item['Result']);
    if (type === EventType.ExecutionStarted) {
      event['Name'] = item['FunctionName'];
      delete event['FunctionName'];
      event['Version'] ??= '';
    }
    entries.push({ event, time: time, order: order++ });
  }
  // Stable by time; a scheduled event sorts before the events of its own instant that follow it in the file.
  const placed = placeScheduled(entries);
  const history: Record<string, unknown>[] = [];
  let nextId = 0;
  const timers: Record<string, unknown>[] = [];
  for (const event of placed) {
    const type = event['EventType'] as EventType;
    if (SCHEDULING.has(type)) event['EventId'] = nextId++;
    if (type === EventType.TimerCreated) timers.push(event);
    const scheduled = event['__scheduled'] as Record<string, unknown> | undefined;
    if (scheduled) {
      event['TaskScheduledId'] = scheduled['EventId'];
      delete event['__scheduled'];
    }
    if (type === EventType.TimerFired) {
      const at = Date.parse(String(event['FireAt']));
      const timer = timers.find((t) => !t['__fired'] && Date.parse(String(t['FireAt'])) === at);
      if (timer) {
        timer['__fired'] = true;
        event['TimerId'] = timer['EventId'];
      }
    }
    if (
      type === EventType.ExecutionStarted ||
      COMPLETIONS[type] !== undefined ||
      type === EventType.TimerFired ||
      type === EventType.EventRaised
    ) {
      if (history.length > 0)
        history.push({
          EventType: EventType.OrchestratorCompleted,
          EventId: -1,
          IsPlayed: true,
          Timestamp: event['Timestamp'],
        });
      history.push({
        EventType: EventType.OrchestratorStarted,
        EventId: -1,
        IsPlayed: true,
        Timestamp: event['Timestamp'],
      });
    }
    history.push(event);
  }
  for (const timer of timers) delete timer['__fired'];
  return history as unknown as HistoryEvent[];
}

function placeScheduled(
  entries: { event: Record<string, unknown>; time: number; order: number }[],
): Record<string, unknown>[] {
  const scheduledEvents = new Set(entries.map((e) => e.event['__scheduled']).filter((e) => e !== undefined));
  const isInserted = (entry: { event: Record<string, unknown> }): boolean => scheduledEvents.has(entry.event);
  const result = entries.filter((e) => !isInserted(e));
  for (const entry of entries.filter(isInserted)) {
    // After the last event at or before its time (inserted events of the same instant stay in file order), and
    // never after its own completion.
    let at = 0;
    for (let i = 0; i < result.length; i++) if (result[i]!.time <= entry.time) at = i + 1;
    const completion = result.findIndex((e) => e.event['__scheduled'] === entry.event);
    result.splice(completion >= 0 ? Math.min(at, completion) : at, 0, entry);
  }
  return result.map((e) => e.event);
}
