/**
 * `node dist/cli.js replay-check` end to end: the golden histories of test/fixtures/replay against
 * test/fixtures/js-cjs as it is (no divergence) and against copies with one orchestrator changed (a renamed
 * activity, reordered calls, a removed timer), which must be reported with the event index, what the history
 * recorded, what the code does now, and the source line. Also a live emulator store (`--store`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, copyFixture, FIXTURES, REPO, startEmulator } from './harness.js';
import { loadHistoryFile } from '../../src/debugger/historyInput.js';
import { computePositions } from '../../src/debugger/replayRun.js';
import { ChildProcessReplayHost } from '../../src/debugger/replayWorker.js';

const GOLDEN = path.join(FIXTURES, 'replay');
const golden = (name: string): string => path.join(GOLDEN, `${name}.json`);
const ALL = ['hello', 'fanout', 'timer', 'event', 'retry', 'suborch', 'entity', 'eternal', 'hello-status'];

function check(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'replay-check', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of js-cjs with `file` edited by `edit`. */
function changedApp(label: string, file: string, edit: (text: string) => string): string {
  const dir = copyFixture('js-cjs', label);
  const target = path.join(dir, 'src/functions', file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, 'the edit changed the file');
  fs.writeFileSync(target, after);
  return dir;
}

describe('replay-check', () => {
  it('reports nothing for unchanged code (exit 0)', () => {
    const result = check(['--app', path.join(FIXTURES, 'js-cjs'), ...ALL.flatMap((g) => ['--history', golden(g)])]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /9 instance\(s\) replayed, 0 with a divergence/);
  });

  it('--json prints only the report on stdout, even when the app prints at load (its appStart hook does)', () => {
    const result = check(['--app', path.join(FIXTURES, 'js-cjs'), '--history', golden('hello'), '--json']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as { instances: { instanceId: string; divergence?: unknown }[] };
    assert.deepEqual(
      report.instances.map((i) => [i.instanceId, i.divergence]),
      [['hello', undefined]],
    );
    assert.match(result.stderr, /appStart hook ran/);
  });

  it('reports a renamed activity', () => {
    const app = changedApp('replay-renamed', 'hello.js', (text) =>
      text.replace("callActivity('sayHello', 'Seattle')", "callActivity('sayHi', 'Seattle')"),
    );
    const result = check(['--app', app, '--history', golden('hello'), '--history', golden('hello-status')]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const lines = result.stdout.split('\n');
    // One numbering for the stored (raw) history and its export: event #N is the export's historyEvents[N-1].
    const reported = lines.filter((line) => line.startsWith('hello (helloSequence)'));
    assert.equal(reported.length, 2, result.stdout);
    for (const line of reported) {
      assert.match(
        line,
        /event #3: recorded activity 'sayHello' with input "Seattle"; now activity 'sayHi' with input "Seattle"; at .*hello\.js:8:/,
      );
    }
    const exported = JSON.parse(fs.readFileSync(golden('hello-status'), 'utf8')) as {
      historyEvents: Record<string, unknown>[];
    };
    assert.deepEqual(
      [exported.historyEvents[2]!['FunctionName'], exported.historyEvents[2]!['Input']],
      ['sayHello', '"Seattle"'],
    );
    assert.match(
      result.stdout,
      /History event #3 \(TaskCompleted, with its ScheduledTime\) recorded activity 'sayHello' .* \(sequence id 1\), .*: a different name\./,
    );
  });

  it('reports reordered calls', () => {
    const app = changedApp('replay-reordered', 'hello.js', (text) =>
      text
        .replace("callActivity('sayHello', 'Tokyo')", 'PLACEHOLDER')
        .replace("callActivity('sayHello', 'Seattle')", "callActivity('sayHello', 'Tokyo')")
        .replace('PLACEHOLDER', "callActivity('sayHello', 'Seattle')"),
    );
    const result = check(['--app', app, '--history', golden('hello')]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /event #2: recorded activity 'sayHello' with input "Tokyo"; now activity 'sayHello' with input "Seattle"; at .*hello\.js:7:.*\n.*a different input\./,
    );
  });

  it('reports a removed timer', () => {
    const app = changedApp('replay-no-timer', 'timer.js', (text) =>
      text.replace(/\n\s*yield context\.df\.createTimer\([^\n]*\n/, '\n'),
    );
    const result = check(['--app', app, '--history', golden('timer')]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /timer \(timerOrchestration\): event #2: recorded a timer until .*; now nothing/);
    assert.match(result.stdout, /the code no longer schedules it\./);
  });

  it('reports a timer where the history has an activity (a different kind)', () => {
    const app = changedApp('replay-kind', 'hello.js', (text) =>
      text.replace(
        "yield context.df.callActivity('sayHello', 'Tokyo')",
        'yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000))',
      ),
    );
    const result = check(['--app', app, '--history', golden('hello')]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /event #2: recorded activity 'sayHello'.*; now a timer until .*hello\.js:7:.*\n.*a different kind of task/,
    );
  });

  it('checks every instance of an emulator store, read-only while the emulator runs', async () => {
    const emulator = await startEmulator({ app: path.join(FIXTURES, 'js-cjs') });
    try {
      const base = `${emulator.url}/runtime/webhooks/durabletask`;
      const started = await fetch(`${base}/orchestrators/helloSequence/store-hello`, { method: 'POST' });
      assert.equal(started.status, 202);
      for (let i = 0; ; i++) {
        const status = (await (await fetch(`${base}/instances/store-hello`)).json()) as { runtimeStatus: string };
        if (status.runtimeStatus === 'Completed') break;
        assert.ok(i < 200, 'the instance completes');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ok = check(['--app', path.join(FIXTURES, 'js-cjs'), '--store', emulator.storeDir]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /1 instance\(s\) replayed, 0 with a divergence/);
      const app = changedApp('replay-store', 'hello.js', (text) => text.replace("'London'", "'Paris'"));
      const bad = check(['--app', app, '--store', emulator.storeDir]);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(
        bad.stdout,
        /^store-hello \(helloSequence\): event #4: recorded activity 'sayHello' with input "London"; now activity 'sayHello' with input "Paris"/m,
      );
      assert.equal(fs.existsSync(path.join(emulator.storeDir, 'store.lock')), true, 'the emulator keeps its lock');
    } finally {
      await emulator.stop();
    }
  });

  it('exits 2 on usage errors', () => {
    assert.equal(check([]).code, 2);
    assert.equal(check(['--app', path.join(FIXTURES, 'js-cjs')]).code, 2);
    assert.equal(check(['--app', 'x', '--store', 'y', '--history', 'z']).code, 2);
    assert.equal(check(['--app', path.join(FIXTURES, 'js-cjs'), '--bogus']).code, 2);
    const missing = check(['--app', path.join(FIXTURES, 'js-cjs'), '--history', golden('nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });

  it('replays in a separate worker process (ChildProcessReplayHost over dist/replay.js)', async () => {
    const host = new ChildProcessReplayHost(path.join(FIXTURES, 'js-cjs'), path.join(REPO, 'dist/replay.js'));
    const functions = await host.start();
    assert.ok(functions.some((fn) => fn.name === 'helloSequence'));
    try {
      const positions = await computePositions(host, loadHistoryFile(golden('hello')));
      assert.deepEqual(
        positions.map((p) => p.observation.suspendedAt?.line ?? null),
        [7, 8, 9, null],
      );
      assert.equal(positions.at(-1)?.divergence, undefined);
      assert.equal(path.basename(positions[0]!.observation.suspendedAt!.file), 'hello.js');
    } finally {
      await host.stop();
    }
  });
});
