/**
 * What the commands accept as their first argument: a tree node (context menus), or a plain value from a
 * caller (`executeCommand` in tests, other commands): an instance id string, `{ instanceId }`, an entity id
 * `@name@key`, `{ name, key }`. No VS Code here (unit-tested).
 */
import { parseEntityId } from '../views/entitiesModel.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The instance id named by a command argument, or undefined (the command then asks). */
export function instanceIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() === '' ? undefined : arg;
  if (isRecord(arg) && typeof arg.instanceId === 'string' && arg.instanceId !== '') {
    // An InstanceNode ({kind: 'instance'}) or any object carrying an id.
    if (arg.kind === undefined || arg.kind === 'instance') return arg.instanceId;
  }
  return undefined;
}

/**
 * The entity named by a command argument: an entity node or `{name, key}` (name and key), an entity-name node
 * or `{name}` (name only: the command asks for the key), `@name@key`.
 */
export function entityArg(arg: unknown): { name: string; key?: string } | undefined {
  if (typeof arg === 'string') return parseEntityId(arg);
  if (!isRecord(arg) || typeof arg.name !== 'string' || arg.name === '') return undefined;
  if (arg.kind === 'entityName') return { name: arg.name };
  return typeof arg.key === 'string' ? { name: arg.name, key: arg.key } : { name: arg.name };
}

/** A string argument (a reason, an event name), or undefined for anything else (a node array from a menu). */
export function stringArg(arg: unknown): string | undefined {
  return typeof arg === 'string' ? arg : undefined;
}

/** The options object of a programmatic call, or undefined. */
export function optionsArg<T extends object>(arg: unknown): Partial<T> | undefined {
  return isRecord(arg) && arg.kind === undefined ? (arg as Partial<T>) : undefined;
}
