/**
 * Loading a bundle with V8's code cache. dist/lint.js and the linter's language server each carry the TypeScript
 * compiler (10 MB of JavaScript): compiling it takes V8 a third of a second on every start, which the code cache
 * (the bytecode V8 made last time, `vm.Script` `cachedData`) cuts to a few milliseconds. Node 20 has no
 * `module.enableCompileCache`, and the require hooks on npm (`v8-compile-cache`) keep only what V8 compiles before
 * the code runs, which for a bundle of lazily compiled functions is almost nothing; `saveCache` here runs after the
 * bundle has worked, so the functions it used are in the cache too.
 *
 * One cache file per bundle file, in the user's cache folder (`~/.cache/durable-studio/code-cache`, see
 * `codeCacheDir`; `DURABLE_STUDIO_CODE_CACHE=off` or another folder). A file holds a header line (the bundle's
 * path, a key of its size, modification time and the Node build, the payload's length and SHA-1) and V8's data.
 * V8 checks only its own version, its flags and the source's length, and accepts corrupted data, so the header is
 * checked first, and a file is used only if it is the user's own and writable by no one else (V8 runs what it
 * holds). Anything wrong (no folder, unwritable, corrupt, truncated, stale, someone else's, rejected by V8, two
 * processes writing at once) falls back to compiling without a cache, silently; a write goes to a temporary file
 * renamed into place, so a reader never sees half a file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

/** `off`, or the folder for the cache files (default: `codeCacheDir`'s per-platform folder). */
export const CODE_CACHE_ENV = 'DURABLE_STUDIO_CODE_CACHE';

/** Bumped when the file layout changes. */
const FORMAT = 1;
const EXTENSION = '.v8cache';
/** A header is one short JSON line; a file whose first line is longer is not ours. */
const MAX_HEADER = 4096;

interface Header {
  format: number;
  /** The bundle's absolute path (a cache whose bundle is gone is deleted by the next save). */
  file: string;
  key: string;
  length: number;
  sha1: string;
}

/** Where cache files go: the environment's choice, else the platform's user cache folder; undefined for none. */
export function codeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: () => string = os.homedir,
): string | undefined {
  const setting = env[CODE_CACHE_ENV];
  if (setting === 'off') return undefined;
  if (setting) return path.resolve(setting);
  let base: string;
  try {
    const userHome = home();
    if (!userHome) return undefined;
    if (platform === 'win32') base = env['LOCALAPPDATA'] || path.join(userHome, 'AppData', 'Local');
    else if (platform === 'darwin') base = path.join(userHome, 'Library', 'Caches');
    else {
      const xdg = env['XDG_CACHE_HOME'];
      base = xdg && path.isAbsolute(xdg) ? xdg : path.join(userHome, '.cache');
    }
  } catch {
    return undefined;
  }
  return path.join(base, 'durable-studio', 'code-cache');
}

export type CacheUse =
  /** V8 took the cached code. */
  | 'hit'
  /** No usable cache file (none, stale, corrupt); `saveCache` writes one. */
  | 'miss'
  /** V8 rejected the data (another V8 build or flags); `saveCache` replaces it. */
  | 'rejected'
  /** No cache folder. */
  | 'off';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  readonly exports: unknown;
  readonly cache: CacheUse;
  /**
   * Writes the cache when the bundle was compiled without one: once, after it has run what it runs (the functions
   * compiled so far go in). Never throws.
   */
  saveCache(): void;
}

/**
 * Runs a CommonJS bundle as `require` would (its own `module`, `exports`, `require`, `__filename`, `__dirname`) with
 * V8's code cache in `cacheDir` (null: none). The bundle must not use `import()`: a script compiled this way has no
 * dynamic import (esbuild turns the bundled ones into `require`).
 */
export function loadBundle(file: string, cacheDir: string | null = codeCacheDir() ?? null): LoadedBundle {
  const bundle = path.resolve(file);
  // The wrapper `require` gives a module, kept byte for byte: V8 checks the source's length.
  const source = `(function (exports, require, module, __filename, __dirname) { ${stripHashbang(fs.readFileSync(bundle, 'utf8'))}\n})`;
  const cacheFile = cacheDir === null ? undefined : path.join(cacheDir, cacheFileName(bundle));
  const key = cacheFile === undefined ? '' : cacheKey(bundle);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile, bundle, key);
  const script = new vm.Script(source, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const cache: CacheUse =
    cacheFile === undefined ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';

  const mod = new Module(bundle);
  mod.filename = bundle;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;

  let saved = cache === 'hit' || cache === 'off';
  return {
    exports: mod.exports,
    cache,
    saveCache: () => {
      if (saved || cacheFile === undefined) return;
      saved = true;
      try {
        writeCache(cacheFile, bundle, key, script.createCachedData());
      } catch {
        // A cache is an optimisation: a failure to make or write one changes nothing else.
      }
    },
  };
}

