import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  discardedOutputMessages,
  isHonoured,
  isStorageBinding,
  unsupportedBindings,
} from '../../src/emulator/host/bindingSupport.js';

const httpBindings = {
  req: { type: 'httpTrigger', direction: 'in' },
  $return: { type: 'http', direction: 'out' },
  client: { type: 'durableClient', direction: 'in' },
  sites: { type: 'table', direction: 'in' },
  blobOutput: { type: 'blob', direction: 'out' },
  docs: { type: 'cosmosDB', direction: 'in' },
  bus: { type: 'serviceBus', direction: 'out' },
};

test('an HTTP response, a durable client and storage bindings are honoured; other inputs and outputs are not', () => {
  assert.deepEqual(unsupportedBindings(httpBindings, 'http'), [
    { name: 'docs', type: 'cosmosDB', direction: 'in' },
    { name: 'bus', type: 'serviceBus', direction: 'out' },
  ]);
  assert.deepEqual(
    unsupportedBindings(
      { context: { type: 'activityTrigger', direction: 'in' }, $return: { type: 'queue', direction: 'out' } },
      'activity',
    ),
    [],
    "an activity's storage queue output is written",
  );
  assert.deepEqual(
    unsupportedBindings(
      { context: { type: 'activityTrigger', direction: 'in' }, $return: { type: 'http', direction: 'out' } },
      'activity',
    ),
    [{ name: '$return', type: 'http', direction: 'out' }],
    'an HTTP output outside an HTTP function has nowhere to go',
  );
  assert.deepEqual(
    unsupportedBindings(
      { context: { type: 'orchestrationTrigger', direction: 'in' }, out: { type: 'blob', direction: 'out' } },
      'orchestration',
    ),
    [{ name: 'out', type: 'storageBlob', direction: 'out' }],
    'orchestrators never get storage bindings (their invocations carry none)',
  );
});

test('storage bindings: blob and table inputs, blob, queue and table outputs, on the functions that run them', () => {
  for (const kind of ['activity', 'http', 'queue', 'blob', 'timer', 'other'] as const) {
    assert.ok(isHonoured('blob', 'in', kind) && isHonoured('table', 'in', kind), kind);
    assert.ok(isHonoured('blob', 'out', kind) && isHonoured('queue', 'out', kind) && isHonoured('table', 'out', kind));
    assert.ok(!isHonoured('queue', 'in', kind), 'there is no queue input binding');
  }
  assert.ok(!isHonoured('table', 'in', 'entity'));
  assert.ok(isStorageBinding('queueTrigger') && isStorageBinding('blobTrigger') && isStorageBinding('table'));
  assert.ok(!isStorageBinding('cosmosDB') && !isStorageBinding('serviceBusTrigger'));
});

test('a discarded output is reported only when the invocation set a value on it', () => {
  const outputs = unsupportedBindings({ ...httpBindings, $return: { type: 'eventHub', direction: 'out' } }, 'http');
  const set = new Map<string, unknown>();
  const invocation = () => ({ extraOutputs: { get: (name: string) => set.get(name) }, result: undefined as unknown });
  assert.deepEqual(discardedOutputMessages(outputs, invocation()), [], 'nothing set, nothing said');
  set.set('bus', null);
  assert.deepEqual(discardedOutputMessages(outputs, invocation()), [], 'null is not sent by @azure/functions either');
  set.set('bus', 'message');
  assert.deepEqual(discardedOutputMessages(outputs, { ...invocation(), result: 'queued' }), [
    "output binding '$return' (eventHub) is not supported by the emulator yet: the value set by the function was discarded",
    "output binding 'bus' (serviceBus) is not supported by the emulator yet: the value set by the function was discarded",
  ]);
});
