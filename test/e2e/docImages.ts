/**
 * The pictures in README.md and docs/ are screenshots the UI scenarios take (test/e2e/ui/*.ts, in VS Code's default
 * layout: a 1600×1000 window and a 300-px side bar), never pictures taken by hand: this maps each file of
 * docs/images to the screenshot it is a copy of. `node --import tsx test/e2e/run.ts --ui --update-images` copies them
 * after the scenarios pass; test/unit/docImages.test.ts checks that every picture the docs show is mapped here and that
 * a scenario takes each screenshot.
 */
export const DOC_IMAGES: Readonly<Record<string, string>> = {
  'explorer.png': '02-explorer-statuses.png',
  'history-table.png': '04-history-table.png',
  'history-timeline.png': '05-history-timeline.png',
  'lint-diagnostic.png': '20-lint-diagnostic.png',
  'lint-quickfix.png': '21-lint-quickfix.png',
  'replay-debugger.png': '30-replay-debugger.png',
  'replay-locals.png': '31-replay-locals.png',
  'history-high-contrast.png': '11-history-high-contrast.png',
  'history-timer-due.png': '40-history-timer-due.png',
  'instances-table.png': '51-instances-table.png',
  'entity-details.png': '52-entity-details.png',
  'walkthrough.png': '60-walkthrough.png',
};
