/**
 * Pure text of the replay debugger: where an orchestrator returned (read from its source), inline results short
 * enough for a split editor, and the inspector's notices kept out of the Debug Console.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { returnLine, thrownSite } from '../../src/debugger/endSite.js';
import { inlineResults, MAX_INLINE_TEXT, shortValue } from '../../src/debugger/inlineResults.js';
import type { ObservedTask } from '../../src/debugger/instrument.js';
import { withoutInspectorNotices } from '../../src/debugger/replayWorker.js';

describe('returnLine: the return that ended the orchestrator', () => {
  const source = [
    "df.app.orchestration('a', function* (context) {", // 1
    '  const outputs = [];', // 2
    '  for (const city of cities) {', // 3
    '    outputs.push(yield context.df.callActivity("sayHello", city));', // 4
    '  }', // 5
    '  const doubled = outputs.map((x) => { return x + x; });', // 6
    '  // return early? no', // 7
    '  const text = "return }";', // 8
    '  return doubled;', // 9
    '});', // 10
    "df.app.orchestration('b', function* (context) {", // 11
    '  yield context.df.callActivity("x");', // 12
    '  if (done) {', // 13
    '    return 1;', // 14
    '  }', // 15
    '  yield context.df.callActivity("y");', // 16
    '});', // 17
    'function helper() {', // 18
    '  return 2;', // 19
    '}', // 20
  ].join('\n');

  it('skips nested functions, comments and strings', () => {
    assert.equal(returnLine(source, 4), 9);
  });
  it('a return inside a block of the body counts', () => {
    assert.equal(returnLine(source, 12), 14);
  });
  it('without a return after the last call: the closing line of the body, never a later function', () => {
    assert.equal(returnLine(source, 16), 17);
  });
  it('a return on the line of the last call is that line', () => {
    assert.equal(returnLine('function* f(context) {\n  return yield context.df.callActivity("x");\n}', 2), 2);
  });
  it('no generator function around the line: unknown', () => {
    assert.equal(returnLine('const x = 1;\nreturn;', 2), undefined);
  });
});

describe('thrownSite: the first frame of the app', () => {
  it('skips the library and frames outside the app', () => {
    const stack = [
      'Error: boom',
      '    at helper (/app/node_modules/durable-functions/lib/x.js:1:1)',
      '    at run (/elsewhere/replay.js:2:2)',
      '    at orchestrator (/app/src/functions/f.ts:12:11)',
    ].join('\n');
    assert.deepEqual(
      thrownSite(stack, '/app', (f) => f),
      { file: '/app/src/functions/f.ts', line: 12, column: 11 },
    );
  });
});

describe('inline results fit beside the code in a split editor', () => {
  const site = { file: '/app/f.js', line: 3, column: 5 };
  const task = (result: unknown, extra: Partial<ObservedTask> = {}): ObservedTask => ({
    method: 'callActivity',
    id: 0,
    state: 'completed',
    result,
    site,
    ...extra,
  });

  it('a short value is shown whole', () => {
    assert.equal(inlineResults([task('Hello Tokyo!')])[0]!.text, '= "Hello Tokyo!"');
  });
  it('a long object or array says what it is; a long string is cut; the hover keeps them whole', () => {
    const big = { customer: 'Contoso Ltd', items: [1, 2, 3], total: 123.45 };
    const [result] = inlineResults([task(big)]);
    assert.equal(result!.text, '= {…} 3 keys');
    assert.deepEqual(result!.values, [big]);
    assert.equal(
      shortValue(
        Array.from({ length: 20 }, (_, i) => i * 1000),
        30,
      ),
      '[…] 20 items',
    );
    const long = 'x'.repeat(100);
    assert.equal(shortValue(long, 10), `"xxxxxxxx…`);
  });
  it(`no text is longer than ${MAX_INLINE_TEXT} characters`, () => {
    const long = 'a very long failure message '.repeat(5);
    const cases: ObservedTask[][] = [
      [task('y'.repeat(200))],
      [task(long, { state: 'failed' })],
      [task(undefined, { state: 'running', retry: { attempt: 2, waitingForTimer: true, lastError: long } })],
      [task(undefined, { state: 'running', retry: { attempt: 3, waitingForTimer: false, lastError: long } })],
      [task({ a: long }, { method: 'Task.any', id: null, compound: true, winner: 12 })],
      Array.from({ length: 120 }, (_, i) => task(long, { id: i })),
      Array.from({ length: 120 }, (_, i) =>
        task(undefined, { id: i, state: i % 3 === 0 ? 'running' : i % 3 === 1 ? 'failed' : 'completed' }),
      ),
    ];
    for (const tasks of cases) {
      for (const { text } of inlineResults(tasks)) {
        assert.ok(text.length <= MAX_INLINE_TEXT, `${text.length} > ${MAX_INLINE_TEXT}: ${text}`);
      }
    }
  });
});

describe('the replay worker’s stderr', () => {
  it('drops the inspector’s notices and keeps the app’s own lines', () => {
    const text = [
      'Debugger listening on ws://127.0.0.1:40123/0f6c2a4e-1b1e-4f4e-9d0a-1c2b3c4d5e6f',
      'For help, see: https://nodejs.org/en/docs/inspector',
      'Debugger attached.',
      'app warning: something',
      'Waiting for the debugger to disconnect...',
      '',
    ].join('\n');
    assert.equal(withoutInspectorNotices(text), 'app warning: something\n');
  });
});
