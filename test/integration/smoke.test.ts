import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, startEmulator, startOrchestration, waitForStatus } from './harness.js';

test('a hello sequence completes on the CommonJS fixture', async (t) => {
  const emu = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
  t.after(() => emu.stop());
  const id = await startOrchestration(emu, 'helloSequence');
  const status = await waitForStatus(emu, id);
  assert.equal(status.runtimeStatus, 'Completed');
  assert.deepEqual(status.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
});
