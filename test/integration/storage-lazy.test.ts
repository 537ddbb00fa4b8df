/**
 * Start-up without storage bindings costs nothing: no Azurite, and neither the storage bundle (dist/storage.js)
 * nor any Azure Storage SDK is loaded into the emulator's process. The emulator runs in this test's process so its
 * module cache can be inspected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEmulator } from '../../src/emulator/emulator.js';
import * as storageLoader from '../../src/emulator/storage/load.js';
import { FIXTURES, tempDir } from './harness.js';

test('an app without storage bindings loads no storage SDK and answers 404 on the Storage API', async (t) => {
  const lines: string[] = [];
  const emu = await startEmulator({
    appDir: path.join(FIXTURES, 'js-cjs'),
    port: 0,
    storeDir: tempDir('ds-lazy-'),
    log: (_level, message) => lines.push(message),
  });
  t.after(() => emu.stop());
  assert.equal(emu.storage, undefined);
  assert.equal(storageLoader.storageBundleLoaded, false);
  const loaded = Object.keys(require.cache).filter((file) =>
    /@azure[\\/](storage-queue|storage-blob|data-tables)|[\\/]dist[\\/]storage\.js$|[\\/]azurite[\\/]/.test(file),
  );
  assert.deepEqual(loaded, []);
  assert.ok(!lines.some((line) => line.includes('[azurite]')), lines.join('\n'));
  const res = await fetch(`${emu.url}/emulator/v1/storage/queues`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { Message: 'The app uses no storage bindings.' });
});
