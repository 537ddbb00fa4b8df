/**
 * Read-only JSON documents for an entity's state and an instance's status, served by `TextDocumentContentProvider`s
 * on the `durable-entity` and `durable-status` schemes. An entity's document is JSON with comments: a `//` header
 * with its name, key, last modification, lock owner and pending operations (entityPresentation.ts), then the state.
 * An open document is re-read when the live stream says its entity or instance changed (coalesced per document),
 * and when the explorer connects to a host (while disconnected, documents keep what they last showed). Each scheme
 * has its own change event: VS Code ignores, with a warning, a provider's events for another scheme.
 */
import * as vscode from 'vscode';
import type { ChangeEvent } from '../api/index.js';
import type { Ctx } from '../ctx.js';
import type { EntityEntry } from './entitiesModel.js';
import { entityDocument } from './entityPresentation.js';
import {
  documentJson,
  ENTITY_SCHEME,
  entityStatePath,
  instanceStatusPath,
  parseEntityStatePath,
  parseInstanceStatusPath,
  STATUS_SCHEME,
} from './documentPaths.js';

const COALESCE_MS = 150;

export function entityStateUri(name: string, key: string): vscode.Uri {
  return vscode.Uri.from({ scheme: ENTITY_SCHEME, path: entityStatePath(name, key) });
}

export function instanceStatusUri(instanceId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: STATUS_SCHEME, path: instanceStatusPath(instanceId) });
}

export class JsonDocuments implements vscode.Disposable {
  private readonly changed = {
    [ENTITY_SCHEME]: new vscode.EventEmitter<vscode.Uri>(),
    [STATUS_SCHEME]: new vscode.EventEmitter<vscode.Uri>(),
  };
  private readonly pending = new Map<string, vscode.Uri>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** What the Entities view knows of an entity (its last operation time, from hosts without the emulator's details). */
  knownEntity: (name: string, key: string) => EntityEntry | undefined = () => undefined;

  constructor(private readonly ctx: Ctx) {
    const provider = (scheme: typeof ENTITY_SCHEME | typeof STATUS_SCHEME): vscode.TextDocumentContentProvider => ({
      onDidChange: this.changed[scheme].event,
      provideTextDocumentContent: (uri) => this.provideTextDocumentContent(uri),
    });
    this.disposables.push(
      this.changed[ENTITY_SCHEME],
      this.changed[STATUS_SCHEME],
      vscode.workspace.registerTextDocumentContentProvider(ENTITY_SCHEME, provider(ENTITY_SCHEME)),
      vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, provider(STATUS_SCHEME)),
      ctx.connections.onDidReceiveChange((change) => this.onChange(change)),
      ctx.connections.onDidChangeConnection(() => this.rereadAll()),
      // Changes made while the stream was not open were not delivered.
      ctx.connections.onDidChangeStreamState((state) => {
        if (state.kind === 'open' && state.reconnected) this.rereadAll();
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const connection = this.ctx.connections.require();
    const client = connection.client;
    if (uri.scheme === ENTITY_SCHEME) {
      const id = parseEntityStatePath(uri.path);
      if (!id) throw new Error(`Not an entity document: ${uri.toString()}`);
      const [state, details] = await Promise.all([
        client.getEntity(id.name, id.key),
        connection.isEmulator
          ? client.getOneEntityDetails(id.name, id.key).catch(() => undefined)
          : Promise.resolve(undefined),
      ]);
      if (state === undefined) return documentJson(null);
      const known = this.knownEntity(id.name, id.key);
      const entry: EntityEntry | undefined = details
        ? {
            name: id.name,
            key: id.key,
            lastOperationTime: Date.parse(details.lastOperationTime),
            state,
            details: {
              lockedBy: details.lockedBy,
              backlogQueueSize: details.backlogQueueSize,
              operations: details.operations,
            },
          }
        : known && { name: id.name, key: id.key, lastOperationTime: known.lastOperationTime, state };
      return entityDocument(entry, id.name, id.key, state);
    }
    const instanceId = parseInstanceStatusPath(uri.path);
    if (instanceId === undefined) throw new Error(`Not an instance status document: ${uri.toString()}`);
    return documentJson(await client.getStatus(instanceId, { showHistory: false, showInput: true }));
  }

  /**
   * Opens (or shows again, re-read) a document in a preview editor, as JSON (an entity's as JSON with comments, for
   * its header); resolves with it.
   */
  async open(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const alreadyOpen = vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString());
    if (alreadyOpen) this.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    const language = uri.scheme === ENTITY_SCHEME ? 'jsonc' : 'json';
    if (document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  private fire(uri: vscode.Uri): void {
    if (uri.scheme === ENTITY_SCHEME || uri.scheme === STATUS_SCHEME) this.changed[uri.scheme].fire(uri);
  }

  private rereadAll(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === ENTITY_SCHEME || doc.uri.scheme === STATUS_SCHEME) this.schedule(doc.uri);
    }
  }

  private onChange(change: ChangeEvent): void {
    switch (change.type) {
      case 'entity':
      case 'entityDeleted':
        this.scheduleIfOpen(entityStateUri(change.entityName, change.entityKey));
        return;
      case 'instance':
      case 'instanceDeleted':
        this.scheduleIfOpen(instanceStatusUri(change.instanceId));
        return;
      case 'clock':
      case 'function':
        return;
    }
  }

  private scheduleIfOpen(uri: vscode.Uri): void {
    const text = uri.toString();
    if (vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === text)) this.schedule(uri);
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.set(uri.toString(), uri);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const uris = [...this.pending.values()];
      this.pending.clear();
      // Disconnected meanwhile: the documents keep what they show (they are read again on the next connection).
      if (!this.ctx.connections.current) return;
      for (const pendingUri of uris) this.fire(pendingUri);
    }, COALESCE_MS);
  }
}
