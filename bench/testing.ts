/**
 * The testing library's figures (`durable-studio/testing`, the built dist/testing.js as a test would load it):
 * `TestHost.start` and `stop`, one `run` of hello3, a `run` that skips a 72-hour timer, and a node:test file of
 * 100 tests sharing one host with `reset()` between them, run as a user runs it (`node --test`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { TestHost as TestHostClass } from '../src/testing/index.js';
import { fmt, median } from './stats.js';

export const TESTING_HEADING = '## Testing library (bench/testing.ts)';

const APP = path.resolve(__dirname, 'app');
const LIBRARY = path.resolve(__dirname, '../dist/testing.js');
const exec = promisify(execFile);

type Say = (line?: string) => void;

function library(): { TestHost: typeof TestHostClass } {
  if (!fs.existsSync(LIBRARY)) throw new Error(`${LIBRARY} is missing: run npm run build`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(LIBRARY) as { TestHost: typeof TestHostClass };
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** A node:test file of `count` tests, each a hello3 run on a host shared with reset() between tests. */
function hundredTestsFile(dir: string, count: number): string {
  const file = path.join(dir, 'hundred.test.js');
  fs.writeFileSync(
    file,
    [
      "const assert = require('node:assert/strict');",
      "const { after, afterEach, before, test } = require('node:test');",
      `const { TestHost } = require(${JSON.stringify(LIBRARY)});`,
      'let host;',
      `before(async () => { host = await TestHost.start({ app: ${JSON.stringify(APP)}, log: () => {} }); });`,
      'afterEach(() => host.reset());',
      'after(() => host.stop());',
      `for (let i = 0; i < ${count}; i++) {`,
      '  test(`hello3 #${i}`, async () => {',
      "    const result = await host.run('hello3');",
      "    assert.deepEqual(result.output, ['Tokyo', 'Seattle', 'London'], result.summary);",
      '  });',
      '}',
    ].join('\n'),
  );
  return file;
}

export async function benchTesting(say: Say): Promise<void> {
  const { TestHost } = library();
  const starts: number[] = [];
  const stops: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [host, startMs] = await timed(() => TestHost.start({ app: APP, log: () => undefined }));
    starts.push(startMs);
    const [, stopMs] = await timed(() => host.stop());
    stops.push(stopMs);
  }
  const host = await TestHost.start({ app: APP, log: () => undefined });
  const runs: number[] = [];
  const timeouts: number[] = [];
  const resets: number[] = [];
  try {
    for (let i = 0; i < 5; i++) await host.run('hello3'); // warm-up: the worker's first calls load code
    for (let i = 0; i < 50; i++) {
      const [result, ms] = await timed(() => host.run('hello3'));
      if (result.runtimeStatus !== 'Completed') throw new Error(result.summary);
      runs.push(ms);
    }
    for (let i = 0; i < 20; i++) {
      const [result, ms] = await timed(() => host.run('approval72h'));
      if (result.output !== 'timed out') throw new Error(result.summary);
      timeouts.push(ms);
      const [, resetMs] = await timed(() => host.reset());
      resets.push(resetMs);
    }
  } finally {
    await host.stop();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-bench-testing-'));
  const files: number[] = [];
  let passed = '';
  try {
    const file = hundredTestsFile(dir, 100);
    for (let i = 0; i < 3; i++) {
      const [{ stdout }, ms] = await timed(() => exec(process.execPath, ['--test', file], { cwd: dir }));
      passed = /# pass (\d+)/.exec(stdout)?.[1] ?? '0';
      if (passed !== '100') throw new Error(`the 100-test file passed ${passed} tests:\n${stdout.slice(-2000)}`);
      files.push(ms);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const run = median(runs);
  const file = median(files);
  say(TESTING_HEADING);
  say();
  say(
    `Medians on bench/app (${os.cpus().length} CPUs). The 100-test file is \`node --test\` of 100 tests, each a hello3 \`run\`, sharing one host with \`reset()\` after each: its time includes Node, node:test, the host's start and stop.`,
  );
  say();
  say('| Figure | Measured | Aim |');
  say('| --- | ---: | ---: |');
  say(`| \`TestHost.start\` (worker forked, app loaded) | ${fmt(median(starts), 0)} ms | < 500 ms |`);
  say(`| \`stop\` | ${fmt(median(stops), 0)} ms | |`);
  say(`| \`run('hello3')\` (3 activities) | ${fmt(run)} ms | < 20 ms |`);
  say(`| \`run\` of a 72-hour timeout (timer skipped) | ${fmt(median(timeouts))} ms | < 20 ms |`);
  say(`| \`reset()\` | ${fmt(median(resets), 2)} ms | |`);
  say(`| 100 tests in one file, \`node --test\` | ${fmt(file / 1000, 2)} s | < 3 s |`);
  say();
  say(
    `Ratios: a 72-hour timeout runs in ${fmt(median(timeouts) / run, 1)}× the time of a plain hello3; 72 emulated hours pass ${fmt((72 * 3_600_000) / median(timeouts) / 1e6, 1)} million times faster than wall time; in the 100-test file, one test costs ${fmt(file / 100)} ms on average, ${fmt(file / 100 / run, 1)}× a bare \`run\`.`,
  );
}
