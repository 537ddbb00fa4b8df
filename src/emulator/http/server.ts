/**
 * The emulator's HTTP server: the management API of the real host, the emulator-only API, `GET
 * /admin/host/status` and the app's HTTP triggers, on 127.0.0.1 only.
 *
 * Every request passes, in order: the Host check (loopback names only, against DNS rebinding), the Origin /
 * Sec-Fetch-Site check for state-changing methods (against cross-site requests from a browser), the body size
 * bound (413, the rest of the body is not read), then routing. Built-in routes win over user routes. Nothing a
 * request does can crash the process: a handler error becomes a 500 JSON body.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import type { EngineApi } from '../engine/api.js';
import type { HttpTriggerInvoker } from '../../protocol/http.js';
import type { TriggersApi } from '../triggers/types.js';
import { registerAdminRoutes } from './adminApi.js';
import { registerEmulatorRoutes } from './emulatorApi.js';
import { isForeignRequest, isLoopbackHostHeader, isStateChangingMethod } from './guards.js';
import {
  empty,
  errorBody,
  json,
  resultForError,
  writeResult,
  type HttpResult,
  type RequestContext,
  type RouteHandler,
} from './httpTypes.js';
import { registerManagementRoutes } from './managementApi.js';
import { registerStorageRoutes } from './storageApi.js';
import type { StorageService } from '../storage/types.js';
import { UserRoutes } from './userRoutes.js';

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export type LogFn = (level: 'info' | 'warn' | 'error', msg: string) => void;

export interface HttpServerOptions {
  engine: EngineApi;
  triggers: HttpTriggerInvoker;
  /** Timer, queue, blob and hand-invoked functions: the admin API and the function list (src/emulator/triggers). */
  functionTriggers?: TriggersApi;
  /** Prefix of user HTTP triggers: 'api' by default in the real host; may be ''. */
  routePrefix: string;
  /** Largest accepted request body; default 32 MiB. */
  maxBodyBytes?: number;
  log?: LogFn;
  hostStatus: () => { state: string; version: string };
  /** While false (the app is still loading), every route but the host status answers 503 with Retry-After. */
  isReady?: () => boolean;
  /** Heartbeat period of `/emulator/v1/events` (default 15 s; tests shorten it). */
  sseHeartbeatMs?: number;
  /** The app's storage account for `/emulator/v1/storage` (undefined while the app uses none). */
  storage?: () => StorageService | undefined;
}

export interface EmulatorHttpServer {
  server: http.Server;
  /** Listens on 127.0.0.1; resolves with the actual port (useful with port 0). */
  listen(port: number): Promise<number>;
  /** Stops accepting, ends open connections (event streams included) and resolves when closed. */
  close(): Promise<void>;
  /** Rebuilds the user-route table now (it also rebuilds itself when `triggers.routes()` changes). */
  reloadRoutes(): void;
}

type Router = ReturnType<typeof FindMyWay>;
type HTTPMethod = FindMyWay.HTTPMethod;

type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'tooLarge' } | { kind: 'aborted' };

