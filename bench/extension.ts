/**
 * The explorer's and the history view's figures: the "Explorer and history view" section of bench/results.md
 * (`BENCH_ONLY=extension npm run bench` runs this section alone). The issue's aim: a 10,000-event history opens in
 * under a second.
 *
 * - The history view model of a 10,000-event history, built in Node (the webview's code, without a DOM), and the
 *   host's encoding of the status for the webview.
 * - The real webview bundle (dist/webview/history.js, built by `npm run bench`) in headless Chromium, on the test's
 *   page (test/unit/history-webview-page.ts): from posting the status to the webview's `rendered` message (model
 *   and DOM), and to the next painted frame; the rows in the DOM. Each run opens a new page, as opening a panel does.
 * - The Instances model with 10,000 instances (bench/instancesModel.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildHistoryModel } from '../src/webview/history/model.js';
import { decodeStatus, encodeStatus, type HistoryStatus } from '../src/webview/history/protocol.js';
import { bigHistory } from '../test/unit/history-factory.js';
import {
  chromiumMissing,
  launchChromium,
  openHistoryPage,
  type TimedUpdate,
} from '../test/unit/history-webview-page.js';
import { benchInstancesModel, INSTANCES_WORKLOAD, type InstancesFigures } from './instancesModel.js';
import { fmt, median } from './stats.js';

/** The heading that starts this module's section; bench/run.ts splices the section into results.md by it. */
export const EXTENSION_HEADING = '## Explorer and history view (bench/extension.ts)';

const BUNDLE = path.resolve(__dirname, '../dist/webview/history.js');
/** Node-side runs (cheap) and Chromium pages (one per run). */
const NODE_RUNS = 15;
const PAGE_RUNS = 7;
const CHANGES = 1000;

type Say = (line?: string) => void;

