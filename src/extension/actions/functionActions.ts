/**
 * The Functions view's commands: refresh; Run Now (a timer, queue, blob or other trigger through the host's
 * `POST /admin/functions/{name}`, asking for the trigger value except for timers; an orchestration through the
 * Start command); Copy URL of an HTTP function. Run Now returns once the host accepted the run; the outcome comes
 * later as a `function` change event and is shown as a notification with "Show Log".
 */
import * as vscode from 'vscode';
import type { FunctionChange, FunctionInfo } from '../api/index.js';
import type { Ctx } from '../ctx.js';
import { describeError } from '../log.js';
import { ADMIN_RUNNABLE, httpRoute, runInputPrompt, runOutcomeText } from '../views/functionPresentation.js';
import type { FunctionsTree } from '../views/functionsTree.js';
import { optionsArg, stringArg } from './args.js';
import { askJson, pickOrType } from './prompts.js';

/** `durableStudio.function.runNow` arguments as one object; with `input` (or for a timer) nothing is asked. */
export interface RunNowArgs {
  name: string;
  /** The trigger value: a queue message's text, a blob path (`container/name`), any text for other triggers. */
  input?: string;
}

/** How long a run's outcome is waited for before the window's progress gives up (the run itself goes on). */
const OUTCOME_WAIT_MS = 120_000;

export function registerFunctionActions(ctx: Ctx, tree: FunctionsTree): void {
  const actions = new FunctionActions(ctx, tree);
  ctx.registerCommand('durableStudio.functions.refresh', () => tree.reload());
  ctx.registerCommand('durableStudio.function.runNow', (target?: unknown, input?: unknown) =>
    actions.runNow(target, input),
  );
  ctx.registerCommand('durableStudio.function.copyUrl', (target?: unknown) => actions.copyUrl(target));
}

/** The function a command argument names: a tree node or `{name}`, or a name. */
function functionNameArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() === '' ? undefined : arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string') {
    const { kind, name } = arg as { kind?: unknown; name: string };
    if (kind === undefined || kind === 'function') return name;
  }
  return undefined;
}

class FunctionActions {
  constructor(
    private readonly ctx: Ctx,
    private readonly tree: FunctionsTree,
  ) {}

