/**
 * The history view and the explorer in light, dark and high-contrast themes: start an orchestration whose activities
 * fail and are retried (it completes) and one that fails, open the first one's history, then pick "Light Modern",
 * "Dark High Contrast" and "Light High Contrast" from "Preferences: Color Theme" as a person does. In each theme the
 * webview's computed colours must be the theme's (`--vscode-*`): page and text, failed rows, links, and in
 * high-contrast themes the `--vscode-contrastBorder` borders (table header, status badge, filter, timeline bars).
 * Text must contrast with what it is on (WCAG ratios, printed). Screenshots: 10-history-light,
 * 11-history-high-contrast, 12-explorer-light, 13-history-light-high-contrast, 14-timeline-high-contrast.
 */
import type { FrameLocator } from 'playwright-core';
import type { Scenario } from '../lib/phase.js';
import { INSTANCES, openWithEmulator, startOrchestration } from '../lib/uiSteps.js';
import type { ThemeKind, Workbench } from '../lib/workbench.js';

/** WCAG 2 AA for text (failed rows' text and the status badge too). */
const TEXT_CONTRAST = 4.5;
/** WCAG 2 AA for borders, bars and other non-text parts. */
const UI_CONTRAST = 3;

// ---- Reading colours ---------------------------------------------------------------------------------------

type Rgba = [number, number, number, number];

/** Chromium's computed colour (`rgb(1, 2, 3)`, `rgba(1, 2, 3, 0.5)`). */
function parseColor(text: string): Rgba {
  const match = /^rgba?\(([^)]+)\)$/.exec(text.trim());
  const parts = match?.[1]!
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  if (!parts || parts.length < 3 || parts.some((n) => Number.isNaN(n))) throw new Error(`Not a colour: "${text}"`);
  return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
}

/** `top` painted over the opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
}

function luminance([r, g, b]: Rgba): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The WCAG contrast ratio of two opaque colours (1 to 21). */
function contrast(a: Rgba, b: Rgba): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

function sameColor(a: string, b: string | null | undefined): boolean {
  if (!b) return false;
  const [x, y] = [parseColor(a), parseColor(b)];
  return x.every((value, i) => Math.abs(value - y[i]!) <= (i === 3 ? 0.01 : 1));
}

interface Styles {
  color: string;
  backgroundColor: string;
  borderTopColor: string;
  borderTopStyle: string;
  borderBottomColor: string;
  borderBottomStyle: string;
  boxShadow: string;
  outlineColor: string;
  outlineStyle: string;
}

interface Sample {
  /** Theme variables as computed colours; null when the theme does not define one. */
  vars: Record<string, string | null>;
  /** Computed styles by part; null when the part is not in the DOM. */
  parts: Record<string, Styles | null>;
}

/** Theme variables read in the webview. */
const WEBVIEW_VARS = [
  '--vscode-editor-background',
  '--vscode-foreground',
  '--vscode-descriptionForeground',
  '--vscode-editorError-foreground',
  '--vscode-textLink-foreground',
  '--vscode-contrastBorder',
  '--vscode-panel-border',
];

/** The parts of the history view whose colours are checked (rows: not the focused one, which is highlighted). */
const HISTORY_PARTS = {
  body: 'body',
  header: '.events .header-row',
  normalType: '.events .row.tone-normal:not(.focused) .c-type',
  time: '.events .row.tone-normal:not(.focused) .c-time',
  failedRow: '.events .row.tone-failed:not(.focused)',
  failedType: '.events .row.tone-failed:not(.focused) .c-type',
  failedSummary: '.events .row.tone-failed:not(.focused) .c-summary',
  link: '.events .row.tone-normal:not(.focused) .link',
  status: '.header .status',
  filter: '.toolbar .filter',
  bar: '.timeline .lane:not(.kind-orchestration) .bar',
};

/**
 * Reads theme variables and computed styles in a document. Runs in the page: no named functions inside (the test
 * runner's transpiler would wrap them in a helper the page does not have).
 */
