/**
 * What the client can do (read from `initialize`) and what the server offers in return. The server pulls nothing
 * it was not offered: diagnostics are pulled only by clients that announce `textDocument.diagnostic`, settings read
 * only from clients that answer `workspace/configuration`, file events registered only where dynamic registration
 * is supported (VS Code's client creates the file watchers then).
 */
import {
  CodeActionKind,
  TextDocumentSyncKind,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { pathOfUri } from './documentHost.js';
import { DIAGNOSTIC_SOURCE } from './protocol.js';

export interface ClientFeatures {
  /** The client pulls diagnostics (`textDocument/diagnostic`); else they are pushed. */
  pull: boolean;
  /** The client re-pulls on `workspace/diagnostic/refresh`. */
  refresh: boolean;
  /** The client answers `workspace/configuration`; else settings come with `didChangeConfiguration`. */
  configuration: boolean;
  /** The client watches files for the server when asked (`client/registerCapability`). */
  watchedFiles: boolean;
  /** The client reports workspace folder changes. */
  workspaceFolders: boolean;
}

export function clientFeatures(params: InitializeParams): ClientFeatures {
  const { textDocument, workspace } = params.capabilities;
  return {
    pull: textDocument?.diagnostic !== undefined,
    refresh: workspace?.diagnostics?.refreshSupport === true,
    configuration: workspace?.configuration === true,
    watchedFiles: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolders: workspace?.workspaceFolders === true,
  };
}

/** The workspace folders' paths (folders that are not `file:` URIs are not linted). */
export function workspaceFolderPaths(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return uris.flatMap((uri) => pathOfUri(uri, '') ?? []);
}

export function serverCapabilities(features: ClientFeatures): ServerCapabilities {
  return {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    // Findings of one file depend on others (helpers): the client re-pulls open files when another changes.
    ...(features.pull
      ? {
          diagnosticProvider: {
            identifier: DIAGNOSTIC_SOURCE,
            interFileDependencies: true,
            workspaceDiagnostics: false,
          },
        }
      : {}),
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}
