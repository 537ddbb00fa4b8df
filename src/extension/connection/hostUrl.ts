/** Host URLs typed by the user (no VS Code: unit-tested). */

/** Validates a host URL typed by the user: http(s), no path beyond `/`, no credentials. */
export function hostUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'Enter a URL such as https://my-app.azurewebsites.net or http://localhost:7071.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The URL must start with http:// or https://.';
  if (url.username || url.password) return 'Put the key in the next step, not in the URL.';
  if (url.pathname !== '/' && url.pathname !== '') return 'Give the host only (no path).';
  return undefined;
}

/** A host on this machine (`func start`): no key is asked for. */
export function isLoopbackOrigin(origin: string): boolean {
  return /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin);
}
