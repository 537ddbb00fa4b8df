/**
 * The SSE parser with chunks split at every position (inside lines, between CR and LF, inside UTF-8 sequences),
 * and the change stream's connection life cycle (back-off, final failures, dispose) over a scripted fetch with
 * hand-driven timers. No network, no sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseMessage } from '../../src/extension/api/sseParser.js';
import { subscribeToChanges, type ChangeStreamState, type StreamTimers } from '../../src/extension/api/changeStream.js';
import type { ChangeEvent } from '../../src/extension/api/types.js';

const SAMPLE = [
  ': connected\r\n\r\n',
  'event: instance\r\ndata: {"type":"instance",\r\ndata: "x":1}\r\n\r\n',
  ': heartbeat\n\n',
  'data:no-space\n\n',
  'event: cr\rdata: carriage\rdata:  two spaces\r\r',
  'id: 7\nretry: 1500\nunknown: field\nevent: withId\ndata\n\n',
  'event: nodata\n\n',
  'data: héllo 😀 ∑\n\n',
  'id: 8\u0000\ndata: after bad id\n\n',
  'data: unfinished at the end\n',
].join('');

interface Parsed {
  messages: SseMessage[];
  comments: string[];
  retries: number[];
}

function parse(chunks: Uint8Array[]): Parsed {
  const result: Parsed = { messages: [], comments: [], retries: [] };
  const parser = new SseParser({
    onMessage: (m) => result.messages.push(m),
    onComment: (c) => result.comments.push(c),
    onRetry: (ms) => result.retries.push(ms),
  });
  for (const chunk of chunks) parser.push(chunk);
  return result;
}

test('the SSE parser reads every kind of line', () => {
  const { messages, comments, retries } = parse([new TextEncoder().encode(SAMPLE)]);
  assert.deepEqual(comments, ['connected', 'heartbeat']);
  assert.deepEqual(retries, [1500]);
  assert.deepEqual(messages, [
    { event: 'instance', data: '{"type":"instance",\n"x":1}', lastEventId: '' },
    { event: 'message', data: 'no-space', lastEventId: '' },
    { event: 'cr', data: 'carriage\n two spaces', lastEventId: '' },
    { event: 'withId', data: '', lastEventId: '7' },
    { event: 'message', data: 'héllo 😀 ∑', lastEventId: '7' },
    { event: 'message', data: 'after bad id', lastEventId: '7' },
  ]);
});

test('the SSE parser gives the same result however the bytes are split', () => {
  const bytes = new TextEncoder().encode(SAMPLE);
  const expected = parse([bytes]);
  for (let i = 0; i <= bytes.length; i++) {
    assert.deepEqual(parse([bytes.subarray(0, i), bytes.subarray(i)]), expected, `split at byte ${i}`);
  }
  for (let i = 1; i < bytes.length; i += 7) {
    for (let j = i; j <= bytes.length; j += 5) {
      const chunks = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
      assert.deepEqual(parse(chunks), expected, `split at bytes ${i} and ${j}`);
    }
  }
  const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
  assert.deepEqual(parse(oneByOne), expected, 'one byte at a time');
});

test('the SSE parser keeps a CR that ends a chunk from swallowing a blank line', () => {
  const messages: SseMessage[] = [];
  const parser = new SseParser({ onMessage: (m) => messages.push(m) });
  parser.pushText('data: a\r');
  parser.pushText('\r'); // CR CR: a line end, then a blank line (not one CRLF)
  assert.equal(messages.length, 1);
  parser.pushText('data: b\r');
  parser.pushText('\n'); // CR LF split across chunks: one line end
  parser.pushText('\r\n');
  assert.deepEqual(
    messages.map((m) => m.data),
    ['a', 'b'],
  );
});

test('the SSE parser drops an unfinished event on reset and skips one leading BOM', () => {
  const messages: SseMessage[] = [];
  const parser = new SseParser({ onMessage: (m) => messages.push(m) });
  parser.pushText('event: x\ndata: lost');
  parser.reset();
  parser.pushText('\uFEFFdata: kept\n\n');
  assert.deepEqual(messages, [{ event: 'message', data: 'kept', lastEventId: '' }]);
});

// ---- the change stream over a scripted fetch ----

class ManualTimers implements StreamTimers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs the only pending timer and returns its delay. */
  fireOnly(): number {
    assert.equal(this.pending.size, 1, 'exactly one timer pending');
    const [id, timer] = [...this.pending][0]!;
    this.pending.delete(id);
    timer.callback();
    return timer.ms;
  }
}