async function sample(frame: FrameLocator, vars: string[], parts: Record<string, string>): Promise<Sample> {
  return (await frame.locator('body').evaluate(
    (body, arg: { vars: string[]; parts: Record<string, string> }) => {
      const doc = body.ownerDocument;
      const view = doc.defaultView;
      // A variable as a computed colour: a probe element coloured with it, an impossible fallback for "unset".
      const probe = doc.createElement('div');
      body.append(probe);
      const resolved = Object.fromEntries(
        arg.vars.map((name) => {
          probe.style.color = `var(${name}, rgba(1, 2, 3, 0.5))`;
          const value: string = view.getComputedStyle(probe).color;
          return [name, value === 'rgba(1, 2, 3, 0.5)' ? null : value];
        }),
      );
      probe.remove();
      const styles = Object.fromEntries(
        Object.entries(arg.parts).map(([key, selector]) => {
          const element = doc.querySelector(selector);
          if (!element) return [key, null];
          const s = view.getComputedStyle(element);
          return [
            key,
            {
              color: s.color,
              backgroundColor: s.backgroundColor,
              borderTopColor: s.borderTopColor,
              borderTopStyle: s.borderTopStyle,
              borderBottomColor: s.borderBottomColor,
              borderBottomStyle: s.borderBottomStyle,
              boxShadow: s.boxShadow,
              outlineColor: s.outlineColor,
              outlineStyle: s.outlineStyle,
            },
          ];
        }),
      );
      return { vars: resolved, parts: styles };
    },
    { vars, parts },
  )) as Sample;
}

// ---- Checks --------------------------------------------------------------------------------------------------

interface Theme {
  /** As "Preferences: Color Theme" lists it. */
  label: string;
  kind: ThemeKind;
  /** The webview's body once VS Code gave it the theme (it sets the classes and the variables together). */
  webviewBody: string;
  light: boolean;
  highContrast: boolean;
}

const DARK: Theme = {
  label: 'Dark Modern',
  kind: 'vs-dark',
  webviewBody: 'body.vscode-dark',
  light: false,
  highContrast: false,
};
const LIGHT: Theme = {
  label: 'Light Modern',
  kind: 'vs',
  webviewBody: 'body.vscode-light',
  light: true,
  highContrast: false,
};
const HIGH_CONTRAST: Theme = {
  label: 'Dark High Contrast',
  kind: 'hc-black',
  webviewBody: 'body.vscode-high-contrast:not(.vscode-high-contrast-light)',
  light: false,
  highContrast: true,
};
const HIGH_CONTRAST_LIGHT: Theme = {
  label: 'Light High Contrast',
  kind: 'hc-light',
  webviewBody: 'body.vscode-high-contrast-light',
  light: true,
  highContrast: true,
};

/** Collects the failed checks of one theme, so that one run names them all. */
class Checks {
  readonly failures: string[] = [];
  constructor(readonly theme: Theme) {}

  that(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what);
  }

  done(): void {
    if (this.failures.length > 0) {
      throw new Error(`${this.theme.label}: ${this.failures.length} check(s) failed:\n  ${this.failures.join('\n  ')}`);
    }
  }
}

function part(s: Sample, name: keyof typeof HISTORY_PARTS): Styles {
  const styles = s.parts[name];
  if (!styles) throw new Error(`The history view has no ${name} (${HISTORY_PARTS[name]})`);
  return styles;
}

