/**
 * The determinism linter's figures, all through the built bundles (dist/, `npm run bench` builds first) on a generated
 * Functions app of 1,000 files: the CLI end to end on its first run (no code cache) and with its cache; a lint inside
 * one process (dist/lint.js's `main` after the bundle has loaded, the JIT cold); the language server's time from
 * process start to the first diagnostics on an app of 20 files, without and with its code cache; its listing and
 * indexing of the big app; and a keystroke in the server (a `didChange` of one orchestrator file and the pull of its
 * diagnostics, with the server's index spanning every file), median and p95 over 200 edits. `benchLint()` is called
 * from bench/run.ts; `node --import tsx bench/lint.ts` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CODE_CACHE_ENV } from '../src/lint/codeCache.js';
import { StdioLanguageServer } from '../test/unit/lint-lsp-stdio.js';
import { median, quantile } from './stats.js';

const DIST = path.resolve(__dirname, '../dist');

export interface LintBenchResult {
  files: number;
  findings: number;
  /** `node dist/cli.js lint`, first run: no code cache (it is written at the end). */
  cliColdMs: number;
  /** The same with the code cache present. */
  cliWarmMs: number;
  /** dist/lint.js's `main` in a process that has loaded the bundle. */
  inProcessMs: number;
  /** dist/lint-server.js on an app of 20 files: process start to the first pulled diagnostics, without and with the code cache. */
  serverColdMs: number;
  serverWarmMs: number;
  /**
   * The server listing and indexing the app of 1,000 files (`durableStudio/orchestrations` after the first
   * diagnostics): what a pull waits for when it comes after the server has listed the workspace.
   */
  serverIndexMs: number;
  edits: number;
  keystrokeMedianMs: number;
  keystrokeP95Ms: number;
}

function activityFile(i: number): string {
  const handlers = Array.from(
    { length: 6 },
    (_, k) => `
df.app.activity('act${i}_${k}', {
  handler: async (input: { id: string; count: number }, context: InvocationContext) => {
    const started = Date.now();
    const response = await fetch(\`https://example.com/items/\${input.id}?n=\${input.count}\`);
    const body = (await response.json()) as { total: number };
    context.log(\`act${i}_${k} took \${Date.now() - started} ms, region \${process.env.REGION}\`);
    return { id: randomUUID(), total: body.total + Math.random() };
  },
});`,
  );
  return `import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
${handlers.join('\n')}
`;
}

function helperFile(i: number, hazard: boolean): string {
  return `import { format } from './format${i % 10}';
export function describe${i}(name: string, n: number): string {
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(format(name, k));
  return parts.join(', ')${hazard ? ' + new Date().toISOString()' : ''};
}
export function* step${i}(ctx: any, items: number[]) {
  const tasks = items.map((item) => ctx.df.callActivity('act${i}_0', item));
  const results: number[] = yield ctx.df.Task.all(tasks);
  return results.reduce((sum, value) => sum + value, 0);
}
export const score${i} = (values: number[]) => values.reduce((a, b) => a + b * 2, 0) / Math.max(1, values.length);
`;
}

function formatFile(i: number): string {
  return `export function format(name: string, k: number): string {
  return \`\${name}#\${k}-${i}\`.padStart(12, ' ');
}
`;
}

function orchestratorFile(i: number, hazard: boolean): string {
  const body = hazard
    ? `  const now = Date.now();
  const id = crypto.randomUUID();
  context.df.callActivity('act${i}_1', id);
  const extra = await context.df.callActivity('act${i}_2', now);`
    : `  const now = context.df.currentUtcDateTime.getTime();
  const id = context.df.newGuid(context.df.instanceId);
  yield context.df.callActivity('act${i}_1', id);
  const extra = yield context.df.callActivity('act${i}_2', now);`;
  return `import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describe${i}, score${i}, step${i} } from './helpers${i}';

interface Input${i} {
  name?: string;
  items?: number[];
}

export const orchestrator${i} = function* (context: OrchestrationContext) {
  const input = context.df.getInput<Input${i} | undefined>() ?? {};
  const items = input.items ?? [1, 2, 3, 4, 5];
${body}
  const total: number = yield* step${i}(context, items);
  const label = describe${i}(input.name ?? 'orchestration', items.length);
  context.df.setCustomStatus({ label, total, score: score${i}(items) });
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60_000);
  const approval = context.df.waitForExternalEvent('approve${i}');
  const timeout = context.df.createTimer(deadline);
  const winner = yield context.df.Task.any([approval, timeout]);
  if (winner === approval) timeout.cancel();
  return { id, now, extra, total, label };
};

df.app.orchestration('inline${i}', function* (context) {
  const results = [];
  for (const n of [1, 2, 3]) results.push(yield context.df.callActivity('act${i}_3', n));
  return results;
});
`;
}

