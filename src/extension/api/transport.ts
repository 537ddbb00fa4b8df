/**
 * One HTTP exchange with the server, and nothing else: URL building, the key, the timeout, JSON bodies. Status
 * codes are left to the caller, which knows which ones its operation accepts. Never sends an `Origin` header
 * (Node's fetch adds none): the emulator refuses state changes from foreign origins.
 */
import { ManagementApiError, ManagementConnectionError, parseErrorBody, type OperationContext } from './errors.js';

export interface ServerConnection {
  /** Origin of the Functions host, e.g. `http://localhost:7071` or `https://my-app.azurewebsites.net`. */
  baseUrl: string;
  /** A system key (`durabletask_extension`) or the master key, for `func start` with keys or a deployed app. */
  key?: string;
  /** Where the key goes: the `x-functions-key` header (default) or the `code` query parameter. */
  keyLocation?: 'header' | 'query';
  /** For tests, or to route through a proxy-aware fetch. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, starting with `/`, its segments already encoded. */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /**
   * Sent as `application/json`: `json` is serialised, `undefined` sends an empty JSON request. `bytes` go as they
   * are, with their content type (`application/octet-stream` when absent).
   */
  body?: { json: unknown } | { bytes: Uint8Array; contentType?: string };
  /** Read a successful answer's body as bytes (`RawResponse.bytes`) instead of text. */
  binary?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as text; empty for a successful `binary` request. */
  text: string;
  /** The body, for a `binary` request. */
  bytes?: Uint8Array;
}

export class Transport {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly base: URL;

  constructor(private readonly connection: ServerConnection) {
    this.base = parseBaseUrl(connection.baseUrl);
    this.fetchFn = connection.fetch ?? fetch;
    this.timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get origin(): string {
    return this.base.origin;
  }

  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    if (this.connection.key !== undefined && this.connection.keyLocation === 'query') {
      url.searchParams.set('code', this.connection.key);
    }
    return url;
  }

  /** Headers every request carries (the key, when it goes in a header). */
  authHeaders(): Record<string, string> {
    const { key, keyLocation } = this.connection;
    return key !== undefined && keyLocation !== 'query' ? { 'x-functions-key': key } : {};
  }

  /**
   * Sends the request and reads the whole answer. Throws ManagementConnectionError when there is none. A GET
   * that fails on a dropped connection is sent once more: after the host restarts, the first request may go out
   * on a pooled keep-alive socket the old process closed.
   */
  async send(spec: RequestSpec, context: OperationContext): Promise<RawResponse> {
    try {
      return await this.sendOnce(spec, context);
    } catch (error) {
      if (spec.method !== 'GET' || !(error instanceof ManagementConnectionError) || !isDroppedConnection(error.cause)) {
        throw error;
      }
      return this.sendOnce(spec, context);
    }
  }

  private async sendOnce(spec: RequestSpec, context: OperationContext): Promise<RawResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders(), ...spec.headers };
    let body: string | Uint8Array | undefined;
    if (spec.body !== undefined && 'bytes' in spec.body) {
      headers['Content-Type'] = spec.body.contentType ?? 'application/octet-stream';
      body = spec.body.bytes;
    } else if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = spec.body.json === undefined ? '' : JSON.stringify(spec.body.json);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.fetchFn(this.url(spec.path, spec.query), {
        method: spec.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal,
      });
      // Always read the body: an unread body keeps the connection from going back to the pool.
      if (spec.binary && response.ok) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, headers: response.headers, text: '', bytes };
      }
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (signal.aborted) {
        throw new ManagementConnectionError(context, this.origin, `timed out after ${this.timeoutMs} ms`, true, error);
      }
      throw new ManagementConnectionError(context, this.origin, describeFetchError(error), false, error);
    }
  }
}

/** Throws the ManagementApiError for an answer whose status the operation does not accept. */
export function expectStatus(response: RawResponse, accepted: readonly number[], context: OperationContext): void {
  if (accepted.includes(response.status)) return;
  const { message, exceptionMessage } = parseErrorBody(response.text);
  throw new ManagementApiError(context, response.status, message, exceptionMessage);
}

/** The JSON body of a successful answer; a body that is not JSON is an error of the server. */
export function jsonBody<T>(response: RawResponse, context: OperationContext): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new ManagementApiError(context, response.status, 'the answer is not JSON');
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Not a URL: '${baseUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Not an http(s) URL: '${baseUrl}'`);
  }
  url.search = '';
  url.hash = '';
  return url;
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the host running?',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name not found',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

function errorCode(error: unknown): string | undefined {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function isDroppedConnection(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

/** undici reports "fetch failed" with the system error (carrying a `code`) as its cause. */
export function describeFetchError(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined && ERROR_CODES[code] !== undefined) return ERROR_CODES[code];
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
