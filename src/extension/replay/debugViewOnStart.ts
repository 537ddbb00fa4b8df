/**
 * Whether a replay session's start shows the Run and Debug view. VS Code's `debug.openDebug` defaults to
 * `openOnFirstSessionStart`, so a second replay (started from the Durable Studio explorer) would leave the user on
 * the explorer with the stepping controls out of sight. Left at its default, every replay session shows the view;
 * a value the user chose is theirs: VS Code applies it (`openOnSessionStart`, `openOnFirstSessionStart`,
 * `openOnDebugBreak`, `neverOpen`) and nothing is added. No `vscode` import: pure, unit-tested.
 */

/** What `workspace.getConfiguration('debug').inspect('openDebug')` says, as much as the choice needs. */
export interface SettingValues {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

export function showDebugViewOnStart(openDebug: SettingValues | undefined): boolean {
  if (!openDebug) return true;
  const chosen = [
    openDebug.workspaceFolderLanguageValue,
    openDebug.workspaceLanguageValue,
    openDebug.globalLanguageValue,
    openDebug.workspaceFolderValue,
    openDebug.workspaceValue,
    openDebug.globalValue,
  ].find((value) => value !== undefined);
  return chosen === undefined;
}
