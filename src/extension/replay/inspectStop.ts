/**
 * The words VS Code shows for the JavaScript debugger's stop in "Inspect Local Variables". That stop is a `debugger`
 * statement of the replay (see `RunCapture.pauseAt` in src/debugger/instrument.ts), which VS Code's JavaScript
 * debugger reports as "Paused on debugger statement": words that read like something the user wrote. This names
 * the replay position instead. No `vscode` import: pure, unit-tested.
 */

/** A DAP message, as much of it as the rewording needs. */
interface StoppedEvent {
  type: 'event';
  event: 'stopped';
  body: { reason?: string; description?: string };
}

function isStoppedEvent(message: unknown): message is StoppedEvent {
  const m = message as Partial<StoppedEvent> | null;
  return m?.type === 'event' && m.event === 'stopped' && typeof m.body === 'object' && m.body !== null;
}

/** What the Call Stack says about the stop: "Paused at replay event #9". */
export function inspectStopDescription(eventNumber: number | undefined): string {
  return eventNumber === undefined ? 'Paused at the replay position' : `Paused at replay event #${eventNumber}`;
}

/**
 * Rewords, in place, the JavaScript debugger's `stopped` event for the replay's own pause; returns whether it did.
 * Only a plain pause is the replay's: the JavaScript debugger reports a `debugger` statement with reason `pause`
 * (and a description in the user's language), while the user's breakpoints, steps and exceptions have their own
 * reasons and keep their words.
 */
export function rewordInspectStop(message: unknown, eventNumber: number | undefined): boolean {
  if (!isStoppedEvent(message) || message.body.reason !== 'pause') return false;
  message.body.description = inspectStopDescription(eventNumber);
  return true;
}
