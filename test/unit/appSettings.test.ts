import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyLocalSettings,
  hubNameError,
  resolveBindings,
  resolveReferences,
  settingsLookup,
} from '../../src/emulator/appSettings.js';

const fail = (message: string): never => {
  throw new Error(message);
};

test('a non-empty environment variable wins over local.settings.json Values; an empty one does not', () => {
  const env: Record<string, string | undefined> = { FROM_ENV: 'env', EMPTY: '' };
  applyLocalSettings({ FROM_ENV: 'values', EMPTY: 'values', ONLY_VALUES: 'values' }, env);
  assert.deepEqual(env, { FROM_ENV: 'env', EMPTY: 'values', ONLY_VALUES: 'values' });

  const lookup = settingsLookup(
    { FROM_ENV: 'values', EMPTY: 'values', ONLY_VALUES: 'values' },
    { FROM_ENV: 'env', EMPTY: '' },
  );
  assert.equal(lookup('FROM_ENV'), 'env');
  assert.equal(lookup('EMPTY'), 'values');
  assert.equal(lookup('ONLY_VALUES'), 'values');
  assert.equal(lookup('MISSING'), undefined);
});

test('settings are found case-insensitively, as in the host configuration, exact case first', () => {
  const lookup = settingsLookup({ TaskHub_Name: 'fromValues' }, { Mixed: 'a', MIXED: 'b' });
  assert.equal(lookup('taskhub_name'), 'fromValues');
  assert.equal(lookup('MIXED'), 'b');
  assert.equal(lookup('Mixed'), 'a');
});

test('every %Name% in a string is resolved; text without % is unchanged', () => {
  const lookup = settingsLookup({ ENV: 'Dev', HUB: 'Orders' }, {});
  assert.deepEqual(resolveReferences('%HUB%', lookup), { ok: true, value: 'Orders' });
  assert.deepEqual(resolveReferences('Hub%ENV%', lookup), { ok: true, value: 'HubDev' });
  assert.deepEqual(resolveReferences('%HUB%%ENV%x', lookup), { ok: true, value: 'OrdersDevx' });
  assert.deepEqual(resolveReferences('PlainHub', lookup), { ok: true, value: 'PlainHub' });
});

test('an unknown setting, %% and an unclosed % do not resolve, and say why', () => {
  const lookup = settingsLookup({}, {});
  assert.deepEqual(resolveReferences('%TASKHUB_NAME%', lookup), {
    ok: false,
    reason: 'the app setting TASKHUB_NAME is not defined (add it to local.settings.json Values or the environment)',
  });
  assert.deepEqual(resolveReferences('a%%b', lookup), { ok: false, reason: `'%%' names no app setting` });
  assert.deepEqual(resolveReferences('Hub%ENV', lookup), {
    ok: false,
    reason: `the '%' at position 3 has no closing '%'`,
  });
});

test('task hub names: letters and digits, starting with a letter, 3 to 50 characters, with the host message', () => {
  for (const valid of ['TestHubName', 'FixtureJsCjs', 'DurableStudioExample', 'Bench', 'abc', 'a'.repeat(50)]) {
    assert.equal(hubNameError(valid), undefined, valid);
  }
  for (const invalid of ['my-hub', '1hub', 'ab', '', '%TASKHUB_NAME%', 'hub_name', 'a'.repeat(51)]) {
    assert.equal(
      hubNameError(invalid),
      `Task hub name '${invalid}' should contain only alphanumeric characters, start with a letter, and have length between 3 and 45.`,
    );
  }
});

test('binding properties the host resolves are resolved; an HTTP route and unknown types are left alone', () => {
  const lookup = settingsLookup({ QUEUE: 'work', SCHEDULE: '0 */5 * * * *', HUB: 'Other', TABLE: 'Sites' }, {});
  const resolved = resolveBindings(
    'fn',
    {
      trigger: { type: 'httpTrigger', route: 'items/%QUEUE%' },
      client: { type: 'durableClient', taskHub: '%HUB%' },
      queue: { type: 'queue', queueName: 'q-%QUEUE%' },
      timer: { type: 'timerTrigger', schedule: '%SCHEDULE%' },
      table: { type: 'table', TableName: '%TABLE%', partitionKey: 'p' },
      custom: { type: 'someExtension', name: '%NOT_DEFINED%' },
    },
    lookup,
    fail,
  );
  assert.deepEqual(Object.fromEntries(resolved), {
    client: { taskHub: 'Other' },
    queue: { queueName: 'q-work' },
    timer: { schedule: '0 */5 * * * *' },
    table: { tableName: 'Sites', partitionKey: 'p' },
  });
});

test('an unresolved binding property names the function, binding, property and setting', () => {
  assert.throws(
    () =>
      resolveBindings(
        'queueWorker',
        { queueTrigger1: { type: 'queueTrigger', queueName: '%WORK_QUEUE%' } },
        settingsLookup({}, {}),
        fail,
      ),
    {
      message:
        `function 'queueWorker' binding 'queueTrigger1' (queueTrigger) queueName "%WORK_QUEUE%": ` +
        'the app setting WORK_QUEUE is not defined (add it to local.settings.json Values or the environment)',
    },
  );
});
