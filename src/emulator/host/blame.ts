/**
 * Who is to blame when an app worker dies or stops answering: a pure judgement over the calls that were in
 * flight on it, so that misbehaving user code only ever hurts itself.
 *
 * The rules, in order:
 * 1. An HTTP-triggered call is never run twice: it may already have taken effect (started an orchestration,
 *    signalled an entity), so it fails (the client gets a 5xx), whoever is to blame.
 * 2. A death by an outside signal (SIGKILL, SIGTERM, SIGINT, SIGHUP: a person, the OOM killer, a benchmark) is
 *    nobody's fault: every other call runs again on the replacement worker. A call that has lived through
 *    `OUTSIDE_KILLS_BEFORE_SUSPICION` of them becomes a suspect, so a function that kills its own worker with a
 *    signal cannot loop forever.
 * 3. Otherwise the worker blocked (killed by us after a timeout and an unanswered ping) or ended itself
 *    (`process.exit()`, an abort, a native crash). When the user-code marker names a call in flight, that call
 *    was executing at that instant: it alone is guilty, and the rest run again.
 * 4. With no name, the calls in flight are suspects. On the main worker they go, together, to an isolation
 *    worker; there, a suspect that completes is innocent, and a cohort that dies again is split in two until the
 *    culprit dies alone (group testing: log2(n) deaths for n suspects). A lone suspect on the main worker is
 *    the culprit at once: nothing else was running.
 *
 * Orchestrator episodes are deterministic replays, activities and other triggers (timer, queue, blob) are
 * at-least-once by contract, and an entity batch or an output binding changes nothing until the host takes the
 * result: running them again is safe.
 */
import type { Invocation } from './protocol.js';

export type WorkerRole = 'main' | 'isolation';

export type WorkerDeath =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  /** Killed by the supervisor: a call ran past its timeout and the worker did not answer a ping. */
  | { kind: 'unresponsive' };

export interface CallInFlight {
  id: number;
  kind: Invocation['kind'];
  /** Outside kills this call has lived through before this death. */
  outsideKills: number;
}

export interface Judgement {
  /** They killed or blocked the worker: they fail. */
  guilty: number[];
  /** HTTP calls that were running beside the culprit: they fail, never run twice. */
  dropped: number[];
  /** Innocent: run again on the main worker. */
  retry: number[];
  /** Suspects, to run in isolation one cohort after the other, ahead of any cohort already waiting. */
  cohorts: number[][];
  /** The death came from an outside signal (every call's `outsideKills` grows by one). */
  outside: boolean;
}

export const OUTSIDE_KILLS_BEFORE_SUSPICION = 3;

const OUTSIDE_SIGNALS = new Set<string>(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP']);

function isOutsideKill(death: WorkerDeath): boolean {
  return death.kind === 'exited' && death.signal !== null && OUTSIDE_SIGNALS.has(death.signal);
}

export function judge(
  role: WorkerRole,
  death: WorkerDeath,
  marker: number | undefined,
  calls: readonly CallInFlight[],
): Judgement {
  const verdict: Judgement = { guilty: [], dropped: [], retry: [], cohorts: [], outside: isOutsideKill(death) };
  const named = !verdict.outside && calls.some((c) => c.id === marker) ? marker : undefined;
  const rerunnable: CallInFlight[] = [];
  for (const call of calls) {
    if (call.id === named) verdict.guilty.push(call.id);
    else if (call.kind === 'http') verdict.dropped.push(call.id);
    else rerunnable.push(call);
  }
  if (named !== undefined) {
    verdict.retry = rerunnable.map((c) => c.id);
    return verdict;
  }
  let suspects = rerunnable;
  if (verdict.outside) {
    suspects = rerunnable.filter((c) => c.outsideKills + 1 >= OUTSIDE_KILLS_BEFORE_SUSPICION);
    const spared = new Set(suspects);
    verdict.retry = rerunnable.filter((c) => !spared.has(c)).map((c) => c.id);
    // Outside kills of the isolation worker are no evidence until a suspect has lived through enough of them.
    if (role === 'isolation' && suspects.length < rerunnable.length) {
      verdict.retry = [];
      if (rerunnable.length > 0) verdict.cohorts.push(rerunnable.map((c) => c.id));
      return verdict;
    }
  }
  const ids = suspects.map((c) => c.id);
  if (ids.length === 1 && (role === 'isolation' || !verdict.outside)) verdict.guilty.push(ids[0]!);
  else if (ids.length > 1 && role === 'isolation') {
    const half = Math.ceil(ids.length / 2);
    verdict.cohorts.push(ids.slice(0, half), ids.slice(half));
  } else if (ids.length > 0) verdict.cohorts.push(ids);
  return verdict;
}
