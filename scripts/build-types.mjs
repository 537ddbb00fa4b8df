// Writes the TypeScript declarations of `durable-studio/testing` to dist/types/testing/ (for the npm package).
// tsc emits a declaration for every file the entry reaches; the public ones are those in src/testing/, whose
// declarations import nothing else of ours (private members carry no types), so only they are kept.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-studio-types-'));
try {
  const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json', '--outDir', out], { cwd: root, stdio: 'inherit' });
  const target = path.join(root, 'dist', 'types', 'testing');
  fs.rmSync(path.join(root, 'dist', 'types'), { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const kept = ['index.d.ts', 'testHost.d.ts', 'types.d.ts'];
  for (const file of kept) fs.copyFileSync(path.join(out, 'testing', file), path.join(target, file));
  for (const file of kept) {
    const text = fs.readFileSync(path.join(target, file), 'utf8');
    for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
      if (!kept.includes(spec.replace(/^\.\//, '').replace(/\.js$/, '.d.ts')))
        throw new Error(
          `${file} imports ${spec}, which the package does not ship: keep public types in src/testing/types.ts`,
        );
    }
  }
  console.log(`declarations: ${kept.map((file) => `dist/types/testing/${file}`).join(', ')}`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
