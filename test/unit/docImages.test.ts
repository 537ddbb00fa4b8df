import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DOC_IMAGES } from '../e2e/docImages.js';

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGES = path.join(ROOT, 'docs', 'images');

function markdownFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', 'CONTRIBUTING.md', ...docs.map((name) => path.join('docs', name))];
}

/** The docs/images files a Markdown file shows (`![...](docs/images/x.png)` or `(images/x.png)` from docs/). */
function picturesIn(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/!\[.*?\]\((?:docs\/)?images\/([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** The screenshot names the UI scenarios take (`wb.screenshot('04-history-table'...)`). */
function screenshotsTaken(): Set<string> {
  const dir = path.join(ROOT, 'test', 'e2e', 'ui');
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const match of text.matchAll(/\.screenshot\(\s*'([^']+)'/g))
      names.add(`${match[1]!.replace(/\.png$/, '')}.png`);
  }
  return names;
}

test('every picture the docs show exists and is a screenshot a UI scenario takes', () => {
  const taken = screenshotsTaken();
  const shown = new Set(markdownFiles().flatMap(picturesIn));
  assert.ok(shown.size >= 5, `the docs show ${shown.size} pictures`);
  for (const picture of shown) {
    assert.ok(fs.existsSync(path.join(IMAGES, picture)), `docs/images/${picture} is missing`);
    const source = DOC_IMAGES[picture];
    assert.ok(source, `docs/images/${picture} is not mapped to a screenshot in test/e2e/docImages.ts`);
    assert.ok(taken.has(source), `no UI scenario takes ${source} (for docs/images/${picture})`);
  }
});

test('no picture in docs/images is left unused', () => {
  const shown = new Set(markdownFiles().flatMap(picturesIn));
  const unused = fs.readdirSync(IMAGES).filter((name) => name.endsWith('.png') && !shown.has(name));
  assert.deepEqual(unused, []);
});
