/**
 * The files the linter has seen: text read once through the host, parsed once per text version, and relative imports
 * resolved to files the way TypeScript and Node do (`./x.js` may be `./x.ts`, folders have `index` files). Import
 * resolutions survive edits and are dropped when a file appears or disappears; `generation` counts invalidations so
 * caches elsewhere (helper summaries) can check it.
 */
import path from 'node:path';
import type ts from 'typescript';
import type { LintHost } from './api.js';
import { parse } from './syntax.js';

export interface SourceInfo {
  readonly path: string;
  readonly text: string;
  readonly sf: ts.SourceFile;
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `import './x.js'` in TypeScript means `./x.ts` (or `.tsx`); likewise for `.mjs` and `.cjs`. */
const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export class Workspace {
  private readonly texts = new Map<string, string | undefined>();
  private readonly sources = new Map<string, SourceInfo>();
  private readonly resolutions = new Map<string, string | undefined>();
  /** Invalidated files that had been read: whether they existed then. */
  private readonly existedBefore = new Map<string, boolean>();
  /** Folder -> the app folder it belongs to (see appRootOf). */
  private readonly appRoots = new Map<string, string>();
  /** The same by file as given: the app index asks for every registration after each change. */
  private readonly appRootsOfFiles = new Map<string, string>();
  /** Incremented by every invalidation; cross-file caches compare it. */
  generation = 0;

  constructor(private readonly host: LintHost) {}

  text(file: string): string | undefined {
    const key = path.resolve(file);
    if (this.texts.has(key)) return this.texts.get(key);
    const text = this.host.readFile(key);
    this.texts.set(key, text);
    // A file that appeared or disappeared can change what any import resolves to.
    const existed = this.existedBefore.get(key);
    if (existed !== undefined) {
      this.existedBefore.delete(key);
      if (existed !== (text !== undefined)) this.resolutions.clear();
    }
    return text;
  }

  source(file: string): SourceInfo | undefined {
    const key = path.resolve(file);
    const cached = this.sources.get(key);
    if (cached) return cached;
    const text = this.text(key);
    if (text === undefined) return undefined;
    const info: SourceInfo = { path: key, text, sf: parse(key, text) };
    this.sources.set(key, info);
    return info;
  }

  /** The file a relative specifier in `fromFile` names, or undefined (not found, or not relative). */
  resolveModule(fromFile: string, specifier: string): string | undefined {
    const key = `${path.dirname(fromFile)}\0${specifier}`;
    if (this.resolutions.has(key)) return this.resolutions.get(key);
    const resolved = this.candidates(path.resolve(path.dirname(fromFile), specifier)).find(
      (candidate) => this.text(candidate) !== undefined,
    );
    this.resolutions.set(key, resolved);
    return resolved;
  }

  private candidates(base: string): string[] {
    const ext = path.extname(base).toLowerCase();
    const list: string[] = [];
    if (RESOLVE_EXTENSIONS.includes(ext)) {
      const stem = base.slice(0, -ext.length);
      for (const tsExt of TS_FOR_JS[ext] ?? []) list.push(stem + tsExt);
      list.push(base);
    }
    for (const candidateExt of RESOLVE_EXTENSIONS) list.push(base + candidateExt);
    for (const candidateExt of RESOLVE_EXTENSIONS) list.push(path.join(base, 'index' + candidateExt));
    return list;
  }

  /**
   * The Functions app a file belongs to: the nearest folder above it with a host.json (every Functions app has one),
   * or '' when there is none. Functions are registered per app: an orchestration can only call what its app registers.
   */
  appRootOf(file: string): string {
    const known = this.appRootsOfFiles.get(file);
    if (known !== undefined) return known;
    const root = this.appRootOfFolder(path.dirname(path.resolve(file)));
    this.appRootsOfFiles.set(file, root);
    return root;
  }

  private appRootOfFolder(dir: string): string {
    const cached = this.appRoots.get(dir);
    if (cached !== undefined) return cached;
    const parent = path.dirname(dir);
    const root =
      this.text(path.join(dir, 'host.json')) !== undefined ? dir : parent === dir ? '' : this.appRootOfFolder(parent);
    this.appRoots.set(dir, root);
    return root;
  }

  /** Forget a file's text; import resolutions are kept unless the file turns out to have appeared or disappeared. */
  invalidate(file: string): void {
    const key = path.resolve(file);
    if (path.basename(key) === 'host.json') {
      this.appRoots.clear();
      this.appRootsOfFiles.clear();
    }
    if (this.texts.has(key)) this.existedBefore.set(key, this.texts.get(key) !== undefined);
    this.texts.delete(key);
    this.sources.delete(key);
    this.generation++;
  }
}
