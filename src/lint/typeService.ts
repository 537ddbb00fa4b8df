/**
 * A TypeScript type checker over the few workspace files the type rules ask about (a call site's file and its
 * handler's file, with what they import), not over the workspace: the linter parses each file on its own, and only
 * these files get a program. The program reuses the SourceFiles the Workspace parsed (TypeScript binds them once;
 * binding is kept on the SourceFile), is built once per workspace generation when asked, with the previous program
 * for structure reuse, and its checker does only the work asked of it (types are computed lazily). Standalone type
 * texts (no names in them) are declared in a module of the program's own, so their files need not be in it.
 *
 * What the program sees:
 * - lib: TypeScript's own es5/es2015 lib files (no DOM, no later editions; es5 without its typed arrays, more than
 *   half of it), from `dist/typescript-lib` next to the bundles (esbuild.mjs copies them) or the typescript package;
 *   without them there is no checker and no finding.
 * - modules: relative imports through the Workspace (unsaved buffers included); from packages only `durable-functions`
 *   (it types the orchestration context and `getInput<T>()`), read from the app's node_modules when present. Other
 *   packages, Node's built-in modules and `@types` are not loaded (their declarations would cost more to parse than
 *   the workspace): what comes from them is an error type, which the rules treat as unknown.
 * - options: strict, fixed (not the app's tsconfig): the rules decide about null and undefined themselves.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import * as ts from 'typescript';
import libFiles from './typeLibs.json';
import type { Workspace } from './workspace.js';

/** The lib files the program starts from; their `/// <reference lib>` pull in the rest (esbuild.mjs copies them all). */
export const LIB_FILES: readonly string[] = libFiles;

/**
 * Packages whose declarations are read from node_modules: durable-functions types the orchestration context
 * (`context.df.getInput<T>()`, `currentUtcDateTime`, ...). Not even @azure/functions, which it imports: twice its size
 * to parse, for types (`InvocationContext`, `FunctionHandler`) that never decide a finding.
 */
export const TYPED_PACKAGES: ReadonlySet<string> = new Set(['durable-functions']);

const OPTIONS: ts.CompilerOptions = {
  lib: [...LIB_FILES],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowJs: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  esModuleInterop: true,
  jsx: ts.JsxEmit.Preserve,
};

const TS_SOURCE = /\.(?:ts|tsx|mts|cts)$/i;
const DECLARATION = /\.d\.(?:[mc]?ts|[^.]+\.ts)$/i;
const BUILTINS: ReadonlySet<string> = new Set(builtinModules);

/** A TypeScript source file of the workspace (not a declaration file): the files whose types the rules check. */
export function isTypeScriptSource(file: string): boolean {
  return TS_SOURCE.test(file) && !DECLARATION.test(file);
}

/** Where the lib files are: next to the bundle, else in the typescript package (tests); undefined if neither. */
export function findLibDirectory(): string | undefined {
  const candidates = [path.join(__dirname, 'typescript-lib'), path.dirname(ts.getDefaultLibFilePath(OPTIONS))];
  return candidates.find((dir) => LIB_FILES.every((file) => fs.existsSync(path.join(dir, file))));
}

/** Lib files parsed once per process (they never change); keyed by path. */
const libSources = new Map<string, ts.SourceFile | undefined>();
const libFileSet = new WeakSet<ts.SourceFile>();

/** Whether a file is one of TypeScript's lib files (`Date`, `Map`, `Promise` are declared there). */
export function isLibFile(sf: ts.SourceFile): boolean {
  return libFileSet.has(sf);
}

/** Typed arrays (Int8Array ... Float64Array and their constructors): more than half of lib.es5.d.ts. */
const TYPED_ARRAY =
  /^(?:interface|declare var) (?:Ui|I)nt(?:8|16|32)(?:Clamped)?Array(?:Constructor)?\b|^(?:interface|declare var) Float(?:32|64)Array(?:Constructor)?\b/;

/**
 * lib.es5.d.ts without its typed arrays: JSON turns them into plain objects, so they never decide a finding, and
 * without them the lib parses in half the time. The file is cut at its top-level declarations (each starts a line);
 * a JSDoc comment stays with the declaration before it, which is harmless.
 */
