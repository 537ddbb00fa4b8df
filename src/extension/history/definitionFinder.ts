/**
 * Finds where an app registers a function by name: `df.app.orchestration('Name', ...)`, `app.activity('Name', ...)`,
 * `df.app.entity(name, ...)` with `const name = 'Name'` in the same file, `app.http('Name', ...)`, ... No VS Code:
 * the caller lists the files and reads them. TypeScript sources win over JavaScript, and both over build output, so
 * a compiled `dist/` copy is only used when nothing else registers the name.
 */
import * as path from 'node:path';
import type { DefinitionKind, DefinitionTarget } from '../../webview/history/protocol.js';

export interface Registration {
  kind: DefinitionKind;
  /** The `app` method: `activity`, `orchestration`, `entity`, `http`, `timer`, ... */
  method: string;
  name: string;
  /** 0-based position of the name argument (the string literal or the identifier holding it). */
  line: number;
  character: number;
  length: number;
}

export interface DefinitionLocation {
  file: string;
  line: number;
  character: number;
  length: number;
}

/** Extensions searched (declaration files are skipped). */
export const SOURCE_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs}';
/** Folders never searched. */
export const EXCLUDED_GLOB = '{**/node_modules/**,**/.git/**,**/.durable-studio/**,**/*.d.ts}';

const BUILD_DIRS = new Set(['dist', 'out', 'build', '.output', 'bin', 'obj']);
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

// `app.<method>(` then the first argument: a string literal (group 2) or an identifier (group 3). `app` may be
// `df.app`, `durable_functions_1.app` (compiled CommonJS) or an imported `app`; `app.client.http(` too.
const CALL =
  /\bapp\s*\.\s*(?:client\s*\.\s*)?([A-Za-z]+)\s*\(\s*(?:(['"`])((?:(?!\2)[^\\\n$]|\\.)*)\2|([A-Za-z_$][\w$]*)\s*[,)])/g;

function kindOf(method: string): DefinitionKind {
  switch (method) {
    case 'orchestration':
    case 'activity':
    case 'entity':
      return method;
    default:
      return 'function';
  }
}

/** Every function registration in a source text, in order. */
export function findRegistrations(source: string): Registration[] {
  const found: Registration[] = [];
  const lines = lineStarts(source);
  for (const match of source.matchAll(CALL)) {
    const method = match[1]!;
    if (method === 'setup' || method === 'hook') continue;
    const literal = match[3];
    const identifier = match[4];
    const name = literal !== undefined ? unescape(literal) : identifier ? constantValue(source, identifier) : undefined;
    if (name === undefined || name === '') continue;
    const argument = literal !== undefined ? `${match[2]}${literal}${match[2]}` : identifier!;
    const offset = match.index + match[0].indexOf(argument, match[0].indexOf('('));
    const line = lineOf(lines, offset);
    found.push({ kind: kindOf(method), method, name, line, character: offset - lines[line]!, length: argument.length });
  }
  return found;
}

/** The string a `const NAME = '...'` (or `let`/`var`, with a type annotation or not) in the same file holds. */
function constantValue(source: string, identifier: string): string | undefined {
  const escaped = identifier.replace(/\$/g, '\\$');
  const declaration = new RegExp(
    `\\b(?:const|let|var)\\s+${escaped}\\s*(?::[^=;\\n]+)?=\\s*(['"\`])((?:(?!\\1)[^\\\\\\n$]|\\\\.)*)\\1`,
  );
  const match = declaration.exec(source);
  return match ? unescape(match[2]!) : undefined;
}

function unescape(literal: string): string {
  return literal.replace(/\\(.)/g, '$1');
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Lower is better: files of the app the emulator runs first, then TypeScript, then JavaScript, then anything in a
 * build output folder (`dist/`, `out/`, ...).
 */
export function sourcePreference(file: string, appDir?: string): number {
  const inApp = appDir !== undefined && isInside(file, appDir);
  const segments = file.split(/[\\/]/);
  const built = segments.slice(0, -1).some((segment) => BUILD_DIRS.has(segment));
  const typescript = TS_EXTENSIONS.has(path.extname(file));
  return (inApp ? 0 : 10) + (built ? 2 : typescript ? 0 : 1);
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function matches(target: DefinitionTarget, registration: Registration): boolean {
  return target.kind === 'function' || target.kind === registration.kind;
}

export interface FindOptions {
  /** The folder of the app the emulator runs: its files are preferred. */
  appDir?: string;
}

/**
 * The registration of `target` in the best-ranked file that has one. Names compare case-insensitively (the
 * Functions host does), an exact-case match winning within a rank. Files are read lazily, best-ranked first.
 */
export async function findDefinition(
  target: DefinitionTarget,
  files: readonly string[],
  readFile: (file: string) => Promise<string>,
  options: FindOptions = {},
): Promise<DefinitionLocation | undefined> {
  const wanted = target.name.toLowerCase();
  const ranked = files
    .filter((file) => !file.endsWith('.d.ts'))
    .map((file) => ({ file, rank: sourcePreference(file, options.appDir) }))
    .sort((a, b) => a.rank - b.rank || a.file.localeCompare(b.file));
  let fallback: { location: DefinitionLocation; rank: number } | undefined;
  for (const { file, rank } of ranked) {
    if (fallback && rank > fallback.rank) break;
    let source: string;
    try {
      source = await readFile(file);
    } catch {
      continue; // deleted or unreadable since it was listed
    }
    if (!source.toLowerCase().includes(wanted)) continue;
    for (const registration of findRegistrations(source)) {
      if (!matches(target, registration) || registration.name.toLowerCase() !== wanted) continue;
      const location = {
        file,
        line: registration.line,
        character: registration.character,
        length: registration.length,
      };
      if (registration.name === target.name) return location;
      fallback ??= { location, rank };
    }
  }
  return fallback?.location;
}