export function createHttpServer(options: HttpServerOptions): EmulatorHttpServer {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log;
  // Built-in routes: case-insensitive literals and an optional trailing slash, like the real host's
  // TemplateMatcher on a trimmed path. Long parameters reach the handlers, which refuse ids over 256 chars.
  const router: Router = FindMyWay({
    caseSensitive: false,
    ignoreTrailingSlash: true,
    maxParamLength: 8192,
    onBadUrl: () => undefined,
  });
  const addRoute = (methods: string | string[], path: string, handler: RouteHandler): void => {
    router.on(methods as HTTPMethod | HTTPMethod[], path, () => undefined, handler);
  };
  registerManagementRoutes(addRoute, options.engine);
  const functionTriggers = options.functionTriggers;
  registerEmulatorRoutes(addRoute, options.engine, {
    ...(options.sseHeartbeatMs ? { heartbeatMs: options.sseHeartbeatMs } : {}),
    ...(functionTriggers ? { functions: () => functionTriggers.summaries() } : {}),
  });
  if (functionTriggers) registerAdminRoutes(addRoute, functionTriggers, { routePrefix: options.routePrefix });
  registerStorageRoutes(addRoute, options.storage ?? (() => undefined));
  addRoute('GET', '/admin/host/status', () => {
    const { state, version } = options.hostStatus();
    return Promise.resolve(json(200, { state, version }));
  });
  const userRoutes = new UserRoutes(options.triggers, options.routePrefix, log);

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      // Only reachable if writing the error response itself failed; the connection is dropped.
      log?.('error', `HTTP ${req.method ?? '?'} ${req.url ?? '?'}: ${describe(error)}`);
      res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    log?.('warn', `HTTP client error: ${describe(error)}`);
    if (socket.writable) socket.end(clientErrorResponse(error));
    else socket.destroy();
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host;
    if (!isLoopbackHostHeader(host)) {
      return send(
        res,
        errorBody(403, 'Forbidden: the Host header must name this machine (localhost, 127.0.0.1, [::1]).'),
        true,
      );
    }
    if (isStateChangingMethod(method) && isForeignRequest(header(req, 'origin'), header(req, 'sec-fetch-site'))) {
      return send(res, errorBody(403, 'Forbidden: cross-origin requests that change state are refused.'), true);
    }
    const rawUrl = req.url ?? '/';
    if (!rawUrl.startsWith('/')) return send(res, errorBody(400, 'The request target must be a path.'), true);

    const body = await readBody(req, maxBodyBytes);
    switch (body.kind) {
      case 'aborted':
        res.destroy();
        return;
      case 'tooLarge':
        // Connection: close, so the unread rest of the body is never parsed as a next request.
        return send(res, errorBody(413, `Request body too large: the limit is ${maxBodyBytes} bytes.`), true);
      case 'ok':
        break;
    }

    let url: URL;
    try {
      url = new URL(rawUrl, `http://${host}`);
    } catch {
      return send(res, errorBody(400, 'Malformed request URL.'), false);
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const ctx: RequestContext = {
      method,
      url,
      origin: `http://${host}`,
      params: {},
      query: url.searchParams,
      headers: req.headers,
      body: body.body,
      signal: abort.signal,
      req,
      res,
    };

    let result: HttpResult;
    try {
      result = await route(ctx, rawUrl);
    } catch (error) {
      result = resultForError(error);
      if (result.kind === 'json' && result.status >= 500) {
        log?.('error', `HTTP ${method} ${url.pathname}: ${describe(error)}`);
      }
    }
    send(res, result, false);
  }

  async function route(ctx: RequestContext, rawUrl: string): Promise<HttpResult> {
    const found = router.find(ctx.method as HTTPMethod, rawUrl);
    if (options.isReady && !options.isReady() && ctx.url.pathname.toLowerCase() !== '/admin/host/status') {
      return json(503, { Message: 'The emulator is starting: the app is still loading.' }, { 'Retry-After': '1' });
    }
    if (found) {
      const handler = found.store as RouteHandler | null | undefined;
      // find-my-way answers a malformed percent-encoding with a stand-in route that has no store.
      if (typeof handler !== 'function') return errorBody(400, 'Malformed URL encoding.');
      const params: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(found.params)) params[name] = value;
      return handler({ ...ctx, params });
    }
    const user = await userRoutes.handle(ctx, rawUrl);
    return user ?? empty(404);
  }

  /** Writes a result; if that fails before anything was sent, answers 500 instead. */
  function send(res: ServerResponse, result: HttpResult, closeConnection: boolean): void {
    if (res.headersSent || res.destroyed) {
      if (result.kind !== 'streamed' && !res.writableEnded) res.end();
      return;
    }
    if (closeConnection) res.setHeader('Connection', 'close');
    try {
      writeResult(res, result);
    } catch (error) {
      log?.('error', `HTTP response could not be written: ${describe(error)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      writeResult(res, resultForError(error));
    }
  }

  return {
    server,
    reloadRoutes: () => userRoutes.reload(),
    listen(port: number): Promise<number> {
      return new Promise((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          server.off('listening', onListening);
          reject(
            error.code === 'EADDRINUSE'
              ? new Error(`port ${port} is already in use (another emulator or 'func start'?); choose another port`)
              : error,
          );
        };
        const onListening = (): void => {
          server.off('error', onError);
          resolve((server.address() as AddressInfo).port);
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, '127.0.0.1');
      });
    },
    close(): Promise<void> {
      return new Promise((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((error) => (error ? reject(error) : resolve()));
        // Event streams and waiting start requests never end by themselves.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Reads the body up to `limit` bytes. A declared Content-Length over the limit is refused before reading;
 * a body that grows past it is refused at that point and the rest is left unread.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'tooLarge' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle({ kind: 'tooLarge' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ kind: 'ok', body: Buffer.concat(chunks, size) });
    const onError = (): void => settle({ kind: 'aborted' });
    const onAborted = (): void => settle({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * The raw answer to a request Node's HTTP parser refused (no route ever sees it): 431 when the request line and
 * headers pass Node's limit (a very long URL), 400 otherwise; a JSON message either way, then the connection closes.
 */
function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const message = tooLarge
    ? `The request line and headers are too large: the limit is ${http.maxHeaderSize} bytes.`
    : `Malformed HTTP request (${error.code ?? 'parse error'}).`;
  const body = JSON.stringify({ Message: message });
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  return (
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
