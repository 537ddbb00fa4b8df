/**
 * The test library's host with the whole app: a queue message (on a private in-memory Azurite) starts an
 * orchestration whose activity writes a blob that triggers another function; a failing queue function ends in the
 * poison queue; a blob function runs on `putBlob`; timers run only when fired, never on a 72-hour jump by default.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TestHost } from '../../src/testing/index.js';
import { FIXTURES } from './harness.js';

describe('TestHost with storage triggers and bindings', () => {
  let host: TestHost;
  before(async () => {
    host = await TestHost.start({ app: path.join(FIXTURES, 'storage'), log: () => undefined });
  });
  after(() => host.stop());

  it('enqueue runs the queue function; its orchestration writes a blob that triggers the blob function', async () => {
    const run = await host.enqueue('orders', { orderId: 't1' });
    assert.deepEqual(run, { ok: true, attempts: 1 });
    const result = await host.waitForCompletion('order-t1');
    assert.equal(result.output, 'written', result.summary);
    const blob = await host.storage.getBlob('receipts', 't1.txt');
    assert.equal(blob?.content.toString('utf8'), 'receipt for t1');
    // The receipt blob triggers onReceipt, which puts a message on receipt-done.
    const deadline = Date.now() + 10_000;
    let done: { text: string }[] = [];
    while (done.length === 0 && Date.now() < deadline) {
      await host.waitForIdle();
      done = await host.storage.peekMessages('receipt-done', 32);
    }
    assert.match(done[0]?.text ?? '', /"name":"t1"/);
  });

  it('a message the function always fails on ends in the poison queue after maxDequeueCount', async () => {
    const run = await host.enqueue('doomed', 'nope');
    assert.equal(run?.ok, false);
    assert.equal(run?.attempts, 2);
    assert.match(run?.error ?? '', /cannot handle "nope"/);
    // The listener moves the message to the poison queue once its last attempt has failed.
    const deadline = Date.now() + 10_000;
    let poison = await host.storage.peekMessages('doomed-poison', 32).catch(() => []);
    while (poison.length === 0 && Date.now() < deadline)
      poison = await host.storage.peekMessages('doomed-poison', 32).catch(() => []);
    assert.ok(
      poison.some((message) => message.text === 'nope'),
      JSON.stringify(poison),
    );
  });

  it('putBlob waits for the blob function; a blob nobody watches answers undefined', async () => {
    const run = await host.putBlob('receipts/by-hand.txt', 'written by the test');
    assert.deepEqual(run, { ok: true, attempts: 1 });
    assert.equal(await host.putBlob('elsewhere/x.txt', 'x'), undefined);
  });
});

describe('TestHost with timer triggers', () => {
  let host: TestHost;
  const lines: string[] = [];
  before(async () => {
    host = await TestHost.start({
      app: path.join(FIXTURES, 'triggers'),
      env: { REPORT_SCHEDULE: '0 */5 * * * *' },
      log: (_level, message) => lines.push(message),
    });
  });
  after(() => host.stop());

  it('a timer runs when fired, not on a clock jump; invoke runs an unsupported trigger by hand', async () => {
    await host.clock.advance('72h');
    assert.equal(lines.filter((line) => line.includes('MARK report')).length, 0, 'no scheduled run in manual mode');
    assert.deepEqual(await host.fireTimer('report'), { ok: true, attempts: 1 });
    const mark = lines.find((line) => line.includes('MARK report'));
    assert.match(mark ?? '', /"isPastDue":false/);
    const failed = await host.fireTimer('flaky');
    assert.deepEqual(failed, { ok: false, error: 'flaky failed on purpose', attempts: 1 });
    assert.equal((await host.invoke('orders', 'by hand')).ok, true);
    await assert.rejects(host.invoke('hello'), /no timer, queue, blob or other/);
  });
});
