/**
 * The questions the actions ask when they are run without arguments: which instance (recent ones, or a typed
 * id), which orchestrator, a JSON value (validated as it is typed, with the parse error shown), a name from
 * suggestions or free text, a confirmation. Each resolves undefined when the user cancels.
 */
import * as vscode from 'vscode';
import type { HostConnection } from '../connection/hostConnection.js';
import type { InstanceEntry } from '../views/instancesModel.js';
import type { InstancesTree } from '../views/instancesTree.js';
import { formatTime, STATUS_ICONS } from '../views/instancePresentation.js';
import { jsonProblem } from './validation.js';

/** A JSON value typed by the user; `value` is undefined when the box was left empty. */
export interface JsonAnswer {
  value: unknown;
}

/** Asks for a JSON value; empty means "none". */
export async function askJson(title: string, prompt: string, value = ''): Promise<JsonAnswer | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    placeHolder: 'JSON, e.g. {"amount": 5}, "text", 42, true (empty for none)',
    validateInput: jsonProblem,
    ignoreFocusOut: true,
  });
  if (text === undefined) return undefined;
  return { value: text.trim() === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Asks for optional text (a reason); empty is a valid answer, undefined means cancelled. */
export async function askText(title: string, prompt: string, placeHolder?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, ...(placeHolder ? { placeHolder } : {}), ignoreFocusOut: true });
}

/**
 * A quick pick of suggestions that also accepts whatever is typed (event names, operations, orchestrators on a
 * remote host). Resolves with the chosen label or the typed text.
 */
export async function pickOrType(
  title: string,
  placeholder: string,
  suggestions: readonly { label: string; description?: string; detail?: string }[],
): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  quickPick.title = title;
  quickPick.placeholder = placeholder;
  quickPick.ignoreFocusOut = true;
  const base = suggestions.map((s) => ({ ...s }));
  quickPick.items = base;
  const typedItem = (value: string): vscode.QuickPickItem => ({ label: value, description: 'typed' });
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      quickPick.dispose();
    };
    quickPick.onDidChangeValue((value) => {
      const text = value.trim();
      quickPick.items = text && !base.some((s) => s.label === text) ? [typedItem(text), ...base] : base;
    });
    quickPick.onDidAccept(() => {
      const chosen = quickPick.selectedItems[0]?.label ?? quickPick.value.trim();
      if (chosen) finish(chosen);
    });
    quickPick.onDidHide(() => finish(undefined));
    quickPick.show();
  });
}

/** Asks for an instance: the loaded ones that `accept` allows, most recently updated first, or a typed id. */
export async function pickInstance(
  tree: InstancesTree,
  title: string,
  accept: (entry: InstanceEntry) => boolean = () => true,
): Promise<string | undefined> {
  const now = Date.now();
  const recent = tree.recentInstances(accept);
  return pickOrType(
    title,
    recent.length > 0 ? 'Pick an instance or type its id' : 'Type the instance id',
    recent.map((entry) => ({
      label: entry.instanceId,
      description: `$(${STATUS_ICONS[entry.runtimeStatus].id.replace('~spin', '')}) ${entry.runtimeStatus} · ${entry.name}`,
      detail: `updated ${formatTime(entry.lastUpdatedTime, now)}`,
    })),
  );
}

/** The orchestrator to start: the app's registered ones (emulator) or a typed name (other hosts). */
export async function pickOrchestrator(connection: HostConnection): Promise<string | undefined> {
  if (!connection.isEmulator) {
    const name = await vscode.window.showInputBox({
      title: 'Start orchestration',
      prompt: `The orchestrator function's name on ${connection.label}`,
      validateInput: (text) => (text.trim() === '' ? 'Enter a name.' : undefined),
      ignoreFocusOut: true,
    });
    return name?.trim();
  }
  const functions = await connection.client.getFunctions();
  const orchestrators = functions.filter((f) => f.kind === 'orchestration').map((f) => f.name);
  if (orchestrators.length === 0) throw new Error('The app registers no orchestration (df.app.orchestration).');
  const picked = await vscode.window.showQuickPick(
    orchestrators.sort((a, b) => a.localeCompare(b)).map((label) => ({ label })),
    { title: 'Start orchestration', placeHolder: 'Which orchestrator?', ignoreFocusOut: true },
  );
  return picked?.label;
}

/** A modal confirmation; resolves true when the user chose `action`. */
export async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return choice === action;
}
