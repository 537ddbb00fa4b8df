/**
 * `%Name%` app-setting references in host.json: `"hubName": "%TASKHUB_NAME%"` (as in the Azure-Samples
 * quickstarts) runs with the hub the setting names, from local.settings.json Values or, when set, from the
 * environment (Core Tools' precedence). The resolved hub is in the start-up banner and in every client URL. A durable
 * client binding's own `taskHub` is resolved the same way.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  CHECK_STATUS_LINKS,
  copyFixture,
  FIXTURES,
  startEmulator,
  waitFor,
  WEBHOOK,
  type Emulator,
} from './harness.js';

interface CheckStatus extends Record<(typeof CHECK_STATUS_LINKS)[number], string> {
  id: string;
}

/** The js-esm fixture with its task hub taken from the TASKHUB_NAME app setting. */
function appWithHubSetting(values: Record<string, string>): string {
  const app = copyFixture('js-esm', 'settings');
  const hostFile = path.join(app, 'host.json');
  const host = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as { extensions: { durableTask: { hubName: string } } };
  host.extensions.durableTask.hubName = '%TASKHUB_NAME%';
  fs.writeFileSync(hostFile, JSON.stringify(host, null, 2));
  fs.writeFileSync(
    path.join(app, 'local.settings.json'),
    JSON.stringify({ IsEncrypted: false, Values: { FUNCTIONS_WORKER_RUNTIME: 'node', ...values } }, null, 2),
  );
  return app;
}

/** Every link of a check-status body carries `taskHub=<hub>`. */
function assertHubInLinks(body: CheckStatus, hub: string): void {
  for (const key of CHECK_STATUS_LINKS) {
    assert.equal(new URL(body[key]).searchParams.get('taskHub'), hub, `${key}: ${body[key]}`);
  }
}

async function assertRunsWithHub(emu: Emulator, hub: string): Promise<void> {
  assert.match(emu.output(), new RegExp(`\\(task hub ${hub}, durable-functions `));
  // The app's own durable client (the client binding's URLs, built in the app worker).
  const viaClient = await fetch(`${emu.url}/api/orchestrators/helloSequence`, { method: 'POST' });
  assert.equal(viaClient.status, 202, await viaClient.clone().text());
  assertHubInLinks((await viaClient.json()) as CheckStatus, hub);
  // The management API's own check-status response.
  const viaApi = await fetch(`${emu.url}${WEBHOOK}/orchestrators/helloSequence`, { method: 'POST' });
  assert.equal(viaApi.status, 202);
  assertHubInLinks((await viaApi.json()) as CheckStatus, hub);
}

describe('host.json hubName from an app setting', () => {
  test('%TASKHUB_NAME% resolves from local.settings.json Values', async (t) => {
    const emu = await startEmulator({ app: appWithHubSetting({ TASKHUB_NAME: 'SettingsHub' }) });
    t.after(() => emu.stop());
    await assertRunsWithHub(emu, 'SettingsHub');
  });

  test('an environment variable wins over local.settings.json Values', async (t) => {
    const emu = await startEmulator({
      app: appWithHubSetting({ TASKHUB_NAME: 'SettingsHub' }),
      env: { TASKHUB_NAME: 'EnvironmentHub' },
    });
    t.after(() => emu.stop());
    await assertRunsWithHub(emu, 'EnvironmentHub');
  });
});

describe('binding properties from app settings', () => {
  test("a durable client's taskHub resolves; the emulator serves it from its one task hub and says so", async (t) => {
    const emu = await startEmulator({ app: path.join(FIXTURES, 'bindings') });
    t.after(() => emu.stop());
    assert.match(
      emu.output(),
      /\[startInOtherHub\] durable client '\w+' names task hub 'OtherHub': the emulator runs one task hub \(FixtureBindings\), which serves this client too/,
    );
    const res = await fetch(`${emu.url}/api/start/notifyAll`, { method: 'POST' });
    assert.equal(res.status, 202, await res.clone().text());
    const body = (await res.json()) as CheckStatus;
    assertHubInLinks(body, 'OtherHub');
    const status = await waitFor(async () => {
      const s = (await (await fetch(body.statusQueryGetUri)).json()) as { runtimeStatus: string; output: unknown };
      return s.runtimeStatus === 'Completed' ? s : undefined;
    }, 'the instance started through the other-hub client to complete');
    assert.equal(status.output, 'done');
  });
});
