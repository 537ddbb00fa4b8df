import type { Workbench } from './workbench.js';

/** The outcome of one part of the e2e run (the host tests, one UI scenario), as the runner reports it. */
export interface PhaseOutcome {
  name: string;
  ok: boolean;
  /** One line: counts, or what failed. */
  detail: string;
  durationMs: number;
  /** Printed after a failure: log tails, where the artefacts are. */
  logs?: string[];
}

/**
 * A UI scenario (`test/e2e/ui/<name>.ts` exports `scenario`): run on a fresh workbench with the extension installed
 * and the example app open, the emulator stopped. It throws (an assertion, a locator's timeout) to fail.
 */
export interface Scenario {
  /** One line: what a person does and sees. */
  title: string;
  /** Default 90 s. */
  timeoutMs?: number;
  run(workbench: Workbench): Promise<void>;
}
