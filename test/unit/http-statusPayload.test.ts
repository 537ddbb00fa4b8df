import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventType, type HistoryEvent } from '../../src/emulator/engine/history.js';
import type { InstanceRecord } from '../../src/emulator/engine/model.js';
import {
  formatRoundTripUtc,
  formatSortableUtc,
  parseJsonText,
  toStatusPayload,
  transformHistory,
} from '../../src/emulator/http/statusPayload.js';

const sample = JSON.parse(
  readFileSync(join(__dirname, 'history-fixtures', 'sample-history.json'), 'utf8'),
) as HistoryEvent[];

function record(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId: 'inst-1',
    name: 'helloOrch',
    version: '',
    executionId: 'e1',
    status: 'Completed',
    input: '"x"',
    output: '["Hello Tokyo","Hello Seattle"]',
    customStatus: null,
    failureDetails: null,
    createdTime: Date.parse('2024-05-01T10:00:00.987Z'),
    lastUpdatedTime: Date.parse('2024-05-01T10:00:30.5Z'),
    parent: null,
    history: sample,
    historyVersion: 0,
    inbox: [],
    nextSequenceId: 7,
    actionCount: 7,
    pending: {},
    waitingFor: [],
    lockSet: null,
    episodes: 9,
    ...overrides,
  };
}

test('timestamps: ToString("s")+"Z" truncates the fraction; round-trip form trims zeros', () => {
  assert.equal(formatSortableUtc(Date.parse('2024-05-01T10:00:00.987Z')), '2024-05-01T10:00:00Z');
  assert.equal(formatRoundTripUtc('2024-05-01T10:00:02.000Z'), '2024-05-01T10:00:02Z');
  assert.equal(formatRoundTripUtc('2024-05-01T10:00:02.120Z'), '2024-05-01T10:00:02.12Z');
  assert.equal(formatRoundTripUtc('not a date'), 'not a date');
});

test('parseJsonText: null, blank, JSON, and raw-string fallback', () => {
  assert.equal(parseJsonText(null), null);
  assert.equal(parseJsonText('  '), '');
  assert.deepEqual(parseJsonText('{"a":1}'), { a: 1 });
  assert.equal(parseJsonText('"x"'), 'x');
  assert.equal(parseJsonText('stopped by user'), 'stopped by user');
});

test('status payload: field order, parsed JSON fields, input and output always present', () => {
  const payload = toStatusPayload(record({ customStatus: '{"stage":"done"}' }));
  assert.deepEqual(Object.keys(payload), [
    'name',
    'instanceId',
    'runtimeStatus',
    'input',
    'customStatus',
    'output',
    'createdTime',
    'lastUpdatedTime',
  ]);
  assert.equal(payload.input, 'x');
  assert.deepEqual(payload.customStatus, { stage: 'done' });
  assert.deepEqual(payload.output, ['Hello Tokyo', 'Hello Seattle']);
  assert.equal(payload.createdTime, '2024-05-01T10:00:00Z');
  assert.equal(payload.lastUpdatedTime, '2024-05-01T10:00:30Z');

  const pending = toStatusPayload(record({ status: 'Pending', input: null, output: null }), { showHistory: true });
  assert.equal(pending.input, null);
  assert.equal(pending.output, null);
  assert.ok('output' in pending && 'input' in pending);
  assert.equal(pending.historyEvents, undefined, 'no history for a Pending instance');

  assert.equal(toStatusPayload(record(), { showInput: false }).input, null);
  assert.equal(toStatusPayload(record({ status: 'Terminated', output: 'bye' })).output, 'bye');
});

