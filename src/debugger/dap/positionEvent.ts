/**
 * The replay session's custom DAP event, sent after every `stopped` event: where the replay is, in terms an editor
 * can show without asking again. VS Code delivers it to the extension as `onDidReceiveDebugSessionCustomEvent`;
 * other DAP clients may ignore it.
 */
import { historyRowKey, inlineResults, type InlineResult } from '../inlineResults.js';
import type { ReplayRuntime } from '../replayRuntime.js';

export const POSITION_EVENT = 'durableReplayPosition';

export interface PositionEventBody {
  instanceId: string;
  /** The orchestrator function. */
  name: string;
  /** 0-based position, and how many the replay has. */
  position: number;
  positions: number;
  /** Index in the replayed (stored) history of the position's event; internal. */
  eventIndex: number;
  /** The position's event as the user finds it: the history view's `#` (see `EventNumbers`). */
  eventNumber: number;
  /** The history view's row key of that event (`TaskCompleted#2`), see `historyRowKey`. */
  rowKey: string | undefined;
  /** What each source line that created tasks has received at this position. */
  inline: InlineResult[];
  /** The paused frame's source (1-based line and column), for an editor to make sure it is visible. */
  source?: { file: string; line: number; column: number };
}

export function positionEventBody(runtime: ReplayRuntime): PositionEventBody {
  const index = Math.max(0, runtime.position);
  const position = runtime.positions[index];
  const eventIndex = position?.eventIndex ?? 0;
  const top = runtime.stack()[0];
  return {
    instanceId: runtime.instance.instanceId,
    name: runtime.instance.name,
    position: index,
    positions: runtime.positions.length,
    eventIndex,
    eventNumber: runtime.numbers.numberOf(eventIndex),
    rowKey: historyRowKey(runtime.instance.history, eventIndex),
    inline: position ? inlineResults(position.observation.tasks) : [],
    ...(top?.file !== undefined ? { source: { file: top.file, line: top.line ?? 1, column: top.column ?? 1 } } : {}),
  };
}
