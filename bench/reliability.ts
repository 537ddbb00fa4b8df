/**
 * Reliability under kill -9 (`BENCH_ONLY=reliability npm run bench`): randomized trials, each of which kills the
 * emulator together with its app worker, or the app worker alone, while fan-outs run, an HTTP-triggered client
 * function signals an entity, and the management API starts instances, raises events and signals the entity.
 * A killed emulator is restarted on the same store. Then every acknowledged piece of work is checked:
 * - lost: acknowledged (202), then missing (an instance, an event, a signal, an HTTP request's signal);
 * - duplicated: applied twice (an activity completed twice in a history, a request id counted twice);
 * - stuck: an instance that does not finish within the deadline;
 * - failed: an instance that ended Failed (all the work here is innocent).
 * Requests cut off by the kill (no answer) may or may not have taken effect; they may never take effect twice.
 * `RELIABILITY_TRIALS` (default 100) and `RELIABILITY_SEED` (default 1) make a run reproducible in what it
 * chooses; the timing of a kill against the work in flight is the machine's.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  getStatus,
  startEmulator,
  tempDir,
  waitFor,
  waitForStatus,
  WEBHOOK,
  type Emulator,
} from '../test/integration/harness.js';
import { fmt, median } from './stats.js';

export const RELIABILITY_HEADING = '## Reliability under kill -9 (bench/reliability.ts)';

const APP = path.resolve(__dirname, 'reliability-app');
const FAN_OUT = 40;

export type KillTarget = 'emulator and worker' | 'worker alone';

export interface TrialCounts {
  trials: number;
  /** Acknowledged items checked after the kill. */
  instances: number;
  events: number;
  httpRequests: number;
  signals: number;
  /** Requests cut off or failed by the kill (5xx or no answer): allowed, as long as none ran twice. */
  unacknowledged: number;
  lost: number;
  duplicated: number;
  stuck: number;
  failed: number;
  problems: string[];
  /** ms from the kill until the emulator (restarted) or the worker (replaced) served requests again. */
  recoveryMs: number[];
}

function emptyCounts(): TrialCounts {
  return {
    trials: 0,
    instances: 0,
    events: 0,
    httpRequests: 0,
    signals: 0,
    unacknowledged: 0,
    lost: 0,
    duplicated: 0,
    stuck: 0,
    failed: 0,
    problems: [],
    recoveryMs: [],
  };
}

/** mulberry32: a small seeded generator, so a run's choices can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The emulator's main app worker (an isolation worker, when there is one, runs with --role=isolation). */
function mainWorkerPid(emu: Emulator): number | undefined {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(emu.process.pid)])
    .toString()
    .split('\n');
  const main = lines.find((line) => line.trim() !== '' && !line.includes('--role=isolation'));
  return main ? Number(main.trim().split(/\s+/)[0]) : undefined;
}