/** The history table's colours in `theme`; returns the contrast ratios measured (for the log). */
function checkHistory(s: Sample, theme: Theme, baseline: Sample | undefined): Record<string, number> {
  const check = new Checks(theme);
  const v = s.vars;
  const body = part(s, 'body');

  // The page is the editor's: background and text from the theme.
  check.that(
    sameColor(body.backgroundColor, v['--vscode-editor-background']),
    `page background ${body.backgroundColor} is not --vscode-editor-background (${v['--vscode-editor-background']})`,
  );
  check.that(
    sameColor(body.color, v['--vscode-foreground']),
    `text ${body.color} is not --vscode-foreground (${v['--vscode-foreground']})`,
  );
  const page = parseColor(body.backgroundColor);
  const pageLuminance = luminance(page);
  check.that(
    theme.light ? pageLuminance > 0.6 : pageLuminance < 0.1,
    `a ${theme.light ? 'light' : 'dark'} theme's page has luminance ${pageLuminance.toFixed(2)}`,
  );
  if (baseline) {
    const before = part(baseline, 'body').backgroundColor;
    check.that(!sameColor(body.backgroundColor, before), `the page background stayed ${before}`);
  }

  // Text on the page: event types, times (descriptionForeground), links.
  const text = contrast(over(parseColor(part(s, 'normalType').color), page), page);
  const times = contrast(over(parseColor(part(s, 'time').color), page), page);
  const link = part(s, 'link');
  const links = contrast(over(parseColor(link.color), page), page);
  check.that(text >= TEXT_CONTRAST, `event types contrast ${text.toFixed(2)}:1 with the page`);
  check.that(times >= TEXT_CONTRAST, `times (descriptionForeground) contrast ${times.toFixed(2)}:1 with the page`);
  check.that(links >= TEXT_CONTRAST, `links contrast ${links.toFixed(2)}:1 with the page`);
  check.that(
    sameColor(link.color, v['--vscode-textLink-foreground']),
    `links are ${link.color}, not --vscode-textLink-foreground (${v['--vscode-textLink-foreground']})`,
  );

  // Failed rows: the editor's error colour (editorError-foreground, which the themes make legible on the editor
  // background) for the text and the bar on the left; the row stays on the page's background.
  const failedRow = part(s, 'failedRow');
  const failedType = part(s, 'failedType');
  const error = v['--vscode-editorError-foreground'];
  check.that(sameColor(failedType.color, error), `a failed row's type is ${failedType.color}, not ${error}`);
  check.that(
    sameColor(part(s, 'failedSummary').color, error),
    `a failed row's summary is ${part(s, 'failedSummary').color}, not ${error}`,
  );
  const bar = /rgba?\([^)]+\)/.exec(failedRow.boxShadow)?.[0];
  check.that(bar !== undefined && sameColor(bar, error), `a failed row's left bar is "${failedRow.boxShadow}"`);
  const failedBackground = over(parseColor(failedRow.backgroundColor), page);
  const failedText = contrast(over(parseColor(failedType.color), failedBackground), failedBackground);
  check.that(failedText >= TEXT_CONTRAST, `a failed row's text contrasts ${failedText.toFixed(2)}:1 with the row`);
  const failedBar = bar ? contrast(over(parseColor(bar), page), page) : 0;
  check.that(failedBar >= UI_CONTRAST, `a failed row's left bar contrasts ${failedBar.toFixed(2)}:1 with the page`);

  // High contrast: every edge drawn in --vscode-contrastBorder; elsewhere no such border is forced.
  const border = v['--vscode-contrastBorder'];
  const header = part(s, 'header');
  const status = part(s, 'status');
  const filter = part(s, 'filter');
  if (theme.highContrast) {
    check.that(border !== null, 'the theme defines no --vscode-contrastBorder');
    for (const [what, color, style] of [
      ['the table header', header.borderBottomColor, header.borderBottomStyle],
      ['the status badge', status.borderTopColor, status.borderTopStyle],
      ['the filter box', filter.borderTopColor, filter.borderTopStyle],
    ] as const) {
      check.that(sameColor(color, border) && style === 'solid', `${what}'s border is ${style} ${color}, not ${border}`);
    }
    if (border) {
      const edge = contrast(over(parseColor(border), page), page);
      check.that(edge >= UI_CONTRAST, `--vscode-contrastBorder contrasts ${edge.toFixed(2)}:1 with the page`);
    }
  } else {
    check.that(border === null, `a standard theme defines --vscode-contrastBorder (${border})`);
  }
  // The status badge: the theme's text on the page, with the status colour as a dot and an outline.
  const badgeBackground = over(parseColor(status.backgroundColor), page);
  const badge = contrast(over(parseColor(status.color), badgeBackground), badgeBackground);
  check.that(badge >= TEXT_CONTRAST, `the status badge's text contrasts ${badge.toFixed(2)}:1`);
  check.done();
  return { text, times, links, failedText, failedBar, badge };
}

