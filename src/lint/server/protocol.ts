/**
 * What the linter's language server and its VS Code client agree on beyond LSP itself: the custom request, the
 * settings section, the diagnostic source and the documents the server lints. Imported by both sides (the client is
 * in src/extension/lint), so it holds no runtime import of an LSP library.
 *
 * Why no `RequestType` object here (as vscode-eslint's `customMessages.ts` has): the client bundles
 * vscode-jsonrpc 10 and the server vscode-jsonrpc 9 (vscode-languageserver pins its own protocol), and jsonrpc compares
 * a request type's parameter structure by identity with its own copy's constants. A `RequestSpec` is a method name
 * plus phantom parameter and result types; each side turns it into a typed call through its own library (server.ts
 * `onRequest`, the client's `sendRequest`), so the types are still stated once, here.
 */
import type { OrchestrationSummary, RuleId, RuleSetting } from '../api.js';

/** A custom request: its method, with its parameter and result types carried by the type only. */
export interface RequestSpec<P, R> {
  readonly method: string;
  /** Never set; keeps `P` and `R` in the type. */
  readonly _types?: (params: P) => R;
}

function request<P, R>(method: string): RequestSpec<P, R> {
  return { method };
}

export interface LintWorkspaceParams {
  /** A token the client created and listens on: the server reports `$/progress` begin, report and end through it. */
  workDoneToken?: string | number;
}

export interface LintWorkspaceResult {
  /** Files linted. */
  files: number;
  /** Files with at least one finding. */
  filesWithFindings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** The client cancelled the request: the counts cover the files linted before that. */
  cancelled: boolean;
}

/**
 * Lints every source file under the workspace folders (skipping node_modules, build output and VS Code / Durable
 * Studio folders), publishes diagnostics for the files that are not open (open files have theirs pulled), and
 * answers with counts.
 */
export const LintWorkspaceRequest = request<LintWorkspaceParams, LintWorkspaceResult>('durableStudio/lintWorkspace');

export interface OrchestrationsParams {
  /** Search only these files (absolute paths); default: every source file under the workspace folders. */
  files?: string[];
}

export interface OrchestrationsResult {
  orchestrations: OrchestrationSummary[];
}

/**
 * The orchestrations the workspace registers, each with the activities it calls by a name known statically (what
 * "Create Test for Orchestration" mocks). Open buffers count with their unsaved text.
 */
export const OrchestrationsRequest = request<OrchestrationsParams, OrchestrationsResult>(
  'durableStudio/orchestrations',
);

/** What the client passes as `initializationOptions`. */
export interface LintInitializationOptions {
  /** docs/lint-rules.md where the extension is installed (the diagnostics' rule links point into it). */
  rulesCatalogue?: string;
}

/** The settings section the server reads through `workspace/configuration` (package.json declares it). */
export const SETTINGS_SECTION = 'durableStudio.lint';

/** `durableStudio.lint.*` as the server uses it. */
export interface LintSettings {
  enable: boolean;
  rules: Partial<Record<RuleId, RuleSetting>>;
}

export const DEFAULT_SETTINGS: LintSettings = { enable: true, rules: {} };

/** The `source` of every diagnostic the server reports (shown in the Problems panel as `durable-lint(rule-id)`). */
export const DIAGNOSTIC_SOURCE = 'durable-lint';

/** Language ids the client sends the server (VS Code gives `.mts`/`.cts` `typescript`, `.mjs`/`.cjs` `javascript`). */
export const LANGUAGE_IDS = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'] as const;
export type LanguageId = (typeof LANGUAGE_IDS)[number];

/** File extensions linted in the workspace, and the one given to an untitled buffer of each language. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.tsx', '.jsx'] as const;
export const EXTENSION_OF_LANGUAGE: Record<LanguageId, string> = {
  typescript: '.ts',
  javascript: '.js',
  typescriptreact: '.tsx',
  javascriptreact: '.jsx',
};

/** Every rule id, for validating settings (the Record makes the compiler check the list is complete). */
const RULES: Record<RuleId, true> = {
  'no-current-time': true,
  'no-random': true,
  'no-timers': true,
  'no-io': true,
  'no-env': true,
  'no-async-orchestrator': true,
  'no-await': true,
  'unyielded-task': true,
  'no-promise-combinators': true,
  'yield-non-task': true,
  'no-shared-state-write': true,
  'uncancelled-timer': true,
  'unbounded-history': true,
  'code-after-continue-as-new': true,
  'replay-unsafe-logging': true,
  'timer-out-of-range': true,
};
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(RULES, value);
}

/** The server's settings from whatever the client sent (a user's settings.json may hold anything). */
export function parseSettings(raw: unknown): LintSettings {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_SETTINGS, rules: {} };
  const record = raw as Record<string, unknown>;
  const rules: LintSettings['rules'] = {};
  const rawRules = record['rules'];
  if (typeof rawRules === 'object' && rawRules !== null) {
    for (const [rule, setting] of Object.entries(rawRules as Record<string, unknown>)) {
      if (isRuleId(rule) && isRuleSetting(setting)) rules[rule] = setting;
    }
  }
  return { enable: record['enable'] !== false, rules };
}

function isRuleSetting(value: unknown): value is RuleSetting {
  return value === 'error' || value === 'warning' || value === 'info' || value === 'off';
}
