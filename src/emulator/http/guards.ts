/**
 * Checks every request passes before it is routed. The server listens on 127.0.0.1 only, but a web page in the
 * user's browser can still reach it: by DNS rebinding (a foreign name resolving to 127.0.0.1, caught by the
 * Host check) or by a cross-site form/fetch POST (caught by the Origin / Sec-Fetch-Site check). Pure functions.
 */

/** Loopback host names: `localhost`, `*.localhost`, `127.0.0.1`, `[::1]` (case-insensitive). */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '127.0.0.1' || name === '[::1]';
}

/**
 * Whether a `Host` header names this machine: a loopback host name with an optional numeric port.
 * Anything else (a missing header, a foreign name, a malformed port) is refused.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || host.length === 0) return false;
  let hostname: string;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return false;
    hostname = host.slice(0, end + 1);
    const rest = host.slice(end + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
  } else {
    const colon = host.indexOf(':');
    hostname = colon < 0 ? host : host.slice(0, colon);
    port = colon < 0 ? undefined : host.slice(colon + 1);
  }
  if (port !== undefined && !/^\d{1,5}$/.test(port)) return false;
  return isLoopbackHostname(hostname);
}

/** Methods that change state; only these get the Origin / Sec-Fetch-Site check. */
export function isStateChangingMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}

/**
 * Whether a state-changing request comes from a foreign web origin. Requests without an `Origin` header
 * (curl, the JS DurableClient, the VS Code extension host) are not foreign; `Origin: null` (sandboxed frames,
 * file: pages) is.
 */
export function isForeignRequest(origin: string | undefined, secFetchSite: string | undefined): boolean {
  if (secFetchSite !== undefined && secFetchSite.toLowerCase() === 'cross-site') return true;
  if (origin === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return true;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
  return !isLoopbackHostname(url.hostname);
}

export const MAX_INSTANCE_ID_LENGTH = 256;

/**
 * Validates an instance id taken from a URL (after decoding). Returns the reason it is refused, or undefined
 * when it is acceptable. Mirrors the real host's `IsInvalidCharacter` (`/ \ ? #` and control characters) and
 * its 256-character limit, and also refuses `.`/`..` (path-like ids that proxies and browsers rewrite).
 */
export function instanceIdProblem(id: string | undefined): string | undefined {
  if (id === undefined || id.length === 0) return 'Instance ID must not be empty.';
  if (id.length > MAX_INSTANCE_ID_LENGTH) {
    return `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`;
  }
  if (id === '.' || id === '..') return `Instance ID '${id}' is not allowed.`;
  if (/[/\\?#\u0000-\u001f\u007f-\u009f]/.test(id)) {
    return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
  }
  return undefined;
}