/** The timeline's bars in a high-contrast theme: outlined in --vscode-contrastBorder. */
async function checkTimelineBars(wb: Workbench, theme: Theme): Promise<void> {
  const history = wb.webview();
  await history.getByRole('tab', { name: /Timeline/ }).click();
  await history.locator(HISTORY_PARTS.bar).first().waitFor({ state: 'visible' });
  const s = await sample(history, WEBVIEW_VARS, { bar: HISTORY_PARTS.bar });
  const check = new Checks(theme);
  const bar = s.parts['bar'];
  const border = s.vars['--vscode-contrastBorder'];
  check.that(
    bar !== null && bar !== undefined && bar.borderTopStyle === 'solid' && sameColor(bar.borderTopColor, border),
    `a timeline bar's border is ${bar?.borderTopStyle} ${bar?.borderTopColor}, not ${border}`,
  );
  check.done();
}

interface ExplorerSample {
  vars: Record<string, string | null>;
  /** The side bar's background. */
  sideBar: string;
  rows: { label: string; selected: boolean; iconColor: string; descriptionColor: string; descriptionOpacity: number }[];
}

/** The Instances view in `theme`: status icons in the theme's colours, descriptions readable and not cut off. */
async function checkExplorer(wb: Workbench, theme: Theme): Promise<void> {
  const check = new Checks(theme);
  const found = (await wb.view(INSTANCES).evaluate((pane) => {
    const doc = pane.ownerDocument;
    const view = doc.defaultView;
    const workbench = doc.querySelector('.monaco-workbench');
    const probe = doc.createElement('div');
    workbench.append(probe);
    const resolved = Object.fromEntries(
      ['--vscode-testing-iconPassed', '--vscode-testing-iconFailed', '--vscode-sideBar-background'].map((name) => {
        probe.style.color = `var(${name}, rgba(1, 2, 3, 0.5))`;
        const value: string = view.getComputedStyle(probe).color;
        return [name, value === 'rgba(1, 2, 3, 0.5)' ? null : value];
      }),
    );
    probe.remove();
    const sideBar = doc.querySelector('.part.sidebar');
    const rows = [...pane.querySelectorAll('.monaco-list-row')].map((row) => {
      const icon = row.querySelector('.custom-view-tree-node-item-icon');
      const description = row.querySelector('.label-description');
      const style = description ? view.getComputedStyle(description) : undefined;
      return {
        label: String(row.getAttribute('aria-label') ?? ''),
        selected: Boolean(row.classList.contains('selected') || row.classList.contains('focused')),
        iconColor: icon ? String(icon.style.color) : '',
        descriptionColor: style ? String(style.color) : '',
        descriptionOpacity: style ? Number(style.opacity) : 1,
      };
    });
    return { vars: resolved, sideBar: String(view.getComputedStyle(sideBar).backgroundColor), rows };
  })) as ExplorerSample;
  check.that(
    sameColor(found.sideBar, found.vars['--vscode-sideBar-background']),
    `the side bar is ${found.sideBar}, not --vscode-sideBar-background (${found.vars['--vscode-sideBar-background']})`,
  );
  const sideBar = parseColor(found.sideBar);
  const instances = found.rows.filter((row) => /, (Completed|Failed),/.test(row.label));
  check.that(instances.length >= 2, `the Instances view shows ${instances.length} finished instances`);
  for (const row of instances) {
    const wanted =
      found.vars[row.label.includes(', Failed,') ? '--vscode-testing-iconFailed' : '--vscode-testing-iconPassed'];
    check.that(sameColor(row.iconColor, wanted), `${row.label}: its icon is ${row.iconColor}, not ${wanted}`);
    if (row.selected) continue; // The selection's colours are VS Code's.
    const color = parseColor(row.descriptionColor);
    color[3] *= row.descriptionOpacity;
    const ratio = contrast(over(color, sideBar), sideBar);
    check.that(ratio >= TEXT_CONTRAST, `${row.label}: its description contrasts ${ratio.toFixed(2)}:1`);
  }
  const cut = await wb.truncatedTreeRows(INSTANCES);
  check.that(cut.length === 0, `rows cut off: ${cut.join('; ')}`);
  check.done();
}