test('history transform of the sample history (showHistoryOutput=false, showInput=true)', () => {
  const events = transformHistory(sample, { showHistoryOutput: false, showInput: true });
  assert.deepEqual(events, [
    { EventType: 'ExecutionStarted', Timestamp: '2024-05-01T10:00:01Z', Input: '"x"', FunctionName: 'helloOrch' },
    {
      EventType: 'TaskCompleted',
      Timestamp: '2024-05-01T10:00:05Z',
      ScheduledTime: '2024-05-01T10:00:03Z',
      FunctionName: 'sayHello',
      Input: '"Tokyo"',
    },
    {
      EventType: 'TaskCompleted',
      Timestamp: '2024-05-01T10:00:09Z',
      ScheduledTime: '2024-05-01T10:00:07Z',
      FunctionName: 'sayHello',
      Input: '"Seattle"',
    },
    { EventType: 'TimerCreated', Timestamp: '2024-05-01T10:00:11Z', FireAt: '2024-05-01T10:01:10Z' },
    { EventType: 'EventRaised', Timestamp: '2024-05-01T10:00:13Z', Name: 'approve', Input: '{"ok":true}' },
    {
      EventType: 'EventSent',
      Timestamp: '2024-05-01T10:00:15Z',
      InstanceId: '@counter@k1',
      Name: 'op',
      Input: sample[14]!.EventType === EventType.EventSent ? sample[14]!.Input : '',
    },
    {
      EventType: 'EventSent',
      Timestamp: '2024-05-01T10:00:16Z',
      InstanceId: '@counter@k1',
      Name: 'op',
      Input: sample[15]!.EventType === EventType.EventSent ? sample[15]!.Input : '',
    },
    { EventType: 'TimerFired', Timestamp: '2024-05-01T10:00:18Z', FireAt: '2024-05-01T10:01:10Z' },
    {
      EventType: 'EventRaised',
      Timestamp: '2024-05-01T10:00:21Z',
      Name: 'a45e725b-615f-4980-a1b1-9cb3bd8ac976',
      Input: '{"result":"5"}',
    },
    {
      EventType: 'TaskCompleted',
      Timestamp: '2024-05-01T10:00:26Z',
      ScheduledTime: '2024-05-01T10:00:23Z',
      FunctionName: 'sayHello',
      Input: '"A"',
    },
    {
      EventType: 'TaskCompleted',
      Timestamp: '2024-05-01T10:00:29Z',
      ScheduledTime: '2024-05-01T10:00:24Z',
      FunctionName: 'sayHello',
      Input: '"B"',
    },
  ]);
  // The completion keeps its own fields first and gains the scheduled ones at the end, like JObject.
  assert.deepEqual(Object.keys(events[1]!), ['EventType', 'Timestamp', 'ScheduledTime', 'FunctionName', 'Input']);
  // The input history is not mutated.
  assert.equal(sample[0]!.EventType, EventType.OrchestratorStarted);
  assert.equal(sample.length, 31);
});

test('history transform: showHistoryOutput parses results; showInput=false removes every Input', () => {
  const withOutput = transformHistory(sample, { showHistoryOutput: true, showInput: true });
  const completed = withOutput.filter((e) => e['EventType'] === 'TaskCompleted');
  assert.deepEqual(
    completed.map((e) => e['Result']),
    ['Hello Tokyo', 'Hello Seattle', 'Hello A', 'Hello B'],
  );
  const noInput = transformHistory(sample, { showHistoryOutput: false, showInput: false });
  assert.ok(noInput.every((e) => !('Input' in e)));
  assert.ok(noInput.every((e) => !('Result' in e) && !('EventId' in e) && !('IsPlayed' in e)));
});

test('history transform: an unmatched TaskScheduled stays (without Version, EventId, IsPlayed)', () => {
  const partial = [sample[0]!, sample[1]!, { ...sample[2]!, Version: '1.0' } as HistoryEvent];
  const events = transformHistory(partial, { showHistoryOutput: false, showInput: true });
  assert.deepEqual(events[1], {
    EventType: 'TaskScheduled',
    Timestamp: '2024-05-01T10:00:03Z',
    Name: 'sayHello',
    Input: '"Tokyo"',
  });
});

