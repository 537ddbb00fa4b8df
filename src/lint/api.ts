/**
 * The determinism linter's public contract: what the CLI, the language server and the tests use. Pure data; the
 * analysis lives next to it in src/lint (no `vscode`, no emulator code).
 */

/** Rule ids, one per catalogue entry (docs/lint-rules.md). */
export type RuleId =
  | 'no-current-time'
  | 'no-random'
  | 'no-timers'
  | 'no-io'
  | 'no-env'
  | 'no-async-orchestrator'
  | 'no-await'
  | 'unyielded-task'
  | 'no-promise-combinators'
  | 'yield-non-task'
  | 'no-shared-state-write'
  | 'unknown-function'
  | 'unknown-entity-operation'
  | 'no-host-state'
  | 'overwritten-export'
  | 'no-shared-state-read'
  | 'uncancelled-timer'
  | 'unbounded-history'
  | 'code-after-continue-as-new'
  | 'replay-unsafe-logging'
  | 'timer-out-of-range'
  | 'activity-input-type';

export type Severity = 'error' | 'warning' | 'info';
/** Per-rule setting: a severity, or `off`. */
export type RuleSetting = Severity | 'off';

/** 1-based line and column (column in UTF-16 code units, as editors count). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  /** Exclusive. */
  end: Position;
}

export interface TextEdit {
  /** Absolute path. */
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  /** Shown as the quick fix's title, e.g. "Use context.df.currentUtcDateTime". */
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  /** Absolute path of the file the finding is reported in (the orchestrator's file for hazards in helpers). */
  file: string;
  range: Range;
  rule: RuleId;
  severity: Severity;
  message: string;
  /** E.g. the offending line inside a helper function the orchestrator calls. */
  related: RelatedLocation[];
  /** Mechanical fixes; empty when none can be done safely. */
  fixes: Fix[];
}

export interface LintOptions {
  /** Overrides of the catalogue's default severities. */
  rules?: Partial<Record<RuleId, RuleSetting>>;
  /** Functions registered by other means than the workspace's code (a package): never reported as unknown. */
  knownFunctions?: KnownFunctions;
}

/** Names of functions the app has without registering them in the workspace's code. */
export interface KnownFunctions {
  activities?: string[];
  orchestrations?: string[];
  entities?: string[];
}

/** An orchestration a workspace file registers (`df.app.orchestration('name', handler)` with a literal name). */
export interface OrchestrationSummary {
  name: string;
  /** Absolute path of the file with the registration, and its 1-based line. */
  file: string;
  line: number;
  /** Absolute path of the file holding the orchestrator function; undefined when the handler is not visible. */
  handlerFile?: string;
  /**
   * The activities it calls with `callActivity` / `callActivityWithRetry` by a literal or constant name (in its
   * callbacks and helpers too), in order of first call; names computed at run time are left out.
   */
  activities: string[];
}

/** What the linter needs from its surroundings (the CLI reads the disk; the server also sees unsaved buffers). */
export interface LintHost {
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /**
   * Optional: the workspace's lintable files (absolute paths). An orchestrator may be registered in one file
   * (`df.app.orchestration('x', handler)`) and written in another; with this list `lintFile` finds registrations in
   * files it was never asked about (it reads each listed file once, parsing only those that mention `orchestration`).
   * Called on every `lintFile`/`lintFiles`, so keep it cheap (a cached list). Without it, only files passed to
   * `lintFile`/`lintFiles` so far are searched for registrations.
   */
  listFiles?(): readonly string[];
}

/**
 * A linter over a set of files. It caches parsed files and what it learned about them (orchestrators, helper
 * functions); `invalidate` after a file changes (the server calls it on every keystroke, then lints that file).
 * Implemented in src/lint/linter.ts as `createLinter(host, options)`.
 */
export interface Linter {
  /** Findings of one file: hazards in its orchestrators, including those reached through helpers elsewhere. */
  lintFile(path: string): Finding[];
  /** Findings of many files (the CLI, "Lint Workspace"), in file then position order. */
  lintFiles(paths: readonly string[]): Finding[];
  /** Forget what was read from this file (its text changed or it was deleted). */
  invalidate(path: string): void;
  /** Replace the rule settings (the user changed them). */
  configure(options: LintOptions): void;
  /**
   * The orchestrations registered in `files` (absolute paths), or in every known file (the listed ones and those
   * linted so far) when `files` is not given; sorted by name, then file.
   */
  orchestrations(files?: readonly string[]): OrchestrationSummary[];
}