function ratios(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} ${value.toFixed(1)}:1`)
    .join(', ');
}

/** Picks `theme`, waits until the webview shows it, checks the history table; returns the sample. */
async function inTheme(wb: Workbench, theme: Theme, baseline: Sample | undefined): Promise<Sample> {
  await wb.setColorTheme(theme.label, theme.kind);
  const history = wb.webview();
  await history.locator(theme.webviewBody).waitFor();
  await history.getByRole('row').filter({ hasText: 'TaskFailed' }).first().waitFor();
  // The theme picker closed under the pointer, over the table: a hovered row would show the hover colour.
  await wb.movePointerAway();
  const s = await sample(history, WEBVIEW_VARS, HISTORY_PARTS);
  const measured = checkHistory(s, theme, baseline);
  console.log(`    ${theme.label}: ${ratios(measured)}`);
  return s;
}

export const scenario: Scenario = {
  title: 'history view and explorer in light, dark and high-contrast themes use the theme colours',
  timeoutMs: 150_000,
  async run(wb) {
    await openWithEmulator(wb);

    // flakyActivity fails once and alwaysFails twice (caught): failed rows in a completed history.
    await startOrchestration(wb, 'retryOrchestration', 'theme-retry', '{"failures": 1}');
    await startOrchestration(wb, 'httpCaller', 'theme-failed'); // No URL: the orchestrator throws.
    const retried = await wb.waitForTreeRow(
      INSTANCES,
      /^retryOrchestration theme-retry, Completed,/,
      30_000, // Two retry timers (1 s, 0.5 s) and a third attempt.
    );
    await wb.waitForTreeRow(INSTANCES, /^httpCaller theme-failed, Failed,/);
    await wb.clearNotifications();

    await retried.click();
    await wb.waitForEditorTab('History: retryOrchestration theme-retry');
    const history = wb.webview();
    await history.getByRole('grid', { name: 'History events' }).waitFor();
    await history.getByRole('row').filter({ hasText: 'ExecutionCompleted' }).first().waitFor();

    // The sandbox starts in Dark Modern: the baseline the light theme must differ from.
    const dark = await inTheme(wb, DARK, undefined);

    await inTheme(wb, LIGHT, dark);
    await wb.screenshot('10-history-light');
    await checkExplorer(wb, LIGHT);
    await wb.screenshot('12-explorer-light', wb.page.locator('.part.sidebar'));

    await inTheme(wb, HIGH_CONTRAST, dark);
    await wb.screenshot('11-history-high-contrast');
    await checkTimelineBars(wb, HIGH_CONTRAST);
    await wb.screenshot('14-timeline-high-contrast');
    await wb
      .webview()
      .getByRole('tab', { name: /Events/ })
      .click();

    await inTheme(wb, HIGH_CONTRAST_LIGHT, dark);
    await checkTimelineBars(wb, HIGH_CONTRAST_LIGHT);
    await wb
      .webview()
      .getByRole('tab', { name: /Events/ })
      .click();
    await wb.webview().getByRole('grid', { name: 'History events' }).waitFor();
    await wb.screenshot('13-history-light-high-contrast');
  },
};
