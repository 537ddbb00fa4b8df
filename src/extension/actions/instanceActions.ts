/**
 * The commands on one orchestration instance: start, raise event, terminate, suspend, resume, rewind, restart,
 * purge, fire the pending timer, copy the id, open the status JSON. Each works from a tree item (the node is the
 * first argument), from the palette (it asks for what is missing) and from code (`executeCommand` with plain
 * arguments, documented per command; no question is asked when the arguments say everything). The tree updates
 * from the change stream; these commands only act and confirm.
 */
import * as vscode from 'vscode';
import type { RuntimeStatus } from '../api/index.js';
import type { Ctx } from '../ctx.js';
import type { InstanceEntry } from '../views/instancesModel.js';
import type { InstancesTree } from '../views/instancesTree.js';
import { instanceStatusUri, type JsonDocuments } from '../views/jsonDocuments.js';
import { formatTime } from '../views/timeFormat.js';
import { instanceIdArg, optionsArg, stringArg } from './args.js';
import { askJson, askText, confirm, pickInstance, pickOrchestrator, pickOrType } from './prompts.js';
import { instanceIdProblem } from './validation.js';

/** `durableStudio.instance.start` arguments; with `name`, nothing is asked. */
export interface StartArgs {
  /** The orchestrator function's name. */
  name: string;
  /** Any JSON-serialisable value; no input when absent. */
  input?: unknown;
  /** The id to start under; generated when absent. */
  instanceId?: string;
  /** Select the new instance in the Instances view (default true). */
  reveal?: boolean;
}

/** `durableStudio.instance.restart` options. */
export interface RestartArgs {
  /** Restart under a new generated id (true, the default) or the same id (false). */
  newInstanceId?: boolean;
}

/** `durableStudio.instance.purge` options. */
export interface PurgeArgs {
  /** Ask the user first (default true). */
  confirm?: boolean;
}

const ACTIVE: ReadonlySet<RuntimeStatus> = new Set(['Running', 'Pending', 'Suspended']);
const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export function registerInstanceActions(ctx: Ctx, tree: InstancesTree, documents: JsonDocuments): void {
  const actions = new InstanceActions(ctx, tree, documents);
  ctx.registerCommand('durableStudio.instance.start', (args?: Partial<StartArgs>) => actions.start(args));
  ctx.registerCommand('durableStudio.instance.raiseEvent', (target?: unknown, eventName?: unknown, data?: unknown) =>
    actions.raiseEvent(target, eventName, data),
  );
  ctx.registerCommand('durableStudio.instance.terminate', (target?: unknown, reason?: unknown) =>
    actions.terminate(target, reason),
  );
  ctx.registerCommand('durableStudio.instance.suspend', (target?: unknown, reason?: unknown) =>
    actions.simple('suspend', target, reason),
  );
  ctx.registerCommand('durableStudio.instance.resume', (target?: unknown, reason?: unknown) =>
    actions.simple('resume', target, reason),
  );
  ctx.registerCommand('durableStudio.instance.rewind', (target?: unknown, reason?: unknown) =>
    actions.rewind(target, reason),
  );
  ctx.registerCommand('durableStudio.instance.restart', (target?: unknown, options?: unknown) =>
    actions.restart(target, optionsArg<RestartArgs>(options)),
  );
  ctx.registerCommand('durableStudio.instance.purge', (target?: unknown, options?: unknown) =>
    actions.purge(target, optionsArg<PurgeArgs>(options)),
  );
  ctx.registerCommand('durableStudio.instance.fireTimer', (target?: unknown) => actions.fireTimer(target));
  ctx.registerCommand('durableStudio.instance.copyId', (target?: unknown) => actions.copyId(target));
  ctx.registerCommand('durableStudio.instance.openStatus', (target?: unknown) => actions.openStatus(target));
}

class InstanceActions {
  constructor(
    private readonly ctx: Ctx,
    private readonly tree: InstancesTree,
    private readonly documents: JsonDocuments,
  ) {}