function indexFile(from: number, to: number): string {
  const lines = ["import * as df from 'durable-functions';"];
  for (let i = from; i < to; i++) lines.push(`import { orchestrator${i} } from './orchestrator${i}';`);
  for (let i = from; i < to; i++) lines.push(`df.app.orchestration('orchestrator${i}', orchestrator${i});`);
  return lines.join('\n') + '\n';
}

/**
 * A Functions app (host.json) of 1,000 files in groups of 10: 3 orchestrators (every other one with hazards),
 * 3 helpers, 3 activities, 1 index.
 */
export function generate(dir: string, count: number): string[] {
  fs.writeFileSync(path.join(dir, 'host.json'), '{ "version": "2.0" }\n');
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    files.push(file);
  };
  for (let i = 0; i < 10; i++) write(`format${i}.ts`, formatFile(i));
  let i = 0;
  while (files.length < count) {
    const group = i;
    for (let k = 0; k < 3; k++, i++) {
      write(`orchestrator${i}.ts`, orchestratorFile(i, i % 2 === 0));
      write(`helpers${i}.ts`, helperFile(i, i % 4 === 0));
      write(`activities${i}.ts`, activityFile(i));
    }
    write(`index${group}.ts`, indexFile(group, i));
  }
  return files;
}

/** Runs the CLI on `dir` with the code cache in `cacheDir`; returns the wall time and the findings. */
function cliRun(dir: string, cacheDir: string): { ms: number; findings: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'lint', dir, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, [CODE_CACHE_ENV]: cacheDir },
  });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1) throw new Error(`lint failed (${result.status}): ${result.stderr}`);
  return { ms, findings: (JSON.parse(result.stdout) as unknown[]).length };
}

/** dist/lint.js's `main` timed inside a fresh process, after the bundle has loaded. */
function inProcessRun(dir: string): number {
  const script = `const lint = require(${JSON.stringify(path.join(DIST, 'lint.js'))});
let out = '';
const started = performance.now();
lint.main([${JSON.stringify(dir)}, '--format', 'json'], { cwd: ${JSON.stringify(dir)}, stdout: (text) => (out += text), stderr: () => {}, version: 'bench' });
process.stdout.write(String(performance.now() - started));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`in-process lint failed: ${result.stderr}`);
  return Number(result.stdout);
}

/** Server start to its first diagnostics of `file`; then, if asked, `edits` keystrokes in `file`. */
async function serverRun(
  dir: string,
  file: string,
  cacheDir: string,
  edits = 0,
): Promise<{ firstMs: number; indexMs: number; keystrokes: number[] }> {
  const started = performance.now();
  const server = new StdioLanguageServer(path.join(DIST, 'lint-server.js'), {
    ...process.env,
    [CODE_CACHE_ENV]: cacheDir,
  });
  try {
    await server.initialize(dir);
    let text = fs.readFileSync(file, 'utf8');
    let indexMs = NaN;
    if (edits > 0) {
      // Before any pull (one after the server's own listing would index the workspace itself): list and index it.
      const indexStarted = performance.now();
      const { orchestrations } = (await server.request('durableStudio/orchestrations', {})) as {
        orchestrations: unknown[];
      };
      indexMs = performance.now() - indexStarted;
      const orchestratorFiles = fs.readdirSync(dir).filter((name) => name.startsWith('orchestrator')).length;
      if (orchestrations.length < orchestratorFiles)
        throw new Error(`the index has ${orchestrations.length} orchestrations`);
    }
    // Without `edits`, the first answer comes before the server has listed the (small) workspace.
    await server.diagnostics(file, text);
    const firstMs = performance.now() - started;
    const keystrokes: number[] = [];
    const anchor = text.indexOf('  const total');
    const warmUp = edits > 0 ? 10 : 0; // untimed, for the JIT
    for (let edit = 0; edit < warmUp + edits; edit++) {
      text = text.slice(0, anchor) + `  // edit ${edit}\n` + text.slice(anchor);
      const editStarted = performance.now();
      server.change(file, text, edit + 2);
      const { items } = await server.pull(file);
      if (edit >= warmUp) keystrokes.push(performance.now() - editStarted);
      if (edit === 0 && items.length === 0) throw new Error(`no diagnostics for ${file} with the workspace indexed`);
    }
    await server.stop();
    return { firstMs, indexMs, keystrokes };
  } finally {
    server.kill();
  }
}

