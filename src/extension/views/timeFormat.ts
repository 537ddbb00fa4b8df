/**
 * The explorer's time format, shared with the webviews (which cannot import from src/extension): see
 * src/webview/shared/timeFormat.ts.
 */
export * from '../../webview/shared/timeFormat.js';
