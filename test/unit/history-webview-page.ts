/**
 * The history webview's script in a headless Chromium page, outside VS Code, for its test
 * (history-webview.test.ts) and its benchmark (bench/extension.ts). The page is the webview's: the theme variables
 * VS Code sets, media/history/history.css and the bundled script. `acquireVsCodeApi` is a stub that records what
 * the webview posts and the states it saves; the caller posts what the extension host would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { escapeHtml } from '../../src/extension/history/html.js';
import {
  encodeStatus,
  type HistoryDescription,
  type HistoryStatus,
  type HostToWebview,
  type RenderReport,
  type WebviewToHost,
} from '../../src/webview/history/protocol.js';

const ROOT = join(__dirname, '../..');
export const CHROMIUM = process.env.DURABLE_STUDIO_CHROMIUM || '/usr/bin/chromium';
/** Why the webview cannot run here (for `{ skip }`), false when it can. */
export const chromiumMissing: string | false = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

/** A few theme variables, as VS Code sets them on the webview's <html>. */
const THEME = `:root { --vscode-font-size: 13px; --vscode-editor-font-size: 14px; --vscode-font-family: sans-serif;
  --vscode-editor-font-family: monospace; --vscode-foreground: #ccc; --vscode-editor-background: #1e1e1e;
  --vscode-focusBorder: #007fd4; --vscode-errorForeground: #f48771; --vscode-charts-blue: #3794ff; }`;

/**
 * The page's own script, before the webview's: the `acquireVsCodeApi` stub, and `__timedPost`, which posts a
 * message the way VS Code delivers one (a `message` event) and resolves, for the update it carries, with the time
 * until the webview reported it rendered and until the frame after that was painted (a `requestAnimationFrame`
 * callback runs before the paint; a message posted from it arrives after).
 */
const STUB = `
window.__posted = [];
window.__states = [];
window.__onPosted = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => { window.__posted.push(m); if (window.__onPosted) window.__onPosted(m); },
  getState: () => window.__initialState,
  setState: (s) => { window.__states.push(s); },
});
window.__timedPost = (message) => new Promise((resolve) => {
  const t0 = performance.now();
  window.__onPosted = (m) => {
    if (m.type !== 'rendered' || m.report.version !== message.version) return;
    window.__onPosted = undefined;
    const renderedMs = performance.now() - t0;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve({ renderedMs, paintedMs: performance.now() - t0, report: m.report });
      channel.port2.postMessage(0);
    });
  };
  window.postMessage(message, '*');
});`;

/** What the test page defines (see `STUB`). Functions run in the page must name it inline (no Node closures). */
interface PageGlobals {
  __posted: unknown[];
  __states: unknown[];
  __initialState: unknown;
  postMessage(message: unknown, origin: string): void;
  __timedPost(message: unknown): Promise<TimedUpdate>;
}

/** One update timed in the page, from posting it to the webview's `rendered` and to the next painted frame. */
export interface TimedUpdate {
  renderedMs: number;
  paintedMs: number;
  report: RenderReport;
}

export interface HistoryPage {
  page: Page;
  post(message: HostToWebview): Promise<void>;
  /** Resolves with the first message the webview posted (since the start) that satisfies `accept`. */
  posted<T extends WebviewToHost['type']>(
    type: T,
    accept?: (message: Extract<WebviewToHost, { type: T }>) => boolean,
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  describe(): Promise<HistoryDescription>;
  /** Posts a status and resolves when the webview reported it rendered. */
  update(status: HistoryStatus, version: number, live?: boolean): Promise<void>;
  /** Posts a status like `update`, timed inside the page (the copy from Node into the page is not counted). */
  timedUpdate(status: HistoryStatus, version: number, live?: boolean): Promise<TimedUpdate>;
  /** Every state the webview saved with `setState`, oldest first. */
  savedStates(): Promise<unknown[]>;
}

export interface PageOptions {
  /** The `data-instance-id` the extension host writes on the page's root. */
  instanceId?: string;
  /** What `getState()` returns: the state VS Code kept for a webview that is loaded again. */
  state?: unknown;
}

/** The webview's script bundled from the sources like esbuild.mjs bundles it (dist/webview/history.js). */
export async function bundleWebviewScript(): Promise<string> {
  const bundle = await esbuild.build({
    entryPoints: [join(ROOT, 'src/webview/history/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
  });
  return bundle.outputFiles[0]!.text;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

function updateMessage(status: HistoryStatus, version: number, live: boolean): HostToWebview {
  return { type: 'update', version, status: encodeStatus(status), now: Date.parse(status.lastUpdatedTime), live };
}

/** A new page running the webview's `script`; resolves once the webview said `ready`. */
export async function openHistoryPage(
  browser: Browser,
  script: string,
  options: PageOptions = {},
): Promise<HistoryPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const css = readFileSync(join(ROOT, 'media/history/history.css'), 'utf8');
  const instanceAttr = options.instanceId === undefined ? '' : ` data-instance-id="${escapeHtml(options.instanceId)}"`;
  await page.setContent(`<!DOCTYPE html><html><head><style>${THEME}\n${css}</style></head>
<body><main id="root"${instanceAttr}></main><script>${STUB}</script></body></html>`);
  if (options.state !== undefined) {
    await page.evaluate((state) => ((globalThis as unknown as PageGlobals).__initialState = state), options.state);
  }
  await page.addScriptTag({ content: script });
  let requestId = 0;
  const view: HistoryPage = {
    page,
    post: async (message) => {
      await page.evaluate(
        (m: unknown) => (globalThis as unknown as PageGlobals).postMessage(m, '*'),
        message as unknown,
      );
    },
    posted: async (type, accept = () => true) => {
      for (;;) {
        const all = (await page.evaluate(() => (globalThis as unknown as PageGlobals).__posted)) as WebviewToHost[];
        const found = all.find((message) => message.type === type && accept(message as never));
        if (found) return found as never;
        await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).__posted.length > n, all.length);
      }
    },
    describe: async () => {
      const id = ++requestId;
      await view.post({ type: 'describe', requestId: id });
      return (await view.posted('description', (m) => m.requestId === id)).description;
    },
    update: async (status, version, live = false) => {
      await view.post(updateMessage(status, version, live));
      await view.posted('rendered', (m) => m.report.version === version);
    },
    timedUpdate: (status, version, live = false) =>
      page.evaluate(
        (m: unknown) => (globalThis as unknown as PageGlobals).__timedPost(m),
        updateMessage(status, version, live) as unknown,
      ),
    savedStates: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__states),
  };
  await view.posted('ready');
  return view;
}
