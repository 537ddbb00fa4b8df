/**
 * A small, seeded HTTP fuzzer for the emulator's server: hostile ids, query strings, bodies, content types and
 * methods, built from a PRNG so a failing run is reproduced exactly by its seed (`FUZZ_SEED=<n>`). The checker
 * states what a client may rely on for any request: a documented success or a 4xx that says what was wrong,
 * never a 5xx, never a hang.
 */
import http from 'node:http';
import assert from 'node:assert/strict';

/** mulberry32: tiny, fast, good enough to pick test inputs; the same seed gives the same sequence. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Path segments sent as they are: traversal, encoded separators, malformed percent-encoding, control chars. */
const RAW_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fadmin',
  '%2F',
  '%5C',
  '%00',
  '%0A',
  '%E0%A4%A',
  '%ZZ',
  '%',
  '@counter@k',
  '%40%40',
  'a%3Fb',
  'a%23b',
];

const ALPHABET = 'abcXYZ019-_.~!$&\'()*+,;=:@ /\\?#%"<>^`{|}\u0000\u0007\u007f\u00e9\u4e2d\u{1f600}';

/** An id as a URL path segment: a known id, a hostile raw segment, or random text percent-encoded. */
export function fuzzId(rng: Rng, known: readonly string[]): string {
  switch (rng.int(5)) {
    case 0:
      return encodeURIComponent(rng.pick(known));
    case 1:
      return rng.pick(RAW_SEGMENTS);
    case 2:
      return 'x'.repeat(rng.pick([255, 256, 257, 1000, 8192, 9000]));
    default: {
      let text = '';
      for (let i = 1 + rng.int(12); i > 0; i--) text += [...ALPHABET][rng.int([...ALPHABET].length)];
      return encodeURIComponent(text);
    }
  }
}

const NUMBERISH = ['', ' ', '0', '7', ' 7 ', '-1', '1.5', '1e309', 'NaN', 'Infinity', '0x10', '99999999999999999999'];

/** A query string of garbage: numbers that are not, repeated and empty keys, malformed encoding. */
export function fuzzQuery(rng: Rng, keys: readonly string[], known: readonly string[]): string {
  const parts: string[] = [];
  for (let i = rng.int(4); i > 0; i--) {
    const key = rng.chance(0.8) ? rng.pick(keys) : rng.pick(['%ZZ', '', '&', 'a[b]', '__proto__']);
    const value = rng.chance(0.5) ? encodeURIComponent(rng.pick(NUMBERISH)) : fuzzId(rng, known);
    parts.push(`${key}=${value}`);
  }
  if (rng.chance(0.1)) parts.push('&&==&');
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Bodies a clock advance (or anything else) must survive. */
export const HOSTILE_BODIES: readonly string[] = [
  '',
  ' ',
  '{',
  'null',
  '[]',
  '"ms"',
  '42',
  '{}',
  '{"ms":8.64e15}',
  '{"ms":8640000000000000}',
  '{"ms":1e308}',
  '{"ms":1e400}',
  '{"ms":-1}',
  '{"ms":-0}',
  '{"ms":0.5}',
  '{"ms":9007199254740993}',
  '{"ms":"NaN"}',
  '{"ms":"5"}',
  '{"ms":null}',
  '{"ms":[5]}',
  '{"ms":{"valueOf":5}}',
  '{"ms":true}',
  '{"ms":1,"to":"2030-01-01T00:00:00Z"}',
  '{"to":"+275760-09-13T00:00:00.000Z"}',
  '{"to":"+275760-09-13T00:00:00.001Z"}',
  '{"to":"10000-01-01T00:00:00Z"}',
  '{"to":"+010000-01-01T00:00:00Z"}',
  '{"to":"9999-12-31T23:59:59.999Z"}',
  '{"to":"1970-01-01T00:00:00Z"}',
  '{"to":"-271821-04-20T00:00:00Z"}',
  '{"to":"garbage"}',
  '{"to":5}',
  '{"to":null}',
  '{"__proto__":{"ms":5}}',
  '{"constructor":{"prototype":{"ms":5}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '\uFEFF{"ms":1}',
];

function randomJson(rng: Rng, depth: number): unknown {
  switch (depth > 3 ? rng.int(4) : rng.int(7)) {
    case 0:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, 8.64e15, 2 ** 53 + 2, 60_000, 3_600_000]);
    case 1:
      return rng.pick(['', 'NaN', 'Infinity', '2026-01-01T00:00:00Z', '../x', 'x'.repeat(300)]);
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return rng.pick([undefined, 0]);
    case 4:
      return Array.from({ length: rng.int(3) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(3); i > 0; i--) object[rng.pick(['ms', 'to', 'x', ''])] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

/** A body: one of the hostile ones, random JSON, random bytes, or nothing. */
export function fuzzBody(rng: Rng): string | Buffer | undefined {
  switch (rng.int(5)) {
    case 0:
      return undefined;
    case 1:
      return JSON.stringify(randomJson(rng, 0)) ?? '';
    case 2:
      return Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256)));
    default:
      return rng.pick(HOSTILE_BODIES);
  }
}

export const CONTENT_TYPES = ['application/json', 'text/plain', 'application/json; charset=utf-16', 'multipart/x', ''];
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string | Buffer | undefined;
  contentType?: string;
}

export interface FuzzReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * Sends one request with a deadline. An event stream answers with its headers only (then disconnects). A request
 * the server does not answer within `timeoutMs` fails: a hang is a bug like a 500.
 */
export function send(port: number, request: FuzzRequest, timeoutMs = 10_000): Promise<FuzzReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `localhost:${port}` };
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/**
 * What any answer must be: a 2xx, a bodiless 404 or 410 (the real host's "no such route / instance" and "instance
 * finished"), or a 4xx whose JSON body says what was wrong (`Message`, or a bare JSON string as the real host
 * sends for some 400s). `allowed` lists statuses a route documents beyond that (e.g. a 500 the caller asked for).
 */
export function checkReply(reply: FuzzReply, what: string, allowed: readonly number[] = []): void {
  if (allowed.includes(reply.status)) return;
  assert.ok(reply.status >= 200 && reply.status < 500, `${what}: answered ${reply.status} ${reply.text.slice(0, 300)}`);
  if (reply.status < 400 || ((reply.status === 404 || reply.status === 410) && reply.text === '')) return;
  let body: unknown;
  try {
    body = JSON.parse(reply.text);
  } catch {
    assert.fail(`${what}: ${reply.status} without a JSON message: ${JSON.stringify(reply.text.slice(0, 200))}`);
  }
  const message = typeof body === 'string' ? body : (body as { Message?: unknown } | null)?.Message;
  assert.ok(typeof message === 'string' && message.length > 0, `${what}: ${reply.status} without a message`);
}

/** `METHOD path` with long ids shortened, for assertion messages. */
export function describeRequest(request: FuzzRequest): string {
  const path = request.path.replace(/x{40,}/g, (run) => `x{${run.length}}`);
  const body = request.body === undefined ? '' : ` body=${JSON.stringify(String(request.body).slice(0, 80))}`;
  return `${request.method} ${path}${body}`;
}
