/**
 * The UI scenarios run the extension as a user gets it: `npm run package`'s .vsix (built once per run with vsce,
 * from the current build), installed with code-server's `--install-extension`. This proves the package holds
 * everything: the extension, the bundled emulator and app worker, the webview and the media.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, REPO_ROOT } from './paths.js';
import type { Sandbox } from './sandbox.js';

let packaged: string | undefined;

/** Packages the extension (once per run) into a temporary folder and returns the .vsix path. */
export function packageVsix(): string {
  if (packaged && fs.existsSync(packaged)) return packaged;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ds-vsix-')), 'durable-studio.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links'];
  const result = spawnSync(process.execPath, [...args, '--out', out], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`vsce package failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  packaged = out;
  return out;
}

/**
 * Installs the .vsix into the sandbox's extensions folder, the way `code --install-extension` does. Asynchronous, so
 * that the scenarios running meanwhile in other lanes are not held up.
 */
export async function installVsix(sandbox: Sandbox, vsix: string): Promise<void> {
  const args = [
    CODE_SERVER_ENTRY,
    '--user-data-dir',
    sandbox.userDataDir,
    '--extensions-dir',
    sandbox.extensionsDir,
    '--install-extension',
    vsix,
  ];
  const failure = await new Promise<string | undefined>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: sandbox.root, env: { ...process.env, ...sandbox.env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => resolve(error ? `${error.message}\n${stdout}${stderr}` : undefined),
    );
  });
  const installed = fs.readdirSync(sandbox.extensionsDir).some((name) => name.startsWith('durable-studio.'));
  if (failure !== undefined || !installed)
    throw new Error(`Installing ${vsix} failed: ${failure ?? 'nothing installed'}`);
}