export function withoutTypedArrays(text: string): string {
  const chunks = text.split(/\n(?=interface |declare |type )/);
  return chunks.filter((chunk) => !TYPED_ARRAY.test(chunk)).join('\n');
}

function parseDeclaration(file: string, text: string): ts.SourceFile {
  // Declarations need no JSDoc (it is comments only in TypeScript), and skipping it makes parsing several times faster.
  return ts.createSourceFile(
    file,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
  );
}

/** TypeScript's path form (forward slashes) and the workspace's (the platform's). */
function toTs(file: string): string {
  return file.replace(/\\/g, '/');
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isBare(specifier: string): boolean {
  return !specifier.startsWith('.') && !path.isAbsolute(specifier);
}

/** How many files (and types) of earlier lints the next program keeps besides the announced ones. */
const MAX_RECENT_FILES = 64;

/** Adds `items` as the most recent of `recent` (a Set keeps insertion order), dropping the oldest beyond `max`. */
function remember(recent: Set<string>, items: Iterable<string>, max: number): void {
  for (const item of items) {
    recent.delete(item);
    recent.add(item);
  }
  for (const item of recent) {
    if (recent.size <= max) break;
    recent.delete(item);
  }
}

export class TypeService {
  private program: ts.Program | undefined;
  private checker: ts.TypeChecker | undefined;
  /** The workspace generation the program was built at (or found still valid at). */
  private builtAt = -1;
  /** What the next program is built from: the files a lint announced (`want`), then those asked for. */
  private wanted = new Set<string>();
  /** Standalone type texts (`{ id: string }`: no names, so they mean the same anywhere) the next program declares. */
  private wantedTypes = new Set<string>();
  /**
   * Files and types of the last few lints, oldest first, kept in the next program too: after an edit the server lints
   * the edited file and then each other open file, and one program then serves them all.
   */
  private readonly recent = new Set<string>();
  private readonly recentTypes = new Set<string>();
  /** The module of the program that declares them (`type T0 = <text>;`), and each text's alias. */
  private declared: { sf: ts.SourceFile; aliases: ReadonlyMap<string, ts.TypeAliasDeclaration> } | undefined;
  private readonly declaredPath = path.resolve('/', '.durable-lint-types', 'declared.ts');
  /** Files invalidated since the program was built. */
  private readonly changed = new Set<string>();
  /** Declaration files of packages (and of the workspace), parsed once per text. */
  private readonly declarations = new Map<string, { text: string; sf: ts.SourceFile }>();
  /** Module resolutions by containing folder and specifier; cleared when a probed file appears or disappears. */
  private readonly resolutions = new Map<string, ts.ResolvedModuleFull | undefined>();
  /** Whether each path module resolution probed existed. */
  private readonly probed = new Map<string, boolean>();
  /** Lets TypeScript remember package.json lookups (it reads them for files under node_modules on every build). */
  private resolutionCache = ts.createModuleResolutionCache('/', (file) => file, OPTIONS);
  private readonly host: ts.CompilerHost;
  /** Programs built so far (tests check that a lint of many files builds one). */
  builds = 0;

  private readonly libDir: string | undefined;

  /** `libDir`: where the lib files are (default: found next to the bundle or in the typescript package; null: none). */
  constructor(
    private readonly workspace: Workspace,
    libDir: string | null = findLibDirectory() ?? null,
  ) {
    this.libDir = libDir ?? undefined;
    this.host = this.createHost(libDir ?? '/');
  }

  /** Whether a checker can be had at all (the lib files were found). */
  get available(): boolean {
    return this.libDir !== undefined;
  }

  /** Forgets the program: the next checker is built from scratch (after the checker failed). */
  reset(): void {
    this.program = undefined;
    this.checker = undefined;
  }

  /** The file's text changed (or it appeared or went): the next checker is built anew. */
  invalidate(file: string): void {
    this.changed.add(path.resolve(file));
  }

  /**
   * The files and standalone types the coming queries will ask about (a lint announces them all first): a program
   * that lacks one is built with all of them, so one program serves a CLI run instead of one per file, and a
   * keystroke's program holds just the edited file's (a small program is cheap to rebuild).
   */
  want(files: Iterable<string>, types: Iterable<string> = []): void {
    this.wanted = new Set([...files].filter(isTypeScriptSource).map((file) => path.resolve(file)));
    this.wantedTypes = new Set(types);
    remember(this.recent, this.wanted, MAX_RECENT_FILES);
    remember(this.recentTypes, this.wantedTypes, MAX_RECENT_FILES);
  }

  /**
   * A checker over a program that holds `files` (absolute paths of TypeScript sources) as the workspace has them now,
   * and declares `types` (standalone type texts, see `typeOf`); undefined without lib files, or when a file is not a
   * TypeScript source of the workspace.
   */
  checkerFor(files: readonly string[], types: readonly string[] = []): ts.TypeChecker | undefined {
    if (!this.available) return undefined;
    const keys = files.map((file) => path.resolve(file));
    if (!keys.every(isTypeScriptSource)) return undefined;
    const complete = () => keys.every((key) => this.holds(key)) && types.every((type) => this.declares(type));
    if (this.isCurrent() && complete()) return this.checker;
    for (const key of keys) this.wanted.add(key);
    for (const type of types) this.wantedTypes.add(type);
    this.build();
    return complete() ? this.checker : undefined;
  }

  /**
   * The type a standalone text denotes (one made of keywords, literals, object literal types, arrays, unions: no
   * names, so it means the same in any file), declared by the current program: a handler's `{ id: string }` needs
   * no handler file in the program.
   */
  typeOf(text: string): ts.Type | undefined {
    const alias = this.declared?.aliases.get(text);
    return alias && this.checker?.getTypeFromTypeNode(alias.type);
  }

  private declares(type: string): boolean {
    return (
      !!this.declared?.aliases.has(type) && this.program?.getSourceFile(toTs(this.declaredPath)) === this.declared.sf
    );
  }

  /** Whether the program still stands for the workspace: nothing in it, nor any probed path, changed since. */
  private isCurrent(): boolean {
    if (!this.program) return false;
    if (this.builtAt === this.workspace.generation) return true;
    for (const file of this.changed) {
      if (this.probed.has(file) || this.program.getSourceFile(toTs(file))) return false;
    }
    this.changed.clear();
    this.builtAt = this.workspace.generation;
    return true;
  }

  private holds(file: string): boolean {
    const source = this.workspace.source(file);
    return !!source && this.program?.getSourceFile(toTs(file)) === source.sf;
  }

  private build(): void {
    let oldProgram = this.program;
    for (const file of this.changed) {
      const known = this.probed.get(file);
      if (known !== undefined && known !== (this.workspace.text(file) !== undefined)) {
        // A file appeared or went: any import may resolve differently now.
        this.resolutions.clear();
        this.probed.clear();
        this.resolutionCache = ts.createModuleResolutionCache('/', (file) => file, OPTIONS);
        oldProgram = undefined;
        break;
      }
    }
    this.changed.clear();
    const roots = [...new Set([...this.wanted, ...this.recent])].filter(
      (root) => this.workspace.text(root) !== undefined,
    );
    const types = new Set([...this.wantedTypes, ...this.recentTypes]);
    if (types.size > 0) {
      this.declare([...types].sort());
      roots.push(this.declaredPath);
    }
    this.program = ts.createProgram({
      rootNames: roots.sort().map(toTs),
      options: OPTIONS,
      host: this.host,
      ...(oldProgram ? { oldProgram } : {}),
    });
    // TypeScript names a SourceFile by the path it asked for (forward slashes); the linter's own are platform paths.
    if (path.sep !== '/') {
      for (const sf of this.program.getSourceFiles()) {
        const file = path.resolve(sf.fileName);
        const source = isTypeScriptSource(file) ? this.workspace.source(file) : undefined;
        if (source?.sf === sf) sf.fileName = source.path;
      }
    }
    this.checker = this.program.getTypeChecker();
    this.builds++;
    this.builtAt = this.workspace.generation;
  }

  /** The module that declares the standalone types: the same SourceFile while the texts are the same. */
  private declare(types: readonly string[]): void {
    const text = `export {};\n${types.map((type, i) => `type T${i} = ${type};\n`).join('')}`;
    if (this.declared?.sf.text === text) return;
    const sf = ts.createSourceFile(toTs(this.declaredPath), text, ts.ScriptTarget.Latest, true);
    const aliases = new Map<string, ts.TypeAliasDeclaration>();
    for (const statement of sf.statements) {
      const index = ts.isTypeAliasDeclaration(statement) ? Number(statement.name.text.slice(1)) : NaN;
      const type = types[index];
      if (type !== undefined) aliases.set(type, statement as ts.TypeAliasDeclaration);
    }
    this.declared = { sf, aliases };
  }

  private exists(file: string): boolean {
    const key = path.resolve(file);
    if (this.libDir && path.dirname(key) === this.libDir) return fs.existsSync(key);
    const found = this.workspace.text(key) !== undefined;
    this.probed.set(key, found);
    return found;
  }

  private read(file: string): string | undefined {
    const key = path.resolve(file);
    if (this.libDir && path.dirname(key) === this.libDir) return fs.readFileSync(key, 'utf8');
    return this.workspace.text(key);
  }

  private sourceFile(fileName: string): ts.SourceFile | undefined {
    const key = path.resolve(fileName);
    if (key === this.declaredPath) return this.declared?.sf;
    if (this.libDir && path.dirname(key) === this.libDir) {
      if (!libSources.has(key)) {
        let text: string | undefined;
        try {
          text = fs.readFileSync(key, 'utf8');
        } catch {
          text = undefined;
        }
        if (text !== undefined && path.basename(key) === 'lib.es5.d.ts') text = withoutTypedArrays(text);
        const sf = text === undefined ? undefined : parseDeclaration(toTs(key), text);
        if (sf) libFileSet.add(sf);
        libSources.set(key, sf);
      }
      return libSources.get(key);
    }
    if (isTypeScriptSource(key)) return this.workspace.source(key)?.sf;
    const text = this.workspace.text(key);
    if (text === undefined) return undefined;
    const cached = this.declarations.get(key);
    if (cached?.text === text) return cached.sf;
    const sf = parseDeclaration(toTs(key), text);
    this.declarations.set(key, { text, sf });
    return sf;
  }

  private resolve(specifier: string, containingFile: string): ts.ResolvedModuleFull | undefined {
    if (isBare(specifier)) {
      const name = specifier.startsWith('node:') ? specifier : packageOf(specifier);
      if (!TYPED_PACKAGES.has(name) || BUILTINS.has(name)) return undefined;
    }
    const key = `${path.dirname(containingFile)}\0${specifier}`;
    if (this.resolutions.has(key)) return this.resolutions.get(key);
    const resolved = ts.resolveModuleName(specifier, containingFile, OPTIONS, {
      fileExists: (file) => this.exists(file),
      readFile: (file) => this.read(file),
      getCurrentDirectory: () => path.dirname(containingFile),
      useCaseSensitiveFileNames: true,
    }).resolvedModule;
    // Only TypeScript: sources of the workspace and declaration files (JavaScript is not in the program).
    const usable = resolved && (isTypeScriptSource(resolved.resolvedFileName) || resolved.extension.startsWith('.d.'));
    this.resolutions.set(key, usable ? resolved : undefined);
    return usable ? resolved : undefined;
  }

  private createHost(libDir: string): ts.CompilerHost {
    return {
      getSourceFile: (fileName) => this.sourceFile(fileName),
      getDefaultLibFileName: () => toTs(path.join(libDir, 'lib.d.ts')),
      getDefaultLibLocation: () => toTs(libDir),
      writeFile: () => undefined,
      getCurrentDirectory: () => toTs(path.resolve('/')),
      getCanonicalFileName: (file) => file,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (file) => this.exists(file),
      readFile: (file) => this.read(file),
      directoryExists: () => true,
      getDirectories: () => [],
      resolveModuleNameLiterals: (literals, containingFile) =>
        literals.map((literal) => {
          const resolvedModule = this.resolve(literal.text, path.resolve(containingFile));
          return { resolvedModule };
        }),
      getModuleResolutionCache: () => this.resolutionCache,
      resolveTypeReferenceDirectiveReferences: (references) =>
        references.map(() => ({ resolvedTypeReferenceDirective: undefined })),
    };
  }
}