/** A request that may be cut off by the kill: its status, or 0 when no answer came. */
async function send(url: string, init: RequestInit): Promise<number> {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Trial {
  no: number;
  target: KillTarget;
  killAfterMs: number;
  keepLoadMs: number;
}

/** The work of one trial and what was acknowledged; `base()` is the current emulator's URL (it may restart). */
class Load {
  readonly fans = new Map<string, number>(); // id -> status of the start request
  readonly approvals = new Map<string, { start: number; raise: number }>();
  readonly httpRequests = new Map<string, number>();
  readonly signals = new Map<string, number>();
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(
    private readonly trial: Trial,
    private readonly base: () => string,
  ) {}

  get key(): string {
    return `t${this.trial.no}`;
  }

  start(): void {
    const { no } = this.trial;
    for (let i = 0; i < 3; i++) {
      const id = `t${no}-fan${i}`;
      this.running.push(
        send(`${this.base()}${WEBHOOK}/orchestrators/fanOut/${id}`, json(FAN_OUT)).then((s) => {
          this.fans.set(id, s);
        }),
      );
    }
    for (let i = 0; i < 2; i++) {
      const id = `t${no}-approval${i}`;
      this.running.push(
        (async () => {
          const start = await send(`${this.base()}${WEBHOOK}/orchestrators/awaitApproval/${id}`, json(null));
          const raise =
            start === 202 ? await send(`${this.base()}${WEBHOOK}/instances/${id}/raiseEvent/Approve`, json({ id })) : 0;
          this.approvals.set(id, { start, raise });
        })(),
      );
    }
    for (let c = 0; c < 4; c++)
      this.running.push(
        this.loop(
          (n) => `h${c}-${n}`,
          this.httpRequests,
          (id) => this.http(id),
        ),
      );
    for (let c = 0; c < 2; c++)
      this.running.push(
        this.loop(
          (n) => `s${c}-${n}`,
          this.signals,
          (id) => this.signal(id),
        ),
      );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  private async loop(name: (n: number) => string, into: Map<string, number>, request: (id: string) => Promise<number>) {
    for (let n = 0; !this.stopped; n++) {
      const id = name(n);
      into.set(id, await request(id));
    }
  }

  private http(id: string): Promise<number> {
    return send(`${this.base()}/api/ledger/${this.key}/${id}`, { method: 'POST' });
  }

  signal(id: string): Promise<number> {
    return send(`${this.base()}${WEBHOOK}/entities/ledger/${this.key}?op=add`, json(id));
  }
}

async function ledgerState(emu: Emulator, key: string): Promise<Record<string, number>> {
  const res = await fetch(`${emu.url}${WEBHOOK}/entities/ledger/${key}`);
  return res.status === 200 ? ((await res.json()) as Record<string, number>) : {};
}

/** Checks one trial's load against the store as the (possibly restarted) emulator now serves it. */
async function check(emu: Emulator, load: Load, counts: TrialCounts): Promise<void> {
  const problem = (kind: 'lost' | 'duplicated' | 'stuck' | 'failed', what: string) => {
    counts[kind]++;
    counts.problems.push(`${kind}: ${what}`);
  };
  // Instances whose start was acknowledged must finish; others may exist (the start may have landed) and then too.
  const instances: { id: string; acknowledged: boolean; expect: unknown }[] = [];
  for (const [id, status] of load.fans)
    instances.push({ id, acknowledged: status === 202, expect: FAN_OUT * (FAN_OUT - 1) });
  for (const [id, { start, raise }] of load.approvals) {
    // An event whose raise got no answer may or may not be there: raise it (again) only if the instance still waits.
    if (start === 202 && raise !== 202) {
      const status = await getStatus(emu, id, '?showHistory=true');
      if (status && !status.historyEvents?.some((e) => e['EventType'] === 'EventRaised'))
        await send(`${emu.url}${WEBHOOK}/instances/${id}/raiseEvent/Approve`, json({ id }));
    }
    if (raise === 202) counts.events++;
    instances.push({ id, acknowledged: start === 202, expect: { id } });
  }
  for (const { id, acknowledged, expect } of instances) {
    const status = await getStatus(emu, id);
    if (!status) {
      if (acknowledged) problem('lost', `instance ${id}`);
      else counts.unacknowledged++;
      continue;
    }
    if (acknowledged) counts.instances++;
    let done;
    try {
      done = await waitForStatus(emu, id, undefined, 30_000);
    } catch {
      problem('stuck', `instance ${id} (${status.runtimeStatus})`);
      continue;
    }
    if (done.runtimeStatus !== 'Completed') problem('failed', `instance ${id}: ${JSON.stringify(done.output)}`);
    else if (JSON.stringify(done.output) !== JSON.stringify(expect))
      problem('lost', `instance ${id} output ${JSON.stringify(done.output)}`);
    const history = (await getStatus(emu, id, '?showHistory=true&showHistoryOutput=true'))?.historyEvents ?? [];
    const inputs = history.filter((e) => e['EventType'] === 'TaskCompleted').map((e) => String(e['Input']));
    if (new Set(inputs).size !== inputs.length) problem('duplicated', `an activity completed twice in ${id}`);
    if (history.filter((e) => e['EventType'] === 'EventRaised').length > 1) problem('duplicated', `event in ${id}`);
  }

  // Signals are applied in order: once a last one is, every signal sent before it has been too.
  const marker = `last-${load.key}`;
  if ((await load.signal(marker)) !== 202) throw new Error('the emulator refused a signal after recovery');
  let ledger: Record<string, number> = {};
  await waitFor(async () => {
    ledger = await ledgerState(emu, load.key);
    return ledger[marker] !== undefined;
  }, `the ledger of ${load.key} to take its last signal`);
  for (const [id, times] of Object.entries(ledger)) if (times > 1) problem('duplicated', `request ${id} ×${times}`);
  for (const [requests, kind] of [
    [load.httpRequests, 'HTTP request'],
    [load.signals, 'signal'],
  ] as const) {
    for (const [id, status] of requests) {
      if (status !== 202) {
        counts.unacknowledged++;
        continue;
      }
      if (kind === 'signal') counts.signals++;
      else counts.httpRequests++;
      if (ledger[id] === undefined) problem('lost', `${kind} ${id}`);
    }
  }
}

export interface ReliabilityOptions {
  trials: number;
  seed: number;
  log?: (line: string) => void;
}

/** Runs the trials against one store (the emulator restarted on it after each emulator kill). */
export async function runReliabilityTrials(options: ReliabilityOptions): Promise<Map<KillTarget, TrialCounts>> {
  const random = seeded(options.seed);
  const storeDir = tempDir('ds-reliability-');
  const results = new Map<KillTarget, TrialCounts>([
    ['emulator and worker', emptyCounts()],
    ['worker alone', emptyCounts()],
  ]);
  let emu = await startEmulator({ app: APP, storeDir });
  try {
    for (let no = 1; no <= options.trials; no++) {
      const trial: Trial = {
        no,
        target: random() < 0.5 ? 'emulator and worker' : 'worker alone',
        killAfterMs: 20 + Math.floor(random() * 400),
        keepLoadMs: Math.floor(random() * 300),
      };
      const counts = results.get(trial.target)!;
      const load = new Load(trial, () => emu.url);
      load.start();
      await new Promise((resolve) => setTimeout(resolve, trial.killAfterMs));
      const killedAt = performance.now();
      if (trial.target === 'worker alone') {
        const pid = mainWorkerPid(emu);
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
        // The load goes on through the worker's replacement; a probe tells when it serves requests again.
        const probe = `${emu.url}/api/ledger/probe/${no}`;
        const recovered = waitFor(async () => (await send(probe, { method: 'POST' })) === 202, 'the new worker').then(
          () => performance.now(),
        );
        await new Promise((resolve) => setTimeout(resolve, trial.keepLoadMs));
        await load.stop();
        counts.recoveryMs.push((await recovered) - killedAt);
      } else {
        const worker = mainWorkerPid(emu);
        emu.process.kill('SIGKILL');
        if (worker !== undefined) process.kill(worker, 'SIGKILL');
        await emu.stop('SIGKILL');
        await load.stop();
        emu = await startEmulator({ app: APP, storeDir });
        counts.recoveryMs.push(performance.now() - killedAt);
      }
      counts.trials++;
      await check(emu, load, counts);
      const bad = counts.lost + counts.duplicated + counts.stuck + counts.failed;
      options.log?.(`trial ${no}: ${trial.target} after ${trial.killAfterMs} ms; problems so far: ${bad}`);
    }
  } finally {
    await emu.stop('SIGKILL');
  }
  return results;
}

export function reliabilityMarkdown(results: Map<KillTarget, TrialCounts>, seed: number): string {
  const lines = [
    '| killed | trials | instances | events | HTTP requests | signals | cut off by the kill | lost | duplicated | stuck | failed | recovery ms (median) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const problems: string[] = [];
  for (const [target, c] of results) {
    lines.push(
      `| ${target} | ${c.trials} | ${c.instances} | ${c.events} | ${c.httpRequests} | ${c.signals} | ${c.unacknowledged} | ${c.lost} | ${c.duplicated} | ${c.stuck} | ${c.failed} | ${c.recoveryMs.length > 0 ? fmt(median(c.recoveryMs)) : '–'} |`,
    );
    problems.push(...c.problems.map((p) => `- ${target}: ${p}`));
  }
  lines.push('', `Seed ${seed}. Counts are acknowledged items checked after the kill.`);
  if (problems.length > 0) lines.push('', 'Problems:', ...problems.slice(0, 50));
  return lines.join('\n');
}