  /**
   * `durableStudio.function.runNow(fn?, input?)`: `fn` is a node, a name or `RunNowArgs`. Resolves true once the
   * host accepted the run (false when cancelled); for an orchestration, with the started instance id.
   */
  async runNow(target: unknown, inputArg: unknown): Promise<boolean | string | undefined> {
    const connection = this.ctx.connections.require();
    const info = await this.pick(target, 'Run which function now?', (f) => ADMIN_RUNNABLE.has(f.kind));
    if (!info) return false;
    const given = optionsArg<RunNowArgs>(target);
    let input = stringArg(inputArg) ?? (typeof given?.input === 'string' ? given.input : undefined);
    if (info.kind === 'orchestration') {
      let value: unknown;
      if (input === undefined) {
        const answer = await askJson(`Start ${info.name}`, 'Input (JSON, optional)');
        if (!answer) return false;
        value = answer.value;
      } else {
        value = input === '' ? undefined : (JSON.parse(input) as unknown);
      }
      return vscode.commands.executeCommand<string>('durableStudio.instance.start', { name: info.name, input: value });
    }
    if (!ADMIN_RUNNABLE.has(info.kind)) {
      throw new Error(
        `${info.name} is ${info.kind === 'http' ? 'an HTTP' : `an ${info.kind}`} function: Run Now invokes timer, queue, blob and other triggers.`,
      );
    }
    const question = runInputPrompt(info);
    if (input === undefined && question) {
      input = await vscode.window.showInputBox({ title: `Run ${info.name} now`, ...question, ignoreFocusOut: true });
      if (input === undefined) return false;
    }
    const outcome = this.outcomeOf(info.name);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Starting ${info.name}` },
        () => connection.client.runFunction(info.name, input ?? ''),
      );
    } catch (error) {
      outcome.cancel();
      throw error;
    }
    this.ctx.log.info(`Run Now: ${info.name} accepted`);
    if (connection.isEmulator) {
      void this.report(info.name, outcome);
    } else {
      // Other hosts announce no outcome: their log says how the run went.
      outcome.cancel();
      vscode.window.setStatusBarMessage(`Durable Studio: ${connection.label} accepted the run of ${info.name}`, 5000);
    }
    return true;
  }

  /** `durableStudio.function.copyUrl(fn?)`: copies the URL of an HTTP function; resolves with it. */
  async copyUrl(target: unknown): Promise<string | undefined> {
    const connection = this.ctx.connections.require();
    const info = await this.pick(target, 'Copy the URL of which HTTP function?', (f) => f.kind === 'http');
    if (!info) return undefined;
    if (connection.isEmulator && info.kind !== 'http') throw new Error(`${info.name} is not an HTTP function.`);
    // The host knows its route prefix (host.json); an emulator without the admin route gets the default `api`.
    let listed: string | undefined;
    try {
      listed = await connection.client.getFunctionUrl(info.name);
    } catch (error) {
      if (!connection.isEmulator) throw error;
    }
    if (!listed && !connection.isEmulator) throw new Error(`${info.name} is not an HTTP function.`);
    const url = listed ?? `${connection.baseUrl.replace(/\/+$/, '')}${httpRoute({ ...info, methods: [] })}`;
    await vscode.env.clipboard.writeText(url);
    vscode.window.setStatusBarMessage(`Durable Studio: copied ${url}`, 3000);
    return url;
  }

  /** The function an argument names (read from the list), or the one the user picks. */
  private async pick(
    target: unknown,
    title: string,
    suggest: (f: FunctionInfo) => boolean,
  ): Promise<FunctionInfo | undefined> {
    const connection = this.ctx.connections.require();
    let name = functionNameArg(target);
    if (!connection.isEmulator) {
      // Only the emulator lists functions: another host's function is named (its admin API checks the name).
      name ??= (
        await vscode.window.showInputBox({
          title,
          prompt: `The function's name on ${connection.label}`,
          validateInput: (text) => (text.trim() === '' ? 'Enter a name.' : undefined),
          ignoreFocusOut: true,
        })
      )?.trim();
      return name ? { name, kind: 'other', runsLocally: true } : undefined;
    }
    await this.tree.whenLoaded();
    if (name === undefined) {
      const entries = this.tree.model.roots().flatMap((node) => [node, ...this.tree.model.children(node)]);
      const infos = entries.flatMap((node) => (node.kind === 'function' ? [this.tree.model.get(node.name)!.info] : []));
      name = await pickOrType(
        title,
        'Function name',
        infos.filter(suggest).map((f) => ({ label: f.name, description: f.kind })),
      );
      if (!name) return undefined;
    }
    const known = this.tree.model.get(name)?.info;
    if (known) return known;
    const listed = (await connection.client.getFunctions()).find((f) => f.name === name);
    if (!listed) throw new Error(`The app has no function named '${name}'.`);
    return listed;
  }

  /** Waits for the end of the next Run Now of `name` (its `function` event with reason `manual`). */
  private outcomeOf(name: string): { promise: Promise<FunctionChange | undefined>; cancel(): void } {
    let settle: (change: FunctionChange | undefined) => void = () => undefined;
    const promise = new Promise<FunctionChange | undefined>((resolve) => (settle = resolve));
    const subscriptions: { dispose(): void }[] = [];
    const finish = (change: FunctionChange | undefined): void => {
      for (const s of subscriptions.splice(0)) s.dispose();
      settle(change);
    };
    const timer = setTimeout(() => finish(undefined), OUTCOME_WAIT_MS);
    subscriptions.push(
      { dispose: () => clearTimeout(timer) },
      this.tree.onDidChangeFunction((change) => {
        if (change.name === name && change.reason === 'manual' && change.status !== 'Running') finish(change);
      }),
      this.ctx.connections.onDidChangeConnection(() => finish(undefined)),
    );
    return { promise, cancel: () => finish(undefined) };
  }

  private async report(name: string, outcome: { promise: Promise<FunctionChange | undefined> }): Promise<void> {
    try {
      const change = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Running ${name}` },
        () => outcome.promise,
      );
      if (!change || change.status === 'Running') {
        vscode.window.setStatusBarMessage(`Durable Studio: ${name} was started; its outcome was not reported`, 5000);
        return;
      }
      const text = runOutcomeText(name, change.status, change.durationMs, change.error);
      const show =
        change.status === 'Succeeded'
          ? vscode.window.showInformationMessage(text, 'Show Log')
          : vscode.window.showErrorMessage(text, 'Show Log');
      if ((await show) === 'Show Log') await vscode.commands.executeCommand('durableStudio.emulator.showLog');
    } catch (error) {
      this.ctx.log.error(`Reporting the run of ${name} failed: ${describeError(error)}`);
    }
  }
}
