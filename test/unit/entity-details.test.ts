/**
 * What the Entities view shows of an entity, as Durable Functions Monitor does: the emulator notes the operations an
 * entity ran and serves its lock owner and queue (`GET /emulator/v1/entities`); the view's row, tooltip and state
 * document show name, key, last modification, lock owner and pending operations; *Signal Entity…* suggests the
 * operations seen first, then those typed before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityDetailsBody, MAX_OPERATION_NAMES, noteOperations } from '../../src/emulator/engine/entityOperations.js';
import { createEntity } from '../../src/emulator/engine/records.js';
import { EntitiesModel, type EntityEntry } from '../../src/extension/views/entitiesModel.js';
import {
  entityDescription,
  entityDocument,
  entityDocumentState,
  entityIconId,
  entityTooltip,
  operationSuggestions,
} from '../../src/extension/views/entityPresentation.js';
import { formatFullTime, formatTime } from '../../src/extension/views/timeFormat.js';
import { createTestEngine, deferred } from './engineHarness.js';

const T = new Date(2026, 11, 5, 14, 12, 49, 117).getTime();

test('the engine notes the operations an entity ran; its details tell the lock owner and the queue', async () => {
  const held = deferred();
  const gate = deferred();
  let batches = 0;
  const { engine, settle } = await createTestEngine(undefined, {
    beforeInvoke: async (call) => {
      if (call.kind === 'entity' && ++batches === 1) {
        held.resolve();
        await gate.promise;
      }
    },
  });
  await engine.signalEntity('counter', 'ops', 'add', '5');
  await held.promise;
  // Queued while the first batch runs: pending, and already suggested.
  await engine.signalEntity('counter', 'ops', 'reset', undefined);
  await engine.signalEntity('counter', 'ops', 'add', '2');
  const waiting = entityDetailsBody(engine.core.entities.get('@counter@ops')!);
  assert.equal(waiting.backlogQueueSize, 3, 'the batch in flight stays queued until it commits');
  assert.deepEqual(waiting.operations.sort(), ['add', 'reset']);
  gate.resolve();
  await settle();
  const done = entityDetailsBody(engine.core.entities.get('@counter@ops')!);
  assert.deepEqual(
    { ...done, lastOperationTime: typeof done.lastOperationTime },
    {
      name: 'counter',
      key: 'ops',
      exists: true,
      lastOperationTime: 'string',
      lockedBy: null,
      backlogQueueSize: 0,
      operations: ['add', 'reset'],
    },
    'newest first, each once',
  );
  assert.match(done.lastOperationTime, /\.\d{3}Z$/, 'to the millisecond');
});

test('operation names: newest first, case-insensitively once, lock messages left out, bounded', () => {
  const entity = createEntity('@counter@k', 0);
  noteOperations(entity, [
    { id: '1', op: 'add', signal: true },
    { id: '2', op: '', signal: false, lockset: [{ name: 'counter', key: 'k' }] },
    { id: '3', op: 'get', signal: false },
  ]);
  assert.deepEqual(entity.operations, ['get', 'add']);
  noteOperations(entity, [{ id: '4', op: 'ADD', signal: true }]);
  assert.deepEqual(entity.operations, ['ADD', 'get']);
  noteOperations(
    entity,
    Array.from({ length: 30 }, (_, i) => ({ id: `x${i}`, op: `op${i}`, signal: true })),
  );
  assert.equal(entity.operations?.length, MAX_OPERATION_NAMES);
  assert.equal(entity.operations?.[0], 'op29');
  entity.lockedBy = 'orchestration-1';
  entity.queue.push({ id: '9', op: 'double', signal: true });
  const body = entityDetailsBody(entity);
  assert.equal(body.lockedBy, 'orchestration-1');
  assert.equal(body.backlogQueueSize, 1);
  assert.ok(body.operations.includes('double'), 'a waiting operation is suggested too');
});

const counter: EntityEntry = {
  name: 'counter',
  key: 'tour',
  lastOperationTime: T,
  state: 10,
  details: { lockedBy: 'transfer-1', backlogQueueSize: 3, operations: ['add', 'double'] },
};

test('an entity row: pending operations first, the state, when it changed; a lock icon while locked', () => {
  assert.equal(entityDescription(counter, T), `3 pending · 10 · ${formatTime(T, T)}`);
  assert.equal(entityIconId(counter), 'lock');
  const idle: EntityEntry = { ...counter, details: { lockedBy: null, backlogQueueSize: 0, operations: [] } };
  assert.equal(entityDescription(idle, T), `10 · ${formatTime(T, T)}`);
  assert.equal(entityIconId(idle), 'symbol-variable');
  assert.equal(entityDescription(undefined, T), '');
});

test('the tooltip and the state document: name, key, last modified, lock owner, pending operations', () => {
  const tooltip = entityTooltip(counter);
  for (const part of [
    '**@counter@tour**',
    'Entity: counter',
    'Key: tour',
    `Last modified: ${formatFullTime(T, 'ms').replace(/[.-]/g, (c) => `\\${c}`)}`,
    'Locked by: `transfer-1`',
    'Pending operations: 3',
    'Operations seen: add, double',
    '```json\n10\n```',
  ]) {
    assert.ok(tooltip.includes(part), `${part} in\n${tooltip}`);
  }
  // From a host without the emulator's details: seconds, and it says what it cannot tell.
  const remote: EntityEntry = { name: 'counter', key: 'tour', lastOperationTime: T, state: 10 };
  assert.match(
    entityTooltip(remote),
    /Last modified: 2026\\-12\\-05 14:12:49\n\nLock and queue: not reported by this host/,
  );

  const doc = entityDocument(counter, 'counter', 'tour', { value: 10 });
  assert.equal(
    doc,
    [
      '// Entity: counter',
      '// Key: tour',
      `// Last modified: ${formatFullTime(T, 'ms')}`,
      '// Locked by: transfer-1',
      '// Pending operations: 3',
      '// Operations seen: add, double',
      '{',
      '  "value": 10',
      '}',
      '',
    ].join('\n'),
  );
  assert.deepEqual(JSON.parse(entityDocumentState(doc)), { value: 10 });
  assert.equal(entityDocument(undefined, 'counter', 'k', 1), '// Entity: counter\n// Key: k\n1\n');
});

test('Signal Entity suggests the operations seen, then those typed before, each once', () => {
  assert.deepEqual(operationSuggestions(['add', 'double'], ['reset', 'ADD']), [
    { label: 'add', description: 'seen on this entity' },
    { label: 'double', description: 'seen on this entity' },
    { label: 'reset', description: 'used before' },
  ]);
  const model = new EntitiesModel();
  model.load([
    { entityId: { name: 'counter', key: 'a' }, lastOperationTime: new Date(T).toISOString(), state: 1 },
    { entityId: { name: 'counter', key: 'b' }, lastOperationTime: new Date(T).toISOString(), state: 2 },
  ]);
  const dirty = model.setDetails([
    {
      name: 'counter',
      key: 'a',
      exists: true,
      lastOperationTime: new Date(T + 5).toISOString(),
      lockedBy: null,
      backlogQueueSize: 0,
      operations: ['add'],
    },
    {
      name: 'counter',
      key: 'b',
      exists: true,
      lastOperationTime: new Date(T).toISOString(),
      lockedBy: 'x',
      backlogQueueSize: 1,
      operations: ['reset', 'add'],
    },
    {
      name: 'counter',
      key: 'gone',
      exists: false,
      lastOperationTime: new Date(T).toISOString(),
      lockedBy: null,
      backlogQueueSize: 0,
      operations: ['get'],
    },
  ]);
  assert.equal(dirty.nodes.size, 2, 'each known key re-renders; an unknown one is skipped');
  assert.deepEqual(model.operationsOf('counter'), ['add', 'reset']);
  assert.equal(model.get('counter', 'a')?.lastOperationTime, T + 5, 'the precise time');
  // A later state read keeps the details.
  model.upsert('counter', 'b', T + 10, 3);
  assert.equal(model.get('counter', 'b')?.details?.lockedBy, 'x');
});
