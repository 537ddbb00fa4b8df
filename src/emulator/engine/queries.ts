/** Listing with filters and continuation tokens, ordered by creation time (then id) so pages are stable. */
import type { EntityQuery, InstanceQuery, Page } from './api.js';
import { EngineError } from './api.js';
import type { EntityRecord, InstanceRecord } from './model.js';

interface Cursor {
  t: number;
  id: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.t === 'number' && typeof value.id === 'string') return value;
  } catch {
    // Reported below.
  }
  throw new EngineError('badRequest', 'The continuation token is not valid.');
}

function after(cursor: Cursor | undefined, t: number, id: string): boolean {
  return !cursor || t > cursor.t || (t === cursor.t && id > cursor.id);
}

function paginate<T>(items: T[], key: (item: T) => Cursor, top: number | undefined): Page<T> {
  items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka.t - kb.t || (ka.id < kb.id ? -1 : ka.id > kb.id ? 1 : 0);
  });
  if (top === undefined || top <= 0 || items.length <= top) return { items };
  const page = items.slice(0, top);
  return { items: page, continuationToken: encodeCursor(key(page[page.length - 1]!)) };
}

export function queryInstances(all: Iterable<InstanceRecord>, query: InstanceQuery): Page<InstanceRecord> {
  const cursor = query.continuationToken ? decodeCursor(query.continuationToken) : undefined;
  const statuses = query.runtimeStatus && query.runtimeStatus.length > 0 ? new Set(query.runtimeStatus) : undefined;
  const name = query.name?.toLowerCase();
  const matches: InstanceRecord[] = [];
  for (const record of all) {
    if (query.instanceIdPrefix && !record.instanceId.startsWith(query.instanceIdPrefix)) continue;
    if (name && record.name.toLowerCase() !== name) continue;
    if (query.createdTimeFrom !== undefined && record.createdTime < query.createdTimeFrom) continue;
    if (query.createdTimeTo !== undefined && record.createdTime > query.createdTimeTo) continue;
    if (statuses && !statuses.has(record.status)) continue;
    if (!after(cursor, record.createdTime, record.instanceId)) continue;
    matches.push(record);
  }
  return paginate(matches, (r) => ({ t: r.createdTime, id: r.instanceId }), query.top);
}

export function queryEntities(all: Iterable<EntityRecord>, query: EntityQuery): Page<EntityRecord> {
  const cursor = query.continuationToken ? decodeCursor(query.continuationToken) : undefined;
  const name = query.name?.toLowerCase();
  const matches: EntityRecord[] = [];
  for (const entity of all) {
    if (!entity.exists) continue;
    if (name && entity.name !== name) continue;
    if (query.lastOperationTimeFrom !== undefined && entity.lastOperationTime < query.lastOperationTimeFrom) continue;
    if (query.lastOperationTimeTo !== undefined && entity.lastOperationTime > query.lastOperationTimeTo) continue;
    if (!after(cursor, 0, entity.id)) continue;
    matches.push(entity);
  }
  return paginate(matches, (e) => ({ t: 0, id: e.id }), query.top);
}
