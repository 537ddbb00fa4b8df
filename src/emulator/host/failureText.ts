/**
 * What the supervisor says when a worker dies: the error a culprit or a dropped HTTP call fails with (in the host's
 * words where it has some), and the one log line that tells what happened to every call in flight.
 */
import type { Judgement, WorkerDeath, WorkerRole } from './blame.js';
import type { SerializedError } from './protocol.js';

/** `hh:mm:ss`, as the host writes functionTimeout in its messages. */
function describeTimeout(ms: number): string {
  const total = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

function describeDeath(death: WorkerDeath): string {
  if (death.kind === 'unresponsive') return 'was unresponsive (a blocked event loop) and was killed';
  if (death.signal !== null) return `exited (${death.signal})`;
  return `exited with code ${death.code} (0x${(death.code ?? 0).toString(16)})`;
}

/** The error of the call to blame: the host's timeout message for a blocked worker, the exit otherwise. */
export function culpritError(death: WorkerDeath, functionName: string, timeoutMs: number): SerializedError {
  if (death.kind === 'unresponsive') return timeoutError(functionName, timeoutMs);
  return {
    name: 'WorkerExitedError',
    message: `The app worker ${describeDeath(death)} while running Functions.${functionName}.`,
  };
}

export function timeoutError(functionName: string, timeoutMs: number): SerializedError {
  return {
    name: 'FunctionTimeoutException',
    message: `Timeout value of ${describeTimeout(timeoutMs)} was exceeded by function: Functions.${functionName}`,
  };
}

export function droppedHttpError(): SerializedError {
  return {
    name: 'WorkerExitedError',
    message:
      'The app worker went away while this HTTP-triggered function ran; it is not run again, since it may already have taken effect.',
  };
}

export function describeVerdict(
  role: WorkerRole,
  death: WorkerDeath,
  verdict: Judgement,
  name: (id: number) => string,
  restarting: boolean,
): string {
  const subject = role === 'main' ? 'The app worker' : 'The isolated app worker';
  const parts = [`${subject} ${describeDeath(death)}.`];
  if (verdict.guilty.length > 0) parts.push(`It was running ${verdict.guilty.map(name).join(', ')}, which fails.`);
  if (verdict.dropped.length > 0)
    parts.push(`HTTP-triggered calls in flight fail (never run twice): ${verdict.dropped.map(name).join(', ')}.`);
  if (verdict.cohorts.length > 0)
    parts.push(`Suspects to run again in isolation: ${verdict.cohorts.flat().map(name).join(', ')}.`);
  if (verdict.retry.length > 0) parts.push(`${verdict.retry.length} other call(s) run again.`);
  if (role === 'main' && restarting) parts.push('Restarting it.');
  return parts.join(' ');
}
