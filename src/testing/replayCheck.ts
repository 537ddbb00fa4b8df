/**
 * `host.replayCheck()`: every stored instance replayed against the app's code as it is on disk now, in a
 * replay worker process of its own (fresh modules, so an edited orchestrator is what runs), with the same
 * check as `durable-studio replay-check`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChildProcessReplayHost } from '../debugger/replayWorker.js';
import { checkInstance } from '../debugger/replayRun.js';
import { EventType } from '../emulator/engine/history.js';
import type { InstanceRecord } from '../emulator/engine/model.js';
import type { ReplayProblem } from './types.js';

/** The replay bundle next to this one (dist/), or the built one when running from the sources. */
function replayBundle(): string {
  const candidates = [path.join(__dirname, 'replay.js'), path.resolve(__dirname, '../../dist/replay.js')];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`the replay bundle was not found (looked for ${candidates.join(', ')})`);
  return found;
}

export async function replayCheckInstances(
  appDir: string,
  env: Record<string, string>,
  records: InstanceRecord[],
): Promise<ReplayProblem[]> {
  const withHistory = records.filter((record) => record.history.length > 0);
  if (withHistory.length === 0) return [];
  const messages: string[] = [];
  const host = new ChildProcessReplayHost(appDir, replayBundle(), (message) => messages.push(message), env);
  try {
    await host.start();
  } catch (error) {
    const detail = [(error as Error).message, ...messages.slice(-5)].join('\n');
    throw new Error(`replayCheck: cannot load the app in ${appDir}: ${detail}`);
  }
  const problems: ReplayProblem[] = [];
  try {
    for (const record of withHistory) {
      const started = record.history.find((event) => event.EventType === EventType.ExecutionStarted);
      const input =
        started && 'Input' in started ? ((started.Input as string | null | undefined) ?? null) : record.input;
      const { divergence } = await checkInstance(host, {
        instanceId: record.instanceId,
        name: record.name,
        input,
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
