/**
 * Helpers for the extension-host tests: the extension's API, waiting on state with a deadline (never a sleep), and
 * the workspace's example app.
 */
import * as vscode from 'vscode';
import type { DurableStudioApi } from '../../../src/extension/main.js';

export const EXTENSION_ID = 'durable-studio.durable-studio';

/** Activates the extension under test (a no-op when it is active) and returns its API. */
export async function activateExtension(): Promise<DurableStudioApi> {
  const extension = vscode.extensions.getExtension<DurableStudioApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this window`);
  return extension.activate();
}

/** The extension's package.json as VS Code read it. */
export function packageJson(): {
  contributes: { commands: { command: string; title: string }[]; views: Record<string, { id: string }[]> };
} {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this window`);
  return extension.packageJSON;
}

/**
 * Resolves with the first truthy value `probe` returns, checking every `intervalMs`; rejects after `timeoutMs` with
 * `what` and the last value seen. For state without an event to wait on (a status bar text, a tree's children).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError instanceof Error ? `; last error: ${lastError.message}` : `; last value: ${String(last)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves with the first event `event` fires that satisfies `accept`; rejects after `timeoutMs`. */
export function waitForEvent<T>(
  what: string,
  event: vscode.Event<T>,
  accept: (value: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** The example app's folder: the first workspace folder (a temporary copy of examples/app). */
export function appFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The e2e tests need a workspace folder (the copy of examples/app)');
  return folder.uri;
}

/** Starts the emulator through its command and returns the running API (fails the test when it does not run). */
export async function startEmulator(api: DurableStudioApi): Promise<{ port: number; url: string }> {
  await vscode.commands.executeCommand('durableStudio.emulator.start');
  const state = api.ctx.emulator.state;
  if (state.kind !== 'running') {
    throw new Error(`The emulator did not start: ${state.kind === 'failed' ? state.reason : state.kind}`);
  }
  return { port: state.port, url: state.url };
}
