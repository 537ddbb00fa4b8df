/**
 * `durable-studio lint [paths...] [--format text|json|sarif] [--rule <id>=<severity|off>]...`, bundled on its own as
 * dist/lint.js (it carries the TypeScript compiler, which the emulator's start-up must not load); src/lintCommand.ts
 * loads it (through V8's code cache) only when the `lint` command runs. Exit codes: 0 no errors, 1 at least one error-severity finding,
 * 2 usage errors (unknown option, rule or severity, a path that does not exist).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import fg from 'fast-glob';
import type { KnownFunctions, RuleId, RuleSetting } from './api.js';
import { createLinter } from './linter.js';
import { isRuleId, RULE_IDS } from './policy.js';
import { formatJson, formatText } from './report.js';
import { formatSarif } from './sarif.js';
import { isLintable, LINTABLE_EXTENSIONS } from './syntax.js';

export interface CliIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Shown by `--version` and in SARIF's driver. */
  readonly version: string;
}

/** Folders never walked into. */
export const SKIPPED_FOLDERS = ['node_modules', 'dist', 'out', 'build', '.git', '.durable-studio'] as const;

type Format = 'text' | 'json' | 'sarif';
const SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];

class UsageError extends Error {}

function parseRule(value: string, previous: Partial<Record<RuleId, RuleSetting>>) {
  const [id, setting, extra] = value.split('=');
  if (!id || setting === undefined || extra !== undefined) throw new InvalidArgumentError('expected <id>=<severity>.');
  if (!isRuleId(id)) throw new InvalidArgumentError(`unknown rule '${id}' (rules: ${RULE_IDS.join(', ')}).`);
  if (!SETTINGS.includes(setting as RuleSetting))
    throw new InvalidArgumentError(`unknown severity '${setting}' (use ${SETTINGS.join(', ')}).`);
  return { ...previous, [id]: setting as RuleSetting };
}

const PATTERN = `**/*{${LINTABLE_EXTENSIONS.join(',')}}`;

function walk(folder: string): string[] {
  return fg
    .sync(PATTERN, {
      cwd: folder,
      absolute: true,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      ignore: SKIPPED_FOLDERS.map((skipped) => `**/${skipped}/**`),
    })
    .filter(isLintable)
    .map((file) => path.resolve(file));
}

/** The lintable files under the given files and folders, sorted; a path that does not exist is a usage error. */
export function collectFiles(paths: readonly string[], cwd: string): string[] {
  const files = new Set<string>();
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new UsageError(`no such file or folder: ${given}`);
    }
    if (stat.isFile()) {
      if (!isLintable(absolute)) throw new UsageError(`not a JavaScript or TypeScript file: ${given}`);
      files.add(absolute);
      continue;
    }
    for (const file of walk(absolute)) files.add(file);
  }
  return [...files].sort();
}

/**
 * The files the linter indexes: the linted ones and every file of the Functions apps they belong to (the folders
 * with host.json above them), so that linting one file still knows what its app registers elsewhere.
 */
export function appFiles(files: readonly string[]): string[] {
  const roots = new Set<string>();
  const seen = new Map<string, string | undefined>();
  const rootOf = (dir: string): string | undefined => {
    if (seen.has(dir)) return seen.get(dir);
    const parent = path.dirname(dir);
    const root = fs.existsSync(path.join(dir, 'host.json')) ? dir : parent === dir ? undefined : rootOf(parent);
    seen.set(dir, root);
    return root;
  };
  for (const file of files) {
    const root = rootOf(path.dirname(file));
    if (root !== undefined) roots.add(root);
  }
  const all = new Set(files);
  for (const root of roots) for (const file of walk(root)) all.add(file);
  return [...all];
}

/** `--known activity:sendEmail`: a function the app has without registering it in code (from a package). */
function parseKnown(value: string, previous: KnownFunctions): KnownFunctions {
  const match = /^(activity|orchestration|entity):(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected activity:<name>, orchestration:<name> or entity:<name>.');
  const key = KNOWN_KEYS[match[1] as keyof typeof KNOWN_KEYS];
  return { ...previous, [key]: [...(previous[key] ?? []), match[2]!] };
}

const KNOWN_KEYS = { activity: 'activities', orchestration: 'orchestrations', entity: 'entities' } as const;

function readFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs the command; returns the exit code (the caller sets it). */
export function main(argv: readonly string[], io: CliIo): number {
  const program = new Command('durable-studio lint')
    .description('Check Durable Functions orchestrators for replay hazards (rules: docs/lint-rules.md).')
    .argument('[paths...]', 'files or folders to lint (default: the working directory)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option(
      '--rule <id=severity>',
      `set a rule's severity (${SETTINGS.join(', ')}); repeatable`,
      (value: string, previous: Partial<Record<RuleId, RuleSetting>> | undefined) => parseRule(value, previous ?? {}),
    )
    .option(
      '--known <kind:name>',
      'a function registered outside the linted code (activity:, orchestration: or entity:<name>); repeatable',
      (value: string, previous: KnownFunctions | undefined) => parseKnown(value, previous ?? {}),
    )
    .version(io.version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2; // commander has printed the message (bad --rule values included)
    }
    throw error;
  }
  const options = program.opts<{
    format: Format;
    rule?: Partial<Record<RuleId, RuleSetting>>;
    known?: KnownFunctions;
  }>();
  let files: string[];
  try {
    files = collectFiles(program.args, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`durable-studio lint: ${error.message}\n`);
    return 2;
  }
  const indexed = appFiles(files);
  const linter = createLinter(
    { readFile, listFiles: () => indexed },
    { rules: options.rule ?? {}, knownFunctions: options.known ?? {} },
  );
  const findings = linter.lintFiles(files);
  switch (options.format) {
    case 'text':
      io.stdout(formatText(findings, files.length, io.cwd));
      break;
    case 'json':
      io.stdout(formatJson(findings, io.cwd));
      break;
    case 'sarif':
      io.stdout(formatSarif(findings, io.cwd, io.version));
      break;
  }
  return findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}
