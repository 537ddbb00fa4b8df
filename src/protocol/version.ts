/**
 * Durable Studio's version: what `--version` prints, what SARIF names as the tool's version and what the emulator's
 * host status reports. On its own so that `durable-studio lint` can print it without loading the emulator.
 */
export const DURABLE_STUDIO_VERSION = '0.1.0';
