import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, startEmulator, startOrchestration, waitForStatus } from './harness.js';

test('an app with HTTP streaming gets a clear 501 on its HTTP triggers and a warning; durable functions still run', async (t) => {
  const emu = await startEmulator({ app: path.join(FIXTURES, 'http-stream') });
  t.after(() => emu.stop());
  const response = await fetch(`${emu.url}/api/hello`);
  assert.equal(response.status, 501);
  assert.match(await response.text(), /enableHttpStream: true.*not supported/);
  assert.match(emu.output(), /enableHttpStream: true \}\) is not supported by the emulator yet/);
  const id = await startOrchestration(emu, 'helloStream');
  assert.equal((await waitForStatus(emu, id)).output, 'orchestrations still work');
});
