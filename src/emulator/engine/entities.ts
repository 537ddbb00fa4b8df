/**
 * Entities: a FIFO queue and state per entity, batches run one at a time per entity (operations applied in
 * order, never concurrently), responses to calling orchestrations, signals to other entities, and the
 * critical-section locks of `context.df.lock` (protocol reference §3).
 */
import { randomUUID } from 'node:crypto';
import { InvocationError } from '../host/runner.js';
import type { EntityBatchResult } from '../host/protocol.js';
import { Changes } from './changes.js';
import type { EngineCore } from './core.js';
import { EventType, makeEvent } from './history.js';
import type { EntityRecord, EntityRequest } from './model.js';
import { entitySchedulerId, isTerminal } from './model.js';
import { missingFunctionMessage } from './hostChecks.js';
import { noteOperations } from './entityOperations.js';

const MAX_OPERATIONS_PER_BATCH = 100;

type Step = { kind: 'operations'; requests: EntityRequest[] } | { kind: 'control'; request: EntityRequest };

/**
 * The next step in the queue. Requests from others wait while an orchestration holds the entity's lock; lock and
 * release messages are steps of their own so operations stay in order around them. The queue is left as it is:
 * a step's requests leave it when its outcome is applied, in the same change set (see `runEntityStep`).
 */
function nextStep(entity: EntityRecord, maxOperations: number): Step | undefined {
  const operations: EntityRequest[] = [];
  for (let i = 0; i < entity.queue.length && operations.length < maxOperations; i++) {
    const request = entity.queue[i]!;
    const eligible = entity.lockedBy === null || request.parent === entity.lockedBy;
    if (!eligible) continue;
    if (request.release || request.lockset) {
      if (operations.length > 0) break;
      return { kind: 'control', request };
    }
    operations.push(request);
  }
  return operations.length > 0 ? { kind: 'operations', requests: operations } : undefined;
}

function removeTaken(entity: EntityRecord, requests: readonly EntityRequest[]): void {
  const taken = new Set(requests);
  entity.queue = entity.queue.filter((request) => !taken.has(request));
}

function respond(core: EngineCore, request: EntityRequest, input: string, changes: Changes): void {
  if (!request.parent) return;
  const record = core.instances.get(request.parent);
  if (!record || isTerminal(record.status)) return;
  if (request.parentExecution && request.parentExecution !== record.executionId) return;
  const event = makeEvent({ EventType: EventType.EventRaised, Name: request.id, Input: input }, core.clock.now());
  record.inbox.push({ executionId: record.executionId, event });
  changes.instances.add(record);
  changes.after.push(() => core.markRunnable(record));
}

function applyControl(core: EngineCore, entity: EntityRecord, request: EntityRequest, changes: Changes): void {
  if (request.release) {
    if (entity.lockedBy === request.parent) entity.lockedBy = null;
    return;
  }
  const lockset = request.lockset ?? [];
  // An orchestration that ended while its lock request waited in line never gets the lock (nothing would release it).
  const owner = request.parent ? core.instances.get(request.parent) : undefined;
  if (!owner || isTerminal(owner.status) || (request.parentExecution && owner.executionId !== request.parentExecution))
    return;
  entity.lockedBy = owner.instanceId;
  const position = request.pos ?? 0;
  const next = lockset[position + 1];
  if (next) {
    // Locks are taken in the sorted order of the lock set, one entity after the other (no deadlocks).
    core.enqueueEntityRequest(entitySchedulerId(next.name, next.key), { ...request, pos: position + 1 }, changes);
  } else {
    respond(core, request, JSON.stringify({ result: null }), changes);
  }
}

/**
 * Runs a batch of operations and applies its outcome. Returns false, applying nothing, when a batch of several
 * operations timed out or took its worker down: the requests stay queued and run again one per batch, so that
 * only the operation to blame fails (blame.ts judges calls, and a batch is one call).
 */
async function runOperations(
  core: EngineCore,
  entity: EntityRecord,
  requests: EntityRequest[],
  changes: Changes,
): Promise<boolean> {
  const fn = core.findFunction(entity.name, 'entity');
  let result: EntityBatchResult;
  if (!fn) {
    // Orchestrators and clients cannot reach a missing entity (hostChecks.ts, Engine.signalEntity); other entities'
    // signals can, and the host delivers them without a check.
    const message = missingFunctionMessage(entity.name, 'entity', core.functions);
    result = {
      results: requests.map(() => ({ isError: true, result: JSON.stringify(message) })),
      signals: [],
      entityExists: entity.exists,
      ...(entity.state !== null ? { entityState: entity.state } : {}),
    };
  } else {
    try {
      const outcome = await core.options.runner.invoke({
        kind: 'entity',
        functionName: fn.name,
        batch: {
          self: { name: entity.name, key: entity.key },
          exists: entity.exists,
          state: entity.state,
          batch: requests.map((r) => ({
            name: r.op,
            isSignal: r.signal,
            ...(r.input !== undefined ? { input: r.input } : {}),
          })),
        },
      });
      if (outcome.kind !== 'entity') throw new Error(`unexpected ${outcome.kind} result for an entity`);
      result = outcome.batch;
    } catch (error) {
      // A plain Error: the emulator is shutting down, and the requests stay queued for later.
      if (!(error instanceof InvocationError)) throw error;
      if (requests.length > 1) {
        core.entitySingleSteps.set(entity.id, requests.length);
        return false;
      }
      const message = `Entity '${entity.name}@${entity.key}' failed: ${error.error.message}`;
      result = {
        results: requests.map(() => ({ isError: true, result: JSON.stringify(message) })),
        signals: [],
        entityExists: entity.exists,
        ...(entity.state !== null ? { entityState: entity.state } : {}),
      };
    }
  }
  removeTaken(entity, requests);
  noteOperations(entity, requests);
  entity.exists = result.entityExists;
  entity.state = result.entityExists ? (result.entityState ?? null) : null;
  entity.lastOperationTime = core.clock.now();
  requests.forEach((request, i) => {
    if (request.signal) return;
    const r = result.results[i];
    const response = r ? { result: r.result, ...(r.isError ? { exceptionType: 'Error' } : {}) } : { result: undefined };
    respond(core, request, JSON.stringify(response), changes);
  });
  for (const signal of result.signals ?? []) {
    const target = entitySchedulerId(signal.target.name, signal.target.key);
    const input = signal.input === undefined || signal.input === '' ? undefined : signal.input;
    core.enqueueEntityRequest(
      target,
      { id: randomUUID(), op: signal.name, signal: true, ...(input !== undefined ? { input } : {}) },
      changes,
    );
  }
  return true;
}

/** Runs the next step of one entity and commits it together with everything it caused. */
export async function runEntityStep(core: EngineCore, entity: EntityRecord): Promise<boolean> {
  const singleSteps = core.entitySingleSteps.get(entity.id) ?? 0;
  const step = nextStep(entity, singleSteps > 0 ? 1 : MAX_OPERATIONS_PER_BATCH);
  if (!step) return false;
  const changes = new Changes();
  changes.entities.add(entity);
  if (step.kind === 'control') {
    removeTaken(entity, [step.request]);
    applyControl(core, entity, step.request, changes);
  } else {
    if (!(await runOperations(core, entity, step.requests, changes))) return true;
    if (singleSteps > 1) core.entitySingleSteps.set(entity.id, singleSteps - 1);
    else core.entitySingleSteps.delete(entity.id);
  }
  if (core.entities.get(entity.id) !== entity) return true;
  await core.commit(changes);
  return true;
}
