/**
 * The words of the JavaScript debugger's stop in "Inspect Local Variables": the replay's own pause is named by its
 * replay position; every other stop keeps the JavaScript debugger's words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspectStopDescription, rewordInspectStop } from '../../src/extension/replay/inspectStop.js';

const stopped = (reason: string, description: string) => ({
  seq: 7,
  type: 'event',
  event: 'stopped',
  body: { reason, description, threadId: 1, allThreadsStopped: false },
});

describe('rewordInspectStop', () => {
  it('names the replay event of the replay’s pause, in place, keeping everything else', () => {
    const message = stopped('pause', 'Paused on debugger statement');
    assert.equal(rewordInspectStop(message, 9), true);
    assert.deepEqual(message, {
      seq: 7,
      type: 'event',
      event: 'stopped',
      body: { reason: 'pause', description: 'Paused at replay event #9', threadId: 1, allThreadsStopped: false },
    });
  });

  it('rewords the pause whatever language the JavaScript debugger speaks', () => {
    const message = stopped('pause', 'In Debuggeranweisung angehalten');
    assert.equal(rewordInspectStop(message, 2), true);
    assert.equal(message.body.description, 'Paused at replay event #2');
  });

  it('leaves the user’s breakpoints, steps and exceptions alone', () => {
    for (const reason of ['breakpoint', 'step', 'exception', 'entry']) {
      const message = stopped(reason, `Paused on ${reason}`);
      assert.equal(rewordInspectStop(message, 3), false, reason);
      assert.equal(message.body.description, `Paused on ${reason}`);
    }
  });

  it('leaves other messages alone', () => {
    for (const message of [
      { type: 'event', event: 'continued', body: { reason: 'pause' } },
      { type: 'response', command: 'stackTrace', body: { reason: 'pause' } },
      { type: 'event', event: 'stopped' },
      null,
      'stopped',
    ]) {
      const before = JSON.stringify(message);
      assert.equal(rewordInspectStop(message, 3), false, before);
      assert.equal(JSON.stringify(message), before);
    }
  });

  it('says "the replay position" before the first position is known', () => {
    assert.equal(inspectStopDescription(undefined), 'Paused at the replay position');
  });
});
