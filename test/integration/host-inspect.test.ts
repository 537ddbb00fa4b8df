/**
 * --inspect=<port>: the app worker (dist/worker.js) listens for a debugger, the emulator process does not, and
 * a replacement worker (code reload) listens on the same port again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { freePort } from '../../src/protocol/freePort.js';
import path from 'node:path';
import { REPO, startEmulator, startOrchestration, waitFor, waitForStatus, copyFixture } from './harness.js';

interface Target {
  id: string;
  url: string;
  webSocketDebuggerUrl?: string;
}

async function targets(port: number): Promise<Target[]> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  return (await res.json()) as Target[];
}

const app = copyFixture('js-cjs', 'inspect');

test('--inspect=<port> opens the inspector in the worker only', async (t) => {
  const port = await freePort();
  const emu = await startEmulator({ app, args: [`--inspect=${port}`, '--watch'] });
  t.after(() => emu.stop());
  const workerUrl = new URL(`file://${path.join(REPO, 'dist/worker.js')}`).href;

  const list = await waitFor(async () => {
    const found = await targets(port);
    return found.length > 0 ? found : undefined;
  }, `the inspector on port ${port}`);
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0]!.url, workerUrl);
  // The emulator runs no inspector of its own (on the default port or anywhere else it would be listed).
  const listening = [...emu.output().matchAll(/Debugger listening on ws:\/\/[^:]+:(\d+)\//g)].map((m) => Number(m[1]));
  assert.ok(
    listening.every((p) => p === port),
    `inspectors: ${listening.join(', ')}`,
  );
  const defaultPort = await fetch('http://127.0.0.1:9229/json/list').then(
    async (res) => ((await res.json()) as Target[]).filter((target) => target.url.endsWith('/dist/cli.js')),
    () => [],
  );
  assert.deepEqual(defaultPort, []);

  // The app works with the inspector on (nothing waits for a debugger to attach).
  const id = await startOrchestration(emu, 'helloSequence');
  assert.equal((await waitForStatus(emu, id)).runtimeStatus, 'Completed');

  // A reloaded worker takes the same inspector port over.
  const file = path.join(app, 'src/functions/hello.js');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('`Hello ${name}!`', '`Hey ${name}!`'));
  await waitFor(() => /Code changed: reloaded/.test(emu.output()), 'the reload');
  const relisted = await waitFor(async () => {
    const found = await targets(port);
    return found.length === 1 && found[0]!.id !== list[0]!.id ? found : undefined;
  }, 'the new worker on the inspector port');
  assert.equal(relisted[0]!.url, workerUrl);
  assert.doesNotMatch(emu.output(), /address already in use/i);
  const after = await startOrchestration(emu, 'helloSequence');
  assert.deepEqual((await waitForStatus(emu, after)).output, ['Hey Tokyo!', 'Hey Seattle!', 'Hey London!']);
});
