/**
 * The repository stands alone: a person who clones it has only what is in it. No tracked file may refer to a
 * path outside it (a sibling folder of the checkout, or a machine path such as `/work/...` or `/root/...`),
 * and every relative link in the Markdown documentation resolves to a file inside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO })
  .toString()
  .split('\0')
  .filter((file) => file !== '' && existsSync(path.join(REPO, file)));
const textFiles = tracked.filter((file) => /\.(ts|mts|cts|js|mjs|cjs|json|md|yml|yaml|sh)$|(^|\/)run$/.test(file));

/** A path that leaves the repository: a climb into a sibling folder, or an absolute machine path. */
const OUTSIDE = /(?:\.\.\/)+shared\/|['"`(\s]\/(?:work|root|home\/[a-z]+)\/[\w.-]/;

test('no tracked file refers to a path outside the repository', () => {
  const offenders: string[] = [];
  for (const file of textFiles) {
    if (file.endsWith('package-lock.json') || file === 'test/unit/repository-standalone.test.ts') continue;
    readFileSync(path.join(REPO, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  assert.deepEqual(offenders, []);
});

test('relative links in the documentation resolve inside the repository', () => {
  const broken: string[] = [];
  for (const file of textFiles.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(path.join(REPO, file), 'utf8');
    for (const match of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, vscode:
      const resolved = path.resolve(path.dirname(path.join(REPO, file)), decodeURI(target));
      if (!resolved.startsWith(REPO + path.sep) || !existsSync(resolved)) broken.push(`${file}: ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