test('history transform: sub-orchestrations, failures, ExecutionStarted fields, ExecutionCompleted', () => {
  const ts = '2024-05-01T10:00:00.000Z';
  const base = { IsPlayed: true, Timestamp: ts };
  const history = [
    {
      ...base,
      EventId: -1,
      EventType: EventType.ExecutionStarted,
      Name: 'parent',
      Version: '',
      Input: null,
      OrchestrationInstance: { InstanceId: 'p', ExecutionId: 'e' },
      ParentInstance: null,
      Tags: {},
    },
    {
      ...base,
      EventId: 0,
      EventType: EventType.SubOrchestrationInstanceCreated,
      Name: 'child',
      InstanceId: 'c',
      Input: '1',
    },
    { ...base, EventId: 1, EventType: EventType.TaskScheduled, Name: 'act', Input: null },
    {
      ...base,
      EventId: -1,
      EventType: EventType.SubOrchestrationInstanceCompleted,
      TaskScheduledId: 0,
      Result: '{"n":2}',
    },
    { ...base, EventId: -1, EventType: EventType.TaskFailed, TaskScheduledId: 1, Reason: 'boom', Details: 'stack' },
    { ...base, EventId: 2, EventType: EventType.TimerCreated, FireAt: ts },
    { ...base, EventId: -1, EventType: EventType.TimerFired, TimerId: 2, FireAt: ts },
    { ...base, EventId: -1, EventType: EventType.ExecutionTerminated, Input: 'stop' },
    {
      ...base,
      EventId: -1,
      EventType: EventType.ExecutionCompleted,
      OrchestrationStatus: 'Completed',
      Result: '"done"',
      FailureDetails: null,
    },
  ] as unknown as HistoryEvent[];
  const hidden = transformHistory(history, { showHistoryOutput: false, showInput: true });
  assert.deepEqual(hidden[0], {
    EventType: 'ExecutionStarted',
    Timestamp: '2024-05-01T10:00:00Z',
    Input: null,
    FunctionName: 'parent',
  });
  assert.deepEqual(hidden[1], {
    EventType: 'SubOrchestrationInstanceCompleted',
    Timestamp: '2024-05-01T10:00:00Z',
    ScheduledTime: '2024-05-01T10:00:00Z',
    FunctionName: 'child',
    Input: '1',
  });
  assert.deepEqual(hidden[2], {
    EventType: 'TaskFailed',
    Timestamp: '2024-05-01T10:00:00Z',
    Reason: 'boom',
    Details: 'stack',
    ScheduledTime: '2024-05-01T10:00:00Z',
    FunctionName: 'act',
    Input: null,
  });
  assert.deepEqual(hidden[4], {
    EventType: 'TimerFired',
    Timestamp: '2024-05-01T10:00:00Z',
    FireAt: '2024-05-01T10:00:00Z',
  });
  assert.deepEqual(hidden[5], { EventType: 'ExecutionTerminated', Timestamp: '2024-05-01T10:00:00Z', Input: 'stop' });
  assert.deepEqual(hidden[6], {
    EventType: 'ExecutionCompleted',
    Timestamp: '2024-05-01T10:00:00Z',
    OrchestrationStatus: 'Completed',
    FailureDetails: null,
  });
  assert.equal(hidden.length, 7);
  const shown = transformHistory(history, { showHistoryOutput: true, showInput: true });
  assert.deepEqual(shown[1]!['Result'], { n: 2 });
  assert.equal(shown[6]!['Result'], 'done');
  assert.equal(shown[2]!['Result'], undefined, 'a failure has no Result to show');
});

test('status payload with showHistory includes the transformed history', () => {
  const payload = toStatusPayload(record(), { showHistory: true, showHistoryOutput: true });
  assert.equal(payload.historyEvents?.length, 11);
  assert.equal(payload.historyEvents?.[1]?.['Result'], 'Hello Tokyo');
});
