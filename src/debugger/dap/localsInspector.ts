/**
 * "Inspect local variables" for the replay session: the user's own variables at a replay position, shown by a
 * JavaScript debugger (VS Code's, attached by the extension as a child session) rather than by this adapter. The
 * replay worker opens its inspector on request; replaying the position's prefix again with `pauseAt` set stops that
 * debugger where the orchestrator creates the task it waits for at this position.
 */
import { freePort } from '../../protocol/freePort.js';
import type { ReplayHost, ReplayInstance } from '../replayHost.js';
import type { Position } from '../replayRun.js';

/** How long `inspect` waits for a debugger to attach after `open`. */
export const ATTACH_TIMEOUT_MS = 30_000;

export class LocalsInspector {
  private port: number | undefined;
  private attached: Promise<void> | undefined;

  constructor(private readonly host: ReplayHost) {}

  /** Opens the worker's inspector on a free loopback port; the same port on later calls. */
  async open(): Promise<number> {
    const openInspector = this.host.openInspector?.bind(this.host);
    if (!openInspector) throw new Error('this replay runs in the adapter’s own process: there is nothing to attach to');
    if (this.port === undefined) {
      const port = await freePort();
      this.port = port;
      this.attached = openInspector(port);
      // Observed by `inspect`; a failure before anyone asks must not be an unhandled rejection.
      this.attached.catch(() => undefined);
    }
    return this.port;
  }

  /**
   * Replays `position` again with the attached debugger stopping where the orchestrator creates the task it waits
   * for. Resolves when that replay has finished, i.e. after the user let the JavaScript debugger continue.
   */
  async inspect(instance: ReplayInstance, position: Position): Promise<void> {
    if (!this.attached) throw new Error('no JavaScript debugger is attached: send "openInspector" and attach first');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no JavaScript debugger attached to port ${this.port} within ${ATTACH_TIMEOUT_MS} ms`)),
        ATTACH_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.attached, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const pauseAt = position.observation.suspendedTask;
    if (pauseAt === undefined) {
      throw new Error(
        'at this position the orchestrator waits for no task (it returned or failed): nothing to inspect',
      );
    }
    const result = await this.host.run(instance, position.length, { pauseAt });
    if (result.failure) throw new Error(`the replay failed: ${result.failure}`);
  }
}
