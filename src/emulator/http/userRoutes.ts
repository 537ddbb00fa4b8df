/**
 * The app's own HTTP triggers at `/{routePrefix}/{route}`, with Azure Functions (ASP.NET) route templates:
 * `{id}`, optional `{id?}`, defaults `{id=5}`, constraints `{id:int}` `{id:alpha}` `{id:guid}` ... and catch-all
 * `{*rest}`. Matching is case-insensitive and ignores a trailing slash, as in the real host; a known route
 * with a method it does not accept is a 404 (the real host does not answer 405).
 */
import FindMyWay from 'find-my-way';
import type { HttpTriggerInvoker, HttpTriggerRoute, WorkerHttpRequest } from '../../protocol/http.js';
import type { HttpResult, RequestContext } from './httpTypes.js';
import { satisfiesConstraint, toRouteVariants, type RouteVariant } from './routeTemplate.js';

interface Candidate {
  functionName: string;
  variant: RouteVariant;
}

export interface UserRouteMatch {
  functionName: string;
  params: Record<string, string>;
}

type Router = ReturnType<typeof FindMyWay>;
type HTTPMethod = FindMyWay.HTTPMethod;

const ALL_METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export class UserRoutes {
  private router: Router = newRouter();
  private signature = '';

  constructor(
    private readonly triggers: HttpTriggerInvoker,
    private readonly routePrefix: string,
    private readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

  /** Rebuilds the routing table from `triggers.routes()`. Also happens by itself when the routes change. */
  reload(): void {
    const routes = this.triggers.routes();
    this.signature = JSON.stringify(routes);
    this.router = this.build(routes);
  }

  /** The function and parameters for a request path (raw, with or without query string), if any. */
  match(method: string, rawPath: string): UserRouteMatch | undefined {
    const routes = this.triggers.routes();
    if (JSON.stringify(routes) !== this.signature) {
      this.signature = JSON.stringify(routes);
      this.router = this.build(routes);
    }
    const found = this.router.find(method as HTTPMethod, rawPath);
    const candidates = found?.store as Candidate[] | null | undefined;
    if (!found || !Array.isArray(candidates)) return undefined;
    for (const { functionName, variant } of candidates) {
      const params: Record<string, string> = { ...variant.defaults };
      for (const [positional, name] of Object.entries(variant.names)) {
        const value = found.params[positional];
        if (value !== undefined && !(positional === '*' && value === '')) params[name] = value;
      }
      const ok = Object.entries(variant.constraints).every(([name, constraints]) => {
        const value = params[name];
        return value === undefined || constraints.every((c) => satisfiesConstraint(value, c));
      });
      if (ok) return { functionName, params };
    }
    return undefined;
  }

  /** Invokes the matching trigger; undefined when no user route matches (the server answers 404). */
  async handle(ctx: RequestContext, rawPath: string): Promise<HttpResult | undefined> {
    const matched = this.match(ctx.method, rawPath);
    if (matched === undefined) return undefined;
    const response = await this.triggers.invoke(matched.functionName, toWorkerRequest(ctx, matched.params));
    return {
      kind: 'raw',
      status: response.status,
      headers: response.headers,
      cookies: response.cookies,
      ...(response.body !== undefined ? { body: response.body } : {}),
    };
  }

  private build(routes: HttpTriggerRoute[]): Router {
    const router = newRouter();
    // One candidate list per (method, path): find-my-way refuses duplicates, templates that differ only in
    // constraints share an entry and are tried in registration order.
    const table = new Map<string, Candidate[]>();
    for (const route of routes) {
      let variants: RouteVariant[];
      try {
        variants = toRouteVariants(this.routePrefix, route.route || route.functionName);
      } catch (error) {
        this.log?.('warn', `HTTP trigger '${route.functionName}' is not routed: ${(error as Error).message}`);
        continue;
      }
      const methods = route.methods.length > 0 ? route.methods.map((m) => m.toUpperCase()) : ALL_METHODS;
      for (const variant of variants) {
        for (const method of methods) {
          const key = `${method} ${variant.path.toLowerCase()}`;
          const existing = table.get(key);
          if (existing) {
            existing.push({ functionName: route.functionName, variant });
            continue;
          }
          const candidates: Candidate[] = [{ functionName: route.functionName, variant }];
          try {
            router.on(method as HTTPMethod, variant.path, noopHandler, candidates);
            table.set(key, candidates);
          } catch (error) {
            this.log?.(
              'warn',
              `HTTP trigger '${route.functionName}' (${method} ${variant.path}): ${(error as Error).message}`,
            );
          }
        }
      }
    }
    return router;
  }
}

function newRouter(): Router {
  return FindMyWay({ caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 8192 });
}

function noopHandler(): void {}

/** The request as the app worker gets it (headers lower-cased, repeated query values joined with ','). */
export function toWorkerRequest(ctx: RequestContext, params: Record<string, string>): WorkerHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query: Record<string, string> = {};
  for (const key of new Set(ctx.query.keys())) query[key] = ctx.query.getAll(key).join(',');
  const request: WorkerHttpRequest = { method: ctx.method, url: ctx.url.href, headers, params, query };
  if (ctx.body.length > 0) request.body = new Uint8Array(ctx.body.buffer, ctx.body.byteOffset, ctx.body.length);
  return request;
}
