/**
 * The real host's admin API for functions (what Core Tools and the VS Code Azure Functions extension call):
 *
 * | Route | Method | Behaviour |
 * |---|---|---|
 * | `/admin/functions` | GET | 200 `[{"name", "href", "invoke_url_template", "language": "node", "config": {"bindings": [...]}, "isDisabled": false, ...}]`: the app's functions as the host lists them (`invoke_url_template` only for HTTP triggers, null otherwise). |
 * | `/admin/functions/{name}` | GET | 200 one such item; 404 for an unknown function. |
 * | `/admin/functions/{name}` | POST | JSON body `{"input": "<string>"}`: runs a timer, queue, blob or other (Service Bus, Event Hubs, Cosmos DB, ...) function now with `input` as its trigger value (a timer ignores it and gets its timer object, not past due). 202 at once, no body: the run goes on, its outcome is in the log and on the change stream (`function` events). 404 unknown function; 400 for a body that is not such an object (a number or boolean `input` is taken as its text, as the host does) and for HTTP and durable functions, with how to run them in `Message`. |
 *
 * Like `func start`, no key is required locally; the server's Host and Origin checks apply as to every route.
 */
import type { FunctionInfo } from '../host/protocol.js';
import type { TriggersApi } from '../triggers/types.js';
import { empty, errorBody, json, type AddRoute, type HttpResult } from './httpTypes.js';

export interface AdminApiOptions {
  /** Prefix of HTTP trigger routes (`api` by default; may be empty), for `invoke_url_template`. */
  routePrefix: string;
}

export function registerAdminRoutes(addRoute: AddRoute, triggers: TriggersApi, options: AdminApiOptions): void {
  addRoute('GET', '/admin/functions', (ctx) =>
    Promise.resolve(
      json(
        200,
        triggers.definitions().map((fn) => functionMetadata(fn, ctx.origin, options)),
      ),
    ),
  );

  addRoute('GET', '/admin/functions/:name', (ctx) => {
    const name = (ctx.params['name'] ?? '').toLowerCase();
    const fn = triggers.definitions().find((f) => f.name.toLowerCase() === name);
    if (!fn) return Promise.resolve(notFound(ctx.params['name'] ?? ''));
    return Promise.resolve(json(200, functionMetadata(fn, ctx.origin, options)));
  });

  addRoute('POST', '/admin/functions/:name', (ctx) => {
    const name = ctx.params['name'] ?? '';
    const input = parseInvocationBody(ctx.body);
    if (typeof input !== 'string') return Promise.resolve(errorBody(400, input.problem));
    const outcome = triggers.invokeByHand(name, input);
    switch (outcome.kind) {
      case 'accepted':
        return Promise.resolve(empty(202));
      case 'notFound':
        return Promise.resolve(notFound(name));
      case 'refused':
        return Promise.resolve(errorBody(400, outcome.message));
    }
  });
}

function notFound(name: string): HttpResult {
  return errorBody(404, `The app has no function named '${name}'.`);
}

/** `{"input": ...}` → the input text, or the message of a 400. */
export function parseInvocationBody(body: Buffer): string | { problem: string } {
  const usage = 'The body must be a JSON object {"input": "<trigger input>"}.';
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { problem: usage };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: usage };
  const input = (value as { input?: unknown }).input;
  if (input === undefined || input === null) return '';
  if (typeof input === 'string') return input;
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return { problem: `"input" must be a string (the trigger's input as text). ${usage}` };
}

/** The host's `FunctionMetadataResponse` for one function (the fields that mean something here). */
function functionMetadata(fn: FunctionInfo, origin: string, options: AdminApiOptions): Record<string, unknown> {
  const prefix = options.routePrefix ? `/${options.routePrefix}` : '';
  const bindings = fn.bindings.map((b) => ({ name: b.name, type: b.type, direction: b.direction, ...b.properties }));
  return {
    name: fn.name,
    href: `${origin}/admin/functions/${encodeURIComponent(fn.name)}`,
    invoke_url_template: fn.kind === 'http' ? `${origin}${prefix}/${fn.route ?? fn.name}` : null,
    language: 'node',
    config: { bindings },
    isDisabled: false,
    isDirect: false,
    isProxy: false,
  };
}
