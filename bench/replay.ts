/**
 * The replay debugger's figures: how long a Debug Replay session takes to start (every position computed through
 * the app in the replay worker process, as the debug adapter does), how long `replay-check` takes per instance
 * (one whole replay when the code still matches), and what a step costs once the positions are known (the runtime
 * step plus the position event the editor receives). Histories are real: the `sequence` and `fanOut` workloads of
 * bench/app run to completion in the engine first. `benchReplay()` is called from bench/run.ts.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { positionEventBody } from '../src/debugger/dap/positionEvent.js';
import type { ReplayInstance } from '../src/debugger/replayHost.js';
import { checkInstance, computePositions } from '../src/debugger/replayRun.js';
import { ReplayRuntime } from '../src/debugger/replayRuntime.js';
import { ChildProcessReplayHost } from '../src/debugger/replayWorker.js';
import { fmt, median } from './stats.js';

export const REPLAY_HEADING = '## Replay debugger';

const APP = path.resolve(__dirname, 'app');
const BUNDLE = path.resolve(__dirname, '../dist/replay.js');

/** Runs a workload of bench/app to completion and returns its instance as the debugger reads it. */
export type RunWorkload = (name: string, input: number) => Promise<ReplayInstance>;

interface Row {
  workload: string;
  events: number;
  positions: number;
  launchMs: number;
  perPositionMs: number;
  checkMs: number;
  stepUs: number;
}

async function measure(host: ChildProcessReplayHost, workload: string, instance: ReplayInstance): Promise<Row> {
  const launches: number[] = [];
  let positions = 0;
  let runtime: ReplayRuntime | undefined;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const computed = await computePositions(host, instance);
    launches.push(performance.now() - started);
    positions = computed.length;
    runtime = new ReplayRuntime(instance, computed);
  }
  const checks: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await checkInstance(host, instance);
    checks.push(performance.now() - started);
  }
  // Stepping through every position and back, with the event the editor gets at each stop.
  runtime!.start(true);
  const steps: number[] = [];
  for (let i = 0; i < 2 * (positions - 1); i++) {
    const started = performance.now();
    runtime!.step(i >= positions - 1);
    positionEventBody(runtime!);
    steps.push((performance.now() - started) * 1000);
  }
  const launchMs = median(launches);
  return {
    workload,
    events: instance.history.length,
    positions,
    launchMs,
    perPositionMs: launchMs / Math.max(1, positions),
    checkMs: median(checks),
    stepUs: median(steps),
  };
}

export async function benchReplay(say: (line?: string) => void, run: RunWorkload): Promise<void> {
  say(REPLAY_HEADING);
  say();
  say(
    'Debug Replay start = every position computed through bench/app in the replay worker process (medians of 3); ' +
      'replay-check = one instance checked against unchanged code (medians of 5); step = one step of the runtime ' +
      'plus the position event sent to the editor (median over stepping to the end and back).',
  );
  say();
  const host = new ChildProcessReplayHost(APP, BUNDLE);
  await host.start();
  const rows: Row[] = [];
  try {
    for (const [name, input] of [
      ['sequence', 10],
      ['sequence', 100],
      ['sequence', 300],
      ['fanOut', 100],
    ] as const) {
      const instance = await run(name, input);
      rows.push(await measure(host, `${name}(${input})`, instance));
      process.stdout.write(`  replay ${name}(${input}) measured\n`);
    }
  } finally {
    await host.stop();
  }
  say('| history | events | positions | Debug Replay start | per position | replay-check | step |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    say(
      `| ${r.workload} | ${r.events} | ${r.positions} | ${fmt(r.launchMs)} ms | ${fmt(r.perPositionMs, 2)} ms | ${fmt(r.checkMs)} ms | ${fmt(r.stepUs, 1)} µs |`,
    );
  }
  const [small, , large] = rows;
  if (small && large) {
    say();
    say(
      `A session starts with one replay of the whole history, snapshotting the orchestrator's tasks after each ` +
        `position's event (a snapshot grows with the tasks so far): ${fmt(large.positions / small.positions)}× the ` +
        `positions cost ${fmt(large.launchMs / small.launchMs)}× the time; replay-check replays once ` +
        `(${fmt(large.checkMs / small.checkMs)}×).`,
    );
  }
}