  /**
   * `durableStudio.instance.start(args?: StartArgs)`: starts an orchestration and resolves with its instance id
   * (undefined when cancelled). Without `args.name` it asks for the orchestrator, an optional id and the input.
   */
  async start(args?: Partial<StartArgs>): Promise<string | undefined> {
    const connection = this.ctx.connections.require();
    const given = args && typeof args === 'object' && typeof args.name === 'string' ? args : undefined;
    let name: string;
    let instanceId: string | undefined;
    let input: unknown;
    if (given?.name) {
      ({ name, instanceId, input } = given);
      const problem = instanceId !== undefined ? instanceIdProblem(instanceId) : undefined;
      if (problem) throw new Error(problem);
    } else {
      const picked = await pickOrchestrator(connection);
      if (!picked) return undefined;
      name = picked;
      const typedId = await vscode.window.showInputBox({
        title: `Start ${name}`,
        prompt: 'Instance id (optional: empty for a generated one)',
        validateInput: instanceIdProblem,
        ignoreFocusOut: true,
      });
      if (typedId === undefined) return undefined;
      instanceId = typedId.trim() || undefined;
      const answer = await askJson(`Start ${name}`, 'Input (JSON, optional)');
      if (!answer) return undefined;
      input = answer.value;
    }
    const id = await connection.client.startOrchestration(name, {
      ...(instanceId !== undefined ? { instanceId } : {}),
      ...(input !== undefined ? { input } : {}),
    });
    this.ctx.log.info(`Started ${name} as '${id}'`);
    vscode.window.setStatusBarMessage(`Durable Studio: started ${name} (${id})`, 4000);
    if (given?.reveal !== false) await this.tree.revealInstance(id);
    return id;
  }