/** A fetch whose answers the test scripts one call at a time. */
class ScriptedFetch {
  readonly calls: { url: string; init: RequestInit | undefined }[] = [];
  private readonly answers: ((signal: AbortSignal) => Promise<Response>)[] = [];
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    this.calls.push({ url: input instanceof Request ? input.url : input.toString(), init });
    const answer = this.answers.shift();
    assert.ok(answer, `unexpected fetch #${this.calls.length}`);
    return answer(init!.signal!);
  };

  /** Answers with an event stream the test writes to; the stream errors when the request is aborted. */
  stream(): { write(text: string): void; end(): void } {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => (controller = c) });
    this.answers.push((signal) => {
      signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    });
    return {
      write: (text) => controller.enqueue(new TextEncoder().encode(text)),
      end: () => controller.close(),
    };
  }

  refuse(): void {
    this.answers.push(() => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })));
  }

  status(status: number, contentType = 'application/json'): void {
    this.answers.push(() => Promise.resolve(new Response('{}', { status, headers: { 'content-type': contentType } })));
  }
}

/** Records states and changes, and lets a test wait for the next one that matches. */
class Recorder {
  readonly states: ChangeStreamState[] = [];
  readonly changes: ChangeEvent[] = [];
  readonly errors: Error[] = [];
  private waiters: (() => void)[] = [];
  onState = (state: ChangeStreamState): void => this.push(() => this.states.push(state));
  onChange = (change: ChangeEvent): void => this.push(() => this.changes.push(change));
  onError = (error: Error): void => this.push(() => this.errors.push(error));
  private push(record: () => void): void {
    record();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
  async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100).unref(); // a deadline tick, not a sleep: the check runs on every record
      });
    }
  }
  kinds(): string[] {
    return this.states.map((s) => s.kind);
  }
}

const instanceEvent = (id: string): string =>
  `event: instance\ndata: ${JSON.stringify({ type: 'instance', instanceId: id, name: 'n', runtimeStatus: 'Running', lastUpdatedTime: 1 })}\n\n`;

test('the change stream delivers changes, backs off exponentially up to the cap, and resets after an open', async () => {
  const fetch = new ScriptedFetch();
  const timers = new ManualTimers();
  const rec = new Recorder();
  const first = fetch.stream();
  const sub = subscribeToChanges('http://localhost:7071/', rec.onChange, {
    fetch: fetch.fetch,
    timers,
    initialRetryMs: 100,
    maxRetryMs: 300,
    idleTimeoutMs: 0,
    onStateChange: rec.onState,
    onError: rec.onError,
    key: 'k',
  });
  assert.equal(fetch.calls[0]!.url, 'http://localhost:7071/emulator/v1/events');
  assert.equal((fetch.calls[0]!.init!.headers as Record<string, string>)['x-functions-key'], 'k');
  await rec.until(() => rec.kinds().includes('open'), 'open');
  first.write(': connected\n\n' + instanceEvent('a').slice(0, 20));
  first.write(instanceEvent('a').slice(20) + 'event: instance\ndata: not json\n\n' + instanceEvent('b'));
  await rec.until(() => rec.changes.length === 2, 'two changes');
  assert.deepEqual(
    rec.changes.map((c) => (c.type === 'instance' ? c.instanceId : c.type)),
    ['a', 'b'],
  );
  assert.match(rec.errors[0]!.message, /Malformed 'instance' event/);

  first.end();
  await rec.until(() => rec.kinds().includes('retrying'), 'retrying');
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    fetch.refuse();
    delays.push(timers.fireOnly());
    await rec.until(() => rec.kinds().filter((k) => k === 'retrying').length === i + 2, `retry ${i + 2}`);
  }
  delays.push([...timers.pending.values()][0]!.ms);
  assert.deepEqual(delays, [100, 200, 300, 300]);
  const retrying = rec.states.at(-1)!;
  assert.ok(
    retrying.kind === 'retrying' && /connection refused/.test(retrying.error.message),
    JSON.stringify(retrying),
  );

  const second = fetch.stream();
  timers.fireOnly();
  await rec.until(() => rec.states.at(-1)?.kind === 'open', 'reopened');
  assert.deepEqual(rec.states.at(-1), { kind: 'open', reconnected: true });
  second.write('retry: 40\n\n');
  second.end();
  await rec.until(() => timers.pending.size === 1, 'the next retry');
  assert.equal(
    [...timers.pending.values()][0]!.ms,
    40,
    'after an open, the back-off starts again (at the server-given retry)',
  );

  sub.dispose();
  assert.equal(timers.pending.size, 0, 'dispose clears the retry timer');
  assert.deepEqual(rec.states.at(-1), { kind: 'closed' });
  assert.deepEqual(rec.kinds().slice(0, 3), ['connecting', 'open', 'retrying']);
});

