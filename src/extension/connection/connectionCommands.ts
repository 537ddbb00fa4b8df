/**
 * Pointing the explorer at another Durable Functions host (a `func start` host, or a deployed app with its
 * `durabletask_extension` system key or master key, kept in VS Code's secret storage per host URL), and back.
 */
import * as vscode from 'vscode';
import { setContext } from '../contextKeys.js';
import type { Ctx } from '../ctx.js';
import { ManagementClient } from '../api/index.js';
import { hostUrlProblem, isLoopbackOrigin } from './hostUrl.js';

const SECRET_PREFIX = 'durableStudio.hostKey:';
const RECENT_HOSTS_KEY = 'durableStudio.recentHosts';

export function registerConnectionCommands(ctx: Ctx): void {
  ctx.registerCommand('durableStudio.connection.connectToHost', (url?: string, key?: string) =>
    connectToHost(ctx, url, key),
  );
  ctx.registerCommand('durableStudio.connection.useEmulator', () => useEmulator(ctx));
  ctx.registerCommand('durableStudio.connection.forgetKey', () => forgetKey(ctx));
}

async function connectToHost(ctx: Ctx, givenUrl?: string, givenKey?: string): Promise<boolean> {
  const recent = ctx.extension.globalState.get<string[]>(RECENT_HOSTS_KEY, []);
  const typed =
    givenUrl ??
    (await vscode.window.showInputBox({
      title: 'Durable Studio: connect to a Durable Functions host',
      prompt: 'The host URL: `func start` (http://localhost:7071) or a deployed app (https://<app>.azurewebsites.net)',
      value: recent[0] ?? 'http://localhost:7071',
      validateInput: hostUrlProblem,
      ignoreFocusOut: true,
    }));
  if (!typed) return false;
  const problem = hostUrlProblem(typed);
  if (problem) throw new Error(problem);
  const baseUrl = new URL(typed.trim()).origin;
  const secretName = SECRET_PREFIX + baseUrl;
  const isLocal = isLoopbackOrigin(baseUrl);
  let key = givenKey ?? (await ctx.extension.secrets.get(secretName));
  if (key === undefined && !isLocal) {
    key = await vscode.window.showInputBox({
      title: `Durable Studio: key for ${baseUrl}`,
      prompt: 'The durabletask_extension system key (or the master key). It is kept in VS Code secret storage.',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
  }
  const client = new ManagementClient({ baseUrl, ...(key ? { key } : {}) });
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Durable Studio: connecting to ${baseUrl}` },
    async () => {
      // One cheap request proves the URL and the key before the explorer switches.
      await client.listInstances({ top: 1, showInput: false });
    },
  );
  if (key) await ctx.extension.secrets.store(secretName, key);
  await ctx.extension.globalState.update(
    RECENT_HOSTS_KEY,
    [baseUrl, ...recent.filter((u) => u !== baseUrl)].slice(0, 5),
  );
  ctx.connections.connect({ kind: 'remote', baseUrl, label: new URL(baseUrl).host, ...(key ? { key } : {}) });
  setContext('durableStudio.remote', true);
  setContext('durableStudio.connectionState', 'connected');
  return true;
}

async function useEmulator(ctx: Ctx): Promise<void> {
  const state = ctx.emulator.state;
  if (state.kind === 'running') {
    ctx.connections.connect({ kind: 'emulator', baseUrl: state.url, label: `emulator :${state.port}` });
    setContext('durableStudio.connectionState', 'connected');
  } else {
    ctx.connections.disconnect();
    setContext('durableStudio.connectionState', state.kind === 'failed' ? 'failed' : 'stopped');
  }
  setContext('durableStudio.remote', false);
}

async function forgetKey(ctx: Ctx): Promise<void> {
  const recent = ctx.extension.globalState.get<string[]>(RECENT_HOSTS_KEY, []);
  const url = await vscode.window.showQuickPick(recent, { title: 'Durable Studio: forget the stored key of…' });
  if (!url) return;
  await ctx.extension.secrets.delete(SECRET_PREFIX + url);
  void vscode.window.showInformationMessage(`Durable Studio: the key for ${url} is forgotten.`);
}
