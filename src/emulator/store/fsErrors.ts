/**
 * File system failures of the store, said in one line with the path and what to do. Node's own messages leave
 * the path out for some calls (`EISDIR: illegal operation on a directory, read` from a read on a descriptor), so
 * every store operation that touches the disk at start-up names the path it works on.
 */
import { userInfo } from 'node:os';

/** A store file or folder that cannot be used as it is; `message` is one line with the path and a fix. */
export class StoreAccessError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StoreAccessError';
  }
}

/** What the store expects at a path: a file (document, journal, marker, lock) or a folder. */
export type Expected = 'file' | 'folder';

/** The operation that failed, for the message. */
export type Access = 'read' | 'write' | 'create';

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
}

function who(): string {
  try {
    return `the user running Durable Studio (${userInfo().username})`;
  } catch {
    return 'the user running Durable Studio';
  }
}

/**
 * Turns an fs error (one with an errno `code`) at `path` into a `StoreAccessError` with a one-line message; returns
 * any other error unchanged. `storeDir` is the store folder, named in the advice.
 */
export function explainFsError(
  err: unknown,
  path: string,
  expected: Expected,
  access: Access,
  storeDir: string,
): Error {
  const code = errnoCode(err);
  if (err instanceof StoreAccessError || typeof code !== 'string')
    return err instanceof Error ? err : new Error(String(err));
  const other = `or start with --store <another folder>`;
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  let message: string;
  switch (code) {
    case 'EISDIR':
      message = `${path} is a folder where the store keeps a file: move it out of ${storeDir}, ${other}`;
      break;
    case 'ENOTDIR':
    case 'EEXIST':
      message =
        expected === 'folder'
          ? `${path} is a file where the store keeps a folder: move it away, ${other}`
          : `a part of ${path} is a file where the store keeps a folder: move it away, ${other}`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `${access === 'read' ? '' : 'the store is not writable: '}cannot ${access} ${path} (permission denied): give ${who()} read and write access to ${storeDir} (e.g. chmod -R u+rwX ${storeDir} as its owner), ${other}`;
      break;
    case 'EROFS':
      message = `the store is on a read-only file system: cannot ${access} ${path}: ${other} on a writable disk`;
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      message = `the disk is full: cannot ${access} ${path}: free some space, ${other}`;
      break;
    case 'ENAMETOOLONG':
      message = `the path ${path} is too long for the file system: ${other} with a shorter path`;
      break;
    case 'ELOOP':
      message = `${path} is a symbolic link loop: remove the link, ${other}`;
      break;
    default:
      message = `cannot ${access} ${path} (${detail}): check the store folder ${storeDir}, ${other}`;
  }
  return new StoreAccessError(message, path, code);
}

/** Runs `fn`, explaining an fs failure at `path` (see explainFsError). */
export async function atPath<T>(
  path: string,
  expected: Expected,
  access: Access,
  storeDir: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainFsError(err, path, expected, access, storeDir);
  }
}

/** The synchronous twin of `atPath`. */
export function atPathSync<T>(path: string, expected: Expected, access: Access, storeDir: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw explainFsError(err, path, expected, access, storeDir);
  }
}
