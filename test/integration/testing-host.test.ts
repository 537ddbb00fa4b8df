/**
 * The test library's host (src/testing) on examples/app: time skipping never jumps past work already started,
 * an unfinished orchestration's timeout says what it waits for, mocks name the app's activities, a failure reads
 * in one line, and `reset` starts over. (The packaged library in other runners: testing-library.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { TestHost } from '../../src/testing/index.js';
import { FIXTURES, REPO } from './harness.js';

const APP = path.join(REPO, 'examples/app');
const HOURS_72 = 72 * 3_600_000;

describe('TestHost', () => {
  let host: TestHost;
  before(async () => {
    host = await TestHost.start({ app: APP, log: () => undefined });
  });
  after(() => host.stop());

  it('a raised event still on its way wins over a 72-hour timer', async () => {
    await host.reset();
    await host.client.startNew('approvalWorkflow', { instanceId: 'race', input: { requester: 'ann' } });
    await host.waitForIdle();
    // Not awaited: the call is in flight when the wait begins, and the wait must not skip time past it.
    const raised = host.client.raiseEvent('race', 'Approval', true);
    const result = await host.waitForCompletion('race');
    await raised;
    assert.equal((result.output as { outcome: string }).outcome, 'approved', result.summary);
    assert.ok(host.clock.now().getTime() - Date.now() < 60_000, 'the clock did not jump');
  });

  it('with no event the timer fires at its due time, 72 hours later in emulated time only', async () => {
    await host.reset();
    const wallStart = Date.now();
    const result = await host.run('approvalWorkflow', { input: { requester: 'bo' } });
    assert.equal((result.output as { outcome: string }).outcome, 'escalated', result.summary);
    const fired = result.history.find((event) => event.EventType === 'TimerFired');
    const started = result.history.find((event) => event.EventType === 'ExecutionStarted');
    assert.ok(fired && started);
    const emulatedMs = Date.parse(fired.Timestamp) - Date.parse(started.Timestamp);
    assert.ok(emulatedMs >= HOURS_72 && emulatedMs < HOURS_72 + 60_000, `timer fired ${emulatedMs} ms after start`);
    assert.ok(Date.now() - wallStart < 5000);
  });

  it('without time skipping, the timeout names the timer and the event the instance waits for', async () => {
    const slow = await TestHost.start({ app: APP, timeSkipping: false, log: () => undefined });
    try {
      await slow.client.startNew('approvalWorkflow', { instanceId: 'waits', input: { requester: 'cy' } });
      await assert.rejects(slow.waitForCompletion('waits', { timeoutMs: 300 }), (error: Error) => {
        assert.match(error.message, /approvalWorkflow 'waits' is still Running after 300 ms/);
        assert.match(error.message, /timer \d+ \(fires at [^)]+\), in 72 h/);
        assert.match(error.message, /external event 'Approval'/);
        return true;
      });
      // Moving the clock by hand fires it.
      await slow.clock.advance('72h');
      const result = await slow.waitForCompletion('waits');
      assert.equal((result.output as { outcome: string }).outcome, 'escalated');
    } finally {
      await slow.stop();
    }
  });

  it('a failure reads in one line: status, message, the task and the last events', async () => {
    await host.reset();
    host.failActivity('sayHello', { times: 1, error: 'card declined' });
    const result = await host.run('helloSequence', { instanceId: 'fails' });
    assert.equal(result.runtimeStatus, 'Failed');
    assert.deepEqual(result.failure?.task, 'sayHello');
    assert.doesNotMatch(result.summary, /\n/);
    assert.match(result.summary, /^helloSequence 'fails': Failed: .*card declined/);
    assert.match(result.summary, /in 'sayHello'/);
    assert.match(result.summary, /last events: .*TaskFailed sayHello, ExecutionCompleted$/);
  });

  it('mocks and faults name an activity the app registers; a mock may be async and may throw', async () => {
    await host.reset();
    assert.throws(
      () => host.mockActivity('sayHelo', () => 1),
      /no activity of that name; its activities are .*'sayHello'/,
    );
    assert.throws(() => host.failActivity('nope'), /registers no activity of that name/);
    host.mockActivity('sayHello', async (city: string, info) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (city === 'London') throw new Error(`no flights to ${city} (attempt ${info.attempt})`);
      return `Hi ${city}`;
    });
    const result = await host.run('helloSequence');
    assert.equal(result.runtimeStatus, 'Failed');
    assert.match(result.failure?.message ?? '', /no flights to London \(attempt 1\)/);
    const calls = host.calls('sayHello');
    assert.deepEqual(
      calls.map((call) => [call.input, call.result, call.error?.message]),
      [
        ['Tokyo', 'Hi Tokyo', undefined],
        ['Seattle', 'Hi Seattle', undefined],
        ['London', undefined, 'no flights to London (attempt 1)'],
      ],
    );
  });

  it('reset drops instances, entities, mocks and calls, and sets the clock back', async () => {
    host.mockActivity('sayHello', () => 'mocked');
    await host.run('approvalWorkflow', { instanceId: 'old' });
    assert.ok(host.clock.now().getTime() - Date.now() > HOURS_72 - 60_000);
    await host.reset();
    assert.ok(Math.abs(host.clock.now().getTime() - Date.now()) < 60_000);
    assert.deepEqual(host.calls('sayHello'), []);
    assert.equal(await host.client.getStatus('old').catch(() => undefined), undefined);
    const result = await host.run('helloSequence');
    assert.deepEqual(result.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    await assert.rejects(host.history('old'), /no instance with ID 'old'/);
  });

  it('callHttp: a mocked 202 with Location is polled, its poll timer skipped', async () => {
    await host.reset();
    const asked: string[] = [];
    host.mockCallHttp((request) => {
      asked.push(`${request.method} ${request.url}`);
      return request.url.endsWith('/job')
        ? { statusCode: 202, headers: { Location: 'https://example.invalid/job/status', 'Retry-After': 600 } }
        : { statusCode: 200, content: { done: true } };
    });
    const wallStart = Date.now();
    const result = await host.run('httpCaller', { input: 'https://example.invalid/job' });
    assert.equal(result.runtimeStatus, 'Completed', result.summary);
    assert.deepEqual(result.output, { statusCode: 200, content: '{"done":true}' });
    assert.deepEqual(asked, ['GET https://example.invalid/job', 'GET https://example.invalid/job/status']);
    assert.ok(Date.now() - wallStart < 5000, 'the 10-minute Retry-After was skipped');
    assert.ok(host.clock.now().getTime() - Date.now() >= 600_000 - 60_000);
  });

  it('env wins over local.settings.json in the app; its HTTP triggers answer on host.url', async () => {
    const other = await TestHost.start({
      app: path.join(FIXTURES, 'js-cjs'),
      env: { FIXTURE_SETTING: 'from-test' },
      log: () => undefined,
    });
    try {
      const answer = await fetch(`${other.url}/api/echo/7`);
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as { setting: string; params: { id: string } };
      assert.equal(body.setting, 'from-test', 'local.settings.json says from-local-settings');
      assert.equal(body.params.id, '7');
    } finally {
      await other.stop();
    }
  });

  it('an unknown orchestration is refused with the names the app has', async () => {
    await assert.rejects(host.run('helloSequense'), /run\('helloSequense'\): .*helloSequence/);
  });

  it('history is the management API shape', async () => {
    await host.reset();
    await host.run('helloSequence', { instanceId: 'h' });
    const history = await host.history('h');
    assert.deepEqual(
      history.map((event) => event.EventType),
      ['ExecutionStarted', 'TaskCompleted', 'TaskCompleted', 'TaskCompleted', 'ExecutionCompleted'],
    );
    assert.equal(history[1]!['Result'], 'Hello Tokyo!');
  });
});
