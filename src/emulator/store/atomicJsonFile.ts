/**
 * A lowdb `Adapter` for one small JSON document: `write` goes to a temporary file in the same directory that is
 * then renamed over the target, so a reader (or a crash) sees either the old or the new document, never a mix.
 * With `fsync`, the temporary file is flushed before the rename; syncing the directory (to make the rename
 * itself durable) is left to the caller, which does it once per batch of documents rather than once per file.
 *
 * Unlike lowdb's stock `JSONFile`, `read` distinguishes "missing" (null) from "present but not a document"
 * (`DocumentParseError`), because the store must refuse damaged files instead of treating them as empty. A document
 * is a JSON object: every file the store writes holds one. Any other JSON value is refused too, because lowdb's
 * `read` keeps its default data (null: "missing") for every falsy value, so a file holding `null`, `0`, `false` or
 * `""` would otherwise look like a file that is not there.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { Adapter, SyncAdapter } from 'lowdb';

export class DocumentParseError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'DocumentParseError';
  }
}

export interface AtomicJsonFileOptions {
  fsync?: boolean;
  /** Indentation of written documents; 2 keeps them readable and diffable. */
  indent?: number;
  /** Told the size of each completed write and whether it was fsynced (for store statistics). */
  onWrite?: (bytes: number, fsynced: boolean) => void;
}

let tempCounter = 0;

export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly options: AtomicJsonFileOptions = {},
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    return parseDocument<T>(this.path, text);
  }

  async write(data: T): Promise<void> {
    const bytes = serialise(data, this.options);
    const temp = tempPath(this.path);
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        if (this.options.fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    this.options.onWrite?.(bytes.length, this.options.fsync === true);
  }
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * The synchronous twin (lowdb `SyncAdapter`), used where many small documents are read at start-up: sync reads
 * of small files are about twice as fast as async ones in Node (no thread-pool round trip per open/stat/read/
 * close), and the loader yields to the event loop between chunks so it never blocks for long.
 */
export class AtomicJsonFileSync<T> implements SyncAdapter<T> {
  constructor(
    readonly path: string,
    private readonly options: AtomicJsonFileOptions = {},
  ) {}

  read(): T | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    return parseDocument<T>(this.path, text);
  }

  write(data: T): void {
    const bytes = serialise(data, this.options);
    const temp = tempPath(this.path);
    try {
      const fd = openSync(temp, 'w');
      try {
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        if (this.options.fsync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
      throw err;
    }
    this.options.onWrite?.(bytes.length, this.options.fsync === true);
  }
}

function parseDocument<T>(path: string, text: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DocumentParseError(path, err instanceof Error ? err.message : String(err));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new DocumentParseError(path, `holds JSON ${kind}, not a JSON object`);
  }
  return value as T;
}

function serialise(data: unknown, options: AtomicJsonFileOptions): Buffer {
  return Buffer.from(`${JSON.stringify(data, null, options.indent ?? 2)}\n`, 'utf8');
}

/** The pid and a counter make the temp name unique even if two stores (or processes) share a directory. */
function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${++tempCounter}`;
}
