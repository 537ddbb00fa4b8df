/** Arguments of the history commands (no VS Code, so they are unit-tested). */

/**
 * `openHistory`'s argument: an instance id, or a tree node (anything with an `instanceId` string). Ids are taken
 * as they are (an id may hold spaces); a blank one is no id.
 */
export function instanceIdOf(arg: unknown): string | undefined {
  const id = typeof arg === 'object' && arg !== null && 'instanceId' in arg ? arg.instanceId : arg;
  return typeof id === 'string' && id.trim() !== '' ? id : undefined;
}

/** A file name for the save dialog: the instance id without the characters file systems refuse. */
export function exportFileName(instanceId: string): string {
  return `${instanceId.replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '_')}.history.json`;
}
