/**
 * The determinism linter's figures: linting 1,000 generated files cold (a fresh linter reading them from disk, as the
 * CLI does; also the CLI end to end when dist/ is built), and re-linting one orchestrator file after an edit
 * (invalidate + lintFile, as the language server does on a keystroke), median and p95 over 200 edits.
 * `benchLint()` is called from bench/run.ts; `node --import tsx bench/lint.ts` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLinter } from '../src/lint/linter.js';

export interface LintBenchResult {
  files: number;
  findings: number;
  coldMs: number;
  cliMs: number | undefined;
  edits: number;
  keystrokeMedianMs: number;
  keystrokeP95Ms: number;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

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

/** 1,000 files in groups of 10: 3 orchestrators (every other one with hazards), 3 helpers, 3 activities, 1 index. */
function generate(dir: string, count: number): string[] {
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

export async function benchLint(options: { files?: number; edits?: number; log?: (line: string) => void } = {}) {
  const count = options.files ?? 1000;
  const editCount = options.edits ?? 200;
  const log = options.log ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-lint-bench-'));
  try {
    const files = generate(dir, count);
    const readFile = (file: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    };
    const t0 = performance.now();
    const cold = createLinter({ readFile, listFiles: () => files });
    const findings = cold.lintFiles(files).length;
    const coldMs = performance.now() - t0;
    log(`lint: ${files.length} files cold in ${coldMs.toFixed(0)} ms (${findings} findings)`);

    let cliMs: number | undefined;
    const cli = path.resolve(__dirname, '../dist/cli.js');
    if (fs.existsSync(path.resolve(__dirname, '../dist/lint.js'))) {
      const c0 = performance.now();
      spawnSync(process.execPath, [cli, 'lint', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      cliMs = performance.now() - c0;
      log(`lint: CLI end to end in ${cliMs.toFixed(0)} ms`);
    }

    // The server's view: unsaved buffers over the disk, one file edited and re-linted per keystroke.
    const buffers = new Map<string, string>();
    const server = createLinter({ readFile: (file) => buffers.get(file) ?? readFile(file), listFiles: () => files });
    server.lintFiles(files);
    const target = files.find((file) => path.basename(file) === 'orchestrator10.ts')!;
    let text = fs.readFileSync(target, 'utf8');
    const anchor = text.indexOf('  const total');
    const times: number[] = [];
    for (let edit = 0; edit < editCount; edit++) {
      text = text.slice(0, anchor) + `  // edit ${edit}\n` + text.slice(anchor);
      buffers.set(target, text);
      const e0 = performance.now();
      server.invalidate(target);
      server.lintFile(target);
      times.push(performance.now() - e0);
    }
    const result: LintBenchResult = {
      files: files.length,
      findings,
      coldMs,
      cliMs,
      edits: editCount,
      keystrokeMedianMs: quantile(times, 0.5),
      keystrokeP95Ms: quantile(times, 0.95),
    };
    log(
      `lint: keystroke (invalidate + lintFile) median ${result.keystrokeMedianMs.toFixed(2)} ms, ` +
        `p95 ${result.keystrokeP95Ms.toFixed(2)} ms over ${editCount} edits`,
    );
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as rows of a markdown table: | figure | value | aim |. */
export function lintMarkdown(result: LintBenchResult): string {
  const rows = [
    ['Lint 1,000 files cold (in process)', `${(result.coldMs / 1000).toFixed(2)} s`, '< 10 s'],
    ...(result.cliMs === undefined
      ? []
      : [
          [
            'Lint 1,000 files, CLI end to end (`node dist/cli.js lint`)',
            `${(result.cliMs / 1000).toFixed(2)} s`,
            '< 10 s',
          ],
        ]),
    ['Re-lint one file after an edit, median', `${result.keystrokeMedianMs.toFixed(1)} ms`, '< 50 ms'],
    ['Re-lint one file after an edit, p95', `${result.keystrokeP95Ms.toFixed(1)} ms`, ''],
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
