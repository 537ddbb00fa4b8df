/**
 * What the host reports for an orchestrator that threw something without a message (host/thrown.ts): the
 * description of the value, and the episode built from the library's answer plus the observed value. Pure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { episodeFromFailure, episodeFromState } from '../../src/emulator/host/episode.js';
import { describeThrown, unreportedThrow, watchOrchestratorThrow } from '../../src/emulator/host/thrown.js';

test('a thrown value is described as a reason text, a kind and a JSON copy', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  const cases: [unknown, string, string, unknown?][] = [
    ['boom', 'string', 'boom', 'boom'],
    ['', 'string', '', ''],
    [7, 'number', '7', 7],
    [NaN, 'number', 'NaN'],
    [false, 'boolean', 'false', false],
    [10n, 'bigint', '10'],
    [{ code: 42 }, 'object', '{"code":42}', { code: 42 }],
    [[1, 'two'], 'array', '[1,"two"]', [1, 'two']],
    [null, 'null', 'null', null],
    [undefined, 'undefined', 'undefined'],
    [new Error(''), 'Error', 'Error (empty message)'],
    [new TypeError(''), 'TypeError', 'TypeError (empty message)'],
    [cyclic, 'object', '[object Object]'],
    [Object.create(null), 'object', '{}', {}],
  ];
  for (const [value, type, text, copy] of cases) {
    const described = describeThrown(value);
    assert.equal(described.type, type, String(text));
    assert.equal(described.text, text);
    if (copy === undefined) assert.equal('value' in described, false, `${text} has no JSON copy`);
    else assert.deepEqual(described.value, copy);
  }
  assert.equal(describeThrown(Symbol('s')).text, 'Symbol(s)');
  assert.equal(describeThrown('boom').phrase, 'the string "boom"');
  assert.equal(describeThrown(new Error('')).phrase, 'an error (Error) with an empty message');
});

test('only a throw the library reported no message for is described', () => {
  assert.equal(unreportedThrow(undefined, undefined), undefined, 'nothing observed');
  assert.equal(unreportedThrow({ value: new Error('x') }, 'x'), undefined, 'reported as the library does');
  assert.equal(unreportedThrow({ value: { message: 'm' } }, 'm'), undefined);
  assert.equal(unreportedThrow({ value: 'boom' }, undefined)?.text, 'boom');
});

/** The error durable-functions 3.5 throws for `throw "boom"`: `false` as the message, no `error` in the state. */
const LIBRARY_FAILURE = new Error('false\n\n$OutOfProcData$:{"isDone":false,"actions":[[]],"schemaVersion":2}');

test('the failure of an episode carries the thrown value, not the library\'s "false"', () => {
  const boom = episodeFromFailure(LIBRARY_FAILURE, 0, { value: 'boom' });
  assert.equal(boom?.error, 'boom');
  assert.deepEqual(boom?.thrown, { type: 'string', phrase: 'the string "boom"', value: 'boom' });
  const unobserved = episodeFromFailure(LIBRARY_FAILURE, 0);
  assert.match(unobserved?.error ?? '', /^a value that is not an Error with a message/);
  assert.equal(unobserved?.thrown?.type, 'unknown');
  const reported = new Error('false\n\n$OutOfProcData$:{"isDone":false,"actions":[[]],"error":"real message"}');
  const error = episodeFromFailure(reported, 0, { value: new Error('real message') });
  assert.equal(error?.error, 'real message');
  assert.equal(error?.thrown, undefined);
});

test('`throw undefined`, which the library answers like a waiting episode, is a failure', () => {
  const waiting = { isDone: false, actions: [[]], schemaVersion: 2, customStatus: 'cs' };
  assert.equal(episodeFromState(waiting, 0).error, undefined);
  const failed = episodeFromState({ ...waiting, isDone: true, output: 'spurious' }, 0, { value: undefined });
  assert.deepEqual(
    [failed.isDone, failed.error, failed.thrown, failed.output, failed.customStatus],
    [false, 'undefined', { type: 'undefined', phrase: 'undefined' }, undefined, 'cs'],
  );
});

test('the watch sees what escapes the generator the library is given, and nothing else', () => {
  const context: Record<string, unknown> = {};
  const thrown = watchOrchestratorThrow(context);
  const executor: { generator?: Generator<number, void, unknown> } = {};
  context['df'] = { taskOrchestratorExecutor: executor };
  executor.generator = (function* () {
    try {
      yield 1;
    } catch {
      // caught inside the orchestrator: not a failure
    }
    yield 2;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the very thing under test
    throw undefined;
  })();
  assert.equal(executor.generator.next().value, 1);
  assert.equal(executor.generator.throw(new Error('task failed')).value, 2);
  assert.equal(thrown(), undefined);
  assert.throws(() => executor.generator?.next());
  assert.deepEqual(thrown(), { value: undefined });
  assert.equal(Object.getOwnPropertyDescriptor(context, 'df')?.writable, true, 'df is a plain property again');
});
