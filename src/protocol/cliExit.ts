/**
 * How `durable-studio start` says why it did not start, for programs that run it (the editor's EmulatorProcess).
 * Every failure is one line on stderr, `durable-studio: <reason>`, and a non-zero exit code.
 */

/** Any failure other than the ones below (bad option, app not loadable, port in use, store not readable, ...). */
export const EXIT_FAILURE = 1;

/**
 * The store is damaged and nothing was changed: the line starts `durable-studio: store damaged: `, names the
 * first damaged file (and line), and says what `--repair` would keep and drop. `start --repair --dry-run` exits
 * with this code too when there is something to repair (0 when there is not).
 */
export const EXIT_STORE_DAMAGED = 3;

/** The start of a damaged-store failure line, after `durable-studio: `. */
export const STORE_DAMAGED_PREFIX = 'store damaged: ';
