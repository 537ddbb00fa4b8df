/**
 * Linting many files without blocking the server: in batches, yielding to the event loop between them so a
 * keystroke's diagnostics, a code action or a cancellation is answered in between, never after the whole workspace.
 */
import type { Finding, Linter } from '../api.js';
import type { LintWorkspaceResult } from './protocol.js';

/** Files per batch: large enough to keep the linter's per-call overhead low, small enough to answer promptly. */
export const BATCH_SIZE = 25;

export interface BatchProgress {
  done: number;
  total: number;
}

/**
 * Lints `files` in batches; `onFile` gets each file's findings (possibly none), `onBatch` the progress after each
 * batch. Stops before the next batch once `cancelled()` says so; returns whether it finished. A batch the linter
 * throws on is linted again file by file, so that one broken file loses only its own findings (`onError`).
 */
export async function lintInBatches(
  linter: Linter,
  files: readonly string[],
  handlers: {
    onFile: (file: string, findings: Finding[]) => void;
    onBatch?: (progress: BatchProgress) => void;
    onError: (file: string, error: unknown) => void;
    cancelled?: () => boolean;
  },
): Promise<boolean> {
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    if (handlers.cancelled?.()) return false;
    const batch = files.slice(start, start + BATCH_SIZE);
    for (const [file, findings] of lintBatch(linter, batch, handlers.onError)) handlers.onFile(file, findings);
    handlers.onBatch?.({ done: Math.min(start + BATCH_SIZE, files.length), total: files.length });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return true;
}

function lintBatch(
  linter: Linter,
  batch: readonly string[],
  onError: (file: string, error: unknown) => void,
): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>(batch.map((file) => [file, []]));
  try {
    for (const finding of linter.lintFiles(batch)) byFile.get(finding.file)?.push(finding);
    return byFile;
  } catch {
    for (const file of batch) {
      try {
        byFile.set(file, linter.lintFile(file));
      } catch (error) {
        byFile.set(file, []);
        onError(file, error);
      }
    }
    return byFile;
  }
}

export function emptyResult(): LintWorkspaceResult {
  return { files: 0, filesWithFindings: 0, errors: 0, warnings: 0, infos: 0, cancelled: false };
}

/** Adds one file's findings to the counts. */
export function count(result: LintWorkspaceResult, findings: readonly Finding[]): void {
  result.files++;
  if (findings.length > 0) result.filesWithFindings++;
  for (const finding of findings) {
    if (finding.severity === 'error') result.errors++;
    else if (finding.severity === 'warning') result.warnings++;
    else result.infos++;
  }
}
