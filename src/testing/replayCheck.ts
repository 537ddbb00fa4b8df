/**
 * `host.replayCheck()`: every stored instance replayed against the app's code as it is on disk now, in a
 * replay worker process of its own (fresh modules, so an edited orchestrator is what runs), with the same
 * check as `durable-studio replay-check`.
 */
import { ChildProcessReplayHost } from '../debugger/replayWorker.js';
import { checkInstance } from '../debugger/replayRun.js';
import { bundleFile } from '../emulator/bundles.js';
import type { InstanceRecord } from '../emulator/engine/model.js';
import { executionInput } from '../emulator/engine/records.js';
import type { ReplayProblem } from './types.js';

export async function replayCheckInstances(
  appDir: string,
  env: Record<string, string>,
  records: InstanceRecord[],
): Promise<ReplayProblem[]> {
  const withHistory = records.filter((record) => record.history.length > 0);
  if (withHistory.length === 0) return [];
  const messages: string[] = [];
  const host = new ChildProcessReplayHost(
    appDir,
    bundleFile('replay.js', 'the replay bundle'),
    (message) => messages.push(message),
    env,
  );
  try {
    await host.start();
  } catch (error) {
    const detail = [(error as Error).message, ...messages.slice(-5)].join('\n');
    throw new Error(`replayCheck: cannot load the app in ${appDir}: ${detail}`);
  }
  const problems: ReplayProblem[] = [];
  try {
    for (const record of withHistory) {
      const { divergence } = await checkInstance(host, {
        instanceId: record.instanceId,
        name: record.name,
        input: executionInput(record),
        parentInstanceId: record.parent?.instanceId ?? null,
        history: record.history,
      });
      if (!divergence) continue;
      problems.push({
        instanceId: record.instanceId,
        name: record.name,
        eventIndex: divergence.eventIndex,
        recorded: divergence.recorded,
        now: divergence.now,
        ...(divergence.site ? { site: divergence.site } : {}),
        message: divergence.message,
      });
    }
  } finally {
    await host.stop();
  }
  return problems;
}
