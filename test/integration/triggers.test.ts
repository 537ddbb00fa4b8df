/**
 * Timer triggers and manual invocation in the emulator process (fixture test/fixtures/triggers): a 72-hour jump of
 * the clock runs a due schedule once, past due; runOnStartup runs once; a failing timer keeps its schedule;
 * `POST /admin/functions/{name}` runs timers and triggers the emulator cannot serve; the schedule status survives
 * a restart, so a schedule that came due while the emulator was down runs once when it is back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { emulatorApi, FIXTURES, startEmulator, tempDir, waitFor, waitForStatus, type Emulator } from './harness.js';

const APP = path.join(FIXTURES, 'triggers');
const HOUR = 3_600_000;

interface TimerObject {
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
  isPastDue: boolean;
}

interface FunctionItem {
  name: string;
  kind: string;
  triggerType: string;
  schedule?: string;
  nextRun?: string;
  lastRun?: { at: string; status: string; reason: string; durationMs: number; error?: string };
  runsLocally: boolean;
}

/** What each run of `name` logged after `MARK <name> ` (JSON), in order. */
function marks(emu: Emulator, name: string): unknown[] {
  const prefix = `MARK ${name} `;
  return emu
    .output()
    .split('\n')
    .flatMap((line) => {
      const at = line.indexOf(prefix);
      return at === -1 ? [] : [JSON.parse(line.slice(at + prefix.length)) as unknown];
    });
}

const timerMarks = (emu: Emulator, name: string): TimerObject[] => marks(emu, name) as TimerObject[];

async function functions(emu: Emulator): Promise<FunctionItem[]> {
  return (await (await emulatorApi(emu, 'functions')).json()) as FunctionItem[];
}

async function functionItem(emu: Emulator, name: string): Promise<FunctionItem> {
  const item = (await functions(emu)).find((fn) => fn.name === name);
  assert.ok(item, `function ${name} listed`);
  return item;
}

function advance(emu: Emulator, ms: number): Promise<Response> {
  return emulatorApi(emu, 'clock/advance', { method: 'POST', body: JSON.stringify({ ms }) });
}

