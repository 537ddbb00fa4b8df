/**
 * The replay debugger's DAP adapter (`node dist/debug-adapter.js`) driven by a real DAP client
 * (`@vscode/debugadapter-testsupport`'s `DebugClient`) over stdio, on the golden histories of test/fixtures/replay
 * and the fixture app test/fixtures/js-cjs: stop on entry, stepping both ways, line, event-kind and conditional
 * breakpoints, variables, and the non-determinism stop on a changed copy of the app.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { copyFixture, FIXTURES, REPO, startEmulator } from './harness.js';

const ADAPTER = path.join(REPO, 'dist/debug-adapter.js');
const APP = path.join(FIXTURES, 'js-cjs');
const HELLO_JS = path.join(APP, 'src/functions/hello.js');
const golden = (name: string): string => path.join(FIXTURES, 'replay', `${name}.json`);

let dc: DebugClient;

interface Cdp {
  send(method: string, params?: object): Promise<unknown>;
  /** The params of the next event `method`. */
  next(method: string): Promise<unknown>;
  close(): void;
}

/**
 * A minimal Chrome DevTools Protocol client over the `ws` package that playwright-core bundles. The inspector
 * listens once the worker has read the request to open it: the target list is polled (with a deadline), as a
 * debugger attaching to a port does. Every wait has a deadline, so a broken inspector fails the test.
 */
async function connectCdp(port: number): Promise<Cdp> {
  const deadline = Date.now() + 10_000;
  let targets: { webSocketDebuggerUrl: string }[] | undefined;
  while (!targets) {
    try {
      targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as typeof targets;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const bundle = 'playwright-core/lib/utilsBundle'; // untyped: its `ws` export is declared here
  const { ws: WebSocket } = (await import(bundle)) as {
    ws: new (url: string) => {
      on(event: string, listener: (data: unknown) => void): void;
      send(text: string): void;
      close(): void;
    };
  };
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  const within = <T>(what: string, promise: Promise<T>): Promise<T> =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error(`CDP: no ${what} within 30 s`)), 30_000).unref();
      }),
    ]);
  await within(
    'connection',
    new Promise((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    }),
  );
  let nextId = 0;
  const replies = new Map<number, (result: unknown) => void>();
  const waiters = new Map<string, (params: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; method?: string; result?: unknown; params?: unknown };
    if (message.id !== undefined) replies.get(message.id)?.(message.result);
    else if (message.method) waiters.get(message.method)?.(message.params);
  });
  return {
    send: (method, params = {}) =>
      within(
        `answer to ${method}`,
        new Promise((resolve) => {
          const id = ++nextId;
          replies.set(id, resolve);
          socket.send(JSON.stringify({ id, method, params }));
        }),
      ),
    next: (method) => within(method, new Promise((resolve) => waiters.set(method, resolve))),
    close: () => socket.close(),
  };
}

beforeEach(async () => {
  dc = new DebugClient('node', ADAPTER, 'durable-replay');
  dc.defaultTimeout = 30_000;
  await dc.start();
});
afterEach(() => dc.stop());

/** Launches with `args`, runs `configure` between `initialized` and `configurationDone`, returns the first stop. */
async function launch(
  args: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => undefined,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 60_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await configure();
      await dc.configurationDoneRequest();
    }),
    dc.launch(args),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function topFrame(): Promise<DebugProtocol.StackFrame> {
  const { body } = await dc.stackTraceRequest({ threadId: 1 });
  assert.ok(body.stackFrames.length > 0);
  return body.stackFrames[0]!;
}

/** Sends a request that resumes, and returns the stop that follows. */
async function resume(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const [, stopped] = await Promise.all([request(), dc.waitForEvent('stopped')]);
  return stopped as DebugProtocol.StoppedEvent;
}

/** The variables of a scope (by name) of the top frame, as name → value. */
async function scope(name: string): Promise<{ values: Record<string, string>; refs: Record<string, number> }> {
  const frame = await topFrame();
  const { body } = await dc.scopesRequest({ frameId: frame.id });
  const found = body.scopes.find((s) => s.name === name);
  assert.ok(found, `scope ${name}`);
  return variables(found.variablesReference);
}

