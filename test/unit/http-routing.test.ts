import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  instanceIdProblem,
  isForeignRequest,
  isLoopbackHostHeader,
  isStateChangingMethod,
} from '../../src/emulator/http/guards.js';
import { parseDateTime, queryBool, queryInt, queryRuntimeStatuses } from '../../src/emulator/http/queryParams.js';
import { parseAdvanceBody, formatSseEvent } from '../../src/emulator/http/emulatorApi.js';
import { parseRouteTemplate, satisfiesConstraint, toRouteVariants } from '../../src/emulator/http/routeTemplate.js';
import { UserRoutes } from '../../src/emulator/http/userRoutes.js';
import type { HttpTriggerInvoker, HttpTriggerRoute } from '../../src/protocol/http.js';

test('Host check: loopback names with any port pass, everything else fails', () => {
  for (const host of [
    'localhost',
    'localhost:7071',
    '127.0.0.1:1',
    '[::1]',
    '[::1]:7071',
    'app.localhost:80',
    'LOCALHOST',
  ]) {
    assert.equal(isLoopbackHostHeader(host), true, host);
  }
  for (const host of [
    undefined,
    '',
    'evil.com',
    'evil.com:7071',
    'localhost.evil.com',
    '127.0.0.2',
    '[::2]',
    'localhost:abc',
    '[::1]x',
    '0.0.0.0',
  ]) {
    assert.equal(isLoopbackHostHeader(host), false, String(host));
  }
});

test('Origin check: only state-changing methods, foreign origins and cross-site fetches refused', () => {
  assert.deepEqual(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'].map(isStateChangingMethod), [
    false,
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
  assert.equal(isForeignRequest(undefined, undefined), false);
  assert.equal(isForeignRequest('http://localhost:3000', undefined), false);
  assert.equal(isForeignRequest('http://127.0.0.1:7071', 'same-origin'), false);
  assert.equal(isForeignRequest('https://[::1]', undefined), false);
  assert.equal(isForeignRequest('https://evil.com', undefined), true);
  assert.equal(isForeignRequest('null', undefined), true);
  assert.equal(isForeignRequest('file://', undefined), true);
  assert.equal(isForeignRequest(undefined, 'cross-site'), true);
  assert.equal(isForeignRequest('http://localhost', 'Cross-Site'), true);
});

test('instance id validation', () => {
  assert.equal(instanceIdProblem('abc-123'), undefined);
  assert.equal(instanceIdProblem('@counter@k1'), undefined);
  assert.equal(instanceIdProblem('x'.repeat(256)), undefined);
  for (const bad of [undefined, '', 'a/b', 'a\\b', '.', '..', 'a\u0001b', 'a\nb', 'a?b', 'a#b', 'x'.repeat(257)]) {
    assert.notEqual(instanceIdProblem(bad), undefined, JSON.stringify(bad));
  }
  assert.equal(instanceIdProblem('a..b'), undefined);
});

test('query parameters are parsed leniently, like the real host', () => {
  const q = new URLSearchParams('a=TRUE&b=yes&n=12&m=1.5&s=Running,completed,3,Bogus&s=Pending');
  assert.equal(queryBool(q, 'a'), true);
  assert.equal(queryBool(q, 'b'), undefined);
  assert.equal(queryInt(q, 'n'), 12);
  assert.equal(queryInt(q, 'm'), undefined);
  assert.deepEqual(queryRuntimeStatuses(q, 's'), ['Running', 'Failed', 'Pending'], 'names are case-sensitive');
  assert.equal(queryRuntimeStatuses(new URLSearchParams('s=x'), 's'), undefined);
  assert.equal(queryRuntimeStatuses(new URLSearchParams('s=running,COMPLETED'), 's'), undefined, 'no filter');
  assert.equal(parseDateTime('2024-05-01T10:00:00Z'), Date.parse('2024-05-01T10:00:00Z'));
  assert.equal(parseDateTime('2024-05-01T10:00:00'), Date.parse('2024-05-01T10:00:00Z'), 'no zone means UTC');
  assert.equal(parseDateTime('2024-05-01T12:00:00 02:00'), Date.parse('2024-05-01T10:00:00Z'), '+ decoded as space');
  assert.equal(parseDateTime('garbage'), undefined);
});

test('clock advance body and SSE framing', () => {
  const now = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(parseAdvanceBody(Buffer.from('{"ms":1500}'), now), 1500);
  assert.equal(parseAdvanceBody(Buffer.from('{"to":"2024-01-01T01:00:00Z"}'), now), 3_600_000);
  for (const bad of [
    '',
    '{',
    '[]',
    '{"ms":-1}',
    '{"ms":"5"}',
    '{"to":"2023-01-01T00:00:00Z"}',
    '{}',
    '{"ms":1,"to":"x"}',
    '{"ms":8.64e15}',
    '{"ms":1e400}',
    '{"to":"+275760-09-13T00:00:00Z"}',
  ]) {
    assert.equal(typeof parseAdvanceBody(Buffer.from(bad), now), 'string', bad);
  }
  assert.match(
    String(parseAdvanceBody(Buffer.from('{"ms":8.64e15}'), now)),
    /^"ms" must be a number of milliseconds in range\. The clock can move forward by 0 to \d+ ms: .* up to 9999-12-31T23:59:59\.999Z/,
  );
  assert.match(String(parseAdvanceBody(Buffer.from('{"to":"+010000-01-01T00:00:00Z"}'), now)), /^"to" is too late\./);
  assert.equal(
    parseAdvanceBody(Buffer.from('{"to":"9999-12-31T23:59:59.999Z"}'), now),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999) - now,
  );
  assert.equal(
    formatSseEvent({ type: 'instanceDeleted', instanceId: 'a' }),
    'event: instanceDeleted\ndata: {"type":"instanceDeleted","instanceId":"a"}\n\n',
  );
});