function timeMs(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** Medians of `runs` timings after two untimed ones (the JIT warms up). */
function medianOf(runs: number, work: () => unknown): number {
  work();
  work();
  return median(Array.from({ length: runs }, () => timeMs(work)));
}

interface NodeFigures {
  encodeMs: number;
  bytes: number;
  modelMs: number;
  decodeAndModelMs: number;
}

function benchNodeModel(status: HistoryStatus): NodeFigures {
  const now = Date.parse(status.lastUpdatedTime);
  const bytes = encodeStatus(status);
  return {
    encodeMs: medianOf(NODE_RUNS, () => encodeStatus(status)),
    bytes: bytes.length,
    // A fresh copy each time, as the webview decodes one per update (the decoding is not timed here).
    modelMs: median(
      Array.from({ length: NODE_RUNS + 2 }, () => {
        const copy = decodeStatus(bytes);
        return timeMs(() => buildHistoryModel(copy, { now }));
      }).slice(2),
    ),
    decodeAndModelMs: medianOf(NODE_RUNS, () => buildHistoryModel(decodeStatus(bytes), { now })),
  };
}

interface WebviewFigures {
  chromium: string;
  first: TimedUpdate[];
  live: TimedUpdate[];
}

async function benchWebview(status: HistoryStatus): Promise<WebviewFigures | string> {
  if (chromiumMissing) return chromiumMissing;
  if (!fs.existsSync(BUNDLE)) return `no ${path.relative(process.cwd(), BUNDLE)} (npm run build)`;
  const script = fs.readFileSync(BUNDLE, 'utf8');
  const browser = await launchChromium();
  try {
    const first: TimedUpdate[] = [];
    const live: TimedUpdate[] = [];
    for (let i = 0; i <= PAGE_RUNS; i++) {
      const view = await openHistoryPage(browser, script, { instanceId: status.instanceId });
      const opened = await view.timedUpdate(status, 1);
      // The same history again, as a live refresh of an open panel posts it.
      const refreshed = await view.timedUpdate(status, 2, true);
      await view.page.close();
      if (i === 0) continue; // the first page warms up Chromium's caches
      first.push(opened);
      live.push(refreshed);
    }
    return { chromium: browser.version(), first, live };
  } finally {
    await browser.close();
  }
}

function instancesRow(f: InstancesFigures): string {
  return `| ${f.groupBy} | ${fmt(f.loadMs)} | ${fmt(f.listMs)} | ${fmt(f.applyUs.p50)} | ${fmt(f.applyUs.p95)} | ${fmt(f.applyAndReadUs.p50)} | ${fmt(f.applyAndReadUs.p95)} | ${f.staleNodes} / ${f.staleItems.toLocaleString('en')} |`;
}

export async function benchExtension(say: Say): Promise<void> {
  const status = bigHistory(7700);
  const events = status.historyEvents?.length ?? 0;
  const node = benchNodeModel(status);
  const webview = await benchWebview(status);
  const byName = benchInstancesModel('name', NODE_RUNS, CHANGES);
  const byStatus = benchInstancesModel('status', NODE_RUNS, CHANGES);

  say(EXTENSION_HEADING);
  say();
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} with \`${process.env['BENCH_ONLY'] === 'extension' ? 'BENCH_ONLY=extension ' : ''}npm run bench\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}${typeof webview === 'string' ? '' : `, headless Chromium ${webview.chromium}`}. The aim (issue): a 10,000-event history opens in under a second.`,
  );
  say();
  say(
    `### History view: a ${events.toLocaleString('en')}-event history (\`bigHistory(7700)\` of test/unit/history-factory.ts, ${fmt(node.bytes / 2 ** 20, 2)} MB as JSON)`,
  );
  say();
  say('| step | where | median ms | runs |');
  say('|---|---|---:|---:|');
  say(`| host: encode the status for the webview (\`encodeStatus\`) | Node | ${fmt(node.encodeMs)} | ${NODE_RUNS} |`);
  say(`| view model (\`buildHistoryModel\`) | Node | ${fmt(node.modelMs)} | ${NODE_RUNS} |`);
  say(`| decode the bytes + view model | Node | ${fmt(node.decodeAndModelMs)} | ${NODE_RUNS} |`);
  if (typeof webview === 'string') {
    say();
    say(`The webview figures were skipped: ${webview}.`);
  } else {
    const first = webview.first;
    const rows = median(first.map((t) => t.report.renderedRows));
    const where = 'Chromium, dist/webview/history.js';
    const line = (what: string, values: number[]) =>
      say(`| ${what} | ${where} | ${fmt(median(values))} | ${values.length} |`);
    line(
      'open: post the status → webview reports `rendered` (decode, model, DOM)',
      first.map((t) => t.renderedMs),
    );
    line(
      '— of which decoding + model (the webview’s report: `modelMs`)',
      first.map((t) => t.report.modelMs),
    );
    line(
      '— of which decoding + model + DOM (its report: `renderMs`)',
      first.map((t) => t.report.renderMs),
    );
    line(
      'open: post the status → next frame painted (layout, paint)',
      first.map((t) => t.paintedMs),
    );
    line(
      'live refresh of the same history: post → `rendered`',
      webview.live.map((t) => t.renderedMs),
    );
    say();
    say(
      `Rows in the DOM after the first render: ${rows} of ${events.toLocaleString('en')} (1280 × 800 viewport; the table is virtualised). Host encoding + post → painted: ${fmt(node.encodeMs + median(first.map((t) => t.paintedMs)), 0)} ms. Not included: reading the status from the host, VS Code's transfer of the bytes to the webview, and the webview page's loading (the extension-host test "a 10,000-event history opens…" logs those for a real panel).`,
    );
  }
  say();
  say('### Instances model: 10,000 instances (src/extension/views/instancesModel.ts)');
  say();
  say(
    `Loaded as 50 pages of 200 (the tree's default page size), ${INSTANCES_WORKLOAD}; then ${CHANGES.toLocaleString('en')} status changes of random instances (after 100 untimed), each timed alone. Loads: medians of ${NODE_RUNS}.`,
  );
  say();
  say(
    '| grouped by | load ms | list every group ms | change µs (median) | change µs (p95) | change + stale nodes read again µs (median) | (p95) | stale nodes / their items per change (median) |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|---:|');
  say(instancesRow(byName));
  say(instancesRow(byStatus));
  say();
  say(
    'Grouped by name a change re-renders its own item; grouped by status it moves the instance between two groups, and the tree asks for both groups’ children again (re-sorted here; VS Code then re-renders their items, which is not timed).',
  );
}
