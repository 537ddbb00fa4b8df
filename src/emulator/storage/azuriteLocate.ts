/**
 * Where the `azurite` package comes from (it is about 200 MB with its dependencies and never bundled): the app's
 * own `node_modules/azurite`, else the one next to Durable Studio (this repository, or an npm install that has it),
 * else a cache folder (`$XDG_CACHE_HOME/durable-studio/azurite-<version>`, `~/.cache` by default) where it is
 * installed once with npm.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { AppConfigError } from '../appConfigError.js';

export const AZURITE_VERSION = '3.35.0';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Azurite's CLI script (`dist/src/azurite.js`) in the package folder `dir`, if it is there. */
function script(dir: string): string | undefined {
  const file = path.join(dir, 'dist', 'src', 'azurite.js');
  return fs.existsSync(file) ? file : undefined;
}

function resolvedFrom(base: string): string | undefined {
  try {
    return script(path.dirname(createRequire(base).resolve('azurite/package.json')));
  } catch {
    return undefined;
  }
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(root, 'durable-studio', `azurite-${AZURITE_VERSION}`);
}

/** The path of Azurite's CLI script, installing Azurite into the cache folder when no copy is found. */
export async function locateAzurite(appDir: string, log: Log): Promise<string> {
  // DURABLE_STUDIO_AZURITE_DIR names an installed `azurite` package folder to use before any other.
  const given = process.env['DURABLE_STUDIO_AZURITE_DIR'];
  const found =
    (given ? script(given) : undefined) ??
    resolvedFrom(path.join(appDir, 'package.json')) ??
    resolvedFrom(__filename) ??
    script(path.join(cacheDir(), 'node_modules', 'azurite'));
  if (found) return found;
  const cache = cacheDir();
  log('info', `[azurite] Azurite ${AZURITE_VERSION} is not installed: installing it once into ${cache} ...`);
  await npmInstall(cache, log);
  const installed = script(path.join(cache, 'node_modules', 'azurite'));
  if (!installed) throw new AppConfigError(`Azurite was installed into ${cache} but its script is missing`);
  log('info', `[azurite] Azurite ${AZURITE_VERSION} installed.`);
  return installed;
}

function npmInstall(prefix: string, log: Log): Promise<void> {
  fs.mkdirSync(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `azurite@${AZURITE_VERSION}`];
  const advice =
    `install Azurite yourself: \`npm install --save-dev azurite@${AZURITE_VERSION}\` in the app folder ` +
    `(or \`npm install --prefix ${prefix} azurite@${AZURITE_VERSION}\`)`;
  return new Promise((resolve, reject) => {
    const child = spawn(npm, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const relay = (chunk: Buffer): void => {
      for (const line of chunk.toString().split(/\r?\n/)) if (line.trim()) log('info', `[azurite] npm: ${line}`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new AppConfigError(
          error.code === 'ENOENT'
            ? `the app uses storage but npm was not found to fetch Azurite: ${advice}`
            : error.message,
        ),
      ),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new AppConfigError(`npm could not install Azurite (exit code ${code}): ${advice}`)),
    );
  });
}