export async function benchLint(
  options: { files?: number; edits?: number; runs?: number; log?: (line: string) => void } = {},
) {
  const count = options.files ?? 1000;
  const editCount = options.edits ?? 200;
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => undefined);
  for (const bundle of ['cli.js', 'lint.js', 'lint-server.js', 'lint-server-main.js']) {
    if (!fs.existsSync(path.join(DIST, bundle))) throw new Error(`dist/${bundle} is missing: run npm run build`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-bench-'));
  const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-bench-cache-'));
  try {
    const files = generate(dir, count);
    let findings = 0;
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cacheDir = path.join(cacheRoot, `cli-${run}`);
      const first = cliRun(dir, cacheDir);
      cold.push(first.ms);
      findings = first.findings;
      warm.push(cliRun(dir, cacheDir).ms, cliRun(dir, cacheDir).ms);
    }
    log(
      `lint: CLI on ${files.length} files: ${median(cold).toFixed(0)} ms without the code cache, ${median(warm).toFixed(0)} ms with it (${findings} findings)`,
    );
    const inProcess = Array.from({ length: runs }, () => inProcessRun(dir));
    log(`lint: in process (dist/lint.js main) ${median(inProcess).toFixed(0)} ms`);

    const target = files.find((file) => path.basename(file) === 'orchestrator10.ts')!;
    // Start-up on a small app (20 files), so that indexing a big workspace does not hide it.
    const small = path.join(dir, 'small');
    fs.mkdirSync(small);
    const smallTarget = generate(small, 20).find((file) => path.basename(file) === 'orchestrator0.ts')!;
    const serverCold: number[] = [];
    const serverWarm: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cacheDir = path.join(cacheRoot, `server-${run}`);
      serverCold.push((await serverRun(small, smallTarget, cacheDir)).firstMs);
      serverWarm.push((await serverRun(small, smallTarget, cacheDir)).firstMs);
    }
    log(
      `lint: server to first diagnostics (20 files) ${median(serverCold).toFixed(0)} ms without the code cache, ${median(serverWarm).toFixed(0)} ms with it`,
    );
    fs.rmSync(small, { recursive: true });
    const { indexMs: serverIndexMs, keystrokes } = await serverRun(
      dir,
      target,
      path.join(cacheRoot, 'server-0'),
      editCount,
    );
    const result: LintBenchResult = {
      files: files.length,
      findings,
      cliColdMs: median(cold),
      cliWarmMs: median(warm),
      inProcessMs: median(inProcess),
      serverColdMs: median(serverCold),
      serverWarmMs: median(serverWarm),
      serverIndexMs,
      edits: editCount,
      keystrokeMedianMs: quantile(keystrokes, 0.5),
      keystrokeP95Ms: quantile(keystrokes, 0.95),
    };
    log(
      `lint: keystroke (didChange + pull) median ${result.keystrokeMedianMs.toFixed(2)} ms, ` +
        `p95 ${result.keystrokeP95Ms.toFixed(2)} ms over ${editCount} edits`,
    );
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheRoot, { recursive: true, force: true });
  }
}

/** The figures as rows of a markdown table: | figure | value | aim |. */
export function lintMarkdown(result: LintBenchResult): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = result.files.toLocaleString('en');
  const rows = [
    [
      `Lint ${n} files, CLI end to end (\`node dist/cli.js lint\`), first run: no code cache`,
      s(result.cliColdMs),
      '< 2 s',
    ],
    [`Lint ${n} files, CLI end to end, code cache present`, s(result.cliWarmMs), '< 2 s'],
    [`Lint ${n} files in process (dist/lint.js \`main\` once loaded, JIT cold)`, s(result.inProcessMs), ''],
    [
      'Language server, app of 20 files: start to first diagnostics, no code cache',
      `${result.serverColdMs.toFixed(0)} ms`,
      '',
    ],
    [
      'Language server, app of 20 files: start to first diagnostics, code cache present',
      `${result.serverWarmMs.toFixed(0)} ms`,
      '',
    ],
    [`Language server: listing and indexing the app of ${n} files`, s(result.serverIndexMs), ''],
    [
      `Keystroke in the language server (didChange + pull), index of ${n} files, median`,
      `${result.keystrokeMedianMs.toFixed(1)} ms`,
      '< 50 ms',
    ],
    ['Keystroke, p95', `${result.keystrokeP95Ms.toFixed(1)} ms`, ''],
  ];
  return (
    ['| linter | value | aim |', '|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n') + '\n'
  );
}

if (require.main === module) {
  benchLint({ log: (line) => console.log(line) }).then(
    (result) => console.log('\n' + lintMarkdown(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
