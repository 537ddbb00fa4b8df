/**
 * The linter's view of the files (its `LintHost`): the text of an open buffer when the client has the file open,
 * with unsaved changes, else the file on disk. Also the mapping between the client's URIs and the absolute paths the
 * linter works with: `file:` URIs are their path; an untitled buffer gets a made-up path under a folder no real
 * file is in, with the extension of its language, so the linter parses it as the right dialect.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LintHost } from '../api.js';
import { EXTENSION_OF_LANGUAGE, LANGUAGE_IDS, type LanguageId } from './protocol.js';

/** The part of a text document the host reads (vscode-languageserver-textdocument's `TextDocument` has it). */
export interface OpenDocument {
  readonly uri: string;
  readonly languageId: string;
  getText(): string;
}

const UNTITLED_ROOT = path.resolve('/', '.durable-lint-untitled');

export class DocumentHost implements LintHost {
  /** Open documents by the path the linter knows them by. */
  private readonly open = new Map<string, OpenDocument>();
  /** The workspace's source files; a new array on every change (the linter walks a list it has not seen). */
  private files: readonly string[] = [];

  constructor(private readonly readDisk: (file: string) => string = (file) => fs.readFileSync(file, 'utf8')) {}

  readFile(file: string): string | undefined {
    const document = this.open.get(file);
    if (document) return document.getText();
    try {
      return this.readDisk(file);
    } catch {
      return undefined;
    }
  }

  /** Records an opened document; returns its path, or undefined when the server does not lint its scheme. */
  opened(document: OpenDocument): string | undefined {
    const file = pathOfUri(document.uri, document.languageId);
    if (file !== undefined) this.open.set(file, document);
    return file;
  }

  /** Forgets a closed document (its path reads from disk again); returns its path. */
  closed(uri: string, languageId: string): string | undefined {
    const file = pathOfUri(uri, languageId);
    if (file !== undefined && this.open.get(file)?.uri === uri) this.open.delete(file);
    return file;
  }

  /**
   * The workspace's source files, so the linter finds an orchestrator registered in one file and written in another
   * without being asked about both. The same array until the list changes.
   */
  readonly listFiles = (): readonly string[] => this.files;

  setWorkspaceFiles(files: readonly string[]): void {
    this.files = files;
  }

  /** A source file appeared (true) or went (false) on disk. */
  fileExists(file: string, exists: boolean): void {
    const listed = this.files.includes(file);
    if (exists && !listed) this.files = [...this.files, file];
    else if (!exists && listed) this.files = this.files.filter((f) => f !== file);
  }

  isOpen(file: string): boolean {
    return this.open.has(file);
  }

  openPaths(): string[] {
    return [...this.open.keys()];
  }

  /** The URI the client knows a path by: the open buffer's own URI (untitled ones have no other), else a file URI. */
  readonly uriOf = (file: string): string => this.open.get(file)?.uri ?? pathToFileURL(file).href;
}

/** The absolute path of a `file:` or `untitled:` URI; undefined for other schemes and URIs that do not parse. */
export function pathOfUri(uri: string, languageId: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'file:') {
    try {
      return fileURLToPath(parsed);
    } catch {
      return undefined;
    }
  }
  if (parsed.protocol === 'untitled:') {
    const name = decodeURIComponent(parsed.pathname).replace(/[\\/:]/g, '_') || 'untitled';
    const ext = isLanguageId(languageId) ? EXTENSION_OF_LANGUAGE[languageId] : '.ts';
    return path.join(UNTITLED_ROOT, name.endsWith(ext) ? name : name + ext);
  }
  return undefined;
}

function isLanguageId(value: string): value is LanguageId {
  return (LANGUAGE_IDS as readonly string[]).includes(value);
}
