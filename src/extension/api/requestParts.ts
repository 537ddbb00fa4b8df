/**
 * The small pieces every management call shares: URL segments that cannot reach another route, query booleans,
 * instance ids and purge counts from answers, and continuation-token paging.
 */
import { ManagementApiError, type ManagementOperation, type OperationContext } from './errors.js';
import { expectStatus, jsonBody, type RawResponse } from './transport.js';
import type { Page } from './types.js';

export const CONTINUATION_HEADER = 'x-ms-continuation-token';

export function context(operation: ManagementOperation, action: string): OperationContext {
  return { operation, action };
}

/**
 * A URL path segment. Empty, `.` and `..` cannot be sent (URL parsing drops or resolves them, so the request
 * would reach another route): they are refused here with the 400 the server gives such ids.
 */
export function segment(value: string, what: string, ctx: OperationContext): string {
  if (value === '' || value === '.' || value === '..') {
    throw new ManagementApiError(ctx, 400, `${what} '${value}' cannot be used in a URL`);
  }
  return encodeURIComponent(value);
}

export function bool(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

export function idOf(res: RawResponse, ctx: OperationContext): string {
  const id = jsonBody<{ id?: unknown }>(res, ctx).id;
  if (typeof id !== 'string') throw new ManagementApiError(ctx, res.status, 'the answer has no instance id');
  return id;
}

export function purged(res: RawResponse, ctx: OperationContext): number {
  if (res.status === 404) return 0; // nothing matched
  expectStatus(res, [200], ctx);
  const deleted = jsonBody<{ instancesDeleted?: unknown }>(res, ctx).instancesDeleted;
  return typeof deleted === 'number' ? deleted : 0;
}

export function page<T>(items: T[], res: RawResponse): Page<T> {
  const token = res.headers.get(CONTINUATION_HEADER);
  // An empty or "null" token means the last page (a client that sends it back would loop).
  return token && token !== 'null' ? { items, continuationToken: token } : { items };
}

/** Follows continuation tokens; stops if the server hands back the token it was given (it would loop). */
export async function* pages<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  first: string | undefined,
): AsyncGenerator<T, void, undefined> {
  let token = first;
  for (;;) {
    const result = await fetchPage(token);
    yield* result.items;
    if (result.continuationToken === undefined || result.continuationToken === token) return;
    token = result.continuationToken;
  }
}