  /**
   * `durableStudio.instance.raiseEvent(instance?, eventName?, data?)`: `instance` is an id or a tree node. With
   * `eventName`, `data` (any JSON value, or undefined for none) is sent as is; otherwise it asks for the event
   * name (suggesting what the instance waits for) and the payload.
   */
  async raiseEvent(target: unknown, eventNameArg: unknown, data: unknown): Promise<boolean> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Raise event on which instance?', (e) =>
      ACTIVE.has(e.runtimeStatus),
    );
    if (!instanceId) return false;
    let eventName = stringArg(eventNameArg);
    let payload = data;
    if (eventName === undefined) {
      const details = connection.isEmulator ? await connection.client.getInstanceDetails(instanceId) : undefined;
      eventName = await pickOrType(
        `Raise event on ${instanceId}`,
        details?.waitingFor.length ? 'Pick an event the instance waits for, or type a name' : 'Type the event name',
        (details?.waitingFor ?? []).map((label) => ({ label, description: 'waiting for it' })),
      );
      if (!eventName) return false;
      const answer = await askJson(`Raise ${eventName} on ${instanceId}`, 'Event data (JSON, optional)');
      if (!answer) return false;
      payload = answer.value;
    }
    await connection.client.raiseEvent(instanceId, eventName, payload);
    vscode.window.setStatusBarMessage(`Durable Studio: raised ${eventName} on ${instanceId}`, 4000);
    return true;
  }

  /** `durableStudio.instance.terminate(instance?, reason?)`: with a reason (even empty), nothing is asked. */
  async terminate(target: unknown, reasonArg: unknown): Promise<boolean> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Terminate which instance?', (e) => ACTIVE.has(e.runtimeStatus));
    if (!instanceId) return false;
    let reason = stringArg(reasonArg);
    if (reason === undefined) {
      reason = await askText(
        `Terminate ${instanceId}`,
        'Reason (optional). Enter terminates the instance; Escape cancels.',
      );
      if (reason === undefined) return false;
    }
    await connection.client.terminate(instanceId, reason || undefined);
    vscode.window.setStatusBarMessage(`Durable Studio: terminated ${instanceId}`, 4000);
    return true;
  }

  /** `durableStudio.instance.suspend|resume(instance?, reason?)`. */
  async simple(operation: 'suspend' | 'resume', target: unknown, reasonArg: unknown): Promise<boolean> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(
      target,
      operation === 'suspend' ? 'Suspend which instance?' : 'Resume which instance?',
      operation === 'suspend'
        ? (e) => e.runtimeStatus === 'Running' || e.runtimeStatus === 'Pending'
        : (e) => e.runtimeStatus === 'Suspended',
    );
    if (!instanceId) return false;
    const reason = stringArg(reasonArg) || undefined;
    if (operation === 'suspend') await connection.client.suspend(instanceId, reason);
    else await connection.client.resume(instanceId, reason);
    vscode.window.setStatusBarMessage(
      `Durable Studio: ${operation === 'suspend' ? 'suspended' : 'resumed'} ${instanceId}`,
      4000,
    );
    return true;
  }

  /** `durableStudio.instance.rewind(instance?, reason?)`: a Failed instance; with a reason, nothing is asked. */
  async rewind(target: unknown, reasonArg: unknown): Promise<boolean> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Rewind which instance?', (e) => e.runtimeStatus === 'Failed');
    if (!instanceId) return false;
    let reason = stringArg(reasonArg);
    if (reason === undefined) {
      reason = await askText(`Rewind ${instanceId}`, 'Reason (optional). Enter rewinds; Escape cancels.');
      if (reason === undefined) return false;
    }
    await connection.client.rewind(instanceId, reason || undefined);
    vscode.window.setStatusBarMessage(`Durable Studio: rewinding ${instanceId}`, 4000);
    return true;
  }

  /**
   * `durableStudio.instance.restart(instance?, options?: RestartArgs)`: resolves with the restarted instance's id.
   * Without `options.newInstanceId` it asks whether to use a new id.
   */
  async restart(target: unknown, options: Partial<RestartArgs> | undefined): Promise<string | undefined> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Restart which instance?');
    if (!instanceId) return undefined;
    let newInstanceId = options?.newInstanceId;
    if (newInstanceId === undefined) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'New instance id', description: 'a new instance with the same input', newId: true },
          { label: 'Same instance id', description: `replace ${instanceId} (if it has finished)`, newId: false },
        ],
        { title: `Restart ${instanceId}`, ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      newInstanceId = picked.newId;
    }
    const id = await connection.client.restart(instanceId, { newInstanceId });
    vscode.window.setStatusBarMessage(`Durable Studio: restarted ${instanceId} as ${id}`, 4000);
    await this.tree.revealInstance(id);
    return id;
  }

  /**
   * `durableStudio.instance.purge(instance?, options?: PurgeArgs)`: deletes a finished instance's history after
   * a confirmation (`{confirm: false}` skips it); resolves with the number deleted.
   */
  async purge(target: unknown, options: Partial<PurgeArgs> | undefined): Promise<number> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Purge which instance?', (e) => TERMINAL.has(e.runtimeStatus));
    if (!instanceId) return 0;
    if (options?.confirm !== false) {
      const ok = await confirm(
        `Purge instance ${instanceId}?`,
        'Its history, input and output are deleted for good.',
        'Purge',
      );
      if (!ok) return 0;
    }
    const deleted = await connection.client.purge(instanceId);
    void vscode.window.showInformationMessage(
      deleted > 0 ? `Durable Studio: purged ${instanceId}.` : `Durable Studio: ${instanceId} was already gone.`,
    );
    return deleted;
  }

  /**
   * `durableStudio.instance.fireTimer(instance?)`: fires the instance's earliest pending timer now (emulator only).
   * Resolves true when one fired; says so when there is none.
   */
  async fireTimer(target: unknown): Promise<boolean> {
    const connection = this.ctx.connections.requireEmulator('Firing a timer');
    const instanceId = await this.instanceId(target, 'Fire the timer of which instance?', (e) => e.hasPendingTimer);
    if (!instanceId) return false;
    const timers = (await connection.client.getTimers(instanceId)).sort((a, b) => a.fireAt.localeCompare(b.fireAt));
    const timer = timers[0];
    if (!timer) {
      void vscode.window.showInformationMessage(`Durable Studio: ${instanceId} has no pending timer.`);
      return false;
    }
    await connection.client.fireTimer(instanceId, timer.timerId);
    vscode.window.setStatusBarMessage(
      `Durable Studio: fired timer ${timer.timerId} of ${instanceId} (due ${formatTime(Date.parse(timer.fireAt), this.tree.now())})`,
      4000,
    );
    return true;
  }

  /** `durableStudio.instance.copyId(instance?)`: resolves with the id copied. */
  async copyId(target: unknown): Promise<string | undefined> {
    const instanceId = await this.instanceId(target, 'Copy the id of which instance?');
    if (!instanceId) return undefined;
    await vscode.env.clipboard.writeText(instanceId);
    vscode.window.setStatusBarMessage(`Durable Studio: copied ${instanceId}`, 3000);
    return instanceId;
  }

  /** `durableStudio.instance.openStatus(instance?)`: opens the status as read-only JSON; resolves with the document. */
  async openStatus(target: unknown): Promise<vscode.TextDocument | undefined> {
    const connection = this.ctx.connections.require();
    const instanceId = await this.instanceId(target, 'Open the status of which instance?');
    if (!instanceId) return undefined;
    const status = await connection.client.getStatus(instanceId, { showHistory: false, showInput: true });
    if (!status) throw new Error(`There is no instance '${instanceId}' on ${connection.label}.`);
    return this.documents.open(instanceStatusUri(instanceId));
  }

  private async instanceId(
    target: unknown,
    title: string,
    accept?: (entry: InstanceEntry) => boolean,
  ): Promise<string | undefined> {
    const given = instanceIdArg(target);
    if (given !== undefined) return given;
    const picked = await pickInstance(this.tree, title, accept);
    return picked?.trim() || undefined;
  }
}
