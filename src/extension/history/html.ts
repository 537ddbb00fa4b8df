/**
 * The history webview's page: a strict Content-Security-Policy (no inline code or styles, one script allowed by a
 * per-load nonce, resources only from the webview's own roots), the stylesheet and the bundled script. No VS Code.
 */
import { randomBytes } from 'node:crypto';

export interface HistoryPageParts {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** `webview.asWebviewUri(...)` of `dist/webview/history.js` and `media/history/history.css`. */
  scriptUri: string;
  styleUri: string;
  /** For the document title (screen readers announce it). */
  title: string;
  /** The instance shown; the webview saves it with its state (see `PersistedHistoryState`). */
  instanceId: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function historyHtml(parts: HistoryPageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(parts.styleUri)}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
<main id="root" data-instance-id="${escapeHtml(parts.instanceId)}" aria-busy="true"><p class="loading">Loading the history…</p></main>
<script nonce="${escapeHtml(parts.nonce)}" src="${escapeHtml(parts.scriptUri)}"></script>
</body>
</html>
`;
}
