/**
 * `npm run bench`: the emulator's, the explorer's and the history view's figures on this machine, written to
 * bench/results.md. Each figure is the median of several runs; ratios compare workloads measured side by side in
 * one run. Not part of `npm test`.
 *
 * One part alone: `BENCH_ONLY=emulator`, `BENCH_ONLY=extension` (the explorer and the history view,
 * bench/extension.ts), `BENCH_ONLY=lint` (bench/lint.ts), `BENCH_ONLY=replay` (bench/replay.ts) or
 * `BENCH_ONLY=testing` (bench/testing.ts), `BENCH_ONLY=storage` (bench/storage.ts) before
 * `npm run bench` measures just that part and replaces just its section in results.md.
 * `BENCH_RUNS=5` sets the runs of the emulator's figures (default 3).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadAppConfig } from '../src/emulator/appConfig.js';
import { SystemClock } from '../src/emulator/clock.js';
import { Engine } from '../src/emulator/engine/engine.js';
import { InProcessWorker } from '../src/emulator/host/inProcessWorker.js';
import type { FunctionRunner } from '../src/emulator/host/runner.js';
import { ChildProcessWorker } from '../src/emulator/host/workerClient.js';
import { createFileStore } from '../src/emulator/store/fileStore.js';
import { benchExtension, EXTENSION_HEADING } from './extension.js';
import { benchLint, lintMarkdown } from './lint.js';
import { benchReplay, REPLAY_HEADING } from './replay.js';
import { RELIABILITY_HEADING, reliabilityMarkdown, runReliabilityTrials } from './reliability.js';
import { benchTesting, TESTING_HEADING } from './testing.js';
import { benchStorage, startToReady, stop as stopCli, STORAGE_HEADING } from './storage.js';
import { fmt, median, quantile } from './stats.js';
import { benchStore, populate, toMarkdown } from './store.js';

const APP = path.resolve(__dirname, 'app');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ONLY = process.env['BENCH_ONLY'];
const RESULTS = path.join(__dirname, 'results.md');
const config = loadAppConfig(APP);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ds-bench-'));
}

/** The in-process runner can load the app once per process; engines share it. */
const inProcess = new InProcessWorker(config, 'http://localhost:7071', () => undefined);
const inProcessStart = inProcess.start();
const sharedRunner: FunctionRunner = {
  start: () => inProcessStart,
  invoke: (call) => inProcess.invoke(call),
  reload: () => inProcess.reload(),
  stop: async () => undefined,
};

async function withEngine<T>(
  storeDir: string,
  runner: FunctionRunner,
  work: (engine: Engine) => Promise<T>,
): Promise<T> {
  const engine = new Engine({
    store: createFileStore(storeDir),
    runner,
    clock: new SystemClock(),
    hubName: 'Bench',
    maxConcurrentActivities: config.maxConcurrentActivityFunctions,
  });
  await engine.start();
  try {
    return await work(engine);
  } finally {
    await engine.stop();
  }
}

interface Throughput {
  orchPerSec: number;
  eventsPerSec: number;
  p50: number;
  p99: number;
}

/** Netherite's method: completed orchestrations over (last completion − first creation). */
async function helloThroughput(engine: Engine, count: number): Promise<Throughput> {
  const records = await Promise.all(Array.from({ length: count }, () => engine.startNew('hello3', { input: null })));
  await engine.whenIdle();
  const done = records.map((r) => engine.getInstance(r.instanceId)!);
  const failed = done.filter((r) => r.status !== 'Completed');
  if (failed.length > 0) throw new Error(`${failed.length} hello3 orchestrations did not complete`);
  const first = Math.min(...done.map((r) => r.createdTime));
  const last = Math.max(...done.map((r) => r.lastUpdatedTime));
  const seconds = Math.max(1, last - first) / 1000;
  const latencies = done.map((r) => r.lastUpdatedTime - r.createdTime);
  const events = done.reduce((sum, r) => sum + r.history.length, 0);
  return {
    orchPerSec: count / seconds,
    eventsPerSec: events / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
  };
}

