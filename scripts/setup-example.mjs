#!/usr/bin/env node
// Prepares the bundled example app (examples/app) so Durable Studio can serve it:
//   1. installs its dependencies (npm ci, or npm install when there is no lock file),
//      but only when node_modules is missing or older than package-lock.json / package.json;
//   2. compiles it (npm run build -> dist/src/functions/*.js).
// Run by `npm start` and `npm test` from the repository root. No dependencies; needs network
// access to the npm registry only for the install step.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(repoRoot, 'examples', 'app');
const appLabel = relative(process.cwd(), appDir) || '.';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function log(message) {
    console.log(`[setup-example] ${message}`);
}

function fail(message) {
    console.error(`[setup-example] ERROR: ${message}`);
    process.exit(1);
}

function mtime(path) {
    try {
        return statSync(path).mtimeMs;
    } catch {
        return undefined;
    }
}

/** Runs npm with the given arguments in the example app; exits the process on failure. */
function runNpm(args, what) {
    const result = spawnSync(npm, args, {
        cwd: appDir,
        stdio: ['ignore', 'inherit', 'inherit'],
        // npm.cmd can only be started through a shell on Windows.
        shell: process.platform === 'win32',
        env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' },
    });
    if (result.error) {
        fail(`${what} failed: could not run npm (${result.error.message}). Is npm on the PATH?`);
    }
    if (result.status !== 0) {
        const reason = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
        fail(`${what} ${reason} (in ${appLabel}). Fix the error above, then rerun \`npm run example:setup\`.`);
    }
}

if (!existsSync(join(appDir, 'package.json'))) {
    fail(`${appLabel}/package.json not found; is this a complete Durable Studio checkout?`);
}

// Step 1: dependencies.
const lockFile = join(appDir, 'package-lock.json');
const packageJson = join(appDir, 'package.json');
// npm writes node_modules/.package-lock.json on every install; its mtime is the install time.
const installMarker = join(appDir, 'node_modules', '.package-lock.json');
const hasLock = existsSync(lockFile);
const installedAt = mtime(installMarker) ?? mtime(join(appDir, 'node_modules'));
// With a lock file, npm ci must rerun when the lock changed; without one, when package.json did.
const manifestTime = (hasLock ? mtime(lockFile) : mtime(packageJson)) ?? 0;

if (installedAt === undefined) {
    log(`installing dependencies (${hasLock ? 'npm ci' : 'npm install'}): node_modules is missing`);
    runNpm(hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], 'dependency install');
} else if (installedAt < manifestTime) {
    log(`installing dependencies (${hasLock ? 'npm ci' : 'npm install'}): node_modules is older than ${hasLock ? 'package-lock.json' : 'package.json'}`);
    runNpm(hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], 'dependency install');
} else {
    log('dependencies are up to date (skipping npm ci)');
}

// Step 2: compile.
log('building the example app (npm run build)');
runNpm(['run', 'build', '--silent'], 'build');

if (!existsSync(join(appDir, 'dist', 'src', 'functions'))) {
    fail(`the build did not produce ${appLabel}/dist/src/functions; check tsconfig.json`);
}
log(`ready: ${appLabel}`);
