/**
 * Read-only JSON documents for an entity's state and an instance's status, served by `TextDocumentContentProvider`s
 * on the `durable-entity` and `durable-status` schemes. An open document is re-read when the live stream says its
 * entity or instance changed (coalesced per document), and when the explorer's host changes.
 */
import * as vscode from 'vscode';
import type { ChangeEvent } from '../api/index.js';
import type { Ctx } from '../ctx.js';
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

export class JsonDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly pending = new Map<string, vscode.Uri>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      this.changeEmitter,
      vscode.workspace.registerTextDocumentContentProvider(ENTITY_SCHEME, this),
      vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, this),
      ctx.connections.onDidReceiveChange((change) => this.onChange(change)),
      ctx.connections.onDidChangeConnection(() => this.rereadAll()),
      // Changes made while the stream was not open were not delivered.
      ctx.connections.onDidChangeStreamState((state) => {
        if (state.kind === 'open' && state.reconnected) this.rereadAll();
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const client = this.ctx.connections.require().client;
    if (uri.scheme === ENTITY_SCHEME) {
      const id = parseEntityStatePath(uri.path);
      if (!id) throw new Error(`Not an entity document: ${uri.toString()}`);
      return documentJson(await client.getEntity(id.name, id.key));
    }
    const instanceId = parseInstanceStatusPath(uri.path);
    if (instanceId === undefined) throw new Error(`Not an instance status document: ${uri.toString()}`);
    return documentJson(await client.getStatus(instanceId, { showHistory: false, showInput: true }));
  }

  /** Opens (or shows again, re-read) a document as JSON in a preview editor; resolves with it. */
  async open(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const alreadyOpen = vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString());
    if (alreadyOpen) this.changeEmitter.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
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
      for (const pendingUri of uris) this.changeEmitter.fire(pendingUri);
    }, COALESCE_MS);
  }
}
