/**
 * Triggers and bindings the emulator does not support yet are never ignored silently: the start-up banner names
 * every function it will not run and every binding it will not honour, and each value a function sets on an
 * output the emulator cannot write is logged when it is set (and only then).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, startEmulator, startOrchestration, waitFor, waitForStatus, type Emulator } from './harness.js';

const DISCARDED = 'is not supported by the emulator yet: the value set by the function was discarded';

function linesMatching(emu: Emulator, pattern: RegExp): string[] {
  return emu
    .output()
    .split('\n')
    .filter((line) => pattern.test(line));
}

describe('unsupported triggers and bindings', () => {
  test('the banner lists them, and each discarded output value is logged once', async (t) => {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'bindings') });
    t.after(() => emu.stop());

    const banner = emu.output().slice(emu.output().indexOf('Functions:'), emu.output().indexOf('Management API:'));
    const expected = [
      /^ {2}backupSiteContent: \[GET\] http:\/\/localhost:\d+\/api\/backup$/,
      /^ {4}input binding 'cosmosDBInput\w+' \(cosmosDB\): not supported by the emulator yet, the function receives no value$/,
      /^ {4}output binding 'cosmosDBOutput\w+' \(cosmosDB\): not supported by the emulator yet, values set by the function are discarded$/,
      /^ {2}notify: activity$/,
      /^ {4}output binding '\$return' \(serviceBus\): not supported by the emulator yet, values set by the function are discarded$/,
      /^ {2}notifyAll: orchestration$/,
      /^ {2}startInOtherHub: \[POST\] http:\/\/localhost:\d+\/api\/start\/\{name\}$/,
      /^ {2}timerCleanup: timer '0 \*\/5 \* \* \* \*', next run \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      /^ {2}queueWorker: serviceBusTrigger, not run by the emulator; invoke by hand: POST http:\/\/localhost:\d+\/admin\/functions\/queueWorker$/,
    ];
    const lines = banner.split('\n').slice(1, -1);
    assert.equal(lines.length, expected.length, banner);
    expected.forEach((pattern, i) => assert.match(lines[i]!, pattern));

    // An HTTP function: a call that sets nothing logs nothing; the next one, which sets the blob, logs one line.
    const blobLine = new RegExp(
      `\\[backupSiteContent\\] output binding 'cosmosDBOutput\\w+' \\(cosmosDB\\) ${DISCARDED}`,
    );
    const quiet = await fetch(`${emu.url}/api/backup`);
    assert.equal(await quiet.text(), 'backed up');
    const written = await fetch(`${emu.url}/api/backup?write=1`);
    assert.equal(written.status, 200, 'the function still succeeds');
    assert.equal(await written.text(), 'backed up');
    await waitFor(() => linesMatching(emu, blobLine).length > 0, 'the discarded blob output in the log');
    assert.equal(linesMatching(emu, blobLine).length, 1, emu.output());

    // An activity with a queue `return` output: the first call returns nothing, the second a value.
    const queueLine = new RegExp(`\\[notify\\] output binding '\\$return' \\(serviceBus\\) ${DISCARDED}`);
    const id = await startOrchestration(emu, 'notifyAll');
    const status = await waitForStatus(emu, id);
    assert.equal(status.runtimeStatus, 'Completed', JSON.stringify(status));
    assert.equal(status.output, 'done', 'the activity result itself still reaches the orchestration');
    await waitFor(() => linesMatching(emu, queueLine).length > 0, 'the discarded queue output in the log');
    assert.equal(linesMatching(emu, queueLine).length, 1, emu.output());
    assert.doesNotMatch(emu.output(), /\[azurite\]|Storage:/, 'an app without storage bindings starts no Azurite');
  });
});
