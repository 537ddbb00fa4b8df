/**
 * The extension's EmulatorProcess (src/extension/local/emulatorProcess.ts, no VS Code) against the real CLI: it
 * reports `running` with the URL the emulator chose, a start failure in the emulator's own words, a crash as
 * `failed`, a clean stop as `stopped`, and the emulator stops by itself when the editor's end of stdin closes. A
 * damaged store is told apart from other failures, its repair previewed, and a start with `repair` runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  EmulatorProcess,
  EmulatorStartError,
  previewStoreRepair,
  type EmulatorLaunch,
  type EmulatorState,
  type OutputLevel,
} from '../../src/extension/local/emulatorProcess.js';
import { CLI, FIXTURES, REPO, startOrchestration, tempDir, waitFor, waitForStatus } from './harness.js';

const APP = path.join(FIXTURES, 'js-cjs');

function launch(overrides: Partial<EmulatorLaunch> = {}): EmulatorLaunch {
  return {
    cliPath: CLI,
    nodePath: process.execPath,
    appDir: APP,
    port: 0,
    storeDir: tempDir(),
    watch: false,
    ...overrides,
  };
}

function recorder() {
  const lines: { level: OutputLevel; line: string }[] = [];
  const states: EmulatorState['kind'][] = [];
  const emulator = new EmulatorProcess((level, line) => lines.push({ level, line }));
  emulator.onStateChange((state) => states.push(state.kind));
  return { emulator, lines, states };
}

test('start resolves once the emulator serves requests, on the port it chose; stop ends it cleanly', async () => {
  const { emulator, lines, states } = recorder();
  const running = await emulator.start(launch());
  assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(running.port > 0);
  const status = await fetch(`${running.url}/admin/host/status`);
  assert.equal(((await status.json()) as { state: string }).state, 'Running');
  assert.ok(lines.some((l) => l.level === 'info' && l.line.includes('running at')));
  await assert.rejects(emulator.start(launch()), EmulatorStartError);
  await emulator.stop();
  assert.deepEqual(states, ['starting', 'running', 'stopping', 'stopped']);
  await assert.rejects(fetch(`${running.url}/admin/host/status`));
});

test('a start failure is the emulator’s own one-line reason, and the state says failed', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const { emulator, states } = recorder();
    await assert.rejects(emulator.start(launch({ port })), (error: unknown) => {
      assert.ok(error instanceof EmulatorStartError);
      assert.match(error.message, new RegExp(`${port}`));
      return true;
    });
    const state = emulator.state;
    assert.equal(state.kind, 'failed');
    assert.match(state.kind === 'failed' ? state.reason : '', /in use/i);
    assert.deepEqual(states, ['starting', 'failed']);
    // The failed state can be cleared; a new start on a free port works.
    await emulator.stop();
    assert.equal(emulator.state.kind, 'stopped');
    const running = await emulator.start(launch());
    assert.equal(emulator.state.kind, 'running');
    await emulator.stop();
    assert.ok(running.port !== port);
  } finally {
    blocker.close();
  }
});

test('an app folder that is not an app fails with a plain reason', async () => {
  const { emulator } = recorder();
  await assert.rejects(
    emulator.start(launch({ appDir: path.join(REPO, 'no-such-app') })),
    /no-such-app|not found|does not exist/i,
  );
  assert.equal(emulator.state.kind, 'failed');
});

test('an emulator that dies while running is reported as failed, with how it ended', async () => {
  const { emulator } = recorder();
  await emulator.start(launch());
  const pid = (await waitFor(() => findPid(emulator), 'the pid')) as number;
  process.kill(pid, 'SIGKILL');
  await waitFor(() => emulator.state.kind === 'failed', 'the failed state');
  const state = emulator.state;
  assert.match(state.kind === 'failed' ? state.reason : '', /killed \(SIGKILL\)/);
});

test('the emulator stops by itself when the editor’s end of stdin closes (the editor crashed)', async () => {
  const child = spawn(
    process.execPath,
    [CLI, 'start', '--app', APP, '--port', '0', '--store', tempDir(), '--stop-with-stdin'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('running at'), 'the emulator to start');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end();
  assert.equal(await exited, 0);
  assert.match(output, /the editor closed: stopping/);
});

test('a damaged store: failed with storeDamaged, the repair previewed, and a start with repair runs', async () => {
  const storeDir = tempDir();
  const { emulator } = recorder();
  const first = await emulator.start(launch({ storeDir }));
  const emu = { url: first.url } as Parameters<typeof startOrchestration>[0];
  for (const id of ['kept', 'damaged']) {
    await startOrchestration(emu, 'helloSequence', undefined, id);
    await waitForStatus(emu, id);
  }
  await emulator.stop(); // a clean stop: one document per instance
  const [doc] = fs.readdirSync(path.join(storeDir, 'instances')).filter((f) => f.startsWith('damaged.'));
  fs.writeFileSync(path.join(storeDir, 'instances', doc!), '{"instanceId": "damaged", "hist');

  await assert.rejects(emulator.start(launch({ storeDir })), /^EmulatorStartError: store damaged: /);
  const state = emulator.state;
  assert.equal(state.kind, 'failed');
  assert.equal(state.kind === 'failed' && state.storeDamaged, true);
  assert.match(state.kind === 'failed' ? state.reason : '', /start with --repair/);

  const preview = await previewStoreRepair(launch({ storeDir }));
  assert.equal(preview.damaged, true);
  assert.match(preview.report, /lose the instances: "damaged"/);
  assert.match(preview.report, /keep 0 of 0 journal lines and 1 of 2 documents/);

  await emulator.stop();
  const running = await emulator.start(launch({ storeDir, repair: true }));
  const status = await fetch(`${running.url}/runtime/webhooks/durabletask/instances/kept`);
  assert.equal(((await status.json()) as { runtimeStatus: string }).runtimeStatus, 'Completed');
  await emulator.stop();
  assert.deepEqual(await previewStoreRepair(launch({ storeDir })), {
    damaged: false,
    report: `The store ${storeDir} is not damaged: nothing to repair.`,
  });
  // Other failures are not a damaged store.
  await assert.rejects(emulator.start(launch({ appDir: path.join(REPO, 'no-such-app') })));
  assert.equal(emulator.state.kind === 'failed' && emulator.state.storeDamaged === true, false);
});

/** The child's pid, read through the process object the class owns (tests only). */
function findPid(emulator: EmulatorProcess): number | undefined {
  return (emulator as unknown as { child?: { pid?: number } }).child?.pid;
}
