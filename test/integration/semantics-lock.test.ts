/**
 * Entity critical sections (`context.df.lock`) end to end on the TypeScript example app (examples/app, built by
 * `npm run example:setup`): counterOrchestration reads the counter inside the lock and writes it back doubled
 * while clients keep signalling `add 1`. With a working lock no signal lands between the read and the write,
 * so the doubled value is exactly twice what was read, and every signal is applied exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, startEmulator, startOrchestration, waitFor, waitForStatus, type Emulator } from './harness.js';
import { history, ofType, uid, webhook, signalCounter } from './semantics-helpers.js';

const APP = path.join(REPO, 'examples/app');
let emu: Emulator;

before(async () => {
  assert.ok(
    fs.existsSync(path.join(APP, 'dist/src/functions/counter.js')),
    'examples/app is built (npm run example:setup)',
  );
  emu = await startEmulator({ app: APP });
});

after(async () => {
  await emu?.stop();
});

async function state(key: string): Promise<number | undefined> {
  const res = await webhook(emu, `entities/counter/${encodeURIComponent(key)}`);
  return res.status === 200 ? ((await res.json()) as number) : undefined;
}

test('critical section: no signal lands inside the lock, none is lost', async () => {
  const key = uid('locked');
  // Three orchestrations contend for the same entity's lock while clients signal it.
  const ids = [uid('lock'), uid('lock'), uid('lock')];
  for (const id of ids) await startOrchestration(emu, 'counterOrchestration', { id: key, amount: 5 }, id);
  // Eight clients signal add(1) back to back until the orchestrations have finished.
  let sent = 0;
  let finished = false;
  const client = async (): Promise<void> => {
    while (!finished && sent < 5000) {
      const r = await signalCounter(emu, key, 'add', 1);
      assert.equal(r.status, 202);
      sent++;
    }
  };
  const clients = Array.from({ length: 8 }, client);
  const statuses = [];
  for (const id of ids) statuses.push(await waitForStatus(emu, id));
  finished = true;
  await Promise.all(clients);
  assert.ok(sent > 0);
  let doubled = 0;
  for (const status of statuses) {
    assert.equal(status.runtimeStatus, 'Completed');
    const out = status.output as { id: string; afterAdd: number; afterDouble: number };
    assert.equal(out.id, key);
    assert.ok(out.afterAdd >= 5);
    // Inside the lock: value = get; add(value); afterDouble = get. Without interleaving afterDouble = 2 * value.
    assert.equal(out.afterDouble % 2, 0, `afterDouble ${out.afterDouble} is twice the value read in the lock`);
    assert.ok(out.afterDouble / 2 >= out.afterAdd);
    doubled += out.afterDouble / 2;
  }
  // Every signal applied exactly once: 3 × 5 (the orchestrations' adds) + all client adds + each doubling.
  const expected = 3 * 5 + sent + doubled;
  await waitFor(async () => (await state(key)) === expected, `counter@${key} = ${expected}`);
  const id = ids[0]!;

  // The history shows the lock protocol: requests sent to the entity and answers raised back.
  const events = await history(emu, id);
  assert.ok(ofType(events, 'EventSent').length >= 5, 'signal, get, lock, get, add, get, release');
  assert.ok(ofType(events, 'EventRaised').length >= 4, 'responses to the calls and the lock');
  // After the release the entity takes signals again.
  assert.equal((await signalCounter(emu, key, 'add', 1)).status, 202);
  await waitFor(async () => (await state(key)) === expected + 1, 'unlocked');
});
