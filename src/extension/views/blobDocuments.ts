/**
 * Read-only documents for text blobs, on the `durable-blob` scheme (`durable-blob:/<container>/<blob name>`), so
 * the editor picks the language from the blob's extension. The text is read when the document is (re)opened.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { blobText } from './storagePresentation.js';

export const BLOB_SCHEME = 'durable-blob';

export function blobUri(container: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BLOB_SCHEME, path: `/${container}/${name}` });
}

/** `{container, name}` of a blob document's URI. */
export function parseBlobUri(uri: vscode.Uri): { container: string; name: string } | undefined {
  const match = /^\/([^/]+)\/(.+)$/s.exec(uri.path);
  return match ? { container: match[1]!, name: match[2]! } : undefined;
}

export class BlobDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.disposables = [this.changeEmitter, vscode.workspace.registerTextDocumentContentProvider(BLOB_SCHEME, this)];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const blob = parseBlobUri(uri);
    if (!blob) throw new Error(`Not a blob document: ${uri.toString()}`);
    const content = await this.ctx.connections.require().client.storage.readBlob(blob.container, blob.name);
    return blobText(content.bytes, content.contentType) ?? `(binary content, ${content.bytes.length} bytes)`;
  }

  /** Opens the blob's text in a preview editor (read again when already open); resolves with the document. */
  async open(container: string, name: string): Promise<vscode.TextDocument> {
    const uri = blobUri(container, name);
    if (vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString())) {
      this.changeEmitter.fire(uri);
    }
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