async function throughputAt(
  stored: number,
  runner: FunctionRunner,
  count: number,
): Promise<Throughput & { startMs: number }> {
  const runs: (Throughput & { startMs: number })[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir();
    await populate(dir, stored);
    runs.push(
      await withEngine(dir, runner, async (engine) => {
        await helloThroughput(engine, 200); // warm-up
        const result = await helloThroughput(engine, count);
        // Start latency: one startNew at a time, until its acknowledgement (durable).
        const starts: number[] = [];
        for (let j = 0; j < 50; j++) {
          const t0 = performance.now();
          await engine.startNew('hello3', { input: null });
          starts.push(performance.now() - t0);
          await engine.whenIdle();
        }
        return { ...result, startMs: median(starts) };
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    orchPerSec: median(runs.map((r) => r.orchPerSec)),
    eventsPerSec: median(runs.map((r) => r.eventsPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    startMs: median(runs.map((r) => r.startMs)),
  };
}

/** One hello-3 at a time (warm): start until completion, as a developer clicking "start" sees it. */
async function sequentialLatency(runner: FunctionRunner, count: number): Promise<{ p50: number; p99: number }> {
  const dir = tempDir();
  const times = await withEngine(dir, runner, async (engine) => {
    const result: number[] = [];
    for (let i = 0; i < count + 20; i++) {
      const t0 = performance.now();
      await engine.startNew('hello3', { input: null });
      await engine.whenIdle();
      if (i >= 20) result.push(performance.now() - t0);
    }
    return result;
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function single(name: string, input: unknown): Promise<{ ms: number; episodes: number }> {
  const runs: { ms: number; episodes: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir();
    runs.push(
      await withEngine(dir, sharedRunner, async (engine) => {
        const t0 = performance.now();
        const record = await engine.startNew(name, { input: JSON.stringify(input) });
        await engine.whenIdle();
        const ms = performance.now() - t0;
        const done = engine.getInstance(record.instanceId)!;
        if (done.status !== 'Completed') throw new Error(`${name} ended ${done.status}: ${done.output}`);
        return { ms, episodes: done.episodes };
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ms: median(runs.map((r) => r.ms)), episodes: median(runs.map((r) => r.episodes)) };
}

async function entitySignals(count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = tempDir();
    times.push(
      await withEngine(dir, sharedRunner, async (engine) => {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: count }, () => engine.signalEntity('counter', 'bench', 'add', '1')));
        await engine.whenIdle();
        const ms = performance.now() - t0;
        const state = engine.getEntity('counter', 'bench')?.state;
        if (state !== String(count)) throw new Error(`counter is ${state}, expected ${count}`);
        return ms;
      }),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return median(times);
}

/** Resident memory of a process, from /proc (Linux); NaN elsewhere. */
function rssMb(pid: number | undefined): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The real CLI on a store with `stored` completed instances: process start until /admin/host/status is Running,
 * and the emulator process's resident memory then (the app worker is a separate process).
 */
async function restartToReady(stored: number): Promise<{ ms: number; rss: number }> {
  const dir = tempDir();
  await populate(dir, stored);
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = await startToReady(APP, {}, dir);
    times.push(started.ms);
    rss.push(rssMb(started.child.pid));
    await stopCli(started.child);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms: median(times), rss: median(rss) };
}

type Say = (line?: string) => void;

const LINT_HEADING = '## Determinism linter (bench/lint.ts)';

/** The parts of results.md, in order; each starts at its heading (the emulator's at the top of the file). */
const PARTS = [
  { name: 'emulator', heading: '', run: (say: Say) => benchEmulator(say) },
  { name: 'extension', heading: EXTENSION_HEADING, run: benchExtension },
  { name: 'lint', heading: LINT_HEADING, run: benchLintPart },
  { name: 'replay', heading: REPLAY_HEADING, run: benchReplayPart },
  { name: 'testing', heading: TESTING_HEADING, run: benchTesting },
  { name: 'storage', heading: STORAGE_HEADING, run: benchStorage },
  { name: 'reliability', heading: RELIABILITY_HEADING, run: benchReliabilityPart },
] as const;

/** The previous results.md cut at the parts' headings. */
function splitResults(text: string): Map<string, string> {
  const starts = PARTS.map((part) => (part.heading === '' ? 0 : text.indexOf(part.heading)));
  const sections = new Map<string, string>();
  PARTS.forEach((part, i) => {
    const from = starts[i]!;
    if (from < 0) return;
    const next = starts.filter((at) => at > from).sort((a, b) => a - b)[0] ?? text.length;
    sections.set(part.name, text.slice(from, next));
  });
  return sections;
}

async function benchLintPart(say: Say): Promise<void> {
  const load = os.loadavg()[0] ?? NaN;
  const result = await benchLint({ log: (line) => process.stdout.write(`  ${line}\n`) });
  const loadAfter = os.loadavg()[0] ?? NaN;
  say(LINT_HEADING);
  say();
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`BENCH_ONLY=lint npm run bench\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average ${load.toFixed(1)} before and ${loadAfter.toFixed(1)} after (other processes on the machine slow every figure). A generated Functions app of ${result.files.toLocaleString('en')} files (orchestrators with and without hazards, activities, helpers across files), all through the built bundles; medians of 3 runs (6 for the CLI with its cache).`,
  );
  say();
  say(lintMarkdown(result));
}

/** The replay debugger on histories of bench/app's workloads, run to completion in the engine first. */
async function benchReplayPart(say: Say): Promise<void> {
  await withEngine(tempDir(), sharedRunner, (engine) =>
    benchReplay(say, async (name, input) => {
      const started = await engine.startNew(name, { input: JSON.stringify(input) });
      await engine.whenIdle();
      const record = engine.getInstance(started.instanceId)!;
      if (record.status !== 'Completed') throw new Error(`${name}(${input}) ended ${record.status}`);
      return {
        instanceId: record.instanceId,
        name,
        input: record.input,
        parentInstanceId: null,
        history: record.history,
      };
    }),
  );
}

/** Randomized kill -9 trials against the real CLI (bench/reliability.ts). */
async function benchReliabilityPart(say: Say): Promise<void> {
  const trials = Number(process.env['RELIABILITY_TRIALS'] ?? 100);
  const seed = Number(process.env['RELIABILITY_SEED'] ?? 1);
  say(RELIABILITY_HEADING);
  say();
  say(
    `Measured ${new Date().toISOString().slice(0, 10)}: ${trials} trials of \`RELIABILITY_TRIALS=${trials} BENCH_ONLY=reliability npm run bench\`, each a kill -9 20–420 ms into a load of 3 fan-outs of 40 slow activities, 2 orchestrations awaiting an event raised through the management API, 4 clients POSTing to an HTTP-triggered client function that signals an entity, and 2 clients signalling it through the management API (bench/reliability-app).`,
  );
  say();
  const results = await runReliabilityTrials({ trials, seed, log: (line) => process.stdout.write(`  ${line}\n`) });
  say(reliabilityMarkdown(results, seed));
}

async function main(): Promise<void> {
  if (ONLY !== undefined && !PARTS.some((part) => part.name === ONLY)) {
    throw new Error(`BENCH_ONLY must be one of ${PARTS.map((part) => part.name).join(', ')}, not '${ONLY}'`);
  }
  const previous = splitResults(fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '');
  const sections: string[] = [];
  for (const part of PARTS) {
    // A part not measured now keeps its section from the last run.
    if (ONLY !== undefined && ONLY !== part.name) {
      const kept = previous.get(part.name);
      if (kept) sections.push(kept.trimEnd());
      continue;
    }
    const lines: string[] = [];
    await part.run((line = '') => {
      lines.push(line);
      process.stdout.write(line + '\n');
    });
    sections.push(lines.join('\n').trimEnd());
  }
  fs.writeFileSync(RESULTS, sections.filter((text) => text !== '').join('\n\n') + '\n');
  process.exit(0);
}

async function benchEmulator(say: Say): Promise<void> {
  say('# Benchmark results');
  say();
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}. Medians of ${RUNS} runs; no-op activities (bench/app).`,
  );
  say();
  say('## Orchestrations (engine in-process, real lowdb file store, no fsync)');
  say();
  say(
    '| workload | stored completed instances | orchestrations/s | events/s | p50 latency ms | p99 latency ms | startNew ack ms |',
  );
  say('|---|---|---|---|---|---|---|');
  // A discarded pass first, so the JIT has warmed up before the first figure that counts.
  await withEngine(tempDir(), sharedRunner, (engine) => helloThroughput(engine, 4000));
  const base = await throughputAt(0, sharedRunner, 2000);
  const rows: [number, Throughput & { startMs: number }][] = [[0, base]];
  for (const stored of [1000, 10_000]) rows.push([stored, await throughputAt(stored, sharedRunner, 2000)]);
  for (const [stored, r] of rows) {
    say(
      `| 2,000 × hello-3 | ${stored.toLocaleString('en')} | ${fmt(r.orchPerSec, 0)} | ${fmt(r.eventsPerSec, 0)} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.startMs, 2)} |`,
    );
  }
  const at10k = rows[2]![1];
  say();
  say(
    `Throughput with 10,000 completed instances stored is ${fmt((100 * at10k.orchPerSec) / base.orchPerSec, 0)}% of the empty-store figure.`,
  );
  say();
  say('## Through the app worker process (what `durable-studio start` runs: IPC to a separate Node process)');
  say();
  const child = new ChildProcessWorker({ config, origin: 'http://localhost:7071', log: () => undefined });
  const ipc = await throughputAt(0, child, 2000);
  const ipcLatency = await sequentialLatency(child, 100);
  await child.stop();
  const inProcessLatency = await sequentialLatency(sharedRunner, 100);
  say('| workload | orchestrations/s | events/s | p50 latency ms | p99 latency ms |');
  say('|---|---|---|---|---|');
  say(
    `| 2,000 × hello-3 started at once | ${fmt(ipc.orchPerSec, 0)} | ${fmt(ipc.eventsPerSec, 0)} | ${fmt(ipc.p50, 0)} | ${fmt(ipc.p99, 0)} |`,
  );
  say(
    `| 100 × hello-3, one at a time (start → completed) | – | – | ${fmt(ipcLatency.p50, 2)} | ${fmt(ipcLatency.p99, 2)} |`,
  );
  say();
  say(
    `One hello-3 at a time in-process: p50 ${fmt(inProcessLatency.p50, 2)} ms, p99 ${fmt(inProcessLatency.p99, 2)} ms.`,
  );
  say();
  say('## Single orchestrations and entities (in-process)');
  say();
  say('| workload | total ms | orchestrator episodes |');
  say('|---|---|---|');
  const fan = await single('fanOut', 1000);
  say(`| fan-out/fan-in of 1,000 | ${fmt(fan.ms, 0)} | ${fan.episodes} |`);
  const seq = await single('sequence', 2500);
  say(
    `| 2,500-activity sequence (10,000 events) | ${fmt(seq.ms, 0)} (${fmt(seq.ms / 2500, 2)} ms/step) | ${seq.episodes} |`,
  );
  const signals = await entitySignals(10_000);
  say(`| 10,000 signals to one entity (final count checked) | ${fmt(signals, 0)} | – |`);
  say();
  say('## Restart recovery (the real CLI: process start until `/admin/host/status` is Running)');
  say();
  say('| stored completed instances | ms to ready | emulator RSS MB when ready |');
  say('|---|---|---|');
  for (const stored of [0, 10_000]) {
    const ready = await restartToReady(stored);
    say(`| ${stored.toLocaleString('en')} | ${fmt(ready.ms, 0)} | ${fmt(ready.rss, 0)} |`);
  }
  say();
  say('## Store commit cost (bench/store.ts)');
  say();
  say(toMarkdown(await benchStore()));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
