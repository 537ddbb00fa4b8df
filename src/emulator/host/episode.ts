/**
 * Turns what the orchestrator handler returned (or threw) into an `EpisodeResult`: the execution's unique
 * action leaves in the order the JS executor allocated their sequence ids.
 *
 * Invariant (protocol reference §2.6): the library appends each newly yielded task's action to a cumulative
 * list and numbers its leaves depth-first. A task yielded again inside a new `Task.any/all` puts the *same action
 * object* into the list a second time without consuming an id, so leaves are deduplicated by object identity.
 * That is only possible here, on the raw objects, before anything is serialised.
 */
import type { EpisodeResult, WireAction } from './protocol.js';
import { unreportedThrow, type ThrownValue } from './thrown.js';

const WHEN_ANY = 11;
const WHEN_ALL = 12;
const CREATE_TIMER = 5;
const WAIT_FOR_EXTERNAL_EVENT = 6;
const CONTINUE_AS_NEW = 4;
const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

interface RawState {
  isDone?: boolean;
  actions?: unknown[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
  failureDetails?: unknown;
}

interface LeafAction {
  actionType?: unknown;
  isCanceled?: unknown;
  externalEventName?: unknown;
}

function isCompound(action: { actionType?: unknown }): boolean {
  return action.actionType === WHEN_ANY || action.actionType === WHEN_ALL;
}

/** Leaves of the live action objects, deduplicated by identity. */
export function uniqueLeaves(actions: unknown[][] | undefined): object[] {
  const seen = new Set<object>();
  const leaves: object[] = [];
  const visit = (action: unknown): void => {
    if (!action || typeof action !== 'object') return;
    const compound = action as { actionType?: unknown; compoundActions?: unknown[] };
    if (isCompound(compound)) {
      for (const child of compound.compoundActions ?? []) visit(child);
    } else if (!seen.has(action)) {
      seen.add(action);
      leaves.push(action);
    }
  };
  for (const group of actions ?? []) for (const action of group) visit(action);
  return leaves;
}

/**
 * Leaves of serialised actions (the failure path only gives JSON). Identity is lost, so a leaf inside a compound
 * action that equals an earlier leaf is taken to be a re-yielded task. A genuinely new, identical task inside a
 * compound would be miscounted, which only matters for the actions of a failing episode.
 */
export function uniqueLeavesFromJson(actions: unknown[][] | undefined): object[] {
  const seen = new Set<string>();
  const leaves: object[] = [];
  const visit = (action: unknown, nested: boolean): void => {
    if (!action || typeof action !== 'object') return;
    const compound = action as { actionType?: unknown; compoundActions?: unknown[] };
    if (isCompound(compound)) {
      for (const child of compound.compoundActions ?? []) visit(child, true);
      return;
    }
    const key = JSON.stringify(action);
    if (nested && seen.has(key)) return;
    seen.add(key);
    leaves.push(action);
  };
  for (const group of actions ?? []) for (const action of group) visit(action, false);
  return leaves;
}

/** The leaf part of an episode: new leaves in wire form (only those), plus what the engine needs of old ones. */
function describeLeaves(
  leaves: object[],
  knownLeaves: number,
): Pick<EpisodeResult, 'leaves' | 'leafOffset' | 'leafCount' | 'canceledTimers' | 'waitNames' | 'continueAsNew'> {
  const canceledTimers: number[] = [];
  const waitNames: string[] = [];
  let continueAsNew: object | undefined;
  leaves.forEach((leaf, index) => {
    const action = leaf as LeafAction;
    if (action.actionType === CREATE_TIMER && action.isCanceled === true) canceledTimers.push(index);
    else if (action.actionType === WAIT_FOR_EXTERNAL_EVENT) waitNames.push(String(action.externalEventName));
    else if (action.actionType === CONTINUE_AS_NEW) continueAsNew ??= leaf;
  });
  const offset = Math.min(knownLeaves, leaves.length);
  // A JSON round trip turns the library's classes (and Dates) into the wire shape.
  const wire = (leaf: object) => JSON.parse(JSON.stringify(leaf)) as WireAction;
  const fresh = leaves.slice(offset).map(wire);
  return {
    leaves: fresh,
    leafOffset: offset,
    leafCount: leaves.length,
    canceledTimers,
    waitNames,
    ...(continueAsNew ? { continueAsNew: wire(continueAsNew) } : {}),
  };
}

/**
 * The state the handler returned. `thrown` is what the orchestrator's generator threw, if it did: the library
 * returns normally after `throw undefined` (it takes `undefined` for "no exception"), as if the orchestrator were
 * waiting, or even as if it had returned, when more events follow the throw; that is a failure all the same.
 */
export function episodeFromState(value: unknown, knownLeaves: number, thrown?: { value: unknown }): EpisodeResult {
  const state = (value ?? {}) as RawState;
  const leaves = describeLeaves(uniqueLeaves(state.actions), knownLeaves);
  const result: EpisodeResult =
    thrown === undefined
      ? { isDone: state.isDone === true, ...leaves }
      : { isDone: false, ...leaves, ...failure(undefined, thrown) };
  if (state.output !== undefined && thrown === undefined) result.output = state.output;
  if (state.customStatus !== undefined) result.customStatus = state.customStatus;
  return result;
}

/** Reported when a value without a message was thrown but could not be observed (see thrown.ts). */
const UNOBSERVED: ThrownValue = {
  type: 'unknown',
  phrase: 'a value that is not an Error with a message',
  text: 'a value that is not an Error with a message (durable-functions reports nothing more)',
};

/** The failure of an episode: the library's message when it reported one, else the thrown value described. */
function failure(reported: unknown, thrown: { value: unknown } | undefined): Pick<EpisodeResult, 'error' | 'thrown'> {
  if (reported) return { error: typeof reported === 'string' ? reported : (JSON.stringify(reported) ?? '') };
  const { type, phrase, text, ...value } = unreportedThrow(thrown, reported) ?? UNOBSERVED;
  return { error: text, thrown: { type, phrase, ...value } };
}

/**
 * The library reports an orchestrator failure by throwing an error whose message carries the state; its `error`
 * is the thrown value's message, absent when that is empty or missing (then `thrown` tells what it was).
 */
export function episodeFromFailure(
  error: unknown,
  knownLeaves: number,
  thrown?: { value: unknown },
): EpisodeResult | undefined {
  if (!(error instanceof Error)) return undefined;
  const at = error.message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return undefined;
  let state: RawState;
  try {
    state = JSON.parse(error.message.slice(at + OUT_OF_PROC_LABEL.length)) as RawState;
  } catch {
    return undefined;
  }
  const result: EpisodeResult = {
    isDone: false,
    ...describeLeaves(uniqueLeavesFromJson(state.actions), knownLeaves),
    ...failure(state.error, thrown),
  };
  if (state.customStatus !== undefined) result.customStatus = state.customStatus;
  if (state.failureDetails !== undefined) result.failureDetails = state.failureDetails;
  return result;
}
