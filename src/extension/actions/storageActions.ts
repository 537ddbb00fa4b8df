/**
 * The Storage view's commands: refresh, Add Message… to a queue, Open a blob (text in a read-only editor; binary
 * content is said to be so, with Save As…), Upload… a file to a container. Each works from a tree node, from the
 * palette (it asks), and from code with plain arguments (nothing is asked when they say everything). Every
 * request shows progress; the view re-reads what the action changed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import type { BlobDocuments } from '../views/blobDocuments.js';
import { blobNameProblem, blobText, contentTypeFor, formatSize } from '../views/storagePresentation.js';
import type { StorageTree } from '../views/storageTree.js';
import { optionsArg, stringArg } from './args.js';
import { pickOrType } from './prompts.js';

/** `durableStudio.storage.uploadBlob` options; with both, nothing is asked. */
export interface UploadArgs {
  /** Absolute path of the file to upload. */
  file?: string;
  /** The blob name (may contain `/`); the file's name when absent. */
  name?: string;
}

export function registerStorageActions(ctx: Ctx, tree: StorageTree, documents: BlobDocuments): void {
  const actions = new StorageActions(ctx, tree, documents);
  ctx.registerCommand('durableStudio.storage.refresh', () => tree.reload());
  ctx.registerCommand('durableStudio.storage.addMessage', (target?: unknown, text?: unknown) =>
    actions.addMessage(target, text),
  );
  ctx.registerCommand('durableStudio.storage.openBlob', (target?: unknown) => actions.openBlob(target));
  ctx.registerCommand('durableStudio.storage.uploadBlob', (target?: unknown, options?: unknown) =>
    actions.uploadBlob(target, optionsArg<UploadArgs>(options)),
  );
}

function record(arg: unknown): Record<string, unknown> | undefined {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? (arg as Record<string, unknown>) : undefined;
}

/** A queue or container named by a node of that kind, `{name}`, or a string. */
function nameArg(arg: unknown, kind: 'queue' | 'container'): string | undefined {
  if (typeof arg === 'string') return arg.trim() === '' ? undefined : arg;
  const r = record(arg);
  if (r && typeof r.name === 'string' && (r.kind === undefined || r.kind === kind)) return r.name;
  if (r && kind === 'container' && typeof r.container === 'string') return r.container;
  return undefined;
}

class StorageActions {
  constructor(
    private readonly ctx: Ctx,
    private readonly tree: StorageTree,
    private readonly documents: BlobDocuments,
  ) {}

  /** `durableStudio.storage.addMessage(queue?, text?)`: adds a message; resolves with its id. */
  async addMessage(target: unknown, textArg: unknown): Promise<string | undefined> {
    const storage = this.storage();
    const queue = nameArg(target, 'queue') ?? (await this.pick('Add a message to which queue?', 'queue'));
    if (!queue) return undefined;
    let text = stringArg(textArg);
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: `Add a message to ${queue}`,
        prompt: 'The message text (a function triggered by this queue gets it as is)',
        placeHolder: 'Text or JSON, e.g. {"orderId": 42}',
        ignoreFocusOut: true,
      });
      if (text === undefined) return undefined;
    }
    const id = await this.withProgress(`Adding a message to ${queue}`, () => storage.addMessage(queue, text));
    vscode.window.setStatusBarMessage(`Durable Studio: message added to ${queue}`, 4000);
    await this.tree.refreshQueue(queue);
    return id;
  }

  /**
   * `durableStudio.storage.openBlob(blob)`: `blob` is a node or `{container, name}`. Text opens in a read-only
   * editor (resolves with the document); binary content is said to be so (resolves undefined).
   */
  async openBlob(target: unknown): Promise<vscode.TextDocument | undefined> {
    const storage = this.storage();
    const r = record(target);
    const container = typeof r?.container === 'string' ? r.container : undefined;
    const name = typeof r?.name === 'string' ? r.name : undefined;
    if (!container || !name) throw new Error('Open a blob from the Storage view (or pass {container, name}).');
    const content = await this.withProgress(`Reading ${container}/${name}`, () => storage.readBlob(container, name));
    if (blobText(content.bytes, content.contentType) !== undefined) return this.documents.open(container, name);
    const type = content.contentType ? `, ${content.contentType}` : '';
    const message = `${container}/${name} is binary (${formatSize(content.bytes.length)}${type}): it is not opened as text.`;
    // Not awaited: the command is done; the notification stays until it is dismissed.
    void vscode.window.showInformationMessage(message, 'Save As…').then(async (choice) => {
      if (choice !== 'Save As…') return;
      const uri = await vscode.window.showSaveDialog({ saveLabel: 'Save Blob', title: `Save ${name}` });
      if (uri) await vscode.workspace.fs.writeFile(uri, content.bytes);
    });
    return undefined;
  }

  /** `durableStudio.storage.uploadBlob(container?, {file?, name?})`: uploads a file; resolves with the blob name. */
  async uploadBlob(target: unknown, options: Partial<UploadArgs> | undefined): Promise<string | undefined> {
    const storage = this.storage();
    const container = nameArg(target, 'container') ?? (await this.pick('Upload to which container?', 'container'));
    if (!container) return undefined;
    let file = options?.file;
    if (file === undefined) {
      const picked = await vscode.window.showOpenDialog({
        title: `Upload to ${container}`,
        openLabel: 'Upload',
        canSelectMany: false,
      });
      if (!picked?.[0]) return undefined;
      file = picked[0].fsPath;
    }
    let name = options?.name;
    if (name === undefined && options?.file === undefined) {
      name = await vscode.window.showInputBox({
        title: `Upload ${path.basename(file)} to ${container}`,
        prompt: 'Blob name (may contain "/" for folders)',
        value: path.basename(file),
        validateInput: blobNameProblem,
        ignoreFocusOut: true,
      });
      if (name === undefined) return undefined;
    }
    const blobName = (name ?? path.basename(file)).trim();
    const problem = blobNameProblem(blobName);
    if (problem) throw new Error(problem);
    const source = file;
    await this.withProgress(
      `Uploading ${blobName} to ${container}`,
      async () => {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(source));
        await storage.uploadBlob(container, blobName, bytes, contentTypeFor(blobName));
      },
      true,
    );
    vscode.window.setStatusBarMessage(`Durable Studio: uploaded ${container}/${blobName}`, 4000);
    this.tree.refreshContainer(container);
    return blobName;
  }

  private storage() {
    return this.ctx.connections.requireEmulator('The Storage view').client.storage;
  }

  /** The app's queues or containers to choose from (or a typed name). */
  private async pick(title: string, kind: 'queue' | 'container'): Promise<string | undefined> {
    await this.tree.whenLoaded();
    const info = this.tree.model.info;
    if (!info) throw new Error('The app uses no storage bindings.');
    const names = kind === 'queue' ? info.queues : info.containers;
    return pickOrType(
      title,
      kind === 'queue' ? 'Queue name' : 'Container name',
      names.map((label) => ({ label })),
    );
  }

  /** Short requests show in the status bar; an upload (of any size) as a notification. */
  private withProgress<T>(title: string, task: () => Promise<T>, long = false): Promise<T> {
    const location = long ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    return Promise.resolve(vscode.window.withProgress({ location, title: `${title}…` }, task));
  }
}
