/**
 * The trigger host (src/emulator/triggers/triggerHost.ts): host-style log lines, `function` change events, the last
 * run per function, failures as outcomes, and outputs nobody wrote logged as discarded. Also the admin API's body.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/emulator/clock.js';
import type { ChangeEvent } from '../../src/emulator/engine/api.js';
import { parseInvocationBody } from '../../src/emulator/http/adminApi.js';
import type { FunctionInfo, Invocation, InvocationResult } from '../../src/emulator/host/protocol.js';
import { InvocationError, type FunctionRunner } from '../../src/emulator/host/runner.js';
import { TriggerHost } from '../../src/emulator/triggers/triggerHost.js';

const orders: FunctionInfo = {
  name: 'orders',
  kind: 'other',
  triggerType: 'serviceBusTrigger',
  bindings: [
    { name: 'message', type: 'serviceBusTrigger', direction: 'in', properties: {} },
    { name: 'audit', type: 'cosmosDB', direction: 'out', properties: {} },
  ],
};

function setup(invoke: (call: Invocation) => Promise<InvocationResult>) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const logs: { level: string; message: string }[] = [];
  const events: ChangeEvent[] = [];
  const calls: Invocation[] = [];
  const runner: FunctionRunner = {
    start: () => Promise.resolve([orders]),
    reload: () => Promise.resolve([orders]),
    stop: () => Promise.resolve(),
    invoke: (call) => {
      calls.push(call);
      return invoke(call);
    },
  };
  const host = new TriggerHost(
    {
      functions: [orders],
      clock,
      log: (level, message) => logs.push({ level, message }),
      emit: (change) => events.push(change),
    },
    runner,
  );
  return { host, logs, events, calls };
}

test('a successful run is logged as the host does, announced, and remembered', async () => {
  const { host, logs, events, calls } = setup(() => Promise.resolve({ kind: 'trigger', outputs: {} }));
  const outcome = await host.run({ functionName: 'ORDERS', trigger: { string: 'hi' }, reason: 'manual' });
  assert.equal(outcome.ok, true);
  assert.deepEqual(calls, [{ kind: 'trigger', functionName: 'orders', trigger: { string: 'hi' }, bindings: {} }]);
  assert.match(
    logs[0]!.message,
    /^Executing 'Functions\.orders' \(Reason='This function was programmatically called via the host APIs\.', Id=[0-9a-f-]{36}\)$/,
  );
  assert.match(logs[1]!.message, /^Executed 'Functions\.orders' \(Succeeded, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/);
  assert.deepEqual(
    events.map((e) => (e.type === 'function' ? [e.name, e.status, e.reason] : [])),
    [
      ['orders', 'Running', 'manual'],
      ['orders', 'Succeeded', 'manual'],
    ],
  );
  assert.equal(host.lastRun('orders')?.status, 'Succeeded');
  assert.equal(host.lastRun('orders')?.at, Date.parse('2026-01-01T00:00:00Z'));
});

test('a failing handler is a Failed outcome with its message, logged with its stack', async () => {
  const { host, logs, events } = setup(() =>
    Promise.reject(new InvocationError({ name: 'Error', message: 'boom', stack: 'Error: boom\n    at handler' })),
  );
  const outcome = await host.run({
    functionName: 'orders',
    trigger: { string: '' },
    reason: 'queue',
    reasonText: "New queue message detected on 'orders'.",
  });
  assert.deepEqual(outcome.ok ? undefined : outcome.error, 'boom');
  assert.match(logs[0]!.message, /Reason='New queue message detected on 'orders'\.'/);
  assert.equal(logs[1]!.level, 'error');
  assert.match(logs[1]!.message, /^Executed 'Functions\.orders' \(Failed, .*\)\nError: boom\n {4}at handler$/);
  const last = events.at(-1);
  assert.equal(last?.type === 'function' ? last.error : undefined, 'boom');
  assert.deepEqual(host.lastRun('orders')?.error, 'boom');
});

test('idle waits for the runs in progress', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { host } = setup(async () => {
    await gate;
    return { kind: 'trigger', outputs: {} };
  });
  let settled = false;
  void host.run({ functionName: 'orders', trigger: { string: '' }, reason: 'manual' });
  const idle = host.idle().then(() => (settled = true));
  await Promise.resolve();
  assert.equal(settled, false);
  release();
  await idle;
  assert.equal(host.lastRun('orders')?.status, 'Succeeded');
});

test('an unknown function fails without reaching the worker', async () => {
  const { host, calls } = setup(() => Promise.resolve({ kind: 'trigger', outputs: {} }));
  const outcome = await host.run({ functionName: 'nope', trigger: { string: '' }, reason: 'manual' });
  assert.equal(outcome.ok, false);
  assert.equal(calls.length, 0);
});

test('outputs left in the result were written by nobody: one warning each', async () => {
  const { host, logs } = setup(() => Promise.resolve({ kind: 'trigger', outputs: { audit: { json: '{}' } } }));
  await host.run({ functionName: 'orders', trigger: { string: '' }, reason: 'manual', triggerMetadata: {} });
  assert.deepEqual(
    logs.filter((l) => l.level === 'warn').map((l) => l.message),
    [
      "[orders] output binding 'audit' (cosmosDB) is not supported by the emulator yet: the value set by the function was discarded",
    ],
  );
});

test('the admin API takes {"input": text}; numbers and booleans as their text, as the host does', () => {
  assert.equal(parseInvocationBody(Buffer.from('{"input":"hello"}')), 'hello');
  assert.equal(parseInvocationBody(Buffer.from('{"input":42}')), '42');
  assert.equal(parseInvocationBody(Buffer.from('{}')), '');
  assert.deepEqual(typeof parseInvocationBody(Buffer.from('')), 'object');
  assert.deepEqual(typeof parseInvocationBody(Buffer.from('[1]')), 'object');
  assert.deepEqual(typeof parseInvocationBody(Buffer.from('{"input":{"a":1}}')), 'object');
});
