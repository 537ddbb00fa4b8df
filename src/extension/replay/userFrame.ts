/**
 * Which frame of VS Code's JavaScript debugger is the user's, when it stops for "Inspect Local Variables": the
 * first frame whose source is a file of the app (through its source map for TypeScript), not the replay's own
 * bundle (dist/replay.js, where the stop happens), Node's internals, a library in node_modules, or a frame the
 * debugger itself marks as not the user's. No `vscode` import: pure, unit-tested.
 */

/** A DAP stack frame, as much of it as the choice needs. */
export interface FrameInfo {
  id: number;
  presentationHint?: string;
  source?: { path?: string; presentationHint?: string };
}

/** The index in `frames` (top first) of the user's frame, or -1 when none is on the stack. */
export function userFrameIndex(frames: readonly FrameInfo[], replayBundle: string): number {
  const bundle = replayBundle.replace(/\\/g, '/');
  return frames.findIndex((frame) => {
    const file = frame.source?.path?.replace(/\\/g, '/');
    if (!file || frame.presentationHint === 'label' || frame.presentationHint === 'subtle') return false;
    if (frame.source?.presentationHint === 'deemphasize') return false;
    if (file === bundle || file.endsWith(`/${bundle.split('/').pop()!}`)) return false;
    return !file.startsWith('<node_internals>') && !file.startsWith('node:') && !file.includes('/node_modules/');
  });
}
