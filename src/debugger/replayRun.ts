/**
 * The process-facing part of the replay: runs the orchestrator through a `ReplayHost` and turns what it observed
 * into one `Position` per event the orchestrator observes. Everything after this is pure (`ReplayRuntime`).
 *
 * A position's state is what the orchestrator has at the end of a replay of the history up to its event, as the
 * real host replays each episode. The library applies history events one at a time, so one replay of the whole
 * history, snapshotted after each position's event, reaches the same states (a unit test compares both on every
 * golden history); one replay per prefix remains for histories the handler cannot replay whole.
 */
import type { HistoryEvent } from '../emulator/engine/history.js';
import type { EpisodeResult } from '../emulator/host/protocol.js';
import type { Observation } from './instrument.js';
import { EventNumbers } from './eventNumbers.js';
import { findDivergence, positionIndexes, type Divergence } from './positions.js';
import type { ReplayHost, ReplayInstance } from './replayHost.js';

export interface Position {
  /** Index in the history of the event this position stands for. */
  eventIndex: number;
  event: HistoryEvent;
  /** How many history events the replay of this position ran on. */
  length: number;
  observation: Observation;
  /** What the orchestrator returned after this event (actions, output, custom status, error); the last position. */
  episode?: EpisodeResult;
  /** The custom status after this event, for the positions before the last. */
  customStatus?: unknown;
  /** The handler could not run (e.g. the function no longer exists). */
  failure?: string;
  divergence?: Divergence;
}

/**
 * Every position, from one replay of the whole history with a snapshot after each position's event (see
 * `RunCapture.snapshotAt`), rather than one replay per position. Stops after the first divergence: later positions would
 * only repeat its consequences. A history the handler cannot replay whole is replayed prefix by prefix instead.
 */
export async function computePositions(host: ReplayHost, instance: ReplayInstance): Promise<Position[]> {
  const indexes = positionIndexes(instance.history);
  if (indexes.length === 0) return [];
  const whole = await host.run(instance, instance.history.length, { snapshotAt: indexes });
  if (whole.failure || !whole.snapshots) return computePositionsByPrefix(host, instance);
  const snapshots = new Map(whole.snapshots.map((snapshot) => [snapshot.eventIndex, snapshot]));
  const last = indexes.length - 1;
  const positions: Position[] = [];
  let ended = false;
  for (let i = 0; i < indexes.length; i++) {
    const eventIndex = indexes[i]!;
    const snapshot = snapshots.get(eventIndex);
    // The last position, and any after the orchestrator ended (it reads no further), are the whole replay's end.
    ended ||= snapshot === undefined;
    const final = i === last || ended;
    const observation = final ? whole.observation : snapshot!.observation;
    const position: Position = {
      eventIndex,
      event: instance.history[eventIndex]!,
      length: i === last ? instance.history.length : eventIndex + 1,
      observation,
      ...(final && whole.episode ? { episode: whole.episode } : { customStatus: snapshot?.customStatus ?? null }),
    };
    checkPosition(instance, position, i === last);
    positions.push(position);
    if (position.divergence) break;
  }
  return positions;
}

/** Sets the position's divergence, if what the code did there does not match the history (`final`: the last). */
function checkPosition(instance: ReplayInstance, position: Position, final: boolean): void {
  const { tasks, allocatedIds } = position.observation;
  const divergence = findDivergence(instance.history, position.eventIndex, tasks, allocatedIds, final);
  if (divergence) position.divergence = divergence;
}

/** One replay per position, of the history up to its event (as the host replays each episode). */
export async function computePositionsByPrefix(host: ReplayHost, instance: ReplayInstance): Promise<Position[]> {
  const indexes = positionIndexes(instance.history);
  const positions: Position[] = [];
  for (let i = 0; i < indexes.length; i++) {
    const eventIndex = indexes[i]!;
    const final = i === indexes.length - 1;
    // The whole history for the last position: what follows its event (scheduling, completion) is still checked.
    const length = final ? instance.history.length : eventIndex + 1;
    const result = await host.run(instance, length);
    const position: Position = {
      eventIndex,
      event: instance.history[eventIndex]!,
      length,
      observation: result.observation,
      ...(result.episode ? { episode: result.episode } : {}),
    };
    if (result.failure) {
      position.failure = result.failure;
      const numbers = new EventNumbers(instance.history);
      position.divergence = {
        eventIndex,
        positionIndex: eventIndex,
        eventNumber: numbers.numberOf(eventIndex),
        positionNumber: numbers.numberOf(eventIndex),
        sequenceId: null,
        recorded: `orchestrator '${instance.name}'`,
        now: result.failure,
        message: `The orchestrator could not be replayed at history ${numbers.label(eventIndex)}: ${result.failure}`,
      };
    } else {
      checkPosition(instance, position, final);
    }
    positions.push(position);
    if (position.divergence) break;
  }
  return positions;
}

/**
 * replay-check's question only: does today's code replay this history? One replay of the whole history answers it
 * (deterministic code makes, on every prefix, a subset of the calls it makes on the whole history, so a clean whole
 * replay means clean prefixes). Only a diverging history is replayed again with its positions (`computePositions`),
 * to name the first one where it diverges. This keeps the usual, clean case to one replay without snapshots.
 */
export async function checkInstance(
  host: ReplayHost,
  instance: ReplayInstance,
): Promise<{ positions: number; divergence?: Divergence }> {
  const indexes = positionIndexes(instance.history);
  const last = indexes[indexes.length - 1];
  if (last === undefined) return { positions: 0 };
  const whole = await host.run(instance, instance.history.length);
  const { tasks, allocatedIds } = whole.observation;
  if (!whole.failure && !findDivergence(instance.history, last, tasks, allocatedIds, true)) {
    return { positions: indexes.length };
  }
  const positions = await computePositions(host, instance);
  const divergence = positions.find((position) => position.divergence)?.divergence;
  return { positions: positions.length, ...(divergence ? { divergence } : {}) };
}
