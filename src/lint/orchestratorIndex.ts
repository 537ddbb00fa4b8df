/**
 * Which functions of which files are orchestrators, kept up to date incrementally: every known file is searched for
 * registrations once per text version, and each registration remembers the files its handler's resolution went
 * through, so an edit re-resolves only the registrations that depend on the edited file (a keystroke must not cost
 * a pass over the whole workspace).
 */
import path from 'node:path';
import { mayRegister, orchestratorOf, registrationsIn, type Orchestrator, type Registration } from './orchestrators.js';
import { UNRESOLVED, type Resolver } from './resolve.js';
import { isLintable } from './syntax.js';
import type { Workspace } from './workspace.js';

interface Entry {
  readonly registration: Registration;
  orchestrator: Orchestrator | undefined;
  deps: ReadonlySet<string>;
  stale: boolean;
}

export class OrchestratorIndex {
  private readonly known = new Set<string>();
  /** Known files whose registrations must be (re)read. */
  private readonly pending = new Set<string>();
  private readonly entries = new Map<string, Entry[]>();
  private byFile: Map<string, Orchestrator[]> | undefined;

  constructor(
    private readonly workspace: Workspace,
    private readonly resolver: Resolver,
  ) {}

  /** Makes files known (absolute paths); new ones are searched for registrations on the next query. */
  add(files: Iterable<string>): void {
    for (const file of files) {
      if (this.known.has(file)) continue;
      const key = path.resolve(file);
      this.known.add(file);
      if (key !== file) this.known.add(key);
      if (isLintable(key) && !this.entries.has(key)) this.pending.add(key);
    }
  }

  /** The file changed: re-read its registrations, re-resolve those that went through it. */
  invalidate(file: string): void {
    const key = path.resolve(file);
    if (this.known.has(key)) this.pending.add(key);
    for (const list of this.entries.values()) {
      for (const entry of list) if (entry.deps.has(key)) entry.stale = true;
    }
    this.byFile = undefined;
  }

  /** The orchestrators whose function is in `file`. */
  orchestratorsIn(file: string): readonly Orchestrator[] {
    this.refresh();
    return this.byFile?.get(file) ?? [];
  }

  /** Every registration in `files` (absolute paths; default every known file), with its orchestrator if resolved. */
  registrations(files?: readonly string[]): { registration: Registration; orchestrator: Orchestrator | undefined }[] {
    this.refresh();
    const keys = files ? files.map((file) => path.resolve(file)) : [...this.entries.keys()];
    return keys
      .flatMap((key) => this.entries.get(key) ?? [])
      .map(({ registration, orchestrator }) => ({
        registration,
        orchestrator,
      }));
  }

  private refresh(): void {
    for (const file of this.pending) {
      this.entries.set(file, this.read(file));
      this.byFile = undefined;
    }
    this.pending.clear();
    for (const list of this.entries.values()) {
      for (const entry of list) {
        if (!entry.stale && !entry.deps.has(UNRESOLVED)) continue;
        this.resolve(entry);
        this.byFile = undefined;
      }
    }
    if (this.byFile) return;
    const byFile = new Map<string, Orchestrator[]>();
    for (const list of this.entries.values()) {
      for (const { orchestrator } of list) {
        if (!orchestrator) continue;
        const forFile = byFile.get(orchestrator.file.path) ?? [];
        forFile.push(orchestrator);
        byFile.set(orchestrator.file.path, forFile);
      }
    }
    this.byFile = byFile;
  }

  private read(file: string): Entry[] {
    const text = this.workspace.text(file);
    if (text === undefined || !mayRegister(text)) return [];
    const source = this.workspace.source(file);
    if (!source) return [];
    return registrationsIn(source, this.resolver).map((registration) => {
      const entry: Entry = { registration, orchestrator: undefined, deps: new Set(), stale: true };
      this.resolve(entry);
      return entry;
    });
  }

  private resolve(entry: Entry): void {
    const { value, files } = this.resolver.tracking(() => orchestratorOf(entry.registration, this.resolver));
    entry.orchestrator = value;
    entry.deps = files;
    entry.stale = false;
  }
}
