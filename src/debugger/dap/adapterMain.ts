/**
 * dist/debug-adapter.js: the replay debugger over stdin/stdout, so any DAP client can drive it
 * (`node dist/debug-adapter.js`). The app is replayed in a worker forked from dist/replay.js, next to this bundle.
 */
import { ReplaySession } from './replaySession.js';

const session = new ReplaySession();
process.on('SIGTERM', () => session.shutdown());
session.start(process.stdin, process.stdout);
