import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BindingExpressionError,
  hostDateTime,
  matchBlobPattern,
  resolveExpressions,
} from '../../src/emulator/storage/bindingExpressions.js';
import {
  accountOf,
  devStorageConnectionString,
  isDevelopmentStorage,
  resolveConnection,
} from '../../src/emulator/storage/connection.js';
import { decodeMessage, displayText, encodeMessage } from '../../src/emulator/storage/encoding.js';
import { blobNameProblem, containerNameProblem, queueNameProblem } from '../../src/emulator/storage/names.js';
import type { FunctionInfo } from '../../src/emulator/host/protocol.js';
import { AppConfigError } from '../../src/emulator/appConfigError.js';

const now = new Date('2026-03-04T05:06:07.890Z');
const data = {
  metadata: { QueueTrigger: 'hello', name: 'report', DequeueCount: 2 },
  payload: { orderId: 42, customer: { Id: 'c-1' } },
};

test('binding expressions resolve from trigger metadata, the payload and the built-ins, keys case-insensitive', () => {
  const context = { data, now, newGuid: () => 'guid-1' };
  assert.equal(resolveExpressions('out/{queueTrigger}.txt', context), 'out/hello.txt');
  assert.equal(resolveExpressions('{name}-{dequeueCount}', context), 'report-2');
  assert.equal(resolveExpressions('orders/{orderId}/{customer.id}', context), 'orders/42/c-1');
  assert.equal(resolveExpressions('{rand-guid}/{sys.randguid}', context), 'guid-1/guid-1', 'one guid per resolution');
  assert.equal(resolveExpressions('{DateTime}|{sys.utcnow}', context), '2026-03-04T05-06-07Z|2026-03-04T05-06-07Z');
  assert.equal(resolveExpressions('no expressions', context), 'no expressions');
  assert.equal(hostDateTime(now), '2026-03-04T05-06-07Z');
  assert.throws(
    () => resolveExpressions('x/{missing}', context),
    (error: unknown) =>
      error instanceof BindingExpressionError && /No value for named parameter 'missing'/.test(error.message),
  );
});

test('blob trigger patterns capture their parameters', () => {
  assert.deepEqual(matchBlobPattern('{name}.txt', 'a/b.txt'), { name: 'a/b' });
  assert.deepEqual(matchBlobPattern('in/{name}.{ext}', 'in/report.csv'), { name: 'report', ext: 'csv' });
  assert.equal(matchBlobPattern('{name}.txt', 'photo.png'), undefined);
  assert.deepEqual(matchBlobPattern('fixed.json', 'fixed.json'), {});
});

test('queue messages are base64 by default and as they are with messageEncoding none', () => {
  assert.equal(encodeMessage('héllo', 'base64'), Buffer.from('héllo').toString('base64'));
  assert.equal(decodeMessage(encodeMessage('{"a":1}', 'base64'), 'base64'), '{"a":1}');
  assert.equal(encodeMessage('plain', 'none'), 'plain');
  assert.equal(displayText(Buffer.from('héllo').toString('base64')), 'héllo');
  assert.equal(displayText('not base64!'), 'not base64!');
  assert.equal(displayText(Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64')), '//4AAQ==', 'binary stays raw');
});

test('storage names follow the service rules', () => {
  assert.equal(queueNameProblem('orders-2'), undefined);
  for (const bad of ['ab', 'Orders', 'a--b', '-ab', 'ab-', 'a_b', 'x'.repeat(64)])
    assert.ok(queueNameProblem(bad), bad);
  assert.equal(containerNameProblem('$web'), undefined);
  assert.ok(containerNameProblem('Receipts'));
  assert.equal(blobNameProblem('a/b c.txt'), undefined);
  assert.ok(blobNameProblem('') && blobNameProblem('dir/'));
});

test('connections: development storage means Azurite, a connection string is used as it is, a missing one fails', () => {
  const fn: FunctionInfo = { name: 'work', kind: 'queue', triggerType: 'queueTrigger', bindings: [] };
  const binding = { name: 'msg', type: 'queueTrigger', direction: 'in' as const, properties: {} };
  const settings: Record<string, string> = {
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    Real: 'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.windows.net',
    AzureWebJobsPrefixed: 'UseDevelopmentStorage=true',
  };
  const lookup = (name: string) => settings[name];
  assert.deepEqual(resolveConnection({ fn, binding, setting: 'AzureWebJobsStorage' }, lookup), {
    kind: 'azurite',
    setting: 'AzureWebJobsStorage',
  });
  const real = resolveConnection({ fn, binding, setting: 'Real' }, lookup);
  assert.equal(real.kind === 'account' && real.account, 'acme');
  assert.equal(resolveConnection({ fn, binding, setting: 'Prefixed' }, lookup).kind, 'azurite');
  assert.throws(
    () => resolveConnection({ fn, binding, setting: 'Missing' }, lookup),
    (error: unknown) =>
      error instanceof AppConfigError &&
      error.message.includes(
        "function 'work', binding 'msg' (queueTrigger): the connection setting 'Missing' is not set",
      ),
  );
  const explicit = devStorageConnectionString({ blob: 1, queue: 2, table: 3 });
  assert.ok(!isDevelopmentStorage(explicit) && isDevelopmentStorage('UseDevelopmentStorage=true'));
  assert.equal(accountOf(explicit), 'devstoreaccount1');
  assert.match(explicit, /QueueEndpoint=http:\/\/127\.0\.0\.1:2\/devstoreaccount1/);
});