test('the change stream stops for good when the server has no event stream', async () => {
  for (const [status, contentType] of [
    [404, 'application/json'],
    [200, 'application/json'],
    [401, 'text/plain'],
  ] as const) {
    const fetch = new ScriptedFetch();
    const timers = new ManualTimers();
    const rec = new Recorder();
    fetch.status(status, contentType);
    const sub = subscribeToChanges('http://localhost:7071', rec.onChange, {
      fetch: fetch.fetch,
      timers,
      idleTimeoutMs: 0,
      onStateChange: rec.onState,
    });
    await rec.until(() => rec.states.at(-1)?.kind === 'failed', `failed on ${status}`);
    assert.equal(timers.pending.size, 0, 'no retry');
    sub.dispose();
  }
  // A 503 (the emulator is starting) is retried.
  const fetch = new ScriptedFetch();
  const timers = new ManualTimers();
  const rec = new Recorder();
  fetch.status(503);
  const sub = subscribeToChanges('http://localhost:7071', rec.onChange, {
    fetch: fetch.fetch,
    timers,
    idleTimeoutMs: 0,
    onStateChange: rec.onState,
  });
  await rec.until(() => rec.states.at(-1)?.kind === 'retrying', 'retrying on 503');
  sub.dispose();
  assert.equal(timers.pending.size, 0);
});

test('disposing from the state callback (on open, on retrying) leaves no timer and no request behind', async () => {
  for (const kind of ['open', 'retrying'] as const) {
    const fetch = new ScriptedFetch();
    const timers = new ManualTimers();
    const rec = new Recorder();
    if (kind === 'open') fetch.stream();
    else fetch.refuse();
    const sub = subscribeToChanges('http://localhost:7071', rec.onChange, {
      fetch: fetch.fetch,
      timers,
      onStateChange: (state) => {
        rec.onState(state);
        if (state.kind === kind) sub.dispose();
      },
    });
    await rec.until(() => rec.kinds().includes('closed'), `closed on ${kind}`);
    assert.equal(timers.pending.size, 0, `no timer after dispose on ${kind}`);
    assert.equal(fetch.calls[0]!.init!.signal!.aborted, true);
    assert.deepEqual(rec.kinds(), ['connecting', kind, 'closed']);
  }
});

test('dispose aborts the request, and nothing is delivered after it, not even from a chunk already read', async () => {
  const fetch = new ScriptedFetch();
  const rec = new Recorder();
  const stream = fetch.stream();
  const sub = subscribeToChanges(
    'http://localhost:7071',
    (change) => {
      rec.onChange(change);
      sub.dispose(); // disposing from inside the callback, with a second change in the same chunk
    },
    { fetch: fetch.fetch, timers: new ManualTimers(), idleTimeoutMs: 0, onStateChange: rec.onState },
  );
  await rec.until(() => rec.kinds().includes('open'), 'open');
  stream.write(instanceEvent('a') + instanceEvent('b'));
  await rec.until(() => rec.kinds().includes('closed'), 'closed');
  assert.equal(rec.changes.length, 1);
  assert.equal(fetch.calls[0]!.init!.signal!.aborted, true, 'the request was aborted');
  assert.deepEqual(rec.kinds(), ['connecting', 'open', 'closed']);
});

test('a connection that goes silent past the idle timeout is dropped and retried', async () => {
  const fetch = new ScriptedFetch();
  const timers = new ManualTimers();
  const rec = new Recorder();
  const stream = fetch.stream();
  const sub = subscribeToChanges('http://localhost:7071', rec.onChange, {
    fetch: fetch.fetch,
    timers,
    idleTimeoutMs: 45_000,
    initialRetryMs: 10,
    onStateChange: rec.onState,
  });
  await rec.until(() => rec.kinds().includes('open'), 'open');
  stream.write(': connected\n\n');
  await rec.until(() => timers.pending.size === 1, 'the idle timer');
  assert.equal(timers.fireOnly(), 45_000);
  await rec.until(() => rec.kinds().includes('retrying'), 'retrying');
  const state = rec.states.at(-1)!;
  assert.ok(state.kind === 'retrying' && state.error.message === 'no data for 45000 ms', JSON.stringify(state));
  assert.equal(fetch.calls[0]!.init!.signal!.aborted, true);
  sub.dispose();
  assert.equal(timers.pending.size, 0);
});
