import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Throttle, type ThrottleTimers } from '../../src/extension/history/throttle.js';

/** Timers under the test's control: `advance` fires what is due. */
class FakeTimers implements ThrottleTimers {
  time = 1000;
  private pending: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }
  get scheduled(): number {
    return this.pending.length;
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.pending.filter((timer) => timer.at <= this.time);
    this.pending = this.pending.filter((timer) => timer.at > this.time);
    for (const timer of due) timer.callback();
  }
}

/** A task whose runs the test finishes by hand. */
function controlledTask() {
  const runs: (() => void)[] = [];
  const task = () => new Promise<void>((resolve) => runs.push(resolve));
  return { runs, task };
}

const noError = (error: unknown): never => assert.fail(String(error));
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('the first request runs at once; requests during the run collapse into one trailing run', async () => {
  const timers = new FakeTimers();
  const { runs, task } = controlledTask();
  const throttle = new Throttle(task, () => 250, noError, timers);
  throttle.request();
  assert.equal(runs.length, 1);
  throttle.request();
  throttle.request();
  throttle.request();
  assert.equal(runs.length, 1, 'never two at once');
  timers.advance(100);
  runs[0]!();
  await settle();
  assert.equal(runs.length, 1, 'the trailing run waits for the end of the interval');
  assert.equal(timers.scheduled, 1);
  timers.advance(150);
  assert.equal(runs.length, 2, 'one trailing run for the three requests');
  runs[1]!();
  await settle();
  assert.equal(timers.scheduled, 0);
  assert.equal(runs.length, 2);
});

test('requests more than an interval apart each run at once', async () => {
  const timers = new FakeTimers();
  const { runs, task } = controlledTask();
  const throttle = new Throttle(task, () => 250, noError, timers);
  throttle.request();
  runs[0]!();
  await settle();
  timers.advance(300);
  throttle.request();
  assert.equal(runs.length, 2);
});

test('flush runs at once and resolves when done; dispose cancels what is scheduled', async () => {
  const timers = new FakeTimers();
  let count = 0;
  const throttle = new Throttle(
    async () => void count++,
    () => 250,
    noError,
    timers,
  );
  throttle.request();
  await settle();
  throttle.request(); // within the interval: scheduled
  assert.equal(timers.scheduled, 1);
  await throttle.flush();
  assert.equal(count, 2);
  assert.equal(timers.scheduled, 0);
  timers.advance(100);
  throttle.request();
  throttle.dispose();
  assert.equal(timers.scheduled, 0);
  timers.advance(1000);
  throttle.request();
  assert.equal(count, 2);
});

test('a failing task goes to onError and the throttle keeps working', async () => {
  const timers = new FakeTimers();
  const errors: unknown[] = [];
  let count = 0;
  const throttle = new Throttle(
    async () => {
      count++;
      throw new Error('down');
    },
    () => 250,
    (error) => errors.push(error),
    timers,
  );
  throttle.request();
  await settle();
  timers.advance(300);
  throttle.request();
  await settle();
  assert.equal(count, 2);
  assert.equal(errors.length, 2);
});
