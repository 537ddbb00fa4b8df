/**
 * Records, temporary stores and journal readers shared by the store tests (store.test.ts, store-damage.test.ts).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { HistoryEvent } from '../../src/emulator/engine/history.js';
import type { EntityRecord, InstanceRecord } from '../../src/emulator/engine/model.js';
import { createFileStore, type FileStoreOptions } from '../../src/emulator/store/fileStore.js';
import type { StoreContents } from '../../src/emulator/store/types.js';

// ---------------------------------------------------------------------------------------------------------------
// Factories

let clock = Date.parse('2024-05-01T10:00:00.000Z');

export function event(type: number, extra: Record<string, unknown> = {}): HistoryEvent {
  return {
    EventType: type,
    EventId: -1,
    IsPlayed: false,
    Timestamp: new Date(clock++).toISOString(),
    ...extra,
  } as unknown as HistoryEvent;
}

/** An instance with `events` history events shaped like a hello-3 history. */
export function makeInstance(id: string, events = 15, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const record = {
    instanceId: id,
    name: 'helloSequence',
    version: '',
    executionId: `exec-${id}`,
    status: 'Running',
    input: '"x"',
    output: null,
    customStatus: null,
    failureDetails: null,
    createdTime: clock,
    lastUpdatedTime: clock,
    parent: null,
    history: [] as HistoryEvent[],
    historyVersion: 0,
    inbox: [],
    nextSequenceId: 0,
    actionCount: 0,
    pending: {},
    waitingFor: [],
    lockSet: null,
    episodes: 0,
    ...overrides,
  } as InstanceRecord;
  appendEvents(record, events);
  return record;
}

export function appendEvents(record: InstanceRecord, count: number): void {
  for (let i = 0; i < count; i++) {
    const n = record.history.length;
    record.history.push(
      n % 4 === 2 ? event(4, { Name: 'sayHello', Input: `"city ${n}"`, EventId: n }) : event(n % 4 === 0 ? 12 : 13),
    );
  }
}

export function makeEntity(name: string, key: string, state: unknown = 0): EntityRecord {
  return {
    id: `@${name.toLowerCase()}@${key}`,
    name,
    key,
    exists: true,
    state: JSON.stringify(state),
    queue: [],
    lockedBy: null,
    lastOperationTime: clock,
  } as unknown as EntityRecord;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-store-test-'));
  dirs.push(dir);
  return join(dir, 'store'); // not created yet: the store must create it
}

export async function open(
  dir: string,
  options: FileStoreOptions = {},
): Promise<{ store: ReturnType<typeof createFileStore>; contents: StoreContents }> {
  const store = createFileStore(dir, options);
  return { store, contents: await store.load() };
}

/** Loaded contents as plain maps, for order-independent comparison. */
export function byId(contents: StoreContents): {
  instances: Map<string, InstanceRecord>;
  entities: Map<string, EntityRecord>;
} {
  return {
    instances: new Map(contents.instances.map((r) => [r.instanceId, r])),
    entities: new Map(contents.entities.map((r) => [r.id, r])),
  };
}

/** What a JSON round trip makes of a record: what the store must give back. */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function journalFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^journal-\d+\.jsonl$/.test(n)).sort();
}

export async function journalLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const name of await journalFiles(dir)) {
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n'))
      if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}
