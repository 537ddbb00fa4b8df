/**
 * The host runs every kind of app unmodified: CommonJS, ES modules, TypeScript (compiled) and the bundled
 * example, each through its own HTTP starter (the durable client inside the app talks back to the emulator).
 * Also: host.json routePrefix and the host status route.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, REPO, startEmulator, waitFor, type Emulator, copyFixture } from './harness.js';

const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
}

/** POSTs to the app's own starter and follows statusQueryGetUri until the instance completes. */
async function runThroughStarter(emu: Emulator, starterPath: string, expected: unknown): Promise<void> {
  const res = await fetch(`${emu.url}${starterPath}`, { method: 'POST' });
  assert.equal(res.status, 202, await res.clone().text());
  const body = (await res.json()) as CheckStatus;
  assert.ok(body.id);
  // The client's URLs point at this emulator, not at localhost:7071 (WEBSITE_HOSTNAME quirk).
  assert.equal(new URL(body.statusQueryGetUri).port, String(emu.port));
  assert.equal(res.headers.get('location'), body.statusQueryGetUri);
  const status = await waitFor(async () => {
    const s = (await (await fetch(body.statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
    return s.runtimeStatus === 'Completed' || s.runtimeStatus === 'Failed' ? s : undefined;
  }, `${starterPath} instance ${body.id} to finish`);
  assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status));
  assert.deepEqual(status.output, expected);
}

describe('apps of every flavour run through their HTTP starter', () => {
  before(() => {
    // Builds test/fixtures/ts-app/dist (git-ignored).
    execFileSync(
      process.execPath,
      [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(FIXTURES, 'ts-app')],
      {
        cwd: REPO,
        stdio: 'pipe',
      },
    );
  });

  test('CommonJS fixture (both starter styles) and host status', async (t) => {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
    t.after(() => emu.stop());
    const hostStatus = await fetch(`${emu.url}/admin/host/status`);
    assert.equal(hostStatus.status, 200);
    assert.equal(((await hostStatus.json()) as { state: string }).state, 'Running');
    await runThroughStarter(emu, '/api/orchestrators/helloSequence', HELLO);
    await runThroughStarter(emu, '/api/client/start/helloSequence', HELLO);
  });

  test('ES module fixture', async (t) => {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'js-esm') });
    t.after(() => emu.stop());
    await runThroughStarter(emu, '/api/orchestrators/helloSequence', HELLO);
  });

  test('TypeScript fixture (compiled dist/)', async (t) => {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'ts-app') });
    t.after(() => emu.stop());
    await runThroughStarter(emu, '/api/orchestrators/helloSequence', HELLO);
  });

  test('examples/app', async (t) => {
    const emu = await startEmulator({ app: path.join(REPO, 'examples/app') });
    t.after(() => emu.stop());
    await runThroughStarter(emu, '/api/orchestrators/helloSequence', HELLO);
  });
});

describe('host.json routePrefix', () => {
  const copy = copyFixture('js-esm', 'prefix');
  before(() => {
    const hostFile = path.join(copy, 'host.json');
    const host = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as { extensions: { http: { routePrefix: string } } };
    host.extensions.http.routePrefix = 'custom/v1';
    fs.writeFileSync(hostFile, JSON.stringify(host, null, 2));
  });

  test('triggers are served under the configured prefix only', async (t) => {
    const emu = await startEmulator({ app: copy });
    t.after(() => emu.stop());
    assert.match(emu.output(), /\/custom\/v1\/orchestrators\/\{orchestratorName\}/);
    const wrong = await fetch(`${emu.url}/api/orchestrators/helloSequence`, { method: 'POST' });
    assert.equal(wrong.status, 404);
    await runThroughStarter(emu, '/custom/v1/orchestrators/helloSequence', HELLO);
  });
});
