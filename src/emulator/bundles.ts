/**
 * Where the bundles a process forks are: dist/ next to the running bundle (everything is bundled into dist/), or
 * the repository's build when running from the sources (tests and benchmarks through tsx).
 */
import fs from 'node:fs';
import path from 'node:path';

/** `dist/<name>` (e.g. `worker.js`, `replay.js`); throws, saying where it looked, when it is not built. */
export function bundleFile(name: string, what: string): string {
  const candidates = [path.join(__dirname, name), path.resolve(__dirname, '../../dist', name)];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`${what} was not found (looked for ${candidates.join(', ')}): run \`npm run build\``);
  return found;
}