test('route templates parse into literal and parameter tokens', () => {
  assert.deepEqual(parseRouteTemplate('items/{id:int:min(1)}/{*rest}'), [
    [{ kind: 'literal', text: 'items' }],
    [{ kind: 'param', param: { name: 'id', optional: false, catchAll: false, constraints: ['int', 'min(1)'] } }],
    [{ kind: 'param', param: { name: 'rest', optional: false, catchAll: true, constraints: [] } }],
  ]);
  assert.deepEqual(parseRouteTemplate('/files/{name}.{ext?}')[1], [
    { kind: 'param', param: { name: 'name', optional: false, catchAll: false, constraints: [] } },
    { kind: 'literal', text: '.' },
    { kind: 'param', param: { name: 'ext', optional: true, catchAll: false, constraints: [] } },
  ]);
  assert.deepEqual(parseRouteTemplate('p/{page=1}')[1], [
    { kind: 'param', param: { name: 'page', optional: false, catchAll: false, defaultValue: '1', constraints: [] } },
  ]);
  assert.deepEqual(parseRouteTemplate('r/{code:regex(^\\d{{3}}$)}')[1], [
    { kind: 'param', param: { name: 'code', optional: false, catchAll: false, constraints: ['regex(^\\d{3}$)'] } },
  ]);
  assert.throws(() => parseRouteTemplate('a/{id'), /unclosed/);
  assert.throws(() => parseRouteTemplate('a/{1x}'), /invalid parameter name/);
});

test('route templates convert to find-my-way paths, one per optional length', () => {
  assert.deepEqual(
    toRouteVariants('api', 'orchestrators/{functionName}/{instanceId?}').map((v) => v.path),
    ['/api/orchestrators/:p0/:p1', '/api/orchestrators/:p0'],
  );
  assert.deepEqual(
    toRouteVariants('', 'files/{*path}').map((v) => v.path),
    ['/files/*', '/files'],
  );
  assert.deepEqual(
    toRouteVariants('api', 'time/12:00').map((v) => v.path),
    ['/api/time/12::00'],
  );
  assert.deepEqual(toRouteVariants('api', 'p/{page=1}')[1]?.defaults, { page: '1' });
  assert.throws(() => toRouteVariants('api', 'a/{*rest}/b'), /catch-all/);
});

