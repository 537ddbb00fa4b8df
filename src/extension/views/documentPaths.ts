/**
 * Paths of the read-only JSON documents the explorer opens: `durable-entity:/<name>/<key>.json` for an entity's
 * state and `durable-status:/<instance id>.json` for an instance's status. Each part is URI-component encoded, so
 * keys and ids with `/`, `#` or `?` survive the round trip. No VS Code here (unit-tested).
 */

export const ENTITY_SCHEME = 'durable-entity';
export const STATUS_SCHEME = 'durable-status';

export function entityStatePath(name: string, key: string): string {
  return `/${encodeURIComponent(name)}/${encodeURIComponent(key)}.json`;
}

export function parseEntityStatePath(path: string): { name: string; key: string } | undefined {
  const match = /^\/([^/]+)\/([^/]*)\.json$/.exec(path);
  if (!match) return undefined;
  try {
    return { name: decodeURIComponent(match[1]!), key: decodeURIComponent(match[2]!) };
  } catch {
    return undefined;
  }
}

export function instanceStatusPath(instanceId: string): string {
  return `/${encodeURIComponent(instanceId)}.json`;
}

export function parseInstanceStatusPath(path: string): string | undefined {
  const match = /^\/([^/]+)\.json$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/** Pretty JSON for a document (two spaces, final newline); `null` for what does not exist. */
export function documentJson(value: unknown): string {
  return `${JSON.stringify(value ?? null, null, 2)}\n`;
}
