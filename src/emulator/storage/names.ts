/**
 * Storage naming rules (the service's own), so a bad name gets a clear 400 from the Storage API instead of an SDK
 * error. Pure functions returning the problem, or undefined when the name is valid.
 */

/** Queue names: 3-63 characters, lower-case letters, digits and single hyphens, not starting or ending with one. */
export function queueNameProblem(name: string): string | undefined {
  return dnsLikeProblem('Queue', name);
}

/** Container names follow the queue rule; `$root`, `$web` and `$logs` are the service's own containers. */
export function containerNameProblem(name: string): string | undefined {
  if (name === '$root' || name === '$web' || name === '$logs') return undefined;
  return dnsLikeProblem('Container', name);
}

/** Blob names: 1-1024 characters, not ending with a dot or slash, no control characters. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Blob name must not be empty.';
  if (name.length > 1024) return 'Blob names must not exceed 1024 characters.';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'Blob names must not contain control characters.';
  if (/[./\\]$/.test(name)) return `Blob name '${name}' must not end with a dot or a slash.`;
  return undefined;
}

function dnsLikeProblem(what: 'Queue' | 'Container', name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `${what} names must be 3 to 63 characters long, got '${name}'.`;
  if (!/^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$/.test(name)) {
    return (
      `${what} name '${name}' is not valid: use lower-case letters, digits and single hyphens, ` +
      'starting and ending with a letter or digit.'
    );
  }
  return undefined;
}

/** Splits `container/name/with/slashes` into its container and blob name, or says what is wrong. */
export function splitBlobPath(path: string): { container: string; name: string } | { problem: string } {
  const at = path.indexOf('/');
  if (at <= 0) return { problem: `Blob path '${path}' must be 'container/name'.` };
  const container = path.slice(0, at);
  const name = path.slice(at + 1);
  const problem = containerNameProblem(container) ?? blobNameProblem(name);
  return problem ? { problem } : { container, name };
}
