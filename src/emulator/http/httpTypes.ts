/**
 * What every route handler of the emulator's server sees and returns. Handlers return a value describing the
 * response instead of writing to the socket, so the server alone decides how a response (or an error) is
 * written, and a handler that throws can never leave a half-written response behind.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { EngineError } from '../engine/api.js';

export interface RequestContext {
  method: string;
  /** Absolute URL of the request; its origin comes from the (already validated, loopback) Host header. */
  url: URL;
  /** `http://<Host header>`, used for links in responses (check-status payloads, Location). */
  origin: string;
  /** Route parameters, URL-decoded. */
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The whole request body (empty when there is none); already bounded by the server's size limit. */
  body: Buffer;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  req: IncomingMessage;
  res: ServerResponse;
}

export type HttpResult =
  /** A JSON body (`body` is serialised with JSON.stringify; a string becomes a JSON string). */
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** No body at all (what ASP.NET's `CreateResponse(status)` sends). */
  | { kind: 'empty'; status: number; headers?: Record<string, string> }
  /** Bytes and headers exactly as given (user HTTP triggers). */
  | { kind: 'raw'; status: number; headers: Record<string, string | string[]>; cookies: string[]; body?: Uint8Array }
  /** The handler wrote (or is still writing) the response itself, e.g. a server-sent event stream. */
  | { kind: 'streamed' };

export type RouteHandler = (ctx: RequestContext) => Promise<HttpResult>;

/** Registers a handler; paths are find-my-way patterns relative to the server root. */
export type AddRoute = (methods: string | string[], path: string, handler: RouteHandler) => void;

export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResult {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };
}

export function empty(status: number, headers?: Record<string, string>): HttpResult {
  return headers ? { kind: 'empty', status, headers } : { kind: 'empty', status };
}

/** ASP.NET `HttpError` shape: `{"Message": ...}` plus `ExceptionMessage` when an exception is the cause. */
export function errorBody(status: number, message: string, exceptionMessage?: string): HttpResult {
  const body: Record<string, string> = { Message: message };
  if (exceptionMessage !== undefined) body['ExceptionMessage'] = exceptionMessage;
  return json(status, body);
}

export function engineErrorStatus(code: EngineError['code']): number {
  switch (code) {
    case 'badRequest':
      return 400;
    case 'notFound':
      return 404;
    case 'conflict':
      return 409;
    case 'gone':
      return 410;
    case 'preconditionFailed':
      return 412;
    case 'unavailable':
      return 503;
  }
}

/** Turns anything a handler threw into a response: EngineErrors keep their meaning, the rest is a 500. */
export function resultForError(error: unknown): HttpResult {
  if (error instanceof EngineError) return errorBody(engineErrorStatus(error.code), error.message);
  const message = error instanceof Error ? error.message : String(error);
  return errorBody(500, 'Something went wrong while processing your request', message);
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes a result to the response. Never throws for a response that is still writable. */
export function writeResult(res: ServerResponse, result: HttpResult): void {
  switch (result.kind) {
    case 'streamed':
      return;
    case 'json': {
      const text = JSON.stringify(result.body) ?? 'null';
      const bytes = Buffer.from(text, 'utf8');
      res.writeHead(result.status, {
        ...result.headers,
        'Content-Type': JSON_CONTENT_TYPE,
        'Content-Length': String(bytes.length),
      });
      res.end(bytes);
      return;
    }
    case 'empty':
      res.writeHead(result.status, { ...result.headers, 'Content-Length': '0' });
      res.end();
      return;
    case 'raw': {
      res.statusCode = result.status;
      for (const [name, value] of Object.entries(result.headers)) {
        if (name.toLowerCase() === 'content-length') continue; // recomputed from the actual body below
        res.setHeader(name, value);
      }
      if (result.cookies.length > 0) {
        const existing = res.getHeader('set-cookie');
        const prior = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
        res.setHeader('Set-Cookie', [...prior, ...result.cookies]);
      }
      const body = result.body ?? new Uint8Array(0);
      res.setHeader('Content-Length', String(body.byteLength));
      res.end(body);
      return;
    }
  }
}
