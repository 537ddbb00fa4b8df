import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BindingRunner, expressionData } from '../../src/emulator/storage/bindingRunner.js';
import type { StorageHost } from '../../src/emulator/storage/host.js';
import type { ExpressionData, StorageRuntime } from '../../src/emulator/storage/types.js';
import type { FunctionInfo, Invocation, InvocationResult, OutputValues } from '../../src/emulator/host/protocol.js';
import { InvocationError, type FunctionRunner } from '../../src/emulator/host/runner.js';

const activity: FunctionInfo = {
  name: 'writeReport',
  kind: 'activity',
  triggerType: 'activityTrigger',
  bindings: [
    { name: 'input', type: 'activityTrigger', direction: 'in', properties: {} },
    { name: 'template', type: 'blob', direction: 'in', properties: { path: 'templates/{kind}.txt' } },
    { name: 'report', type: 'blob', direction: 'out', properties: { path: 'reports/{id}.txt' } },
    { name: 'doc', type: 'cosmosDB', direction: 'out', properties: {} },
  ],
};
const plain: FunctionInfo = {
  name: 'plain',
  kind: 'activity',
  triggerType: 'activityTrigger',
  bindings: [
    { name: 'input', type: 'activityTrigger', direction: 'in', properties: {} },
    { name: 'bus', type: 'serviceBus', direction: 'out', properties: {} },
  ],
};

function setup(fail: boolean) {
  const calls: Invocation[] = [];
  const written: { outputs: OutputValues; data: ExpressionData }[] = [];
  const logs: string[] = [];
  const inner: FunctionRunner = {
    start: () => Promise.resolve([activity, plain]),
    reload: () => Promise.resolve([activity, plain]),
    stop: () => Promise.resolve(),
    invoke(call): Promise<InvocationResult> {
      calls.push(call);
      if (fail) return Promise.reject(new InvocationError({ name: 'Error', message: 'boom', stack: 'Error: boom' }));
      const outputs: OutputValues =
        call.functionName === 'plain' ? { bus: { string: 'm' } } : { report: { string: 'text' }, doc: { json: '{}' } };
      return Promise.resolve(
        call.kind === 'trigger' ? { kind: 'trigger', outputs } : { kind: 'activity', resultJson: '"ok"', outputs },
      );
    },
  };
  const runtime = {
    readInputs: (_fn: FunctionInfo, data: ExpressionData) =>
      Promise.resolve([
        { name: 'template', data: { string: `template ${String((data.payload as { kind: string }).kind)}` } },
      ]),
    writeOutputs: (_fn: FunctionInfo, outputs: OutputValues, data: ExpressionData) => {
      written.push({ outputs, data });
      return Promise.resolve();
    },
  } as unknown as StorageRuntime;
  const storage = { used: true, prepare: () => Promise.resolve(false), ready: () => Promise.resolve(runtime) };
  const runner = new BindingRunner(inner, storage as unknown as StorageHost, (_level, message) => logs.push(message));
  return { runner, calls, written, logs };
}

const call = (functionName: string): Invocation => ({
  kind: 'activity',
  functionName,
  instanceId: 'i1',
  input: JSON.stringify({ kind: 'daily', id: 7 }),
});

test('storage inputs go with the call; storage outputs are written after success, others logged as discarded', async () => {
  const { runner, calls, written, logs } = setup(false);
  await runner.start();
  await runner.invoke(call('writeReport'));
  const sent = calls[0] as Extract<Invocation, { kind: 'activity' }>;
  assert.deepEqual(sent.bindings?.inputs, [{ name: 'template', data: { string: 'template daily' } }]);
  assert.deepEqual(written.length, 1);
  assert.deepEqual(written[0]!.outputs, { report: { string: 'text' } });
  assert.deepEqual(written[0]!.data.payload, { kind: 'daily', id: 7 }, 'expressions see the activity input');
  assert.deepEqual(logs, [
    "[writeReport] output binding 'doc' (cosmosDB) is not supported by the emulator yet: the value set by the function was discarded",
  ]);
});

test('nothing is written when the function fails', async () => {
  const { runner, written } = setup(true);
  await runner.start();
  await assert.rejects(runner.invoke(call('writeReport')), /boom/);
  assert.equal(written.length, 0);
});

test('a function without storage bindings passes through; its discarded outputs are still reported', async () => {
  const { runner, calls, written, logs } = setup(false);
  await runner.start();
  await runner.invoke(call('plain'));
  assert.equal((calls[0] as Extract<Invocation, { kind: 'activity' }>).bindings, undefined);
  assert.equal(written.length, 0);
  assert.deepEqual(logs, [
    "[plain] output binding 'bus' (serviceBus) is not supported by the emulator yet: the value set by the function was discarded",
  ]);
});

test("a trigger call's result keeps only the outputs nobody wrote, for the TriggerHost to report", async () => {
  const { runner, written, logs } = setup(false);
  await runner.start();
  const result = await runner.invoke({
    kind: 'trigger',
    functionName: 'writeReport',
    trigger: { string: JSON.stringify({ kind: 'weekly', id: 8 }) },
  });
  assert.deepEqual(written[0]!.outputs, { report: { string: 'text' } });
  assert.deepEqual(written[0]!.data.payload, { kind: 'weekly', id: 8 }, 'expressions see the trigger payload');
  assert.deepEqual((result as { outputs: OutputValues }).outputs, { doc: { json: '{}' } });
  assert.deepEqual(logs, [], 'the TriggerHost logs them');
});

test("an activity's binding expressions see the orchestration's instanceId and its input as data", () => {
  const data = expressionData({
    kind: 'activity',
    functionName: 'saveReceipt',
    instanceId: 'order-A-1',
    input: '{"orderId":"A-1"}',
  });
  assert.equal(data.metadata['instanceId'], 'order-A-1');
  assert.deepEqual(data.metadata['data'], { orderId: 'A-1' });
  assert.deepEqual(data.payload, { orderId: 'A-1' });
});