test('inline route constraints', () => {
  const cases: [string, string, boolean][] = [
    ['42', 'int', true],
    ['-7', 'int', true],
    ['2147483648', 'int', false],
    ['2147483648', 'long', true],
    ['abc', 'int', false],
    ['Abc', 'alpha', true],
    ['ab1', 'alpha', false],
    ['TRUE', 'bool', true],
    ['6f9619ff-8b86-d011-b42d-00cf4fc964ff', 'guid', true],
    ['6f9619ff8b86d011b42d00cf4fc964ff', 'guid', true],
    ['{6f9619ff-8b86-d011-b42d-00cf4fc964ff}', 'guid', true],
    ['not-a-guid', 'guid', false],
    ['1.5e3', 'double', true],
    ['abc', 'minlength(4)', false],
    ['abcd', 'maxlength(4)', true],
    ['abc', 'length(2,3)', true],
    ['5', 'range(1,10)', true],
    ['11', 'max(10)', false],
    ['ABC', 'regex(^[a-c]+$)', true],
    ['anything', 'somethingUnknown', true],
  ];
  for (const [value, constraint, expected] of cases) {
    assert.equal(satisfiesConstraint(value, constraint), expected, `${value} ${constraint}`);
  }
});

function invoker(routes: HttpTriggerRoute[]): HttpTriggerInvoker & { current: HttpTriggerRoute[] } {
  const self = {
    current: routes,
    routes: () => self.current,
    invoke: () => Promise.resolve({ status: 200, headers: {}, cookies: [] }),
  };
  return self;
}

test('user routes: params, optional, constraints, catch-all, methods (404 not 405), case, reload', () => {
  const triggers = invoker([
    { functionName: 'getProduct', route: 'products/{id:int}', methods: ['GET'] },
    { functionName: 'productByName', route: 'products/{name:alpha}', methods: ['GET'] },
    { functionName: 'hello', route: 'hello/{name?}', methods: [] },
    { functionName: 'files', route: 'files/{*path}', methods: ['GET'] },
    { functionName: 'noRoute', route: '', methods: ['POST'] },
  ]);
  const routes = new UserRoutes(triggers, 'api');
  assert.deepEqual(routes.match('GET', '/api/products/42'), { functionName: 'getProduct', params: { id: '42' } });
  assert.deepEqual(routes.match('GET', '/api/products/shoes'), {
    functionName: 'productByName',
    params: { name: 'shoes' },
  });
  assert.equal(routes.match('GET', '/api/products/4x2'), undefined);
  assert.equal(routes.match('POST', '/api/products/42'), undefined, 'wrong method is no match (404)');
  assert.deepEqual(routes.match('DELETE', '/API/Hello/World?x=1'), {
    functionName: 'hello',
    params: { name: 'World' },
  });
  assert.deepEqual(routes.match('GET', '/api/hello/'), { functionName: 'hello', params: {} });
  assert.deepEqual(routes.match('GET', '/api/files/a/b%20c.txt'), {
    functionName: 'files',
    params: { path: 'a/b c.txt' },
  });
  assert.deepEqual(routes.match('GET', '/api/files'), { functionName: 'files', params: {} });
  assert.deepEqual(routes.match('POST', '/api/noRoute'), { functionName: 'noRoute', params: {} });
  assert.equal(routes.match('GET', '/products/42'), undefined, 'prefix required');

  triggers.current = [{ functionName: 'v2', route: 'v2/{id}', methods: ['GET'] }];
  assert.equal(routes.match('GET', '/api/products/42'), undefined, 'rebuilt when routes change');
  assert.deepEqual(routes.match('GET', '/api/v2/7'), { functionName: 'v2', params: { id: '7' } });

  const bare = new UserRoutes(invoker([{ functionName: 'root', route: 'ping', methods: [] }]), '');
  assert.deepEqual(bare.match('GET', '/ping'), { functionName: 'root', params: {} });
});

test('user routes: a malformed template is skipped with a warning, the others still work', () => {
  const warnings: string[] = [];
  const routes = new UserRoutes(
    invoker([
      { functionName: 'broken', route: 'x/{id', methods: [] },
      { functionName: 'fine', route: 'y', methods: [] },
    ]),
    'api',
    (_level, msg) => warnings.push(msg),
  );
  routes.reload();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /broken/);
  assert.deepEqual(routes.match('GET', '/api/y'), { functionName: 'fine', params: {} });
});
