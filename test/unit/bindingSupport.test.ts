import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discardedOutputMessages, unsupportedBindings } from '../../src/emulator/host/bindingSupport.js';

const httpBindings = {
  req: { type: 'httpTrigger', direction: 'in' },
  $return: { type: 'http', direction: 'out' },
  client: { type: 'durableClient', direction: 'in' },
  sites: { type: 'table', direction: 'in' },
  blobOutput: { type: 'blob', direction: 'out' },
};

test('an HTTP response and a durable client are honoured; other inputs and outputs are not', () => {
  assert.deepEqual(unsupportedBindings(httpBindings, 'http'), [
    { name: 'sites', type: 'table', direction: 'in' },
    { name: 'blobOutput', type: 'storageBlob', direction: 'out' },
  ]);
  assert.deepEqual(
    unsupportedBindings(
      { context: { type: 'activityTrigger', direction: 'in' }, $return: { type: 'queue', direction: 'out' } },
      'activity',
    ),
    [{ name: '$return', type: 'storageQueue', direction: 'out' }],
  );
  assert.deepEqual(
    unsupportedBindings(
      { context: { type: 'activityTrigger', direction: 'in' }, $return: { type: 'http', direction: 'out' } },
      'activity',
    ),
    [{ name: '$return', type: 'http', direction: 'out' }],
    'an HTTP output outside an HTTP function has nowhere to go',
  );
});

test('a discarded output is reported only when the invocation set a value on it', () => {
  const outputs = unsupportedBindings({ ...httpBindings, $return: { type: 'queue', direction: 'out' } }, 'http');
  const set = new Map<string, unknown>();
  const invocation = () => ({ extraOutputs: { get: (name: string) => set.get(name) }, result: undefined as unknown });
  assert.deepEqual(discardedOutputMessages(outputs, invocation()), [], 'nothing set, nothing said');
  set.set('blobOutput', null);
  assert.deepEqual(discardedOutputMessages(outputs, invocation()), [], 'null is not sent by @azure/functions either');
  set.set('blobOutput', 'site content');
  assert.deepEqual(discardedOutputMessages(outputs, { ...invocation(), result: 'queued' }), [
    "output binding '$return' (storageQueue) is not supported by the emulator yet: the value set by the function was discarded",
    "output binding 'blobOutput' (storageBlob) is not supported by the emulator yet: the value set by the function was discarded",
  ]);
});
