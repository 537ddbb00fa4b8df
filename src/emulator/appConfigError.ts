/**
 * A problem with the user's app or its configuration, reported by the CLI as one line (no stack). Its own module so
 * that the app worker can throw it without bundling the rest of `appConfig.ts` (fast-glob); `appConfig.ts`
 * re-exports it.
 */
export class AppConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppConfigError';
  }
}
