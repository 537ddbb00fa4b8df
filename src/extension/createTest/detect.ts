/**
 * What "Create Test for Orchestration" works out before writing: the function app (the nearest folder with
 * host.json above the orchestrator), its test runner (Vitest or Jest in the nearest package.json, else node:test),
 * the test file (in the app's `test/` folder, out of the function files' way; its name and module style mirror the
 * source: `.ts` gives `.test.ts`, `.mjs` gives `.test.mjs`; a `.js` or `.ts` file is an ES module when package.json
 * says `"type": "module"`), and what deserves a warning (a package.json `main` glob that would still load the test
 * as part of the app). No VS Code: files are read through `FileProbe` (unit-tested).
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { OrchestrationSummary } from '../../lint/api.js';
import type { TestRunner, TestSpec } from './template.js';

export interface FileProbe {
  /** The file's text, or undefined when it does not exist (or cannot be read). */
  read(file: string): Promise<string | undefined>;
  exists(file: string): Promise<boolean>;
}

export interface PackageJson {
  type?: unknown;
  main?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
}

/** The test file to write for a source file. */
export interface TestTarget {
  file: string;
  typescript: boolean;
  esm: boolean;
}

export interface TestPlan {
  target: TestTarget;
  spec: TestSpec;
  appDir: string;
  /** Things the user should know about the result (shown after the file opens). */
  warnings: string[];
}

/** `.ts` → `.test.ts` (and so on); `esm` is how Node loads that extension in a package with or without "module". */
const TEST_EXTENSIONS: Record<string, { ext: string; typescript: boolean; esm?: boolean }> = {
  '.ts': { ext: '.test.ts', typescript: true },
  '.tsx': { ext: '.test.ts', typescript: true },
  '.mts': { ext: '.test.mts', typescript: true, esm: true },
  '.cts': { ext: '.test.cts', typescript: true, esm: false },
  '.js': { ext: '.test.js', typescript: false },
  '.jsx': { ext: '.test.js', typescript: false },
  '.mjs': { ext: '.test.mjs', typescript: false, esm: true },
  '.cjs': { ext: '.test.cjs', typescript: false, esm: false },
};

/** The nearest folder at or above `start` that holds `name`, not looking above `stop` when given. */
export async function findUp(
  start: string,
  name: string,
  probe: Pick<FileProbe, 'exists'>,
  stop?: string,
): Promise<string | undefined> {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (await probe.exists(path.join(dir, name))) return dir;
    if ((stop !== undefined && path.resolve(stop) === dir) || path.dirname(dir) === dir) return undefined;
  }
}

export function parsePackageJson(text: string | undefined): PackageJson | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

function dependsOn(pkg: PackageJson | undefined, name: string): boolean {
  return [pkg?.dependencies, pkg?.devDependencies].some(
    (deps) => typeof deps === 'object' && deps !== null && Object.hasOwn(deps, name),
  );
}

/** Vitest if the package depends on it, else Jest if it does, else Node's own test runner. */
export function runnerOf(pkg: PackageJson | undefined): TestRunner {
  if (dependsOn(pkg, 'vitest')) return 'vitest';
  if (dependsOn(pkg, 'jest')) return 'jest';
  return 'node';
}

/** The test of `source`: `<app>/test/<base>.test<ext>`, where `ext` mirrors the source's. */
export function testFileFor(source: string, appDir: string, packageIsModule: boolean): TestTarget {
  const ext = path.extname(source);
  const kind = TEST_EXTENSIONS[ext.toLowerCase()] ?? TEST_EXTENSIONS['.js']!;
  const base = path.basename(source, ext);
  return {
    file: path.join(appDir, 'test', base + kind.ext),
    typescript: kind.typescript,
    esm: kind.esm ?? packageIsModule,
  };
}

/** `x.test.ts` → `x.2.test.ts` (n = 2), for a test file that must not replace an existing one. */
export function numberedName(file: string, n: number): string {
  const match = /^(.*)(\.test\.[^./\\]+)$/.exec(file);
  return match ? `${match[1]}.${n}${match[2]}` : `${file}.${n}`;
}

/** The first of `x.2.test.ts`, `x.3.test.ts`, ... that does not exist. */
export async function freeName(file: string, probe: Pick<FileProbe, 'exists'>): Promise<string> {
  for (let n = 2; ; n++) {
    const candidate = numberedName(file, n);
    if (!(await probe.exists(candidate))) return candidate;
  }
}

/**
 * Whether package.json `main` (relative to the app folder) would load the test file as one of the app's function
 * files. A TypeScript test is compiled to where tsc writes it, usually under the first folder `main` names (`dist/`
 * of `dist/src/functions/*.js`), so that place is checked too.
 */
export function mainLoadsTest(main: string, appDir: string, target: TestTarget): boolean {
  const pattern = main.replace(/\\/g, '/').replace(/^\.\//, '');
  const loads = picomatch(pattern);
  const relative = path.relative(appDir, target.file).split(path.sep).join('/');
  if (!target.typescript) return loads(relative);
  const compiled = relative.replace(/\.([mc]?)ts$/, '.$1js');
  const outDir = pattern.split('/')[0] ?? '';
  return loads(compiled) || (outDir !== '' && !picomatch.scan(outDir).isGlob && loads(`${outDir}/${compiled}`));
}

/** Everything the command needs to write the test of one orchestration. */
export async function planTest(
  orchestration: OrchestrationSummary,
  probe: FileProbe,
  options: { stop?: string } = {},
): Promise<TestPlan> {
  const source = orchestration.handlerFile ?? orchestration.file;
  const warnings: string[] = [];
  const hostDir = await findUp(path.dirname(source), 'host.json', probe, options.stop);
  const packageDir = await findUp(hostDir ?? path.dirname(source), 'package.json', probe, options.stop);
  const appDir = hostDir ?? packageDir ?? path.dirname(source);
  if (!hostDir) {
    warnings.push(`No host.json above ${path.basename(source)}: the test takes ${appDir} as the function app.`);
  }
  const pkg = packageDir ? parsePackageJson(await probe.read(path.join(packageDir, 'package.json'))) : undefined;
  const runner = runnerOf(pkg);
  const target = testFileFor(source, appDir, pkg?.type === 'module');
  const runFrom = packageDir ?? appDir;
  const relative = (to: string): string => path.relative(runFrom, to).split(path.sep).join('/');

  const appPkg = packageDir === appDir ? pkg : parsePackageJson(await probe.read(path.join(appDir, 'package.json')));
  const main = appPkg?.main;
  if (typeof main === 'string' && main !== '' && mainLoadsTest(main, appDir, target)) {
    warnings.push(
      `package.json "main" (${main}) also matches the test${target.typescript ? ' once compiled' : ''}: the app would ` +
        'load it as one of its function files (in Azure too). Narrow "main" or keep the test out of that folder.',
    );
  }
  if (!dependsOn(pkg, 'durable-studio')) {
    warnings.push("The test imports durable-studio/testing; the app's package.json does not list durable-studio yet.");
  }
  return {
    target,
    appDir,
    warnings,
    spec: {
      orchestration: orchestration.name,
      activities: orchestration.activities,
      runner,
      typescript: target.typescript,
      esm: target.esm,
      runCommand: runCommand(runner, target, relative(target.file)),
    },
  };
}

function runCommand(runner: TestRunner, target: TestTarget, file: string): string {
  switch (runner) {
    case 'vitest':
      return `npx vitest run ${file}`;
    case 'jest':
      return `npx jest ${file}`;
    case 'node':
      return target.typescript ? `node --import tsx --test ${file}` : `node --test ${file}`;
  }
}
