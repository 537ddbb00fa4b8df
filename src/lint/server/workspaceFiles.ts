/**
 * The source files "Lint Workspace" covers: every JavaScript and TypeScript file under the workspace folders, without
 * dependencies, build output, version control and Durable Studio's own store, and without declaration files (they
 * hold no code).
 */
import fg from 'fast-glob';
import * as path from 'node:path';
import { SOURCE_EXTENSIONS } from './protocol.js';

export const EXCLUDED_FOLDERS = ['node_modules', 'dist', 'out', 'build', '.git', '.durable-studio', '.vscode-test'];

const PATTERN = `**/*.{${SOURCE_EXTENSIONS.map((ext) => ext.slice(1)).join(',')}}`;
const IGNORE = [...EXCLUDED_FOLDERS.map((folder) => `**/${folder}/**`), '**/*.d.{ts,mts,cts}'];

/** Absolute paths, sorted, without duplicates (nested workspace folders). */
export async function workspaceSourceFiles(folders: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const folder of folders) {
    const files = await fg(PATTERN, {
      cwd: folder,
      absolute: true,
      ignore: IGNORE,
      dot: false,
      followSymbolicLinks: false,
      suppressErrors: true,
    });
    for (const file of files) found.add(path.normalize(file));
  }
  return [...found].sort();
}

/** Whether the server lints a file with this path (by its extension; declaration files are not linted). */
export function isSourceFile(file: string): boolean {
  if (/\.d\.[mc]?ts$/.test(file)) return false;
  return (SOURCE_EXTENSIONS as readonly string[]).includes(path.extname(file));
}