/** A `#!` line is valid only at the very start of a script: inside the wrapper it becomes a comment. */
function stripHashbang(code: string): string {
  return code.startsWith('#!') ? `//${code.slice(2)}` : code;
}

/** One file per bundle path: installs side by side (the npm CLI, the extension) keep their own caches. */
function cacheFileName(bundle: string): string {
  const where = crypto.createHash('sha1').update(bundle).digest('hex').slice(0, 16);
  return `${path.basename(bundle)}-${where}${EXTENSION}`;
}

/**
 * What the cached code depends on besides the flags V8 checks itself: the bundle (by size and modification time:
 * hashing 10 MB would cost more than the rest of a cache hit) and the Node build.
 */
function cacheKey(bundle: string): string {
  const stat = fs.statSync(bundle);
  const parts = [FORMAT, bundle, stat.size, stat.mtimeMs, process.version, process.versions.v8, process.arch];
  return crypto.createHash('sha1').update(parts.join('\0')).digest('hex');
}

/**
 * The cache file's V8 data if the file is this user's own (V8 runs what it holds, so a file someone else could have
 * written is never used), its header matches and its payload is whole; undefined otherwise.
 */
export function readCache(cacheFile: string, bundle: string, key: string): Buffer | undefined {
  let data: Buffer;
  try {
    const fd = fs.openSync(cacheFile, 'r');
    try {
      const stat = fs.fstatSync(fd);
      if (!ownFile(stat)) return undefined;
      data = Buffer.allocUnsafe(stat.size);
      let read = 0;
      while (read < data.length) {
        const count = fs.readSync(fd, data, read, data.length - read, read);
        if (count === 0) break;
        read += count;
      }
      data = data.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const header = parseHeader(data);
  if (!header || header.file !== bundle || header.key !== key) return undefined;
  const payload = data.subarray(data.length - header.length);
  if (data.indexOf(10) + 1 + header.length !== data.length || sha1(payload) !== header.sha1) return undefined;
  return payload;
}

/** On POSIX systems: owned by this user and writable by nobody else. (Windows: the user's profile folder decides.) */
function ownFile(stat: fs.Stats): boolean {
  if (typeof process.getuid !== 'function') return true;
  return stat.isFile() && stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

function parseHeader(data: Buffer): Header | undefined {
  const end = data.indexOf(10);
  if (end < 0 || end > MAX_HEADER) return undefined;
  try {
    const header = JSON.parse(data.subarray(0, end).toString('utf8')) as Partial<Header>;
    const valid =
      header.format === FORMAT &&
      typeof header.file === 'string' &&
      typeof header.key === 'string' &&
      typeof header.sha1 === 'string' &&
      Number.isSafeInteger(header.length) &&
      (header.length ?? -1) >= 0;
    return valid ? (header as Header) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes whole or not at all: a temporary file of this process renamed over the old one. */
export function writeCache(cacheFile: string, bundle: string, key: string, payload: Buffer): void {
  const dir = path.dirname(cacheFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const header: Header = { format: FORMAT, file: bundle, key, length: payload.length, sha1: sha1(payload) };
  const temporary = `${cacheFile}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), payload]), {
      mode: 0o600,
    });
    fs.renameSync(temporary, cacheFile);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  removeOrphans(dir, path.basename(bundle), cacheFile);
}

/**
 * Caches of the same bundle name whose bundle is gone (an uninstalled or upgraded extension's), and temporary files
 * an hour old (a process killed while writing).
 */
function removeOrphans(dir: string, bundleName: string, keep: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (file === keep || !name.startsWith(`${bundleName}-`)) continue;
    try {
      if (name.endsWith('.tmp')) {
        if (Date.now() - fs.statSync(file).mtimeMs > 3_600_000) fs.rmSync(file, { force: true });
        continue;
      }
      if (!name.endsWith(EXTENSION)) continue;
      const header = parseHeader(readStart(file));
      if (!header || !fs.existsSync(header.file)) fs.rmSync(file, { force: true });
    } catch {
      // Another process may be replacing or removing it: leave it.
    }
  }
}

function readStart(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAX_HEADER + 1);
    return head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function sha1(data: Buffer): string {
  return crypto.createHash('sha1').update(data).digest('hex');
}
