#!/usr/bin/env node
// Prepares what the end-to-end tests (test/e2e) need on this machine, offline except for Debian's packages and
// the npm registry. Idempotent: when everything is in place it only checks and prints one line per item.
//   1. System packages: Chromium (the browser the tests drive), ripgrep (seeds code-server's install), and the
//      headers code-server's native modules build against (libkrb5-dev, libsecret-1-dev). Installed with apt-get
//      when we are root; otherwise the script says what to install.
//   2. code-server@4.100.3 (VS Code 1.100.3, the newest release for Node 20) in a cache folder outside the
//      repository: $DURABLE_STUDIO_CACHE or ~/.cache/durable-studio. Its install downloads ripgrep from GitHub,
//      which is not reachable here, so the download cache is seeded with Debian's rg first.
// See docs/design/vscode-testing.md for why each step is needed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
/** The @vscode/ripgrep version code-server 4.100.3 depends on, and the ripgrep release it downloads. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev', 'libsecret-1-dev'];
const CHROMIUM = process.env.DURABLE_STUDIO_CHROMIUM || '/usr/bin/chromium';

const cacheRoot = process.env.DURABLE_STUDIO_CACHE || join(homedir(), '.cache', 'durable-studio');
const installDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const codeServerDir = join(installDir, 'node_modules', 'code-server');
const entry = join(codeServerDir, 'out', 'node', 'entry.js');
/** Written after a complete install; an interrupted install has entry.js but not this. */
const readyMarker = join(installDir, '.installed');
/** A native module built by the postinstall: present in complete installs made before the marker existed. */
const nativeModule = join(codeServerDir, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');

function log(message) {
  console.log(`[e2e-setup] ${message}`);
}

function fail(message) {
  console.error(`[e2e-setup] ERROR: ${message}`);
  process.exit(1);
}

/** Runs a command with inherited output; exits the process when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
    fail(`\`${command} ${args.join(' ')}\` ${how}`);
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The Debian packages not installed (all of them when dpkg is unknown and the files are missing). */
function missingPackages(needCodeServer) {
  const wanted = needCodeServer ? APT_PACKAGES : ['chromium'];
  if (!onPath('dpkg-query')) {
    return [...(existsSync(CHROMIUM) ? [] : ['chromium']), ...(needCodeServer && !onPath('rg') ? ['ripgrep'] : [])];
  }
  return wanted.filter((name) => {
    if (name === 'chromium' && existsSync(CHROMIUM)) return false;
    const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return status.status !== 0 || !status.stdout.includes('install ok installed');
  });
}

function installSystemPackages(needCodeServer) {
  if (process.env.DURABLE_STUDIO_CHROMIUM && !existsSync(CHROMIUM)) {
    fail(`DURABLE_STUDIO_CHROMIUM is set to ${CHROMIUM}, which does not exist`);
  }
  const missing = missingPackages(needCodeServer);
  if (missing.length === 0) {
    log(
      `system packages present (${existsSync(CHROMIUM) ? CHROMIUM : 'chromium'}${needCodeServer ? ', rg, headers' : ''})`,
    );
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    fail(
      `missing system packages: ${missing.join(' ')}. Install them (Debian/Ubuntu: ` +
        `\`sudo apt-get install -y ${missing.join(' ')}\`), or point DURABLE_STUDIO_CHROMIUM at a Chromium binary.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing system packages with apt-get: ${missing.join(' ')}`);
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', ...missing], { env });
  if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} does not exist`);
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks before it tries to download from GitHub. */
function seedRipgrepCache() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (!arch || process.platform !== 'linux') fail(`unsupported platform ${process.platform}/${process.arch}`);
  const folder = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const tarball = join(folder, `ripgrep-${RIPGREP_RELEASE}-${arch}-unknown-linux-musl.tar.gz`);
  if (existsSync(tarball)) {
    log(`ripgrep cache already seeded: ${tarball}`);
    return;
  }
  const rgDir = ['/usr/bin', '/usr/local/bin'].find((dir) => existsSync(join(dir, 'rg')));
  if (!rgDir) fail('ripgrep (rg) is not installed; install the Debian package `ripgrep`');
  mkdirSync(folder, { recursive: true });
  log(`seeding the ripgrep download cache from ${rgDir}/rg: ${tarball}`);
  run('tar', ['-czf', tarball, '-C', rgDir, 'rg']);
}

function installCodeServer() {
  log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about a minute; builds native modules)`);
  mkdirSync(installDir, { recursive: true });
  writeFileSync(join(installDir, 'package.json'), '{"private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(
    npm,
    [
      'install',
      `code-server@${CODE_SERVER_VERSION}`,
      '--save-exact',
      '--foreground-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    {
      cwd: installDir,
      env: {
        ...process.env,
        // code-server's postinstall refuses root without this; node-pty's runs `npx node-gyp`, which asks.
        npm_config_unsafe_perm: 'true',
        npm_config_yes: 'true',
        npm_config_update_notifier: 'false',
      },
    },
  );
  if (!existsSync(entry)) fail(`npm install finished but ${entry} does not exist`);
  writeFileSync(readyMarker, `${new Date().toISOString()}\n`);
}

const started = Date.now();
const codeServerReady = existsSync(entry) && (existsSync(readyMarker) || existsSync(nativeModule));
installSystemPackages(!codeServerReady);
if (codeServerReady) {
  log(`code-server ${CODE_SERVER_VERSION} present: ${codeServerDir}`);
} else {
  seedRipgrepCache();
  installCodeServer();
  log(`code-server ${CODE_SERVER_VERSION} installed: ${codeServerDir}`);
}
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
