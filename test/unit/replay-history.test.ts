/**
 * History input for the replay: the host's transformed `showHistory` form rebuilt into the wire form matches the
 * emulator's own record of the same instance (scheduling events, sequence ids, completions linked back).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { HistoryInputError, historyFromJson, loadHistoryFile } from '../../src/debugger/historyInput.js';
import { EventType, type HistoryEvent } from '../../src/emulator/engine/history.js';

const GOLDEN = path.resolve(__dirname, '../fixtures/replay');

/** The events the replay depends on: kinds, sequence ids, the ids completions refer to, names. */
function skeleton(history: HistoryEvent[]): string[] {
  return history
    .filter((e) => e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted)
    .map((e) => {
      const ref = 'TaskScheduledId' in e ? `(${e.TaskScheduledId})` : 'TimerId' in e ? `(${e.TimerId})` : '';
      const id = e.EventId >= 0 ? `#${e.EventId}` : '';
      const name = 'Name' in e ? ` ${e.Name}` : '';
      return `${EventType[e.EventType]}${id}${ref}${name}`;
    });
}

describe('replay history input', () => {
  it('rebuilds the transformed export of an instance into its wire history', () => {
    const raw = loadHistoryFile(path.join(GOLDEN, 'hello.json'));
    const rebuilt = loadHistoryFile(path.join(GOLDEN, 'hello-status.json'));
    assert.equal(rebuilt.reconstructed, true);
    assert.equal(rebuilt.name, 'helloSequence');
    assert.equal(rebuilt.instanceId, 'hello');
    assert.deepEqual(skeleton(rebuilt.history), skeleton(raw.history));
    const completed = rebuilt.history.find((e) => e.EventType === EventType.TaskCompleted);
    assert.equal(completed && 'Result' in completed ? completed.Result : undefined, '"Hello Tokyo!"');
  });

  it('links fired timers to their TimerCreated by fire time', () => {
    const transformed = {
      name: 'timers',
      instanceId: 't1',
      historyEvents: [
        { EventType: 'ExecutionStarted', Timestamp: '2024-05-01T10:00:00Z', FunctionName: 'timers', Input: null },
        { EventType: 'TimerCreated', Timestamp: '2024-05-01T10:00:00Z', FireAt: '2024-05-01T10:00:05Z' },
        { EventType: 'TimerCreated', Timestamp: '2024-05-01T10:00:00Z', FireAt: '2024-05-01T10:00:01Z' },
        { EventType: 'TimerFired', Timestamp: '2024-05-01T10:00:01Z', FireAt: '2024-05-01T10:00:01Z' },
      ],
    };
    const history = historyFromJson(transformed, 'inline').history;
    assert.deepEqual(skeleton(history), [
      'ExecutionStarted timers',
      'TimerCreated#0',
      'TimerCreated#1',
      'TimerFired(1)',
    ]);
  });

  it('rejects input without history', () => {
    assert.throws(() => historyFromJson({ name: 'x' }, 'empty.json'), HistoryInputError);
    assert.throws(
      () => historyFromJson([{ EventType: 5, EventId: -1, IsPlayed: true, Timestamp: '' }], 'no-start.json'),
      /no ExecutionStarted/,
    );
  });
});
