/**
 * The replay runtime on the TypeScript example app (examples/app, built by `npm run example:setup`): suspended
 * lines are mapped to the .ts sources through the compiler's source maps, and the host's transformed `showHistory`
 * exports (test/unit/history-fixtures, recorded from the emulator running this app) are rebuilt into the wire
 * form and replay without a divergence: events, entities and a critical section, continue-as-new, fan-out/fan-in,
 * HTTP, sub-orchestrations and retries.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadHistoryFile } from '../../src/debugger/historyInput.js';
import { InProcessReplayHost } from '../../src/debugger/replayHost.js';
import { computePositions } from '../../src/debugger/replayRun.js';

const REPO = path.resolve(__dirname, '../..');
const APP = path.join(REPO, 'examples/app');
const FIXTURES = path.join(__dirname, 'history-fixtures');

let host: InProcessReplayHost;
before(async () => {
  host = new InProcessReplayHost(APP);
  await host.start();
});
after(() => host.stop());

describe('replay of the TypeScript example app', () => {
  it('maps suspended lines to the .ts sources', async () => {
    const positions = await computePositions(host, loadHistoryFile(path.join(FIXTURES, 'hello-1.json')));
    assert.deepEqual(
      positions.map((p) => {
        const site = p.observation.suspendedAt;
        return site ? `${path.relative(APP, site.file)}:${site.line}` : '-';
      }),
      [
        'src/functions/helloSequence.ts:14',
        'src/functions/helloSequence.ts:15',
        'src/functions/helloSequence.ts:16',
        '-',
      ],
    );
  });

  it('fan-out/fan-in stops on the Task.all line', async () => {
    const positions = await computePositions(host, loadHistoryFile(path.join(FIXTURES, 'fan-1.json')));
    const lines = positions.map((p) => p.observation.suspendedAt?.line ?? null);
    assert.equal(lines[0], 22);
    assert.ok(
      lines.slice(1, -1).every((line) => line === 28),
      String(lines),
    );
    assert.equal(lines.at(-1), null);
  });

  const exported = fs.readdirSync(FIXTURES).filter((name) => /-\d\.json$/.test(name));
  for (const name of exported) {
    it(`${name} replays without a divergence`, async () => {
      const instance = loadHistoryFile(path.join(FIXTURES, name));
      assert.equal(instance.reconstructed, true);
      const positions = await computePositions(host, instance);
      assert.ok(positions.length > 0);
      assert.equal(positions.find((p) => p.divergence)?.divergence?.message, undefined);
    });
  }
});
