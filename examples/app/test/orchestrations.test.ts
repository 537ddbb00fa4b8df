// Tests of this app's orchestrations with durable-studio/testing: the app runs unmodified on the emulator's
// engine, in memory, and durable timers are skipped (a 72-hour deadline passes in milliseconds).
//
//   npm test        (builds the app and these tests, then runs them with node:test)
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { TestHost } from 'durable-studio/testing';
import { EntityId } from 'durable-functions';


describe('example app orchestrations', () => {
    let host: TestHost;

    before(async () => {
        // The function app: the nearest folder with a host.json at or above this file (compiled into dist/test/).
        host = await TestHost.start({ app: __dirname });
    });
    afterEach(() => host.reset());
    after(() => host.stop());

    it('chains three real activity calls', async () => {
        const result = await host.run('helloSequence');
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
        assert.deepEqual(result.output, ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
        assert.deepEqual(
            host.calls('sayHello').map((call) => call.input),
            ['Tokyo', 'Seattle', 'London'],
        );
    });

    it('runs a mocked activity instead of the real one', async () => {
        const sayHello = mock.fn((city: string) => `Bonjour ${city}!`);
        host.mockActivity('sayHello', sayHello);
        const result = await host.run('helloSequence');
        assert.deepEqual(result.output, ['Bonjour Tokyo!', 'Bonjour Seattle!', 'Bonjour London!']);
        assert.equal(sayHello.mock.callCount(), 3);
        assert.equal(sayHello.mock.calls[0]!.arguments[0], 'Tokyo');
    });

    it('escalates when nobody answers within 72 hours, without waiting 72 hours', async () => {
        const startedAt = Date.now();
        const before = host.clock.now().getTime();
        const result = await host.run('approvalWorkflow', { input: { requester: 'alice' } });
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
        assert.equal((result.output as { outcome: string }).outcome, 'escalated');
        assert.ok(host.clock.now().getTime() - before >= 72 * 3_600_000, 'the emulated clock moved 72 hours');
        assert.ok(Date.now() - startedAt < 1000, 'in less than a second of wall time');
    });

    it('approves when the Approval event arrives before the deadline', async () => {
        await host.client.startNew('approvalWorkflow', { instanceId: 'order-42', input: { requester: 'bob' } });
        await host.waitForIdle(); // the orchestrator now waits for the event or its 72-hour timer
        await host.client.raiseEvent('order-42', 'Approval', true);
        const result = await host.waitForCompletion('order-42');
        assert.equal((result.output as { outcome: string }).outcome, 'approved', result.summary);
    });

    it('retries a failing activity and succeeds on the third attempt', async () => {
        host.failActivity('flakyActivity', { times: 2, error: 'service unavailable' });
        const result = await host.run('retryOrchestration', { input: { failures: 0 } });
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
        assert.deepEqual(
            host.calls('flakyActivity').map((call) => [call.attempt, call.error?.message]),
            [
                [1, 'service unavailable'],
                [2, 'service unavailable'],
                [3, undefined],
            ],
        );
    });

    it('fails with the activity error when the retries are exhausted', async () => {
        host.failActivity('flakyActivity', { times: 3, error: 'card declined' });
        const result = await host.run('retryOrchestration', { input: { failures: 0 } });
        assert.equal(result.runtimeStatus, 'Failed');
        assert.equal(result.failure?.task, 'flakyActivity');
        assert.match(result.failure?.message ?? '', /card declined/);
    });

    it('counts with the counter entity', async () => {
        const counter = new EntityId('counter', 'tests');
        await host.client.signalEntity(counter, 'add', 5);
        await host.client.signalEntity(counter, 'add', 2);
        await host.waitForIdle();
        const state = await host.client.readEntityState<number>(counter);
        assert.equal(state.entityState, 7);
    });

    it('waits for its sub-orchestrations', async () => {
        const result = await host.run('parentOrchestration', { instanceId: 'parent-1' });
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
        assert.deepEqual((result.output as { child: string[] }).child, [
            'Hello Tokyo!',
            'Hello Seattle!',
            'Hello London!',
        ]);
        const child = await host.waitForCompletion('parent-1:child');
        assert.equal(child.runtimeStatus, 'Completed');
    });

    it('answers callHttp with a mock', async () => {
        host.mockCallHttp((request) => ({ statusCode: 200, content: `pong from ${request.url}` }));
        const result = await host.run('httpCaller', { input: 'https://example.invalid/ping' });
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
        assert.match(JSON.stringify(result.output), /pong from https:\/\/example.invalid\/ping/);
    });

    it('still replays every history it recorded', async () => {
        await host.run('helloSequence');
        await host.run('approvalWorkflow', { input: { requester: 'carol' } });
        assert.deepEqual(await host.replayCheck(), []);
    });

    it('a queue message starts processOrder, which writes the receipt blob', async () => {
        // Storage runs on a private in-memory Azurite that the host starts for apps with storage bindings.
        const run = await host.enqueue('orders', { orderId: 'T-1', amount: 42 });
        assert.equal(run?.ok, true, run?.error);
        const result = await host.waitForCompletion('order-T-1');
        assert.deepEqual(result.output, { orderId: 'T-1', receipt: 'receipts/order-T-1.json' }, result.summary);
        const blob = await host.storage.getBlob('receipts', 'order-T-1.json');
        assert.deepEqual(JSON.parse(blob!.content.toString('utf8')), { orderId: 'T-1', amount: 42, status: 'paid' });
    });

    it('the nightly timer starts a fan-out when fired', async () => {
        const run = await host.fireTimer('nightlyReport');
        assert.equal(run.ok, true, run.error);
        await host.waitForIdle();
        const started = await host.client.getStatusBy({});
        const fanOut = started.find((status) => status.name === 'fanOutFanIn');
        assert.ok(fanOut, 'the timer started fanOutFanIn');
        const result = await host.waitForCompletion(fanOut.instanceId);
        assert.equal(result.runtimeStatus, 'Completed', result.summary);
    });
});