async function variables(ref: number): Promise<{ values: Record<string, string>; refs: Record<string, number> }> {
  const { body } = await dc.variablesRequest({ variablesReference: ref });
  return {
    values: Object.fromEntries(body.variables.map((v) => [v.name, v.value])),
    refs: Object.fromEntries(body.variables.map((v) => [v.name, v.variablesReference])),
  };
}

describe('debug adapter (dist/debug-adapter.js over stdio)', () => {
  it('advertises step back, conditional breakpoints, restart and event-kind filters', async () => {
    const { body } = await dc.initializeRequest();
    assert.equal(body?.supportsStepBack, true);
    assert.equal(body?.supportsConditionalBreakpoints, true);
    assert.equal(body?.supportsRestartRequest, true);
    assert.equal(body?.supportsConfigurationDoneRequest, true);
    const filters = body?.exceptionBreakpointFilters?.map((f) => f.filter) ?? [];
    for (const kind of ['nonDeterminism', 'TaskFailed', 'EventRaised', 'TimerFired', 'SubOrchestrationInstanceFailed'])
      assert.ok(filters.includes(kind), kind);
  });

  it('stops on entry at the suspended line, steps forward and back, shows variables', async () => {
    const entry = await launch({ app: APP, historyFile: golden('hello') });
    assert.equal(entry.body.reason, 'entry');
    const threads = await dc.threadsRequest();
    assert.deepEqual(
      threads.body.threads.map((t) => t.name),
      ['hello'],
    );
    let frame = await topFrame();
    assert.equal(frame.source?.path, HELLO_JS);
    assert.equal(frame.line, 7);
    assert.ok(frame.column > 0);

    const event = await scope('Current event');
    assert.equal(event.values['type'], '"ExecutionStarted"');
    assert.equal(event.values['name'], '"helloSequence"');

    const stepped = await resume(() => dc.nextRequest({ threadId: 1 }));
    assert.equal(stepped.body.reason, 'step');
    // One numbering: the history view's row #2 (its `#` column), in the state, the frame and the Variables view.
    assert.equal(stepped.body.description, 'Paused on event #2 TaskCompleted sayHello');
    assert.equal((await topFrame()).line, 8);
    assert.match((await topFrame()).name, / · event #2 TaskCompleted$/);
    const completed = await scope('Current event');
    assert.equal(completed.values['number'], '2');
    assert.equal(completed.values['type'], '"TaskCompleted"');
    assert.equal(completed.values['name'], '"sayHello"');
    assert.equal(completed.values['result'], '"Hello Tokyo!"');
    const orchestration = await scope('Orchestration');
    assert.equal(orchestration.values['name'], '"helloSequence"');
    assert.equal(orchestration.values['completedTasks'], 'Array(1)');
    assert.equal(orchestration.values['pendingTasks'], 'Array(1)');
    const firstTask = await variables((await variables(orchestration.refs['completedTasks']!)).refs['[0]']!);
    assert.equal(firstTask.values['result'], '"Hello Tokyo!"');
    const history = await scope('History so far');
    assert.deepEqual(history.values, { '#1': 'ExecutionStarted helloSequence', '#2': 'TaskCompleted sayHello' });
    const row2 = await variables(history.refs['#2']!);
    assert.equal(row2.values['Input'], '"\\"Tokyo\\""', 'the row as the host (and Export JSON…) has it');

    assert.equal((await resume(() => dc.stepInRequest({ threadId: 1 }))).body.reason, 'step');
    assert.equal((await topFrame()).line, 9);
    assert.equal((await resume(() => dc.stepBackRequest({ threadId: 1 }))).body.reason, 'step');
    frame = await topFrame();
    assert.equal(frame.line, 8, 'back where it was');
    assert.equal((await resume(() => dc.stepBackRequest({ threadId: 1 }))).body.reason, 'step');
    assert.equal((await topFrame()).line, 7);

    // The last position: the orchestrator returned, and its frame is the return statement (not "Unknown Source").
    await resume(() => dc.nextRequest({ threadId: 1 }));
    await resume(() => dc.nextRequest({ threadId: 1 }));
    await resume(() => dc.nextRequest({ threadId: 1 }));
    frame = await topFrame();
    assert.equal(frame.source?.path, HELLO_JS);
    assert.equal(frame.line, 10, 'return outputs;');
    assert.match(frame.name, /^helloSequence \(returned\) · event #4 TaskCompleted$/);

    // Continue without breakpoints runs to the end of the history.
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
  });

  for (const stopOnEntry of [true, false]) {
    it(`a divergence at the first position stops as an exception (stopOnEntry: ${stopOnEntry})`, async () => {
      const app = copyFixture('js-cjs', `dap-first-${stopOnEntry}`);
      const file = path.join(app, 'src/functions/hello.js');
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace("callActivity('sayHello', 'Tokyo')", "callActivity('sayHello', 'Paris')"),
      );
      const stop = await launch({ app, historyFile: golden('hello'), stopOnEntry });
      assert.equal(stop.body.reason, 'exception');
      assert.equal(stop.body.description, 'Non-determinism at event #2');
      assert.match(
        stop.body.text ?? '',
        /^History event #2 \(TaskCompleted, with its ScheduledTime\) recorded .*"Tokyo"/,
      );
      assert.equal((await topFrame()).line, 7);
      // The replay cannot go past it: the next step ends the session.
      await Promise.all([dc.nextRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
    });
  }

  it('tells editors, after each stop, the history row and what each yield line received', async () => {
    type Body = {
      position: number;
      positions: number;
      rowKey: string;
      inline: { file: string; line: number; text: string }[];
    };
    const next = async (): Promise<Body> =>
      ((await dc.waitForEvent('durableReplayPosition')) as DebugProtocol.Event).body as Body;
    const shown = (body: Body): string[] => body.inline.map((r) => `${path.basename(r.file)}:${r.line} ${r.text}`);
    const atEntry = next();
    await launch({ app: APP, historyFile: golden('hello') });
    const entry = await atEntry;
    assert.deepEqual([entry.position, entry.positions, entry.rowKey], [0, 4, 'ExecutionStarted#0']);
    assert.deepEqual(shown(entry), ['hello.js:7 … pending']);
    assert.equal(entry.inline[0]!.file, HELLO_JS);

    const afterStep = next();
    await resume(() => dc.nextRequest({ threadId: 1 }));
    const step = await afterStep;
    assert.deepEqual([step.position, step.rowKey], [1, 'TaskCompleted#0']);
    assert.deepEqual(shown(step), ['hello.js:7 = "Hello Tokyo!"', 'hello.js:8 … pending']);

    const afterBack = next();
    await resume(() => dc.stepBackRequest({ threadId: 1 }));
    assert.deepEqual(shown(await afterBack), ['hello.js:7 … pending']);
  });

  it('stops at a line breakpoint, and reverse-continues back to it', async () => {
    const stop = await launch({ app: APP, historyFile: golden('hello'), stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: HELLO_JS }, breakpoints: [{ line: 8 }] }),
    );
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal((await topFrame()).line, 8);
    assert.equal((await resume(() => dc.nextRequest({ threadId: 1 }))).body.reason, 'step');
    assert.equal((await topFrame()).line, 9);
    assert.equal((await resume(() => dc.reverseContinueRequest({ threadId: 1 }))).body.reason, 'breakpoint');
    assert.equal((await topFrame()).line, 8);
  });

  it('honours a condition on a line breakpoint (text in the event name or content)', async () => {
    const stop = await launch({ app: APP, historyFile: golden('hello'), stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({
        source: { path: HELLO_JS },
        breakpoints: [
          { line: 8, condition: 'Seattle' },
          { line: 9, condition: 'Seattle' },
        ],
      }),
    );
    assert.equal(stop.body.reason, 'breakpoint');
    assert.equal((await topFrame()).line, 9);
    assert.equal((await scope('Current event')).values['result'], '"Hello Seattle!"');
  });

  it('restarts from the first position', async () => {
    await launch({ app: APP, historyFile: golden('hello') });
    await resume(() => dc.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame()).line, 8);
    assert.equal((await resume(() => dc.customRequest('restart'))).body.reason, 'entry');
    assert.equal((await topFrame()).line, 7);
  });

  it('replays an instance of a running emulator by id', async () => {
    const emulator = await startEmulator({ app: APP });
    try {
      const base = `${emulator.url}/runtime/webhooks/durabletask`;
      const started = await fetch(`${base}/orchestrators/helloSequence/dap-hello`, { method: 'POST' });
      assert.equal(started.status, 202);
      for (let i = 0; ; i++) {
        const status = (await (await fetch(`${base}/instances/dap-hello`)).json()) as { runtimeStatus: string };
        if (status.runtimeStatus === 'Completed') break;
        assert.ok(i < 200, 'the instance completes');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const entry = await launch({ app: APP, instanceId: 'dap-hello', emulatorUrl: emulator.url });
      assert.equal(entry.body.reason, 'entry');
      assert.deepEqual(
        (await dc.threadsRequest()).body.threads.map((t) => t.name),
        ['dap-hello'],
      );
      assert.equal((await topFrame()).line, 7);
      await resume(() => dc.nextRequest({ threadId: 1 }));
      assert.equal((await scope('Current event')).values['result'], '"Hello Tokyo!"');
    } finally {
      await emulator.stop();
    }
  });

  it('reports a launch without a history as an error', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ app: APP } as DebugProtocol.LaunchRequestArguments), /exactly one of/);
  });

  it('stops on an event kind (exception filter) and honours a condition', async () => {
    const failed = await launch({ app: APP, historyFile: golden('retry'), stopOnEntry: false }, () =>
      dc.setExceptionBreakpointsRequest({ filters: ['TaskFailed'] }),
    );
    assert.equal(failed.body.reason, 'breakpoint');
    assert.equal((await scope('Current event')).values['type'], '"TaskFailed"');
    await dc.disconnectRequest({});
    await dc.stop();

    dc = new DebugClient('node', ADAPTER, 'durable-replay');
    dc.defaultTimeout = 30_000;
    await dc.start();
    const conditional = await launch({ app: APP, historyFile: golden('hello'), stopOnEntry: false }, () =>
      dc.setExceptionBreakpointsRequest({
        filters: [],
        filterOptions: [{ filterId: 'TaskCompleted', condition: 'Seattle' }],
      }),
    );
    assert.equal(conditional.body.reason, 'breakpoint');
    assert.equal((await scope('Current event')).values['result'], '"Hello Seattle!"');
    assert.equal((await topFrame()).line, 9);
  });

  it('openInspector and inspectLocals: a JavaScript debugger stops in the orchestrator with its variables', async () => {
    await launch({ app: APP, historyFile: golden('hello') });
    await resume(() => dc.nextRequest({ threadId: 1 }));
    const { body } = (await dc.customRequest('openInspector')) as { body: { port: number } };
    // Any Chrome DevTools Protocol client will do: a WebSocket to the worker's inspector.
    const cdp = await connectCdp(body.port);
    try {
      await cdp.send('Debugger.enable');
      const paused = cdp.next('Debugger.paused');
      await cdp.send('Runtime.runIfWaitingForDebugger');
      const continued = dc.waitForEvent('continued');
      const inspected = dc.customRequest('inspectLocals');
      await continued;
      const { callFrames } = (await paused) as { callFrames: { callFrameId: string; functionName: string }[] };
      // The stop is in the replay's wrapper; the orchestrator (hello.js) is the frame below, at position 1.
      const outputs = (await cdp.send('Debugger.evaluateOnCallFrame', {
        callFrameId: callFrames[1]!.callFrameId,
        expression: 'JSON.stringify(outputs)',
      })) as { result: { value: string } };
      assert.equal(outputs.result.value, '["Hello Tokyo!"]');
      const again = dc.waitForEvent('stopped');
      await cdp.send('Debugger.resume');
      await inspected;
      assert.equal(((await again) as DebugProtocol.StoppedEvent).body.reason, 'pause');
      assert.equal((await topFrame()).line, 8, 'still at position 1');
    } finally {
      cdp.close();
    }
  });

  it('stops with reason exception where the current code diverges from the history', async () => {
    const app = copyFixture('js-cjs', 'dap-renamed');
    const file = path.join(app, 'src/functions/hello.js');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace("callActivity('sayHello', 'Seattle')", "callActivity('sayHi', 'Seattle')"),
    );
    const stop = await launch({ app, historyFile: golden('hello'), stopOnEntry: false });
    assert.equal(stop.body.reason, 'exception');
    assert.match(stop.body.text ?? '', /History event #3 .*recorded activity 'sayHello' .*: a different name\./);
    assert.equal(stop.body.description, 'Non-determinism at event #3');
    const frame = await topFrame();
    assert.equal(frame.source?.path, file);
    assert.equal(frame.line, 8);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.details?.message ?? '', /^event #3: recorded activity 'sayHello' .*; now activity 'sayHi'/);
  });
});
