/**
 * The Entities view's commands: refresh, open an entity's state as read-only JSON, signal an entity (operation
 * and JSON input; from an entity-name node it asks for the key; the operations its entities ran are suggested),
 * copy an entity id (`@name@key`).
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import type { HostConnection } from '../connection/hostConnection.js';
import { entityIdString } from '../views/entitiesModel.js';
import type { EntitiesTree } from '../views/entitiesTree.js';
import { entityStateUri, type JsonDocuments } from '../views/jsonDocuments.js';
import { entityArg, optionsArg, stringArg } from './args.js';
import { askJson, pickOrType } from './prompts.js';
import { operationSuggestions } from '../views/entityPresentation.js';

/** `durableStudio.entity.signal` arguments given as one object; with `operation`, nothing is asked. */
export interface SignalArgs {
  name: string;
  key: string;
  operation: string;
  /** Any JSON value; no input when absent. */
  input?: unknown;
}

const RECENT_OPERATIONS_KEY = 'durableStudio.entities.recentOperations';

export function registerEntityActions(ctx: Ctx, tree: EntitiesTree, documents: JsonDocuments): void {
  const actions = new EntityActions(ctx, tree, documents);
  ctx.registerCommand('durableStudio.entities.refresh', () => tree.reload());
  ctx.registerCommand('durableStudio.entity.openState', (target?: unknown) => actions.openState(target));
  ctx.registerCommand('durableStudio.entity.signal', (target?: unknown, operation?: unknown, input?: unknown) =>
    actions.signal(target, operation, input),
  );
  ctx.registerCommand('durableStudio.entity.copyId', (target?: unknown) => actions.copyId(target));
}

class EntityActions {
  constructor(
    private readonly ctx: Ctx,
    private readonly tree: EntitiesTree,
    private readonly documents: JsonDocuments,
  ) {}

  /**
   * `durableStudio.entity.openState(entity?)`: `entity` is a tree node, `{name, key}` or `@name@key`. Opens the
   * state as a read-only JSON document (re-read when the entity changes); resolves with the document.
   */
  async openState(target: unknown): Promise<vscode.TextDocument | undefined> {
    const connection = this.ctx.connections.require();
    const id = await this.entity(connection, target, 'Open the state of which entity?');
    if (!id) return undefined;
    const state = await connection.client.getEntity(id.name, id.key);
    if (state === undefined) throw new Error(`Entity ${entityIdString(id.name, id.key)} has no state.`);
    return this.documents.open(entityStateUri(id.name, id.key));
  }

  /**
   * `durableStudio.entity.signal(entity?, operation?, input?)`: `entity` is a node, `@name@key`, or a
   * `SignalArgs` object (which may carry the operation and input itself). With an operation nothing is asked;
   * otherwise it asks for the key (from an entity-name node), the operation and the JSON input.
   */
  async signal(target: unknown, operationArg: unknown, inputArg: unknown): Promise<boolean> {
    const connection = this.ctx.connections.require();
    const given = optionsArg<SignalArgs>(target);
    const id = await this.entity(connection, target, 'Signal which entity?');
    if (!id) return false;
    let operation = stringArg(operationArg) ?? (typeof given?.operation === 'string' ? given.operation : undefined);
    let input = operationArg !== undefined ? inputArg : given?.input;
    if (operation === undefined) {
      const recent = this.ctx.extension.workspaceState.get<Record<string, string[]>>(RECENT_OPERATIONS_KEY, {});
      operation = await pickOrType(
        `Signal ${entityIdString(id.name, id.key)}`,
        'Operation name: pick one seen before or type any name',
        operationSuggestions(await this.operationsSeen(connection, id.name), recent[id.name] ?? []),
      );
      if (!operation) return false;
      const answer = await askJson(
        `Signal ${operation} to ${entityIdString(id.name, id.key)}`,
        'Input (JSON, optional)',
      );
      if (!answer) return false;
      input = answer.value;
      const ops = [operation, ...(recent[id.name] ?? []).filter((op) => op !== operation)].slice(0, 10);
      await this.ctx.extension.workspaceState.update(RECENT_OPERATIONS_KEY, { ...recent, [id.name]: ops });
    }
    await connection.client.signalEntity(id.name, id.key, operation, input);
    vscode.window.setStatusBarMessage(
      `Durable Studio: signalled ${operation} to ${entityIdString(id.name, id.key)}`,
      4000,
    );
    return true;
  }

  /** `durableStudio.entity.copyId(entity?)`: copies `@name@key`; resolves with it. */
  async copyId(target: unknown): Promise<string | undefined> {
    const connection = this.ctx.connections.require();
    const id = await this.entity(connection, target, 'Copy the id of which entity?');
    if (!id) return undefined;
    const text = entityIdString(id.name, id.key);
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Durable Studio: copied ${text}`, 3000);
    return text;
  }

  /** The operations the entities of a name ran or have waiting (the emulator tells them; other hosts do not). */
  private async operationsSeen(connection: HostConnection, name: string): Promise<string[]> {
    if (!connection.isEmulator) return [];
    try {
      const all = new Set<string>();
      for (const entity of await connection.client.getEntityDetails(name))
        for (const op of entity.operations) all.add(op);
      return [...all];
    } catch {
      return this.tree.model.operationsOf(name);
    }
  }

  /** The entity an argument names, asking for the name and/or key when it does not. */
  private async entity(
    connection: HostConnection,
    target: unknown,
    title: string,
  ): Promise<{ name: string; key: string } | undefined> {
    const given = entityArg(target);
    if (given?.key !== undefined) return { name: given.name, key: given.key };
    let name = given?.name;
    if (name === undefined) {
      const names = new Set(this.tree.model.names().map((n) => n.name));
      if (connection.isEmulator) {
        for (const f of await connection.client.getFunctions()) if (f.kind === 'entity') names.add(f.name);
      }
      name = await pickOrType(
        title,
        'Entity name',
        [...names].sort().map((label) => ({ label, description: `${this.tree.model.keyCount(label)} with state` })),
      );
      if (!name) return undefined;
    }
    const entityName = name;
    const key = await pickOrType(
      `${title} (${entityName})`,
      'Entity key: pick one or type a new one',
      this.tree.model.keys(entityName).map((node) => ({ label: node.key })),
    );
    if (key === undefined) return undefined;
    return { name: entityName, key };
  }
}
