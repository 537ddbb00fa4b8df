/**
 * Emulator-only Storage API, under `/emulator/v1/storage`: the account the app's storage bindings use (Azurite or a
 * real one), for the explorer's Storage view. When the app uses no storage bindings, every route answers 404
 * `{"Message": "The app uses no storage bindings."}`. Names are checked by the service's rules (400 with the rule).
 *
 * | Route | Method | Behaviour |
 * |---|---|---|
 * | `/emulator/v1/storage` | GET | 200 `{"connection": "azurite" \| "account", "account": "<name>", "queues": [names the app uses], "containers": [containers the app uses]}` |
 * | `/emulator/v1/storage/queues` | GET | 200 `[{"name", "approximateMessageCount"}]`: every queue in the account. |
 * | `/emulator/v1/storage/queues/{queue}/messages?top=32` | GET | 200 `[{"id", "insertedOn", "expiresOn", "dequeueCount", "text"}]`: a peek (1-32 messages, default 32); `text` decoded from base64 when it decodes to UTF-8 text. A missing queue has none. |
 * | `/emulator/v1/storage/queues/{queue}/messages` | POST | JSON body `{"text": "..."}`: adds the message, encoded as the host expects (host.json `messageEncoding`); creates the queue if needed; its listener polls at once. 201 `{"id"}`. |
 * | `/emulator/v1/storage/containers` | GET | 200 `[{"name"}]` |
 * | `/emulator/v1/storage/containers/{container}/blobs?prefix=` | GET | 200 `[{"name", "size", "lastModified", "contentType"}]` (a missing container has none). |
 * | `/emulator/v1/storage/containers/{container}/blobs/{name...}` | GET | 200 the blob's bytes with its content type; 404 unknown blob. |
 * | `/emulator/v1/storage/containers/{container}/blobs/{name...}` | PUT | Raw body (its Content-Type kept): writes the blob, creating the container if needed; blob triggers scan at once. 201. |
 *
 * A storage request that fails (Azurite stopped, a real account refusing) answers 502 with the service's message.
 */
import type { StorageService } from '../storage/types.js';
import { blobNameProblem, containerNameProblem, queueNameProblem } from '../storage/names.js';
import { EMULATOR_API_PATH } from './emulatorApi.js';
import { empty, errorBody, json, type AddRoute, type HttpResult, type RequestContext } from './httpTypes.js';

export const STORAGE_API_PATH = `${EMULATOR_API_PATH}/storage`;
const NO_STORAGE = 'The app uses no storage bindings.';

export function registerStorageRoutes(addRoute: AddRoute, storage: () => StorageService | undefined): void {
  const base = STORAGE_API_PATH;
  const route = (
    method: string,
    path: string,
    handler: (service: StorageService, ctx: RequestContext) => Promise<HttpResult>,
  ): void =>
    addRoute(method, `${base}${path}`, async (ctx) => {
      const service = storage();
      if (!service) return errorBody(404, NO_STORAGE);
      try {
        return await handler(service, ctx);
      } catch (error) {
        if (error instanceof TypeError) return errorBody(400, error.message);
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        return errorBody(502, `The storage request failed: ${message}`);
      }
    });

  route('GET', '', (s) =>
    Promise.resolve(
      json(200, { connection: s.connection, account: s.account, queues: s.queues, containers: s.containers }),
    ),
  );
  route('GET', '/queues', async (s) => json(200, await s.listQueues()));
  route('GET', '/queues/:queue/messages', async (s, ctx) => {
    const queue = ctx.params['queue'] ?? '';
    const problem = queueNameProblem(queue);
    if (problem) return errorBody(400, problem);
    const raw = ctx.query.get('top');
    const top = raw === null || raw === '' ? 32 : Number(raw);
    if (!Number.isInteger(top) || top < 1 || top > 32)
      return errorBody(400, 'top must be a whole number from 1 to 32.');
    return json(200, await s.peekMessages(queue, top));
  });
  route('POST', '/queues/:queue/messages', async (s, ctx) => {
    const queue = ctx.params['queue'] ?? '';
    const problem = queueNameProblem(queue);
    if (problem) return errorBody(400, problem);
    let body: unknown;
    try {
      body = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      return errorBody(400, 'The body must be JSON: {"text": "<message>"}.');
    }
    const text = (body as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') return errorBody(400, 'The body must be JSON: {"text": "<message>"}.');
    return json(201, await s.enqueue(queue, text));
  });
  route('GET', '/containers', async (s) => json(200, await s.listContainers()));
  route('GET', '/containers/:container/blobs', async (s, ctx) => {
    const container = ctx.params['container'] ?? '';
    const problem = containerNameProblem(container);
    if (problem) return errorBody(400, problem);
    return json(200, await s.listBlobs(container, ctx.query.get('prefix') ?? undefined));
  });
  route('GET', '/containers/:container/blobs/*', async (s, ctx) => {
    const { container, name, problem } = blobParams(ctx);
    if (problem) return errorBody(400, problem);
    const blob = await s.getBlob(container, name);
    if (!blob) return errorBody(404, `Blob '${container}/${name}' does not exist.`);
    return { kind: 'raw', status: 200, headers: { 'content-type': blob.contentType }, cookies: [], body: blob.content };
  });
  route('PUT', '/containers/:container/blobs/*', async (s, ctx) => {
    const { container, name, problem } = blobParams(ctx);
    if (problem) return errorBody(400, problem);
    const type = ctx.headers['content-type'];
    await s.putBlob(`${container}/${name}`, ctx.body, type || 'application/octet-stream');
    return empty(201);
  });
}

function blobParams(ctx: RequestContext): { container: string; name: string; problem: string | undefined } {
  const container = ctx.params['container'] ?? '';
  const name = ctx.params['*'] ?? '';
  return { container, name, problem: containerNameProblem(container) ?? blobNameProblem(name) };
}
