/**
 * What the app registers, workspace-wide and kept up to date incrementally: every known file is searched for
 * `df.app.activity/orchestration/entity` registrations once per text version, and each registration remembers the
 * files its name's and handler's resolution went through, so an edit re-resolves only the registrations that depend
 * on the edited file (a keystroke must not cost a pass over the whole workspace). Orchestrators (which functions of
 * which files to analyse) and the names orchestrators may call both come from here.
 */
import path from 'node:path';
import {
  handlerOf,
  mayRegister,
  registrationsIn,
  type Orchestrator,
  type Registered,
  type RegisteredKind,
  type Registration,
} from './registrations.js';
import { UNRESOLVED, type Resolver } from './resolve.js';
import { staticString } from './staticValues.js';
import { isLintable } from './syntax.js';
import type { Workspace } from './workspace.js';

interface Entry {
  readonly registration: Registration;
  registered: Registered;
  deps: ReadonlySet<string>;
  stale: boolean;
}

interface Views {
  readonly orchestratorsByFile: ReadonlyMap<string, Orchestrator[]>;
  /** By app and kind (`appKey`), then by name in lower case (the Functions host looks names up ignoring case). */
  readonly byName: ReadonlyMap<string, ReadonlyMap<string, Registered[]>>;
  /** App keys with a registration whose name is computed at run time. */
  readonly dynamic: ReadonlySet<string>;
}

export class AppIndex {
  private readonly known = new Set<string>();
  /** Known files whose registrations must be (re)read. */
  private readonly pending = new Set<string>();
  private readonly entries = new Map<string, Entry[]>();
  private views: Views | undefined;
  /** The workspace generation the entries were last brought up to date with. */
  private refreshed = -1;

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
    this.views = undefined;
  }

  /** The orchestrators whose function is in `file`. */
  orchestratorsIn(file: string): readonly Orchestrator[] {
    return this.current().orchestratorsByFile.get(file) ?? [];
  }

  /** Every registration in `files` (absolute paths; default every known file). */
  registrations(files?: readonly string[]): Registered[] {
    this.refresh();
    const keys = files ? files.map((file) => path.resolve(file)) : [...this.entries.keys()];
    return keys.flatMap((key) => this.entries.get(key) ?? []).map((entry) => entry.registered);
  }

  /**
   * The registrations of `kind` under `name` in the app of the file `from` (Workspace.appRootOf), compared as the
   * host does (ignoring case).
   */
  registered(kind: RegisteredKind, name: string, from: string): readonly Registered[] {
    return this.current().byName.get(this.appKey(from, kind))?.get(name.toLowerCase()) ?? [];
  }

  /** Every static name registered as `kind` in the app of `from`, in the spelling of its first registration. */
  names(kind: RegisteredKind, from: string): string[] {
    const byName = this.current().byName.get(this.appKey(from, kind));
    return byName ? [...byName.values()].map((list) => list[0]!.name!) : [];
  }

  /** Whether the app of `from` registers some `kind` under a name computed at run time (then any name may exist). */
  hasDynamicNames(kind: RegisteredKind, from: string): boolean {
    return this.current().dynamic.has(this.appKey(from, kind));
  }

  private appKey(file: string, kind: RegisteredKind): string {
    return `${this.workspace.appRootOf(file)}\0${kind}`;
  }

  private current(): Views {
    this.refresh();
    return (this.views ??= this.buildViews());
  }

  private refresh(): void {
    // Nothing changed since the last query: the common case, many queries per lint.
    if (this.pending.size === 0 && this.refreshed === this.workspace.generation) return;
    this.refreshed = this.workspace.generation;
    for (const file of this.pending) {
      this.entries.set(file, this.read(file));
      this.views = undefined;
    }
    this.pending.clear();
    for (const list of this.entries.values()) {
      for (const entry of list) {
        if (!entry.stale && !entry.deps.has(UNRESOLVED)) continue;
        this.resolve(entry);
        this.views = undefined;
      }
    }
  }

  private buildViews(): Views {
    const orchestratorsByFile = new Map<string, Orchestrator[]>();
    const byName = new Map<string, Map<string, Registered[]>>();
    const dynamic = new Set<string>();
    for (const [file, list] of this.entries) {
      for (const { registered } of list) {
        const app = this.appKey(file, registered.kind);
        if (registered.name === undefined) dynamic.add(app);
        else {
          const names = byName.get(app) ?? new Map<string, Registered[]>();
          byName.set(app, names);
          const key = registered.name.toLowerCase();
          names.set(key, [...(names.get(key) ?? []), registered]);
        }
        const handler = registered.handler;
        if (registered.kind !== 'orchestration' || !handler) continue;
        const forFile = orchestratorsByFile.get(handler.file.path) ?? [];
        forFile.push({ registration: registered, fn: handler.fn, file: handler.file });
        orchestratorsByFile.set(handler.file.path, forFile);
      }
    }
    return { orchestratorsByFile, byName, dynamic };
  }

  private read(file: string): Entry[] {
    const text = this.workspace.text(file);
    if (text === undefined || !mayRegister(text)) return [];
    const source = this.workspace.source(file);
    if (!source) return [];
    return registrationsIn(source, this.resolver).map((registration) => {
      const entry: Entry = {
        registration,
        registered: { kind: registration.kind, name: undefined, call: registration.call, handler: undefined },
        deps: new Set(),
        stale: true,
      };
      this.resolve(entry);
      return entry;
    });
  }

  private resolve(entry: Entry): void {
    const { registration } = entry;
    const { value, files } = this.resolver.tracking(() => {
      const first = registration.call.arguments[0];
      return {
        name: first && staticString(first, this.resolver)?.value,
        handler: handlerOf(registration, this.resolver),
      };
    });
    entry.registered = { kind: registration.kind, call: registration.call, ...value };
    entry.deps = files;
    entry.stale = false;
  }
}