function invoke(emu: Emulator, name: string, body: string): Promise<Response> {
  return fetch(`${emu.url}/admin/functions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

describe('timer triggers and manual invocation', () => {
  test('schedules follow the emulated clock; functions run by hand through the admin API', async (t) => {
    const emu = await startEmulator({ app: APP });
    t.after(() => emu.stop());

    // runOnStartup: once at start, not past due.
    await waitFor(() => timerMarks(emu, 'warmUp').length === 1, 'the warmUp run at start');
    const warmUp = timerMarks(emu, 'warmUp')[0]! as TimerObject & { instanceId: string };
    assert.equal(warmUp.isPastDue, false);
    const started = await waitForStatus(emu, warmUp.instanceId);
    assert.equal(started.runtimeStatus, 'Completed', 'the run at start reached the emulator through its client');

    const banner = emu.output();
    assert.match(banner, /^ {2}report: timer '0 \*\/5 \* \* \* \*', next run \d{4}-\d\d-\d\dT/m);
    assert.match(
      banner,
      /^ {2}orders: serviceBusTrigger, not run by the emulator; invoke by hand: POST http:\/\/localhost:\d+\/admin\/functions\/orders$/m,
    );

    const report = await functionItem(emu, 'report');
    assert.equal(report.kind, 'timer');
    assert.equal(report.schedule, '0 */5 * * * *', 'the %REPORT_SCHEDULE% setting resolved');
    assert.ok(report.nextRun && Date.parse(report.nextRun) > 0);
    assert.equal(report.runsLocally, true);
    const orders = await functionItem(emu, 'orders');
    assert.deepEqual([orders.kind, orders.triggerType, orders.runsLocally], ['other', 'serviceBusTrigger', false]);
    await waitFor(async () => (await functionItem(emu, 'warmUp')).lastRun?.status === 'Succeeded', 'warmUp run');

    // 72 hours at once: each due schedule runs once, past due; the failing one is logged.
    assert.equal((await advance(emu, 72 * HOUR)).status, 200);
    await waitFor(async () => (await functionItem(emu, 'report')).lastRun?.status === 'Succeeded', 'report run');
    await waitFor(async () => (await functionItem(emu, 'flaky')).lastRun?.status === 'Failed', 'flaky run');
    assert.equal(timerMarks(emu, 'report').length, 1, 'once, not 864 times');
    assert.equal(timerMarks(emu, 'report')[0]!.isPastDue, true);
    assert.equal(timerMarks(emu, 'report')[0]!.schedule.adjustForDST, true);
    assert.match(
      emu.output(),
      /Executed 'Functions\.flaky' \(Failed, Id=[0-9a-f-]+, Duration=\d+ms\)\n.*flaky failed on purpose/,
    );
    assert.equal((await functionItem(emu, 'flaky')).lastRun?.error, 'flaky failed on purpose');
    const { now } = (await (await emulatorApi(emu, 'clock')).json()) as { now: string };
    assert.ok(Date.parse((await functionItem(emu, 'report')).nextRun!) > Date.parse(now), 'next run after the jump');

    // The failing timer's schedule goes on (an hour on, the hourly timer is on time; the five-minute one is not).
    await advance(emu, HOUR);
    await waitFor(() => timerMarks(emu, 'flaky').length === 2, 'the next flaky run');
    assert.equal(timerMarks(emu, 'flaky')[1]!.isPastDue, false);
    await waitFor(() => timerMarks(emu, 'report').length === 2, 'the next report run');
    assert.equal(timerMarks(emu, 'report')[1]!.isPastDue, true);
    await waitFor(async () => (await functionItem(emu, 'report')).lastRun?.status === 'Succeeded', 'report run');

    // By hand: a timer gets its timer object whatever the input, not past due.
    assert.equal((await invoke(emu, 'report', '{"input": "ignored"}')).status, 202);
    await waitFor(() => timerMarks(emu, 'report').length === 3, 'report run by hand');
    assert.equal(timerMarks(emu, 'report')[2]!.isPastDue, false);
    await waitFor(async () => (await functionItem(emu, 'report')).lastRun?.reason === 'manual', 'manual lastRun');

    // By hand: triggers the emulator cannot serve get the input as their trigger value; the run is announced.
    const events = new AbortController();
    t.after(() => events.abort());
    const stream = await emulatorApi(emu, 'events', { signal: events.signal });
    let streamed = '';
    void (async () => {
      for await (const chunk of stream.body as AsyncIterable<Uint8Array>) streamed += Buffer.from(chunk).toString();
    })().catch(() => undefined);
    await waitFor(() => streamed.includes(': connected'), 'the event stream');
    assert.equal((await invoke(emu, 'orders', '{"input": "order-1"}')).status, 202);
    assert.equal((await invoke(emu, 'TELEMETRY', '{"input": "hello"}')).status, 202, 'names are case-insensitive');
    await waitFor(() => marks(emu, 'orders').length === 1 && marks(emu, 'telemetry').length === 1, 'runs by hand');
    assert.deepEqual(marks(emu, 'orders'), ['order-1']);
    assert.deepEqual(marks(emu, 'telemetry'), ['hello']);
    await waitFor(
      () =>
        /event: function\ndata: \{"type":"function","name":"orders","status":"Succeeded","reason":"manual"/.test(
          streamed,
        ),
      'the function event of the orders run',
    );
    assert.match(streamed, /event: function\ndata: \{"type":"function","name":"orders","status":"Running"/);
    events.abort();

    // Refusals.
    const unknown = await invoke(emu, 'nope', '{"input": ""}');
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { Message: string }).Message, /no function named 'nope'/);
    assert.equal((await invoke(emu, 'orders', 'not json')).status, 400);
    assert.equal((await invoke(emu, 'orders', '{"input": {"a": 1}}')).status, 400);
    const http = await invoke(emu, 'hello', '{"input": ""}');
    assert.equal(http.status, 400);
    assert.match(((await http.json()) as { Message: string }).Message, /HTTP function.*route/);
    const orchestrator = await invoke(emu, 'noop', '{"input": ""}');
    assert.equal(orchestrator.status, 400);
    assert.match(((await orchestrator.json()) as { Message: string }).Message, /orchestrators\/noop/);

    // The host's function list.
    const admin = (await (await fetch(`${emu.url}/admin/functions`)).json()) as {
      name: string;
      language: string;
      invoke_url_template: string | null;
      config: { bindings: { type: string; schedule?: string }[] };
    }[];
    const reportMeta = admin.find((fn) => fn.name === 'report')!;
    assert.equal(reportMeta.language, 'node');
    assert.equal(reportMeta.invoke_url_template, null);
    assert.equal(reportMeta.config.bindings[0]!.schedule, '0 */5 * * * *');
    assert.match(admin.find((fn) => fn.name === 'hello')!.invoke_url_template!, /^http:\/\/localhost:\d+\/api\/hello$/);

    assert.equal(timerMarks(emu, 'warmUp').length, 1, 'runOnStartup ran once only');
  });

  test('a schedule that came due while the emulator was down runs once, past due, at the next start', async (t) => {
    const storeDir = tempDir('ds-store-');
    const first = await startEmulator({ app: APP, storeDir });
    await waitFor(() => timerMarks(first, 'warmUp').length === 1, 'the warmUp run at start');
    await first.stop();
    const file = path.join(storeDir, 'timers.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { Next: string }>;
    assert.ok(stored['report'], 'the report status is kept in the store folder');

    // Simulate a day of downtime: the stored next occurrence is a day old.
    const dayAgo = new Date(Date.parse(stored['report'].Next) - 24 * HOUR).toISOString();
    stored['report'] = { ...stored['report'], Next: dayAgo, LastUpdated: dayAgo } as never;
    fs.writeFileSync(file, JSON.stringify(stored));

    const second = await startEmulator({ app: APP, storeDir });
    t.after(() => second.stop());
    await waitFor(() => timerMarks(second, 'report').length === 1, 'the past-due report run');
    const timer = timerMarks(second, 'report')[0]!;
    assert.equal(timer.isPastDue, true);
    assert.equal(timer.scheduleStatus?.next, dayAgo);
    assert.match(second.output(), /Function 'report' is past due/);
    await waitFor(async () => (await functionItem(second, 'report')).lastRun?.status === 'Succeeded', 'report done');
    assert.equal(timerMarks(second, 'report').length, 1);
    assert.equal(timerMarks(second, 'flaky').length, 0, 'a schedule not yet due does not run');
  });
});
