/**
 * Runs one orchestration episode: takes the next batch from the inbox, has the app worker replay the history
 * with it, applies the answer, and commits everything the episode changed in one durable write.
 */
import type { EpisodeResult, Invocation } from '../host/protocol.js';
import { InvocationError } from '../host/runner.js';
import { applyEffects, finishExecution, releaseHeldLocks } from './applyEffects.js';
import { Changes } from './changes.js';
import type { EngineCore } from './core.js';
import { applyEpisode } from './episode.js';
import { buildPayload, peekBatch, removeConsumed } from './episodeInput.js';
import { EventType, makeEvent, type HistoryEvent } from './history.js';
import type { InstanceRecord } from './model.js';
import { isTerminal } from './model.js';
import { openTasksWarning } from './openTasks.js';
import { startExecution } from './records.js';

/**
 * Asks the worker to run the orchestrator. Only the events the worker does not hold yet are sent; if it lost
 * them (a restarted worker), the whole history goes in a second call.
 */
async function invokeOrchestrator(
  core: EngineCore,
  record: InstanceRecord,
  newEvents: HistoryEvent[],
): Promise<EpisodeResult> {
  const key = `${record.executionId}/${record.historyVersion}`;
  const known = core.workerHistories.get(record.instanceId);
  const base = known && known.key === key && known.length <= record.history.length ? known.length : undefined;
  const call = (historyBase: number | undefined): Invocation => ({
    kind: 'orchestration',
    functionName: record.name,
    payload: buildPayload(record, newEvents, historyBase ?? 0),
    historyKey: key,
    ...(historyBase !== undefined ? { historyBase } : {}),
    newEvents: newEvents.length,
    knownLeaves: record.actionCount,
  });
  // Sent again to a new worker (this one died or was replaced), the episode carries its whole history.
  let result = await core.options.runner.invoke(call(base), base === undefined ? undefined : () => call(undefined));
  if (result.kind === 'historyCacheMiss') result = await core.options.runner.invoke(call(undefined));
  if (result.kind !== 'orchestration') throw new Error(`unexpected ${result.kind} result for an orchestration`);
  core.workerHistories.set(record.instanceId, { key, length: record.history.length });
  return result.episode;
}

export async function runEpisode(core: EngineCore, record: InstanceRecord): Promise<void> {
  const executionId = record.executionId;
  const { batch, consumed } = peekBatch(record);
  const changes = new Changes();
  changes.instances.add(record);
  if (batch.length === 0) {
    removeConsumed(record, consumed);
    return core.commit(changes);
  }
  const now = core.clock.now();
  if (record.status === 'Pending') record.status = 'Running';
  const started = makeEvent({ EventType: EventType.OrchestratorStarted }, now);
  const delivered = batch.map((message) => ({ ...message.event, IsPlayed: false }));
  let episode: EpisodeResult;
  try {
    episode = await invokeOrchestrator(core, record, [started, ...delivered]);
  } catch (error) {
    // The episode timed out or took its worker down (blame.ts): the orchestration fails with that error. (When
    // the emulator shuts down the call rejects with a plain Error, and the batch stays in the inbox for later.)
    if (!(error instanceof InvocationError)) throw error;
    const leaves = {
      leaves: [],
      leafOffset: record.actionCount,
      leafCount: record.actionCount,
      canceledTimers: [],
      waitNames: [],
    };
    episode = { isDone: false, ...leaves, error: error.error.message };
  }
  // Terminated, purged or restarted while the orchestrator ran: its answer no longer applies.
  if (
    core.instances.get(record.instanceId) !== record ||
    record.executionId !== executionId ||
    isTerminal(record.status)
  )
    return;
  removeConsumed(record, consumed);
  const wasReturned = record.returned !== undefined;
  const outcome = applyEpisode(record, started, delivered, episode, now, { functions: core.functions });
  if (record.returned && !wasReturned) core.log('warn', openTasksWarning(record));
  record.lastUpdatedTime = now;
  applyEffects(core, record, outcome.effects, changes);
  const completion = outcome.completion;
  if (completion?.status === 'ContinuedAsNew') {
    for (const id of Object.keys(record.pending)) core.cancelTimer(record, Number(id));
    releaseHeldLocks(core, record, changes);
    startExecution(record, completion.input, now);
    record.status = 'Running';
    core.markRunnable(record);
  } else if (completion) {
    if (completion.status === 'Failed') {
      const refusal = outcome.refusal;
      const error = refusal?.message ?? episode.error ?? '';
      core.log('warn', `Orchestration '${record.name}' (${record.instanceId}) failed: ${error}`);
      if (refusal?.onAzure) {
        core.log('warn', `Durable Studio fails '${record.name}' (${record.instanceId}) here, but ${refusal.onAzure}.`);
      } else if (episode.thrown && !refusal) core.log('warn', azureWouldHang(record, episode.thrown.phrase));
    }
    finishExecution(core, record, completion.status, completion.output, changes);
  }
  await core.commit(changes);
}

/**
 * The warning for an orchestrator that threw something without a message. durable-functions reports a failure
 * only by the thrown value's `message`; without one the Durable extension takes the episode for unfinished work,
 * so on Azure the instance stays Running with no output (durable-js #390/#391). Failing it here is a deliberate
 * difference: a hang would hide the bug.
 */
function azureWouldHang(record: InstanceRecord, phrase: string): string {
  return (
    `Orchestration '${record.name}' (${record.instanceId}) threw ${phrase}. Durable Studio fails the instance, ` +
    `but on Azure it would stay Running for ever with no output: durable-functions reports only errors with a ` +
    `message. Throw an Error instead, e.g. throw new Error('...').`
  );
}
