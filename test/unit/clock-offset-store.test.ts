/**
 * The emulated clock's offset survives a restart: `<store>/clock.json` round-trips, a damaged or impossible file
 * reads as wall time (with a warning), a clock starts from a kept offset, and the engine writes the new offset
 * before it moves the clock, one move at a time (so concurrent moves keep the sum).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SystemClock } from '../../src/emulator/clock.js';
import { CLOCK_FILE, fileClockStore } from '../../src/emulator/clockStore.js';
import { Engine } from '../../src/emulator/engine/engine.js';
import { createMemoryStore, createMemoryStoreData } from '../../src/emulator/store/memoryStore.js';
import type { FunctionRunner } from '../../src/emulator/host/runner.js';

const DAY = 86_400_000;

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ds-clock-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('clock.json keeps the offset; a missing, damaged or impossible one reads as wall time', async () => {
  await withDir(async (dir) => {
    const warnings: string[] = [];
    const store = fileClockStore(dir, (message) => warnings.push(message));
    assert.equal(await store.load(), 0, 'no file: wall time');
    await store.save(3 * DAY);
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, CLOCK_FILE), 'utf8')), { offsetMs: 3 * DAY });
    assert.equal(await fileClockStore(dir).load(), 3 * DAY, 'the next run reads it');
    for (const text of ['{not json', '{"offsetMs": -5}', '{"offsetMs": "3d"}', '{"offsetMs": 1e300}']) {
      await writeFile(path.join(dir, CLOCK_FILE), text);
      assert.equal(await fileClockStore(dir, (m) => warnings.push(m)).load(), 0, text);
    }
    assert.equal(warnings.length, 4, warnings.join('\n'));
    assert.match(warnings[0]!, /Emulated clock offset ignored/);
  });
});

test('a clock starts from a kept offset', () => {
  const before = Date.now();
  const clock = new SystemClock(3 * DAY);
  assert.equal(clock.offsetMs(), 3 * DAY);
  assert.ok(clock.now() >= before + 3 * DAY && clock.now() <= Date.now() + 3 * DAY);
});

test('the engine keeps the new offset before the clock moves, one move at a time', async () => {
  const clock = new SystemClock();
  const saved: { offsetMs: number; clockOffsetThen: number }[] = [];
  const engine = new Engine({
    store: createMemoryStore(createMemoryStoreData()),
    runner: {} as FunctionRunner, // never started: moving the clock runs no function
    clock,
    hubName: 'ClockTests',
    saveClockOffset: async (offsetMs) => {
      await new Promise((resolve) => setImmediate(resolve));
      saved.push({ offsetMs, clockOffsetThen: clock.offsetMs() });
    },
  });
  const moved: number[] = [];
  engine.onChange((change) => change.type === 'clock' && moved.push(change.offsetMs));
  await Promise.all([engine.advanceClock(DAY), engine.advanceClock(2 * DAY)]);
  assert.deepEqual(saved, [
    { offsetMs: DAY, clockOffsetThen: 0 },
    { offsetMs: 3 * DAY, clockOffsetThen: DAY },
  ]);
  assert.deepEqual(moved, [DAY, 3 * DAY]);
  assert.equal(clock.offsetMs(), 3 * DAY);
  // A refused move changes nothing and does not block the next.
  await assert.rejects(engine.advanceClock(-1), /The clock can move forward/);
  await engine.advanceClock(1000);
  assert.equal(saved.at(-1)?.offsetMs, 3 * DAY + 1000);
});
