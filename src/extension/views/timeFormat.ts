/**
 * The explorer's time format, shared with the webviews (which cannot import from src/extension): see
 * src/webview/common/timeFormat.ts.
 */
export * from '../../webview/common/timeFormat.js';
