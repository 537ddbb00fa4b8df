/**
 * The replay debugger's editor choices without VS Code: which JavaScript frame "Inspect Local Variables" selects,
 * and when a replay session's start shows the Run and Debug view (`debug.openDebug`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { showDebugViewOnStart } from '../../src/extension/replay/debugViewOnStart.js';
import { userFrameIndex } from '../../src/extension/replay/userFrame.js';

describe('userFrameIndex: the user’s frame below the replay’s own', () => {
  const bundle = '/ext/durable-studio/dist/replay.js';
  it('skips the replay bundle, Node internals and libraries; takes the app’s (source-mapped) file', () => {
    const frames = [
      { id: 1, source: { path: bundle } },
      { id: 2, source: { path: '/app/node_modules/durable-functions/lib/x.js' } },
      { id: 3, source: { path: '<node_internals>/internal/x' } },
      { id: 4, source: { path: '/app/src/functions/helloSequence.ts' } },
      { id: 5, source: { path: '/app/src/other.ts' } },
    ];
    assert.equal(userFrameIndex(frames, bundle), 3);
  });
  it('skips frames the debugger de-emphasises, and says -1 when the app is not on the stack', () => {
    const frames = [
      { id: 1, source: { path: '/app/src/a.ts', presentationHint: 'deemphasize' } },
      { id: 2, presentationHint: 'label' },
      { id: 3, source: { path: '/app/src/b.ts' } },
    ];
    assert.equal(userFrameIndex(frames, bundle), 2);
    assert.equal(userFrameIndex([{ id: 1, source: { path: bundle } }], bundle), -1);
  });
});

describe('showDebugViewOnStart: the Run and Debug view on every replay, unless debug.openDebug was chosen', () => {
  it('left at its default: shown on every session', () => {
    assert.equal(showDebugViewOnStart({}), true);
    assert.equal(showDebugViewOnStart(undefined), true);
  });
  for (const value of ['neverOpen', 'openOnDebugBreak', 'openOnFirstSessionStart', 'openOnSessionStart']) {
    it(`chosen (${value}), in user or workspace settings: VS Code applies it, nothing is added`, () => {
      assert.equal(showDebugViewOnStart({ globalValue: value }), false);
      assert.equal(showDebugViewOnStart({ workspaceValue: value }), false);
      assert.equal(showDebugViewOnStart({ workspaceFolderValue: value }), false);
    });
  }
});
