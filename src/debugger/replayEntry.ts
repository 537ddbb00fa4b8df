/**
 * The replay bundle (dist/replay.js). Required by the CLI, it exports `main` for `replay-check`; forked with
 * `DURABLE_STUDIO_REPLAY_WORKER` set, it is the replay worker process of a `ChildProcessReplayHost`.
 */
import { REPLAY_WORKER_ENV, serveReplayWorker } from './replayWorker.js';

export { main } from './replayCheckMain.js';

if (process.env[REPLAY_WORKER_ENV] && process.send) serveReplayWorker();
