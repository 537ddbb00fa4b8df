/**
 * What the replay debug adapter supports (DAP `initialize`), and its breakpoint filters: non-determinism (always on:
 * the replay cannot go past it) and one per event kind the orchestrator observes, each with an optional condition.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** The event kinds the orchestrator observes (the positions), offered as exception-style breakpoint filters. */
export const EVENT_FILTERS: { kind: string; label: string }[] = [
  { kind: 'TaskCompleted', label: 'Activity completed' },
  { kind: 'TaskFailed', label: 'Activity failed' },
  { kind: 'TimerFired', label: 'Timer fired' },
  { kind: 'EventRaised', label: 'External event raised' },
  { kind: 'SubOrchestrationInstanceCompleted', label: 'Sub-orchestration completed' },
  { kind: 'SubOrchestrationInstanceFailed', label: 'Sub-orchestration failed' },
];
export const NON_DETERMINISM_FILTER = 'nonDeterminism';

export const REPLAY_CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsStepBack: true,
  supportsConditionalBreakpoints: true,
  supportsRestartRequest: true,
  supportsTerminateRequest: true,
  supportsExceptionInfoRequest: true,
  supportsExceptionFilterOptions: true,
  exceptionBreakpointFilters: [
    {
      filter: NON_DETERMINISM_FILTER,
      label: 'Non-determinism',
      description:
        'Where the current code no longer matches the recorded history (always stops: the replay cannot go past it)',
      default: true,
    },
    ...EVENT_FILTERS.map(({ kind, label }) => ({
      filter: kind,
      label,
      description: `Stop at every ${kind} event; the condition, if any, must appear in the event's name or content`,
      default: false,
      supportsCondition: true,
      conditionDescription: 'Text the event name or content contains, e.g. an activity name',
    })),
  ],
};
