/**
 * A throw-away world for one code-server: a workspace that is a copy of examples/app, code-server's user data with
 * quiet settings, an empty extensions folder, and its own HOME/XDG folders so nothing is written to the real `~`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_APP } from './paths.js';

export interface Sandbox {
  readonly root: string;
  /** The folder VS Code opens: a copy of examples/app. */
  readonly workspace: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** HOME, XDG_CONFIG_HOME, XDG_DATA_HOME for code-server and everything it starts. */
  readonly env: Record<string, string>;
  remove(): void;
}

/** User settings that keep the workbench quiet and offline, and make the emulator take any free port. */
export const USER_SETTINGS: Record<string, unknown> = {
  'durableStudio.emulator.port': 0,
  'durableStudio.emulator.watch': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'task.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  // The emulator's port would be "forwarded" (a notification and a status bar item): noise on a local machine.
  'remote.autoForwardPorts': false,
  'files.watcherExclude': { '**/node_modules/**': true, '**/.durable-studio/**': true },
  'search.followSymlinks': false,
};

/** What a workspace copy leaves out (and then links or copies back): the store and the installed/built app. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.durable-studio']);

/** code-server's output, in the sandbox root; `keepLogs` copies it out. */
export const CODE_SERVER_LOG = 'code-server.log';
/** What the workbench page logged (host tests), in the sandbox root; `keepLogs` copies it out. */
export const WORKBENCH_LOG = 'workbench.log';

/**
 * Copies the logs out of the sandbox into `dir`: `<prefix>-code-server.log`, `<prefix>-workbench.log` (when the
 * page's console was recorded), `<prefix>-extension.log` (the extension's own log) and `<prefix>-exthost.log` (every
 * window's extension host, one after the other). Returns the paths written.
 */
export function keepLogs(sandbox: Sandbox, dir: string, prefix: string): string[] {
  const written: string[] = [];
  const write = (name: string, files: string[]) => {
    if (files.length === 0) return;
    const target = path.join(dir, `${prefix}-${name}.log`);
    const text = files
      .sort()
      .map((file) => (files.length > 1 ? `==> ${file}\n` : '') + fs.readFileSync(file, 'utf8'))
      .join('\n');
    fs.writeFileSync(target, text);
    written.push(target);
  };
  const own = (name: string) => [path.join(sandbox.root, name)].filter((file) => fs.existsSync(file));
  write('code-server', own(CODE_SERVER_LOG));
  write('workbench', own(WORKBENCH_LOG));
  const found: Record<string, string[]> = { 'Durable Studio.log': [], 'remoteexthost.log': [] };
  const logsDir = path.join(sandbox.userDataDir, 'logs');
  if (fs.existsSync(logsDir)) {
    for (const entry of fs.readdirSync(logsDir, { recursive: true, withFileTypes: true })) {
      const list = found[entry.name];
      if (entry.isFile() && list) list.push(path.join(entry.parentPath, entry.name));
    }
  }
  write('extension', found['Durable Studio.log']!);
  write('exthost', found['remoteexthost.log']!);
  return written;
}

export function createSandbox(name: string): Sandbox {
  const appFunctions = path.join(EXAMPLE_APP, 'dist', 'src', 'functions');
  if (!fs.existsSync(path.join(EXAMPLE_APP, 'node_modules')) || !fs.existsSync(appFunctions)) {
    throw new Error('examples/app is not installed and built: run `npm run example:setup`.');
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `durable-e2e-${name}-`));
  const workspace = path.join(root, 'example-app');
  fs.cpSync(EXAMPLE_APP, workspace, {
    recursive: true,
    filter: (source) => path.dirname(source) !== EXAMPLE_APP || !NOT_COPIED.has(path.basename(source)),
  });
  // The emulator loads the app's packages and compiled code: share the installed packages, copy the build.
  fs.symlinkSync(path.join(EXAMPLE_APP, 'node_modules'), path.join(workspace, 'node_modules'), 'dir');
  fs.cpSync(path.join(EXAMPLE_APP, 'dist'), path.join(workspace, 'dist'), { recursive: true });

  const userDataDir = path.join(root, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(extensionsDir);
  const home = path.join(root, 'home');
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
  };
  for (const dir of Object.values(env)) fs.mkdirSync(dir, { recursive: true });

  return {
    root,
    workspace,
    userDataDir,
    extensionsDir,
    env,
    remove: () => fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}
